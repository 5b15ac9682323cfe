"""Review of a call's applications: the call's review exercise and its items, automatic
assignment without conflicted reviewers, declared conflicts, reviews on the call's scale and
reminders at most once a week."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from jumelage.calls.models import Application, BudgetLine, Review
from jumelage.calls.services import review as services
from jumelage.core.models import AuditEntry
from jumelage.core.scheduled import JOBS
from jumelage.matching.models import (
    ALL_CONFLICT_RULES,
    Assignment,
    DeclaredConflict,
    PoolMember,
    ReviewExercise,
)
from jumelage.matching.services import run_assignment
from tests.calls.conftest import add_confirmed_leads, person_with_account
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

AFTER_CLOSING = dt.datetime(2027, 4, 12, 9, 0, tzinfo=dt.UTC)


def new_application(world, reference="JC27-010", eligibility="eligible"):
    """A submitted application with Élise Garnier (Lyon 1) and Mathieu Tremblay (UdeM) as
    confirmed leads."""
    app = Application.objects.create(
        call=world.call,
        reference=reference,
        title="Biopsies liquides en immunothérapie",
        abstract="Biopsie liquide pour suivre l’immunothérapie.",
        duration_months=24,
        keywords=["biopsie liquide", "immunothérapie"],
        created_by=world.applicant,
        status=Application.Status.SUBMITTED,
        eligibility=eligibility,
    )
    app.themes.add(world.genomics)
    add_confirmed_leads(world, app)
    BudgetLine.objects.create(
        application=app, pole=world.clara, category="personnel", amount=Decimal("30000")
    )
    return app


def test_the_call_gets_one_exercise_with_its_rules(world):
    first = services.ensure_exercise(call=world.call)
    again = services.ensure_exercise(call=world.call)
    assert first.pk == again.pk
    assert ReviewExercise.objects.count() == 1
    assert (
        first.kind,
        first.owner,
        first.pole,
        first.reviewers_per_item,
        first.max_load,
        first.balance,
        first.conflict_rules,
        first.coauthorship_years,
    ) == ("call", world.call, None, 2, 4, "each_pole", ALL_CONFLICT_RULES, 3)


def test_sync_brings_eligible_applications_with_their_consortium(world):
    app = new_application(world)
    new_application(world, reference="JC27-011", eligibility="ineligible")
    assert services.sync_items(call=world.call, actor=world.staff_clara) == 1
    [item] = services.ensure_exercise(call=world.call).items.all()
    assert (item.reference, item.title, item.text, item.keywords, item.source) == (
        "JC27-010",
        app.title,
        app.abstract,
        ["biopsie liquide", "immunothérapie"],
        app,
    )
    assert sorted(p.full_name for p in item.people.all()) == ["Mathieu Tremblay", "Élise Garnier"]
    assert {t.pk for t in item.teams.all()} == {world.lyon_team.pk, world.mtl_team.pk}
    assert {i.pk for i in item.institutions.all()} == {world.lyon1.pk, world.udem.pk}
    assert list(item.themes.all()) == [world.genomics]
    assert AuditEntry.objects.get(action="calls.review.sync_items").changes == {
        "items": [None, ["JC27-010"]]
    }


def test_sync_removes_an_application_no_longer_eligible_with_its_assignments(world):
    app = new_application(world)
    services.sync_items(call=world.call, actor=world.staff_clara)
    exercise = services.ensure_exercise(call=world.call)
    Assignment.objects.create(
        item=exercise.items.get(), reviewer=world.reviewer_person, origin="manual"
    )
    Application.objects.filter(pk=app.pk).update(eligibility="ineligible")
    assert services.sync_items(call=world.call, actor=world.staff_quebec) == 0
    assert (exercise.items.count(), Assignment.objects.count()) == (0, 0)
    assert AuditEntry.objects.filter(action="calls.review.sync_items").latest("pk").changes == {
        "items": [["JC27-010"], None]
    }


def test_only_staff_sync_the_exercise(world):
    with pytest.raises(PermissionDenied):
        services.sync_items(call=world.call, actor=world.reviewer)


def test_automatic_assignment_leaves_out_the_reviewer_in_the_applicants_hierarchy(world):
    """Chloé Bertrand (Hospices Civils de Lyon, under Lyon 1 where the applicant works) knows
    the subject best, but the engine's hierarchy rule keeps her out: the CLARA place goes to
    a reviewer at the Centre Léon Bérard, the Oncopole place to one at McGill."""
    new_application(world)
    services.sync_items(call=world.call, actor=world.staff_clara)
    exercise = services.ensure_exercise(call=world.call)
    clb = InstitutionFactory(
        name_fr="Centre Léon Bérard",
        name_en="Centre Léon Bérard",
        pole=world.clara,
        type="cancer_centre",
    )
    _u, clara_reviewer = person_with_account(given="Louis", family="Martin", institution=clb)
    _u, quebec_reviewer = person_with_account(
        given="Sophie", family="Gagnon", institution=world.mcgill
    )
    world.conflicted_person.keywords = ["biopsie liquide", "immunothérapie"]
    world.conflicted_person.save()
    clara_reviewer.keywords = ["radiothérapie"]
    clara_reviewer.save()
    quebec_reviewer.keywords = ["immunothérapie"]
    quebec_reviewer.save()
    for person in (world.conflicted_person, clara_reviewer, quebec_reviewer):
        PoolMember.objects.create(exercise=exercise, person=person)
    run_assignment(exercise=exercise, actor=world.staff_clara)
    assert sorted(Assignment.objects.values_list("item__reference", "reviewer__family_name")) == [
        ("JC27-010", "Gagnon"),
        ("JC27-010", "Martin"),
    ]


def test_a_declared_conflict_removes_the_assignment_and_the_draft(world, submitted):
    Assignment.objects.create(item=submitted.item, reviewer=world.other_person, origin="manual")
    Review.objects.create(
        application=submitted.application,
        reviewer=world.other_person,
        comments_for_applicants="Début de relecture.",
    )
    services.declare_conflict(
        application=submitted.application,
        reviewer_person=world.other_person,
        reason="J’ai copublié avec Mathieu Tremblay en 2025.",
        actor=world.other_applicant,
    )
    assert not Assignment.objects.filter(reviewer=world.other_person).exists()
    assert not Review.objects.filter(reviewer=world.other_person).exists()
    assert DeclaredConflict.objects.get(person=world.other_person).reason == (
        "J’ai copublié avec Mathieu Tremblay en 2025."
    )
    assert AuditEntry.objects.get(action="calls.review.declare_conflict").changes == {
        "conflict": [None, "Nadia Roy"],
        "reason": [None, "J’ai copublié avec Mathieu Tremblay en 2025."],
        "assignment": ["Nadia Roy", None],
        "draft_review": [True, None],
    }


def test_after_declaring_a_conflict_the_reviewer_sees_nothing(world, submitted):
    Assignment.objects.create(item=submitted.item, reviewer=world.other_person, origin="manual")
    services.declare_conflict(
        application=submitted.application,
        reviewer_person=world.other_person,
        reason="Collègue.",
        actor=world.other_applicant,
    )
    user = world.other_applicant
    assert (
        user.has_perm("calls.view_application", submitted.application),
        user.has_perm("calls.review_application", submitted.application),
    ) == (False, False)


def test_a_conflict_needs_a_reason(world, submitted):
    with pytest.raises(ValidationError) as refused:
        services.declare_conflict(
            application=submitted.application,
            reviewer_person=world.reviewer_person,
            reason="",
            actor=world.reviewer,
        )
    assert refused.value.message_dict == {
        "reason": [
            "Say briefly why you have a conflict of interest with this application (for example: "
            "“I co-supervise a student with the lead”)."
        ]
    }
    assert Assignment.objects.filter(reviewer=world.reviewer_person).exists()


def test_nobody_declares_a_conflict_for_someone_else(world, submitted):
    with pytest.raises(PermissionDenied):
        services.declare_conflict(
            application=submitted.application,
            reviewer_person=world.reviewer_person,
            reason="Pour lui.",
            actor=world.applicant,
        )


@pytest.fixture
def nadia(world, submitted):
    """Nadia Roy (McGill) assigned to JC27-001 as a second reviewer, nothing written yet."""
    Assignment.objects.create(item=submitted.item, reviewer=world.other_person, origin="manual")
    return world.other_person


def scores(world, *values):
    return {c.pk: v for c, v in zip(world.criteria, values, strict=True)}


def test_a_draft_may_be_partial(world, submitted, nadia):
    review = services.save_review(
        application=submitted.application,
        reviewer_person=nadia,
        scores=scores(world, 4, None, None),
        comments_for_applicants="Bon projet.",
        confidential_comments="",
        submit=False,
        actor=world.other_applicant,
    )
    assert (review.status, review.submitted_at) == ("draft", None)
    assert list(review.scores.values_list("score", flat=True)) == [4]


def test_submitting_needs_every_criterion(world, submitted, nadia):
    with pytest.raises(ValidationError) as refused:
        services.save_review(
            application=submitted.application,
            reviewer_person=nadia,
            scores=scores(world, 4, None, 3),
            comments_for_applicants="Bon projet.",
            confidential_comments="",
            submit=True,
            actor=world.other_applicant,
        )
    assert refused.value.message_dict == {
        f"score_{world.criteria[1].pk}": [
            "Give a score from 1 to 5 for “Feasibility” to submit the review."
        ]
    }
    assert not Review.objects.filter(reviewer=nadia).exists()


def test_a_score_off_the_scale_is_refused(world, submitted, nadia):
    with pytest.raises(ValidationError) as refused:
        services.save_review(
            application=submitted.application,
            reviewer_person=nadia,
            scores=scores(world, 7, 3, 3),
            comments_for_applicants="",
            confidential_comments="",
            submit=False,
            actor=world.other_applicant,
        )
    assert refused.value.message_dict == {
        f"score_{world.criteria[0].pk}": [
            "The score for “Scientific excellence” is 7, outside the scale: give a score from 1 "
            "to 5."
        ]
    }


def test_a_submitted_review_is_audited(world, submitted, nadia):
    with time_machine.travel(AFTER_CLOSING, tick=False):
        review = services.save_review(
            application=submitted.application,
            reviewer_person=nadia,
            scores=scores(world, 4, 3, 5),
            comments_for_applicants="Bon projet.",
            confidential_comments="Budget optimiste.",
            submit=True,
            actor=world.other_applicant,
        )
    assert (review.status, review.submitted_at) == ("submitted", AFTER_CLOSING)
    entry = AuditEntry.objects.get(action="calls.review.submit")
    assert entry.changes["scores"] == [
        None,
        {str(world.criteria[0].pk): 4, str(world.criteria[1].pk): 3, str(world.criteria[2].pk): 5},
    ]
    assert entry.changes["status"] == [None, "submitted"]


def test_a_submitted_review_can_no_longer_change(world, submitted):
    with pytest.raises(ValidationError) as refused:
        services.save_review(
            application=submitted.application,
            reviewer_person=world.reviewer_person,
            scores=scores(world, 1, 1, 1),
            comments_for_applicants="Changed my mind.",
            confidential_comments="",
            submit=False,
            actor=world.reviewer,
        )
    assert refused.value.messages == ["Your review was submitted: it can no longer be changed."]
    assert submitted.review.scores.get(criterion=world.criteria[0]).score == 5


def test_a_conflicted_reviewer_cannot_review(world, submitted):
    with pytest.raises(PermissionDenied):
        services.save_review(
            application=submitted.application,
            reviewer_person=world.conflicted_person,
            scores={},
            comments_for_applicants="",
            confidential_comments="",
            submit=False,
            actor=world.conflicted,
        )


def test_nobody_writes_a_review_in_someone_elses_name(world, submitted, nadia):
    with pytest.raises(PermissionDenied):
        services.save_review(
            application=submitted.application,
            reviewer_person=nadia,
            scores={},
            comments_for_applicants="",
            confidential_comments="",
            submit=False,
            actor=world.reviewer,
        )


def test_reminders_go_to_reviewers_with_reviews_to_do_once_a_week(
    world, submitted, nadia, django_capture_on_commit_callbacks
):
    world.other_applicant.language = "en"
    world.other_applicant.save()
    sent = []
    for day in (0, 3, 7):
        with (
            time_machine.travel(AFTER_CLOSING + dt.timedelta(days=day), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            sent.append(services.send_review_reminders())
    assert sent == [1, 0, 1]
    assert [m.to for m in mail.outbox] == [["nadia.roy@example.org"]] * 2
    assert "JC27-001 “Biopsies liquides et immunothérapie”" in mail.outbox[0].body
    assert Review.objects.get(reviewer=nadia).reminded_at == AFTER_CLOSING + dt.timedelta(7)


def test_reminders_skip_submitted_and_conflicted_reviewers(
    world, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_review_reminders() == 0
    assert mail.outbox == []


def test_the_reminder_job_is_registered(world, submitted, nadia):
    assert JOBS["calls_review_reminders"]() == "1 reviewers reminded of their reviews"
