"""Writes of the follow-up of funded projects: an award per side in that side's currency, paid
in instalments; annual and final reports; reminders when a report is due.

A project's sides are the poles of its leads. Each pole funds its own side: the amount awarded
is what that side asked for (the total of its budget lines), in the pole's currency.
"""

import calendar
import datetime as dt
import re
import zoneinfo
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jumelage.accounts.rules import is_site_admin
from jumelage.calls.models import (
    Application,
    Award,
    BudgetCategory,
    Instalment,
    Participant,
    Report,
    ReportSpending,
)
from jumelage.calls.rules import is_applicant
from jumelage.calls.services import notify
from jumelage.calls.services.applications.budget import side_totals
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit
from jumelage.core.tasks import send_email
from jumelage.observatory.engine.schema import normalize_doi

CENT = Decimal("0.01")
ANNUAL_REPORT_DELAY = dt.timedelta(days=30)  # after each anniversary of the start
FINAL_REPORT_DELAY = dt.timedelta(days=90)  # after the end
REMINDER_WINDOW = dt.timedelta(days=30)  # remind when a report is due within this
REMINDER_INTERVAL = dt.timedelta(days=14)  # at most one reminder per report in this

AWARD_FIELDS = ("application", "pole", "amount", "currency", "starts_on", "ends_on")
REPORT_FIELDS = (
    "status",
    "narrative",
    "publications",
    "students_trained",
    "mobilities",
    "submitted_at",
    "submitted_by",
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the month's last day when it is shorter (31 Jan + 1 month
    is 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sides(application: Application) -> list:
    """The poles of the application's leads, in the order of their codes."""
    leads = (
        Participant.objects.filter(
            application=application, role=Participant.Role.LEAD, pole__isnull=False
        )
        .select_related("pole")
        .order_by("pole__code")
    )
    return [lead.pole for lead in leads]


def split_instalments(amount: Decimal, count: int) -> list[Decimal]:
    """`count` equal instalments rounded down to the cent; the last one takes the rest."""
    share = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [share] * (count - 1) + [amount - share * (count - 1)]


def report_schedule(*, starts_on: dt.date, months: int) -> list[tuple[str, dt.date]]:
    """(kind, due date) of a project's reports: an annual report 30 days after each
    anniversary of the start that falls before the end (a project of 24 months has one, at
    12 months: its second year is covered by the final report), and a final report 90 days
    after the end."""
    ends_on = add_months(starts_on, months)
    schedule = []
    for year in range(1, months // 12 + 1):
        anniversary = add_months(starts_on, 12 * year)
        if anniversary < ends_on:
            schedule.append((Report.Kind.ANNUAL, anniversary + ANNUAL_REPORT_DELAY))
    schedule.append((Report.Kind.FINAL, ends_on + FINAL_REPORT_DELAY))
    return schedule


@transaction.atomic
def create_awards(
    *, application: Application, starts_on: dt.date, actor, instalments: int = 2
) -> list[Award]:
    """One award per side of a funded project, its instalments and its reports (audited)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    require_manager(actor, application.call)
    if application.outcome != Application.Outcome.FUNDED:
        raise ValidationError(
            _("Awards are made only for funded projects: %(reference)s is “%(outcome)s”.")
            % {"reference": application.reference, "outcome": application.get_outcome_display()}
        )
    if application.awards.exists():
        raise ValidationError(
            _("%(reference)s already has its awards: they are made once.")
            % {"reference": application.reference}
        )
    months = application.duration_months
    if not months:
        raise ValidationError(
            _("%(reference)s gives no duration: the awards cannot be scheduled.")
            % {"reference": application.reference}
        )
    if instalments < 1 or instalments > months:
        raise ValidationError(
            {
                "instalments": _(
                    "%(count)s instalments is not possible: give between 1 and %(max)s "
                    "(the project lasts %(max)s months)."
                )
                % {"count": instalments, "max": months}
            }
        )
    ends_on = add_months(starts_on, months)
    requested = side_totals(application)
    awards = []
    for pole in sides(application):
        award = Award.objects.create(
            application=application,
            pole=pole,
            amount=requested.get(pole.pk, Decimal(0)),
            currency=pole.currency,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=actor,
        )
        amounts = split_instalments(award.amount, instalments)
        Instalment.objects.bulk_create(
            Instalment(
                award=award,
                amount=amount,
                due_on=add_months(starts_on, index * months // instalments),
            )
            for index, amount in enumerate(amounts)
        )
        audit.record(
            actor=actor,
            action="calls.award.create",
            obj=award,
            changes={
                **audit.diff({}, audit.snapshot(award, AWARD_FIELDS)),
                "instalments": [None, [str(a) for a in amounts]],
            },
        )
        awards.append(award)
    for kind, due_on in report_schedule(starts_on=starts_on, months=months):
        report = Report.objects.create(application=application, kind=kind, due_on=due_on)
        audit.record(
            actor=actor,
            action="calls.report.schedule",
            obj=report,
            changes={"kind": [None, kind], "due_on": [None, due_on.isoformat()]},
        )
    return awards


@transaction.atomic
def record_payment(*, instalment: Instalment, paid_on: dt.date, actor) -> Instalment:
    """The staff of the pole that funds the side (or the site admin) record that an
    instalment was paid."""
    instalment = (
        Instalment.objects.select_for_update()
        .select_related("award__application__call", "award__pole")
        .get(pk=instalment.pk)
    )
    award = instalment.award
    require_manager(actor, award.application.call)
    if not is_site_admin(actor) and actor.pole_id != award.pole_id:
        raise PermissionDenied
    if instalment.paid_on is not None:
        raise ValidationError(
            {
                "paid_on": _("This instalment was already paid on %(date)s.")
                % {"date": instalment.paid_on}
            }
        )
    # "Today" where the paying pole is: Paris staff record a payment of their morning at
    # 00:30, Montréal staff cannot date one tomorrow in their evening.
    if paid_on > timezone.localdate(timezone=zoneinfo.ZoneInfo(award.pole.time_zone)):
        raise ValidationError(
            {
                "paid_on": _("%(date)s is in the future: give the date the payment was made.")
                % {"date": paid_on.isoformat()}
            }
        )
    instalment.paid_on = paid_on
    instalment.save(update_fields=["paid_on"])
    audit.record(
        actor=actor,
        action="calls.instalment.pay",
        obj=instalment,
        changes={"paid_on": [None, paid_on.isoformat()]},
    )
    return instalment


# A DOI: the directory indicator 10, a registrant code, a slash and a suffix without spaces.
def clean_dois(values: list[str]) -> list[str]:
    """The DOIs normalised and without repeats, or a ValidationError naming the bad ones."""
    dois, bad = [], []
    for value in values:
        if not value.strip():
            continue
        # The observatory's normaliser: the same DOI matches the same work there.
        doi = normalize_doi(value)
        if doi is None:
            bad.append(value.strip())
        elif doi not in dois:
            dois.append(doi)
    if bad:
        raise ValidationError(
            ngettext(
                "This is not a DOI: %(values)s. A DOI starts with 10., then a number, a slash and "
                "the rest, such as 10.1038/s41586-020-2649-2 (a https://doi.org/ link is also "
                "accepted).",
                "These are not DOIs: %(values)s. A DOI starts with 10., then a number, a slash "
                "and the rest, such as 10.1038/s41586-020-2649-2 (a https://doi.org/ link is also "
                "accepted).",
                len(bad),
            )
            % {"values": ", ".join(f"“{value}”" for value in bad)},
            code="doi",
        )
    return dois


@transaction.atomic
def submit_report(
    *,
    report: Report,
    narrative: str,
    spending: dict[tuple[int, str], Decimal],
    publications: list[str],
    students_trained: int,
    mobilities: int,
    actor,
) -> Report:
    """The project's applicants submit (or correct, until staff accept it) a report: the
    narrative, spending per side and category in that side's currency, and the outputs."""
    report = Report.objects.select_for_update().select_related("application").get(pk=report.pk)
    application = report.application
    if not is_applicant(actor, application):
        raise PermissionDenied
    if report.status == Report.Status.ACCEPTED:
        raise ValidationError(_("This report was accepted: it can no longer be changed."))
    errors = {}
    try:
        dois = clean_dois(publications)
    except ValidationError as exc:
        errors["publications"] = exc.messages
    for name, value in (("students_trained", students_trained), ("mobilities", mobilities)):
        if value is None or value < 0:
            errors[name] = [
                _("%(value)s is not possible: give a number of 0 or more.") % {"value": value}
            ]
    side_poles = {award.pole_id: award.pole for award in application.awards.select_related("pole")}
    categories = {choice.value for choice in BudgetCategory}
    for (pole_id, category), amount in spending.items():
        if pole_id not in side_poles or category not in categories:
            raise ValueError(f"({pole_id}, {category}) is not a side and category of the award")
        if amount is not None and amount < 0:
            errors.setdefault("spending", []).append(
                _("%(amount)s spent in %(category)s by %(side)s is not possible: give 0 or more.")
                % {
                    "amount": amount,
                    "category": BudgetCategory(category).label,
                    "side": side_poles[pole_id].short_name,
                }
            )
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(report, REPORT_FIELDS)
    before_spending = {f"{s.pole_id}/{s.category}": str(s.amount) for s in report.spending.all()}
    report.spending.all().delete()
    ReportSpending.objects.bulk_create(
        ReportSpending(report=report, pole_id=pole_id, category=category, amount=amount)
        for (pole_id, category), amount in sorted(spending.items())
        if amount is not None
    )
    report.narrative = narrative
    report.publications = dois
    report.students_trained = students_trained
    report.mobilities = mobilities
    report.status = Report.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = actor
    report.save()
    changes = audit.diff(before, audit.snapshot(report, REPORT_FIELDS))
    after_spending = {
        f"{pole_id}/{category}": str(amount)
        for (pole_id, category), amount in spending.items()
        if amount is not None
    }
    if before_spending != after_spending:
        changes["spending"] = [before_spending, after_spending]
    audit.record(actor=actor, action="calls.report.submit", obj=report, changes=changes)
    return report


@transaction.atomic
def accept_report(*, report: Report, actor) -> Report:
    report = (
        Report.objects.select_for_update().select_related("application__call").get(pk=report.pk)
    )
    require_manager(actor, report.application.call)
    if report.status != Report.Status.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be accepted; this one is “%(status)s”.")
            % {"status": report.get_status_display()}
        )
    report.status = Report.Status.ACCEPTED
    report.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="calls.report.accept",
        obj=report,
        changes={"status": [Report.Status.SUBMITTED, Report.Status.ACCEPTED]},
    )
    return report


