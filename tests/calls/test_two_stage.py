"""Two-stage calls: letters of intent until `intent_closes_at`, then full proposals by
invitation until `closes_at`, each deadline by server time; staff invite or decline letters of
intent (audited, applicants told by email) on the `calls:intents` page."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jumelage.calls.models import Application, Participant
from jumelage.calls.services import applications as services
from jumelage.core.models import AuditEntry
from tests.calls.conftest import ACTORS, CLOSES, add_pdf, client_as, signed_in

pytestmark = pytest.mark.django_db

INTENT_CLOSES = dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)
BEFORE_INTENTS_CLOSE = dt.datetime(2027, 1, 20, 10, 0, tzinfo=dt.UTC)
BETWEEN = dt.datetime(2027, 2, 10, 10, 0, tzinfo=dt.UTC)
INTENT_TITLE = "Lettre d’intention BLIM"
SECRET_ABSTRACT = "Résumé confidentiel de la lettre d’intention."


@pytest.fixture
def two_stage(world):
    world.call.two_stage = True
    world.call.intent_closes_at = INTENT_CLOSES
    world.call.save()
    return world


def submitted_intent(world, *, by_nadia=False, title=INTENT_TITLE) -> Application:
    """A letter of intent submitted before the intent deadline with both leads confirmed: by
    Élise Garnier with Mathieu Tremblay, or by Nadia Roy with Élise Garnier."""
    creator, partner = (
        (world.other_applicant, world.applicant)
        if by_nadia
        else (world.applicant, world.coapplicant)
    )
    pole, institution = (world.clara, world.lyon1) if by_nadia else (world.quebec, world.udem)
    if by_nadia:  # Nadia writes to Élise's university address, a verified one of her account
        EmailAddress.objects.get_or_create(
            user=world.applicant,
            email="e.garnier@univ-lyon1.example.org",
            defaults={"verified": True, "primary": False},
        )
    with time_machine.travel(BEFORE_INTENTS_CLOSE, tick=False):
        application = services.start_application(call=world.call, actor=creator)
        invited = services.invite_participant(
            application=application,
            name=partner.get_full_name(),
            email="e.garnier@univ-lyon1.example.org" if by_nadia else partner.email,
            pole=pole,
            institution=institution,
            role=Participant.Role.LEAD,
            actor=creator,
        )
        services.respond_to_invitation(participant=invited, accept=True, user=partner)
        application = services.save_draft(
            application=application,
            version=application.version,
            actor=creator,
            changes={"title": title, "abstract": SECRET_ABSTRACT, "duration_months": 24},
        )
        services.submit_application(application=application, actor=creator)
    application.refresh_from_db()
    return application


def invited(world) -> Application:
    application = submitted_intent(world)
    with time_machine.travel(BETWEEN, tick=False):
        services.invite_full_proposals(
            call=world.call, applications=[application], actor=world.staff_clara
        )
    application.refresh_from_db()
    return application


def complete_full_proposal(world, application) -> Application:
    with time_machine.travel(BETWEEN, tick=False):
        application = services.save_draft(
            application=application,
            version=application.version,
            actor=world.applicant,
            changes={"description": "Trois volets complémentaires."},
        )
        for pole, amount, actor in (
            (world.clara, "40000", world.applicant),
            (world.quebec, "60000", world.coapplicant),
        ):
            application = services.set_budget(
                application=application,
                pole=pole,
                version=application.version,
                lines={"personnel": Decimal(amount)},
                actor=actor,
            )
        for kind in ("proposal", "cv"):
            add_pdf(application, actor=world.applicant, kind=kind, name=f"{kind}.pdf")
    application.refresh_from_db()
    return application


# --- Deadlines of each stage, by server time ---------------------------------------------


def test_letter_of_intent_is_due_at_the_intent_deadline(two_stage):
    application = submitted_intent(two_stage)
    assert (application.stage, application.status) == ("intent", "submitted")
    assert services.deadline_of(application) == INTENT_CLOSES


def test_letter_of_intent_submitted_one_minute_late_is_refused(two_stage):
    with time_machine.travel(BEFORE_INTENTS_CLOSE, tick=False):
        application = services.start_application(call=two_stage.call, actor=two_stage.applicant)
    with (
        time_machine.travel(INTENT_CLOSES + dt.timedelta(minutes=1), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        services.submit_application(application=application, actor=two_stage.applicant)
    assert exc.value.messages == [
        "The call closed on 1 February 2027, 12:00 pm (UTC, server time): the application can "
        "no longer be changed or submitted. Your draft is kept."
    ]


def test_start_after_the_intent_deadline_is_refused(two_stage):
    with time_machine.travel(INTENT_CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.start_application(call=two_stage.call, actor=two_stage.applicant)
    assert exc.value.code == "closed"
    assert not Application.objects.exists()


def test_invited_full_proposal_is_due_when_the_call_closes(two_stage):
    application = invited(two_stage)
    assert services.deadline_of(application) == CLOSES


def test_invited_full_proposal_is_edited_after_the_intent_deadline(two_stage):
    application = invited(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        application = services.save_draft(
            application=application,
            version=application.version,
            actor=two_stage.applicant,
            changes={"title": "Proposition complète BLIM"},
        )
    assert application.title == "Proposition complète BLIM"


def test_invited_full_proposal_is_submitted_before_the_call_closes(two_stage):
    application = complete_full_proposal(two_stage, invited(two_stage))
    with time_machine.travel(CLOSES - dt.timedelta(minutes=1), tick=False):
        receipt = services.submit_application(application=application, actor=two_stage.applicant)
    application.refresh_from_db()
    assert (application.stage, application.status, receipt.stage) == ("full", "submitted", "full")
    assert sorted(application.receipts.values_list("stage", flat=True)) == ["full", "intent"]


def test_invited_full_proposal_submitted_at_closing_is_refused(two_stage):
    application = complete_full_proposal(two_stage, invited(two_stage))
    with time_machine.travel(CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.submit_application(application=application, actor=two_stage.applicant)
    assert exc.value.messages == [
        "The call closed on 31 March 2027, 9:59 pm (UTC, server time): the application can "
        "no longer be changed or submitted. Your draft is kept."
    ]
    application.refresh_from_db()
    assert application.status == "draft"


def test_full_proposal_needs_what_a_letter_of_intent_does_not(two_stage):
    application = invited(two_stage)
    assert [(m.step, m.message) for m in services.missing_items(application)] == [
        ("project", "The project description is empty."),
        ("budget", "The CLARA side has no budget."),
        ("budget", "The Oncopole side has no budget."),
        ("documents", "The document “project description” is missing."),
        ("documents", "The document “CVs of the leads” is missing."),
    ]


# --- Invitation and decline --------------------------------------------------------------


def test_invitation_reopens_the_letter_as_a_full_draft(two_stage):
    before = submitted_intent(two_stage)
    application = invited(two_stage)
    assert (
        application.stage,
        application.status,
        application.outcome,
        application.submitted_at,
        application.version,
    ) == ("full", "draft", "invited", None, before.version + 1)


def test_invitation_is_audited(two_stage):
    application = invited(two_stage)
    entry = AuditEntry.objects.get(action="calls.application.invite_full")
    assert (entry.actor, entry.object_id) == (two_stage.staff_clara, str(application.pk))
    assert entry.changes == {
        "stage": ["intent", "full"],
        "status": ["submitted", "draft"],
        "outcome": ["pending", "invited"],
        "submitted_at": ["2027-01-20T10:00:00+00:00", None],
    }


def test_invitation_mails_the_applicants_after_commit(
    two_stage, django_capture_on_commit_callbacks
):
    for user in (two_stage.applicant, two_stage.coapplicant):
        user.language = "en"
        user.save()
    application = submitted_intent(two_stage)
    mail.outbox.clear()
    with (
        time_machine.travel(BETWEEN, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.invite_full_proposals(
            call=two_stage.call,
            applications=[application],
            actor=two_stage.staff_quebec,
            site_url="https://jumelage.example.org",
        )
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mathieu.tremblay@example.org",
        "élise.garnier@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == (
        f"[Jumelage] Your letter of intent {application.reference}: you are invited to submit "
        "a full proposal"
    )
    assert "31 March 2027, 9:59 pm UTC (server time)" in message.body
    assert f"https://jumelage.example.org/en/calls/applications/{application.pk}/" in message.body


def test_decline_keeps_the_letter_submitted_and_not_funded(two_stage):
    application = submitted_intent(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        services.decline_intents(
            call=two_stage.call, applications=[application], actor=two_stage.staff_quebec
        )
    application.refresh_from_db()
    assert (application.stage, application.status, application.outcome) == (
        "intent",
        "submitted",
        "not_funded",
    )
    assert AuditEntry.objects.get(action="calls.application.decline_intent").changes == {
        "outcome": ["pending", "not_funded"]
    }


def test_decline_mails_each_applicant_in_their_language(
    two_stage, django_capture_on_commit_callbacks
):
    two_stage.applicant.language = "en"
    two_stage.applicant.save()
    two_stage.coapplicant.language = "fr"
    two_stage.coapplicant.save()
    application = submitted_intent(two_stage)
    mail.outbox.clear()
    with (
        time_machine.travel(BETWEEN, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.decline_intents(
            call=two_stage.call,
            applications=[application],
            actor=two_stage.staff_quebec,
            site_url="https://jumelage.example.org",
        )
    links = {
        m.to[0]: [line for line in m.body.splitlines() if "https://" in line] for m in mail.outbox
    }
    path = f"calls/applications/{application.pk}/"
    assert links == {
        "élise.garnier@example.org": [f"Your application: https://jumelage.example.org/en/{path}"],
        "mathieu.tremblay@example.org": [
            f"Votre candidature\xa0: https://jumelage.example.org/fr/{path}"
        ],
    }


def test_invitation_by_someone_without_the_call_is_refused(two_stage):
    application = submitted_intent(two_stage)
    with time_machine.travel(BETWEEN, tick=False), pytest.raises(PermissionDenied):
        services.invite_full_proposals(
            call=two_stage.call, applications=[application], actor=two_stage.applicant
        )
    application.refresh_from_db()
    assert (application.stage, application.outcome) == ("intent", "pending")


def test_invitation_of_a_draft_letter_is_refused(two_stage):
    with time_machine.travel(BEFORE_INTENTS_CLOSE, tick=False):
        draft = services.start_application(call=two_stage.call, actor=two_stage.other_applicant)
    with time_machine.travel(BETWEEN, tick=False), pytest.raises(ValidationError) as exc:
        services.invite_full_proposals(
            call=two_stage.call, applications=[draft], actor=two_stage.staff_clara
        )
    assert exc.value.messages == [
        f"{draft.reference}: only submitted letters of intent of this call still waiting for "
        "an answer can be invited or declined."
    ]


def test_second_answer_to_a_letter_is_refused(two_stage):
    application = invited(two_stage)
    with time_machine.travel(BETWEEN, tick=False), pytest.raises(ValidationError) as exc:
        services.decline_intents(
            call=two_stage.call, applications=[application], actor=two_stage.staff_clara
        )
    assert exc.value.code == "not_intent"
    application.refresh_from_db()
    assert application.outcome == "invited"


def test_invitation_after_the_call_closed_is_refused(two_stage):
    application = submitted_intent(two_stage)
    with time_machine.travel(CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.invite_full_proposals(
            call=two_stage.call, applications=[application], actor=two_stage.staff_clara
        )
    assert exc.value.code == "closed"


def test_letters_of_a_single_stage_call_are_refused(world, submitted):
    with pytest.raises(ValidationError) as exc:
        services.invite_full_proposals(
            call=world.call, applications=[submitted.application], actor=world.staff_clara
        )
    assert exc.value.messages == [
        "CLARA–Oncopole joint call 2027 is not a two-stage call: it takes no letters of intent."
    ]


def test_invited_applicants_may_still_withdraw(two_stage):
    application = invited(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        services.withdraw_application(application=application, actor=two_stage.applicant)
    application.refresh_from_db()
    assert application.status == "withdrawn"


# --- The staff page ----------------------------------------------------------------------


def url(name, *args):
    return reverse(name, args=args)


@pytest.mark.parametrize("name", ACTORS)
def test_intents_page_only_for_staff_of_the_call(client, two_stage, name):
    application = submitted_intent(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        response = client_as(client, two_stage, name).get(url("calls:intents", two_stage.call.pk))
    content = response.content.decode()
    if name in ("staff_clara", "staff_quebec", "admin"):
        assert response.status_code == 200
        assert application.reference in content
        assert INTENT_TITLE in content
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert INTENT_TITLE not in content
        assert application.reference not in content
    if name == "anonymous":
        assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("name", ACTORS)
def test_intents_answer_only_by_staff_of_the_call(client, two_stage, name):
    application = submitted_intent(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        response = client_as(client, two_stage, name).post(
            url("calls:intents", two_stage.call.pk),
            {"applications": [application.pk], "answer": "invite"},
        )
    application.refresh_from_db()
    if name in ("staff_clara", "staff_quebec", "admin"):
        assert response.status_code == 302
        assert application.outcome == "invited"
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert application.outcome == "pending"
        assert INTENT_TITLE not in response.content.decode()


def test_intents_page_lists_only_submitted_letters(client, two_stage):
    application = submitted_intent(two_stage)
    with time_machine.travel(BEFORE_INTENTS_CLOSE, tick=False):
        services.start_application(call=two_stage.call, actor=two_stage.other_applicant)
    with time_machine.travel(BETWEEN, tick=False):
        response = signed_in(client, two_stage.staff_clara).get(
            url("calls:intents", two_stage.call.pk)
        )
    assert [a.reference for a in response.context["pending"]] == [application.reference]
    assert "1 letter of intent waiting for an answer" in response.content.decode()


def test_intents_page_declines_the_chosen_letters(client, two_stage):
    first = submitted_intent(two_stage)
    second = submitted_intent(two_stage, by_nadia=True, title="Deuxième lettre")
    with time_machine.travel(BETWEEN, tick=False):
        response = signed_in(client, two_stage.staff_quebec).post(
            url("calls:intents", two_stage.call.pk),
            {"applications": [second.pk], "answer": "decline"},
            follow=True,
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.outcome, second.outcome) == ("pending", "not_funded")
    assert (
        f"{second.reference} is declined; the applicants are told by email."
        in response.content.decode()
    )


def test_intents_page_without_a_choice_keeps_the_answer(client, two_stage):
    submitted_intent(two_stage)
    with time_machine.travel(BETWEEN, tick=False):
        response = signed_in(client, two_stage.staff_clara).post(
            url("calls:intents", two_stage.call.pk), {"answer": "decline"}
        )
    content = response.content.decode()
    assert response.status_code == 400
    assert "Choose at least one letter of intent." in content
    assert response.context["form"]["answer"].value() == "decline"
    assert 'value="decline"' in content


def test_intents_page_query_count_is_bounded(client, two_stage, django_assert_max_num_queries):
    for number in range(3):
        submitted_intent(two_stage, title=f"Lettre {number}")
    with time_machine.travel(BETWEEN, tick=False):
        signed_in(client, two_stage.staff_clara)
        with django_assert_max_num_queries(12):
            response = client.get(url("calls:intents", two_stage.call.pk))
    assert response.status_code == 200
    assert len(response.context["pending"]) == 3


# --- Letters of intent beside the full proposals: eligibility, review, release -----------


def test_eligibility_and_review_take_full_proposals_and_leave_letters_of_intent(two_stage):
    from jumelage.calls.services import eligibility, review

    full = invited(two_stage)
    full = complete_full_proposal(two_stage, full)
    waiting = submitted_intent(two_stage, by_nadia=True, title="Lettre de Nadia Roy")
    with time_machine.travel(BETWEEN, tick=False):
        services.submit_application(application=full, actor=two_stage.applicant)
    with time_machine.travel(CLOSES + dt.timedelta(days=1), tick=False):
        counts = eligibility.run_eligibility(call=two_stage.call, actor=two_stage.staff_clara)
        items = review.sync_items(call=two_stage.call, actor=two_stage.staff_clara)
    full.refresh_from_db()
    waiting.refresh_from_db()
    assert counts == {"eligible": 1, "ineligible": 0}
    assert (full.stage, full.eligibility) == ("full", "eligible")
    assert (waiting.stage, waiting.eligibility, waiting.eligibility_checks.count()) == (
        "intent",
        "pending",
        0,
    )
    assert items == 1
    assert list(review.exercise_of(two_stage.call).items.values_list("reference", flat=True)) == [
        full.reference
    ]


def test_an_invitation_clears_the_eligibility_of_the_letter_of_intent(two_stage):
    application = submitted_intent(two_stage)
    Application.objects.filter(pk=application.pk).update(
        eligibility="ineligible",
        eligibility_overridden=True,
        eligibility_justification="Lettre incomplète.",
        eligibility_notified_at=BETWEEN,
    )
    with time_machine.travel(BETWEEN, tick=False):
        services.invite_full_proposals(
            call=two_stage.call, applications=[application], actor=two_stage.staff_clara
        )
    application.refresh_from_db()
    assert (
        application.eligibility,
        application.eligibility_overridden,
        application.eligibility_justification,
        application.eligibility_notified_at,
    ) == ("pending", False, "", None)


def test_release_waits_for_both_decisions_on_an_invited_full_proposal(two_stage):
    from jumelage.calls.services import panel

    full = complete_full_proposal(two_stage, invited(two_stage))
    with time_machine.travel(BETWEEN, tick=False):
        services.submit_application(application=full, actor=two_stage.applicant)
    Application.objects.filter(pk=full.pk).update(eligibility="eligible")
    with pytest.raises(ValidationError) as refused:
        panel.release_decisions(call=two_stage.call, actor=two_stage.staff_clara)
    assert refused.value.messages == [
        f"Some applications still lack the decision of a funding pole: {full.reference}. "
        "Release once both poles have decided on every application."
    ]
