"""Who may manage a review exercise."""

import pytest
from django.db import IntegrityError

from jumelage.matching.models import ReviewExercise
from tests.factories import PoleFactory, UserFactory, oncopole

pytestmark = pytest.mark.django_db


@pytest.fixture
def poles():
    return PoleFactory(), oncopole()


def _staff(pole):
    return UserFactory(role="pole_staff", pole=pole)


def test_staff_of_the_managing_pole_only(poles):
    clara, quebec = poles
    exercise = ReviewExercise.objects.create(title="AAP 2027", pole=clara)
    assert _staff(clara).has_perm("matching.manage_exercise", exercise) is True
    assert _staff(quebec).has_perm("matching.manage_exercise", exercise) is False
    assert UserFactory(role="researcher").has_perm("matching.manage_exercise",
                                                   exercise) is False
    assert UserFactory(role="site_admin").has_perm(
        "matching.manage_exercise", exercise) is True


def test_an_exercise_of_both_poles_is_managed_by_staff_of_either(poles):
    exercise = ReviewExercise.objects.create(title="Symposium 2027")
    assert [_staff(p).has_perm("matching.manage_exercise", exercise) for p in poles] == [
        True, True]
    assert UserFactory(role="student").has_perm("matching.manage_exercise", exercise) is False


def test_minimum_load_above_maximum_is_refused():
    with pytest.raises(IntegrityError):
        ReviewExercise.objects.create(title="x", max_load=2, min_load=3)


def test_new_exercise_defaults():
    exercise = ReviewExercise.objects.create(title="x")
    assert (exercise.reviewers_per_item, exercise.max_load, exercise.min_load,
            exercise.balance, exercise.fair, exercise.coauthorship_years,
            exercise.conflict_rules) == (3, 8, 0, "none", False, 3,
                                         ["same_institution", "institution_hierarchy", "same_team",
                                          "named_on_proposal", "coauthorship", "self_declared"])
