"""The demo review exercise: filled in by seed_demo, balanced, without conflicts, idempotent."""

from io import StringIO

import pytest

from jumelage.directory.demo import seed_demo
from jumelage.matching.demo import PROJECTS, TITLE, seed_review_exercise
from jumelage.matching.models import Assignment, ReviewExercise
from jumelage.matching.selectors import exercise_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_observatory(settings, tmp_path):
    settings.JUMELAGE_OBSERVATORY_DB = str(tmp_path / "absent.duckdb")


def test_demo_exercise_is_assigned_without_conflicts_and_balanced():
    seed_demo()
    out = StringIO()
    report = seed_review_exercise(stdout=out)
    assert (report.created, report.items, report.reviewers, report.assigned) == (
        True, len(PROJECTS), 16, 30)
    assert out.getvalue() == "Demo review exercise: 10 projects, 16 reviewers, 30 assignments."
    exercise = ReviewExercise.objects.get(title=TITLE)
    data = exercise_data(exercise)
    pairs = list(Assignment.objects.filter(item__exercise=exercise).values_list(
        "item_id", "reviewer_id"))
    assert [data.reasons(a.item, a.reviewer) for a in Assignment.objects.filter(
        item__exercise=exercise).select_related("item", "reviewer")] == [[]] * 30
    sides = {}
    for item_id, reviewer_id in pairs:
        sides.setdefault(item_id, set()).add(data.groups[str(reviewer_id)])
    assert sorted(map(sorted, sides.values())) == [["clara", "oncopole"]] * 10
    # every project names one lead per pole, none of whom reviews it
    from jumelage.matching.selectors import people_with_context, side_of
    for item in data.items:
        leads = list(people_with_context(p.pk for p in item.people.all()))
        assert sorted(side_of(p) for p in leads) == ["clara", "oncopole"]
        assert not {p.pk for p in leads} & {r for i, r in pairs if i == item.pk}


def test_demo_exercise_twice_adds_nothing():
    seed_demo()
    seed_review_exercise()
    before = (ReviewExercise.objects.count(), Assignment.objects.count())
    again = seed_review_exercise()
    assert (again.created, again.items, again.assigned) == (False, 10, 30)
    assert (ReviewExercise.objects.count(), Assignment.objects.count()) == before
