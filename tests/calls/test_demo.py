"""The demo joint calls: one in each state, made of fictional projects and people at the real
member institutions, loaded once."""

import datetime as dt
from decimal import Decimal

import pytest

from jumelage.calls.demo import DECIDED, IN_REVIEW, OPEN, PREPARING, seed_calls
from jumelage.calls.models import Application, Call, Review
from jumelage.directory.demo import seed_demo
from jumelage.matching.demo import TITLE
from jumelage.matching.models import Assignment, ReviewExercise

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 29)


def test_demo_calls_cover_every_state_and_load_once():
    seed_demo()
    first = seed_calls(today=TODAY)
    assert first.created == [PREPARING, OPEN, IN_REVIEW, DECIDED]
    assert dict(Call.objects.values_list("title_fr", "status")) == {
        PREPARING: "draft", OPEN: "published", IN_REVIEW: "review", DECIDED: "follow_up"}
    assert seed_calls(today=TODAY).created == []
    assert Call.objects.count() == 4


def test_demo_open_call_is_open_on_the_day_it_is_loaded():
    seed_demo()
    seed_calls(today=TODAY)
    call = Call.objects.get(title_fr=OPEN)
    noon = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)
    assert call.opens_at < noon < call.closes_at
    assert (call.closes_at.hour, call.closes_at.minute) == (22, 59)


def test_demo_call_in_review_owns_the_demo_review_exercise():
    seed_demo()
    seed_calls(today=TODAY)
    call = Call.objects.get(title_fr=IN_REVIEW)
    exercise = ReviewExercise.objects.get(title=TITLE)
    assert exercise.owner == call
    applications = Application.objects.filter(call=call).order_by("reference")
    assert [a.reference for a in applications][:3] == ["JC26-001", "JC26-002", "JC26-003"]
    assert applications.count() == 10
    assert sorted({item.source.call_id for item in exercise.items.all()}) == [call.pk]
    for app in applications:
        assert sorted(p.pole.code for p in app.participants.all()) == ["clara", "oncopole"]
    # Reviews come only from reviewers assigned to the application.
    reviews = Review.objects.filter(application__call=call)
    assert reviews.count() == 23  # seeded: two thirds of the 30 assignments, drawn
    for review in reviews:
        assert Assignment.objects.filter(item__exercise=exercise,
                                         item__object_id=review.application_id,
                                         reviewer=review.reviewer_id).exists()


def test_demo_decided_call_has_two_keys_awards_and_reports():
    from jumelage.calls.models import Award, Decision, Report

    seed_demo()
    seed_calls(today=TODAY)
    call = Call.objects.get(title_fr=DECIDED)
    applications = list(Application.objects.filter(call=call).order_by("reference"))
    assert len(applications) == 6
    # Each pole decided on every application; funded means both poles chose to fund it.
    for app in applications:
        outcomes = dict(Decision.objects.filter(application=app).values_list(
            "pole__code", "outcome"))
        assert set(outcomes) == {"clara", "oncopole"}
        assert app.outcome == ("funded" if set(outcomes.values()) == {"fund"} else "not_funded")
    funded = [a for a in applications if a.outcome == "funded"]
    assert len({a.outcome_released_at for a in applications} - {None}) == 1  # one release
    assert [a.reference for a in funded] == ["JC24-001", "JC24-006"]
    # Within both envelopes at once.
    for code, envelope in (("clara", 120000), ("oncopole", 180000)):
        awarded = sum(a.amount for a in Award.objects.filter(application__call=call,
                                                             pole__code=code))
        assert awarded == {"clara": Decimal("81300.00"), "oncopole": Decimal("121500.00")}[code]
        assert awarded <= envelope
    assert sorted(Award.objects.filter(application__call=call).values_list(
        "pole__code", "currency")) == sorted([("clara", "EUR"), ("oncopole", "CAD")] * len(funded))
    assert set(Report.objects.filter(application__call=call).values_list(
        "kind", "status")) == {("annual", "submitted"), ("final", "due")}


def test_demo_researcher_holds_a_draft_in_the_open_call():
    from jumelage.calls.models import Participant

    seed_demo()
    seed_calls(today=TODAY)
    app = Application.objects.get(call__title_fr=OPEN)
    assert (app.status, app.created_by.email, app.reference) == (
        "draft", "researcher@demo.jumelage.example", "JC26-D01")
    assert sorted(app.participants.values_list("pole__code", "role", "status")) == [
        ("clara", "lead", Participant.Status.INVITED),
        ("oncopole", "lead", Participant.Status.CONFIRMED)]
    assert app.created_by.has_perm("calls.change_application", app)
