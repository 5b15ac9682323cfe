"""Awards per side, instalments, the report schedule, reports and their reminders
(jumelage.calls.services.followup)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from jumelage.calls.models import Application, Award, Instalment, Report, ReportSpending
from jumelage.calls.services.followup import (
    accept_report,
    add_months,
    create_awards,
    record_payment,
    send_report_reminders,
    submit_report,
)
from jumelage.core.models import AuditEntry

pytestmark = pytest.mark.django_db

START = dt.date(2027, 9, 1)
AFTER_DECISION = dt.datetime(2027, 7, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def funded(world, submitted):
    application = submitted.application
    application.outcome = Application.Outcome.FUNDED
    application.outcome_released_at = AFTER_DECISION
    application.save()
    return application


@pytest.fixture
def awarded(world, funded):
    funded.language = "en"  # the reminders are written in the application's language
    funded.save()
    with time_machine.travel(AFTER_DECISION):
        create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    return funded


def test_awards_one_per_side_with_the_amount_requested_in_the_side_currency(world, funded):
    awards = create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    assert [(a.pole.code, a.amount, a.currency) for a in awards] == [
        ("clara", Decimal("42000.00"), "EUR"),
        ("oncopole", Decimal("58000.00"), "CAD"),
    ]


def test_awards_last_the_project_duration(world, funded):
    awards = create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    assert {(a.starts_on, a.ends_on) for a in awards} == {(START, dt.date(2029, 9, 1))}


def test_two_instalments_split_evenly_a_year_apart(world, funded):
    create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    rows = list(
        Instalment.objects.order_by("award__pole__code", "due_on").values_list(
            "award__pole__code", "due_on", "amount"
        )
    )
    assert rows == [
        ("clara", dt.date(2027, 9, 1), Decimal("21000.00")),
        ("clara", dt.date(2028, 9, 1), Decimal("21000.00")),
        ("oncopole", dt.date(2027, 9, 1), Decimal("29000.00")),
        ("oncopole", dt.date(2028, 9, 1), Decimal("29000.00")),
    ]


def test_instalments_put_the_cents_remainder_on_the_last(world, funded):
    create_awards(application=funded, starts_on=START, actor=world.staff_clara, instalments=3)
    rows = list(
        Instalment.objects.filter(award__pole=world.quebec)
        .order_by("due_on")
        .values_list("due_on", "amount")
    )
    assert rows == [
        (dt.date(2027, 9, 1), Decimal("19333.33")),
        (dt.date(2028, 5, 1), Decimal("19333.33")),
        (dt.date(2029, 1, 1), Decimal("19333.34")),
    ]


def test_report_schedule_of_a_24_month_project(world, funded):
    create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    assert list(
        Report.objects.filter(application=funded)
        .order_by("due_on")
        .values_list("kind", "due_on", "status")
    ) == [
        ("annual", dt.date(2028, 10, 1), "due"),
        ("final", dt.date(2029, 11, 30), "due"),
    ]


def test_report_schedule_of_a_36_month_project(world, funded):
    funded.duration_months = 36
    funded.save()
    create_awards(application=funded, starts_on=dt.date(2028, 1, 31), actor=world.staff_clara)
    assert list(
        Report.objects.filter(application=funded).order_by("due_on").values_list("kind", "due_on")
    ) == [
        ("annual", dt.date(2029, 3, 2)),
        ("annual", dt.date(2030, 3, 2)),
        ("final", dt.date(2031, 5, 1)),
    ]


def test_add_months_keeps_the_last_day_of_a_shorter_month():
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)


def test_awards_are_audited_per_side(world, funded):
    create_awards(application=funded, starts_on=START, actor=world.staff_clara)
    entries = AuditEntry.objects.filter(action="calls.award.create").order_by("pk")
    assert [
        (e.actor, e.changes["amount"], e.changes["currency"], e.changes["instalments"])
        for e in entries
    ] == [
        (world.staff_clara, [None, "42000.00"], [None, "EUR"], [None, ["21000.00", "21000.00"]]),
        (world.staff_clara, [None, "58000.00"], [None, "CAD"], [None, ["29000.00", "29000.00"]]),
    ]


def test_awards_refused_when_the_project_is_not_funded(world, submitted):
    with pytest.raises(ValidationError) as caught:
        create_awards(application=submitted.application, starts_on=START, actor=world.staff_clara)
    assert caught.value.messages == [
        "Awards are made only for funded projects: JC27-001 is “no decision yet”."
    ]
    assert not Award.objects.exists()


def test_awards_refused_in_french_when_the_project_is_not_funded(world, submitted):
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        create_awards(application=submitted.application, starts_on=START, actor=world.staff_clara)
    assert caught.value.messages[0].startswith("Les subventions ne sont accordées qu’aux")


def test_awards_refused_when_they_exist(world, awarded):
    with pytest.raises(ValidationError) as caught:
        create_awards(application=awarded, starts_on=START, actor=world.staff_quebec)
    assert caught.value.messages == ["JC27-001 already has its awards: they are made once."]
    assert Award.objects.count() == 2


@pytest.mark.parametrize("name", ["applicant", "reviewer", "other_applicant"])
def test_awards_refused_to_anyone_but_the_staff(world, funded, name):
    with pytest.raises(PermissionDenied):
        create_awards(application=funded, starts_on=START, actor=getattr(world, name))
    assert not Award.objects.exists()


def test_payment_recorded_by_the_staff_of_the_side(world, awarded):
    instalment = Instalment.objects.filter(award__pole=world.quebec).order_by("due_on").first()
    with time_machine.travel(dt.datetime(2027, 9, 10, 12, 0, tzinfo=dt.UTC)):
        record_payment(instalment=instalment, paid_on=dt.date(2027, 9, 8), actor=world.staff_quebec)
    instalment.refresh_from_db()
    assert instalment.paid_on == dt.date(2027, 9, 8)
    assert AuditEntry.objects.get(action="calls.instalment.pay").changes == {
        "paid_on": [None, "2027-09-08"]
    }


def test_payment_refused_to_the_staff_of_the_other_pole(world, awarded):
    instalment = Instalment.objects.filter(award__pole=world.quebec).first()
    with pytest.raises(PermissionDenied):
        record_payment(instalment=instalment, paid_on=dt.date(2027, 9, 8), actor=world.staff_clara)


def test_payment_refused_in_the_future(world, awarded):
    instalment = Instalment.objects.filter(award__pole=world.clara).first()
    with (
        time_machine.travel(dt.datetime(2027, 9, 10, 12, 0, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as caught,
    ):
        record_payment(instalment=instalment, paid_on=dt.date(2027, 9, 30), actor=world.staff_clara)
    assert caught.value.message_dict == {
        "paid_on": ["2027-09-30 is in the future: give the date the payment was made."]
    }


def _report(application, kind="annual"):
    return Report.objects.get(application=application, kind=kind)


def _submit(world, report, **changes):
    values = {
        "narrative": "Year one: cohort recruited.",
        "spending": {
            (world.clara.pk, "personnel"): Decimal("15000"),
            (world.quebec.pk, "travel"): Decimal("2500.50"),
        },
        "publications": ["https://doi.org/10.1038/S41586-020-2649-2", "10.1000/xyz123"],
        "students_trained": 2,
        "mobilities": 1,
        "actor": world.coapplicant,
    }
    values.update(changes)
    return submit_report(report=report, **values)


def test_report_submitted_by_an_applicant(world, awarded):
    report = _submit(world, _report(awarded))
    assert (
        report.status,
        report.submitted_by,
        report.publications,
        report.students_trained,
        report.mobilities,
    ) == ("submitted", world.coapplicant, ["10.1038/s41586-020-2649-2", "10.1000/xyz123"], 2, 1)
    assert sorted(ReportSpending.objects.values_list("pole__code", "category", "amount")) == [
        ("clara", "personnel", Decimal("15000.00")),
        ("oncopole", "travel", Decimal("2500.50")),
    ]


def test_report_names_the_bad_dois(world, awarded):
    with pytest.raises(ValidationError) as caught:
        _submit(
            world,
            _report(awarded),
            publications=["10.1038/ok-1", "doi.org/10.1/short", "not a doi"],
        )
    assert caught.value.message_dict == {
        "publications": [
            "These are not DOIs: “doi.org/10.1/short”, “not a doi”. A DOI starts with 10., then a "
            "number, a slash and the rest, such as 10.1038/s41586-020-2649-2 (a https://doi.org/ "
            "link is also accepted)."
        ]
    }
    assert _report(awarded).status == "due"


def test_report_names_one_bad_doi_in_the_singular(world, awarded):
    with pytest.raises(ValidationError) as caught:
        _submit(world, _report(awarded), publications=["10.1038"])
    assert caught.value.message_dict["publications"][0].startswith("This is not a DOI: “10.1038”.")


def test_report_drops_repeated_dois(world, awarded):
    report = _submit(
        world, _report(awarded), publications=["doi:10.1000/ABC", "https://doi.org/10.1000/abc"]
    )
    assert report.publications == ["10.1000/abc"]


@pytest.mark.parametrize("name", ["staff_clara", "admin", "reviewer", "other_applicant"])
def test_report_submitted_only_by_applicants(world, awarded, name):
    with pytest.raises(PermissionDenied):
        _submit(world, _report(awarded), actor=getattr(world, name))


def test_report_accepted_by_staff_then_locked(world, awarded):
    report = _submit(world, _report(awarded))
    accept_report(report=report, actor=world.staff_quebec)
    with pytest.raises(ValidationError) as caught:
        _submit(world, report)
    assert caught.value.messages == ["This report was accepted: it can no longer be changed."]


def test_report_not_submitted_cannot_be_accepted(world, awarded):
    with pytest.raises(ValidationError) as caught:
        accept_report(report=_report(awarded), actor=world.staff_clara)
    assert caught.value.messages == ["Only a submitted report can be accepted; this one is “due”."]


# --- reminders: the annual report of `awarded` is due on 1 October 2028 ---------------------


def _remind(when, django_capture_on_commit_callbacks):
    with time_machine.travel(when), django_capture_on_commit_callbacks(execute=True):
        return send_report_reminders()


def test_no_reminder_more_than_30_days_before(world, awarded, django_capture_on_commit_callbacks):
    assert (
        _remind(dt.datetime(2028, 8, 31, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 0
    )
    assert mail.outbox == []


def test_reminder_sent_to_the_applicants_30_days_before(
    world, awarded, django_capture_on_commit_callbacks, settings
):
    settings.JUMELAGE_SITE_URL = "https://jumelage.example.org/"
    assert (
        _remind(dt.datetime(2028, 9, 1, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 1
    )
    assert [sorted(m.to) for m in mail.outbox] == [
        ["mathieu.tremblay@example.org", "élise.garnier@example.org"]
    ]
    assert mail.outbox[0].subject == "JC27-001: your annual report is due soon"
    assert (
        f"https://jumelage.example.org/en/calls/reports/{_report(awarded).pk}/"
        in mail.outbox[0].body
    )


def test_reminder_not_repeated_within_14_days(world, awarded, django_capture_on_commit_callbacks):
    _remind(dt.datetime(2028, 9, 1, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert (
        _remind(dt.datetime(2028, 9, 15, 11, 59, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 0
    )
    assert len(mail.outbox) == 1


def test_reminder_repeated_after_14_days(world, awarded, django_capture_on_commit_callbacks):
    _remind(dt.datetime(2028, 9, 1, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert (
        _remind(dt.datetime(2028, 9, 15, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 1
    )
    assert len(mail.outbox) == 2


def test_reminder_of_an_overdue_report(world, awarded, django_capture_on_commit_callbacks):
    assert (
        _remind(dt.datetime(2028, 11, 20, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 1
    )
    assert mail.outbox[0].subject == "JC27-001: your annual report is overdue"


def test_reminder_in_the_language_of_the_application(
    world, awarded, django_capture_on_commit_callbacks
):
    awarded.language = "fr"
    awarded.save()
    _remind(dt.datetime(2028, 9, 1, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
    assert mail.outbox[0].subject == "JC27-001\u00a0: votre rapport annuel est attendu bientôt"


def test_no_reminder_once_submitted(world, awarded, django_capture_on_commit_callbacks):
    _submit(world, _report(awarded))
    assert (
        _remind(dt.datetime(2028, 9, 20, 12, 0, tzinfo=dt.UTC), django_capture_on_commit_callbacks)
        == 0
    )


def test_reminders_run_as_a_scheduled_job(world, awarded, django_capture_on_commit_callbacks):
    from jumelage.calls import scheduled_followup  # noqa: F401 (registers the job)
    from jumelage.core.scheduled import run_jobs

    with (
        time_machine.travel(dt.datetime(2028, 9, 2, 12, 0, tzinfo=dt.UTC)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outcomes = run_jobs(only=["calls_report_reminders"])
    assert [(o.ok, o.summary) for o in outcomes] == [(True, "1 report reminders sent")]
    assert len(mail.outbox) == 1