def _send_reminder(report_id: int) -> None:
    from django.template.loader import render_to_string
    from django.urls import reverse

    report = Report.objects.select_related("application__created_by", "application__call").get(
        pk=report_id
    )
    application = report.application
    with translation.override(application.language):
        context = {
            "report": report,
            "application": application,
            "overdue": report.due_on < timezone.localdate(),
            "report_url": notify.site_url() + reverse("calls:report", args=[report.pk]),
        }
        # One line; the no-break spaces of French typography are kept.
        subject = re.sub(
            r"[ \t\r\n]+",
            " ",
            render_to_string("calls/email/report_reminder_subject.txt", context),
        ).strip()
        body = render_to_string("calls/email/report_reminder_body.txt", context)
    # A background task, so that a failing mail server delays the mail (the worker retries
    # or reports it) instead of losing it and stopping the other reminders of the run.
    send_email.enqueue(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL,
                       to=notify.recipient_emails(application))


def send_report_reminders(*, now: dt.datetime | None = None) -> int:
    """Email the applicants of every project with a report due within 30 days or overdue,
    at most once every 14 days per report. Returns the number of reminders sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Report.objects.filter(status=Report.Status.DUE, due_on__lte=today + REMINDER_WINDOW)
        .exclude(reminded_at__gt=now - REMINDER_INTERVAL)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for report_id in list(due):
        with transaction.atomic():
            report = Report.objects.select_for_update().get(pk=report_id)
            if report.reminded_at and report.reminded_at > now - REMINDER_INTERVAL:
                continue
            before = report.reminded_at
            report.reminded_at = now
            report.save(update_fields=["reminded_at"])
            audit.record(
                actor=None,
                action="calls.report.remind",
                obj=report,
                changes={"reminded_at": [before and before.isoformat(), now.isoformat()]},
            )
            transaction.on_commit(lambda pk=report_id: _send_reminder(pk))
            count += 1
    return count
