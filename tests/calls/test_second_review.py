"""What the second review of the joint calls found, each fixed and held here: reviews by a
conflicted reviewer stop counting; the audit log keeps no applicant's draft text; the API
bounds its page number; autosave takes text and numbers only; a closing time that happens
twice is refused; a payment's "today" is the paying pole's; a failing mail server loses no
report reminder."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail

from jumelage.calls.models import Instalment, Report, Review, ReviewScore
from jumelage.calls.services import panel
from jumelage.calls.services.followup import record_payment, send_report_reminders
from jumelage.core.models import AuditEntry
from tests.calls.conftest import DURING, signed_in
from tests.calls.test_followup import awarded, funded  # noqa: F401 - fixtures
from tests.calls.test_setup_views import field_errors, post_new_call

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflicted_review(world, submitted):
    """Chloé Bertrand, who declared a conflict on JC27-001, had submitted a review of it."""
    review = Review.objects.create(
        application=submitted.application, reviewer=world.conflicted_person,
        status=Review.Status.SUBMITTED, comments_for_applicants="CONFLICTED COMMENT",
        submitted_at=dt.datetime(2027, 4, 11, tzinfo=dt.UTC))
    for criterion in world.criteria:
        ReviewScore.objects.create(review=review, criterion=criterion, score=1)
    return review


def test_a_conflicted_reviewers_review_counts_nowhere(client, world, submitted,
                                                     conflicted_review):
    row = next(r for r in panel.ranking(call=world.call) if r.reference == "JC27-001")
    assert (row.n_reviews, str(row.mean)) == (1, "4.2500")
    assert [c.text for c in panel.applicant_comments(submitted.application)] == [
        "Solid design; widen the cohort."]
    signed_in(client, world.staff_clara)
    api = client.get(f"/api/v1/applications/{submitted.application.pk}").json()
    assert [r["reviewer"] for r in api["reviews"]] == ["Hugo Lefebvre"]
    page = client.get(f"/en/calls/applications/{submitted.application.pk}/panel/")
    assert "not counted: conflict of interest" in page.content.decode()


def test_a_draft_save_leaves_no_applicant_text_in_the_audit_log(client, world, submitted):
    from jumelage.calls.services import applications

    draft = submitted.other
    with time_machine.travel(DURING, tick=False):
        applications.save_draft(application=draft, version=draft.version,
                                changes={"abstract": "SECRET-DRAFT-ABSTRACT"},
                                actor=world.other_applicant)
    signed_in(client, world.admin)
    page = client.get("/en/audit/").content.decode()
    assert AuditEntry.objects.filter(action="calls.application.save_draft").count() == 1
    assert "SECRET-DRAFT-ABSTRACT" not in page


def test_api_page_number_out_of_range_is_named(client, world, submitted):
    signed_in(client, world.applicant)
    response = client.get("/api/v1/applications?page=100000000000000000000")
    message = ("The parameter “page” has the value “100000000000000000000”; it accepts a number "
               "of at most 100000.")
    assert (response.status_code, response.json()) == (422, {"detail": message, "errors": [
        {"field": "page", "value": "100000000000000000000", "message": message}]})


def test_autosave_refuses_values_that_are_not_text(client, world, submitted):
    draft = submitted.other
    with time_machine.travel(DURING, tick=False):
        signed_in(client, world.other_applicant)
        response = client.post(f"/en/calls/applications/{draft.pk}/autosave/",
                               data={"version": draft.version, "keywords": [1, None]},
                               content_type="application/json")
    assert (response.status_code, response.json()) == (
        400, {"errors": ["The value of “keywords” is not text or a number."]})
    draft.refresh_from_db()
    assert draft.keywords == []


def test_a_time_that_happens_twice_is_refused(client, world):
    response = post_new_call(client, world, closes_at="2027-10-31T02:30")
    assert field_errors(response)["closes_at"] == [
        "2027-10-31 02:30 happens twice in Paris time (the clocks go back that night): give "
        "another time."]


def test_payment_of_the_day_in_paris_just_after_midnight(world, awarded):  # noqa: F811
    instalment = Instalment.objects.filter(award__pole=world.clara).order_by("due_on").first()
    # 00:30 in Paris on 10 September is still 9 September in UTC.
    with time_machine.travel(dt.datetime(2027, 9, 9, 22, 30, tzinfo=dt.UTC)):
        record_payment(instalment=instalment, paid_on=dt.date(2027, 9, 10),
                       actor=world.staff_clara)
    instalment.refresh_from_db()
    assert instalment.paid_on == dt.date(2027, 9, 10)


def test_a_failing_mail_server_loses_no_report_reminder(world, awarded, monkeypatch,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    """SMTP is the boundary mocked: it fails for the first message. The run carries on and
    the second reminder is sent."""
    from django.core.mail.backends.locmem import EmailBackend

    sent = EmailBackend.send_messages
    failures = iter([True])

    def flaky(self, messages):
        if next(failures, False):
            raise smtplib.SMTPServerDisconnected("gone")
        return sent(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    reports = list(Report.objects.filter(application=awarded).order_by("due_on"))
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(due_on=reports[0].due_on)
    with (time_machine.travel(dt.datetime.combine(reports[0].due_on, dt.time(9), dt.UTC)),
          django_capture_on_commit_callbacks(execute=True)):
        assert send_report_reminders() == len(reports)
    # The first mail met the failure (its task records it); the others went out.
    assert len(mail.outbox) == len(reports) - 1
