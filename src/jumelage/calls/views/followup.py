"""Views of joint calls: the follow-up of funded projects (awards per side, instalments,
reports) and the staff's downloads."""

from collections import Counter
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from jumelage.accounts.rules import is_site_admin
from jumelage.calls import exports
from jumelage.calls.forms.followup import AwardForm, PaymentForm, ReportForm
from jumelage.calls.models import (
    Application,
    Award,
    BudgetCategory,
    BudgetLine,
    Instalment,
    Participant,
    Report,
)
from jumelage.calls.services import followup as services
from jumelage.calls.views.common import (
    application_for,
    call_for,
    money,
    private,
    show_errors,
    try_service,
)


def _report_status(report: Report, today) -> str:
    """due, overdue, submitted or accepted."""
    if report.status == Report.Status.DUE and report.due_on < today:
        return "overdue"
    return report.status


def _award_rows(awards) -> list[dict]:
    rows = []
    for award in awards:
        instalments = list(award.instalments.all())
        for instalment in instalments:
            instalment.amount_text = money(instalment.amount, award.currency)
        paid = [i for i in instalments if i.paid_on is not None]
        rows.append(
            {
                "award": award,
                "instalments": instalments,
                "paid": len(paid),
                "amount_text": money(award.amount, award.currency),
                "paid_text": money(sum((i.amount for i in paid), Decimal(0)), award.currency),
                "next": next((i for i in instalments if i.paid_on is None), None),
            }
        )
    return rows


def _award_prefetch() -> Prefetch:
    return Prefetch(
        "awards",
        queryset=Award.objects.select_related("pole").prefetch_related(
            Prefetch("instalments", queryset=Instalment.objects.order_by("due_on", "pk"))
        ),
    )


@login_required
def followup(request, pk: int):
    """The staff's status board of a call: funded projects, their awards per side,
    instalments paid and due, reports due, overdue and submitted; the awards of a funded
    project without them are made here."""
    call = call_for(request, pk)
    forms_by_application: dict[int, AwardForm] = {}
    if request.method == "POST":
        application = get_object_or_404(
            Application, call=call, pk=request.POST.get("application") or 0
        )
        form = AwardForm(request.POST, prefix=f"award-{application.pk}")
        if form.is_valid():
            try:
                awards = services.create_awards(
                    application=application,
                    starts_on=form.cleaned_data["starts_on"],
                    instalments=form.cleaned_data["instalments"],
                    actor=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    show_errors(form, exc)
                else:  # about the project, shown whether or not its form is
                    messages.error(request, " ".join(exc.messages))
            else:
                messages.success(
                    request,
                    _("%(reference)s: %(count)s awards made, with their instalments and reports.")
                    % {"reference": application.reference, "count": len(awards)},
                )
                return redirect("calls:followup", call.pk)
        forms_by_application[application.pk] = form
    today = timezone.localdate()
    funded = (
        Application.objects.filter(call=call, outcome=Application.Outcome.FUNDED)
        .order_by("reference", "pk")
        .prefetch_related(
            _award_prefetch(),
            Prefetch("reports", queryset=Report.objects.order_by("due_on", "pk")),
            Prefetch(
                "participants",
                to_attr="leads",
                queryset=(
                    Participant.objects.filter(role=Participant.Role.LEAD, pole__isnull=False)
                    .select_related("pole")
                    .order_by("pole__code")
                ),
            ),
        )
    )
    projects = []
    totals = Counter()
    for application in funded:
        reports = [
            {"report": r, "state": _report_status(r, today)} for r in application.reports.all()
        ]
        counts = Counter(r["state"] for r in reports)
        totals.update(counts)
        awards = list(application.awards.all())
        form = None
        if not awards:
            form = forms_by_application.get(application.pk) or AwardForm(
                prefix=f"award-{application.pk}"
            )
        projects.append(
            {
                "application": application,
                "awards": _award_rows(awards),
                "reports": reports,
                "counts": counts,
                "form": form,
            }
        )
    return render(
        request,
        "calls/followup_board.html",
        {"call": call, "projects": projects, "totals": totals},
        status=400 if forms_by_application else 200,
    )


def _application_for_outcome(request, pk: int) -> tuple[Application, bool]:
    """The application and whether the user manages its call; applicants see the follow-up
    once the decision is released."""
    application = application_for(request, pk, "calls.view_outcome")
    manager = request.user.has_perm("calls.manage_call", application.call)
    if not manager and application.outcome_released_at is None:
        raise PermissionDenied
    return application, manager


@login_required
def award(request, pk: int):
    """A project's awards, instalments and reports, for its applicants and the staff; the
    staff of a side's pole record its payments here."""
    application, manager = _application_for_outcome(request, pk)
    awards = list(
        Award.objects.filter(application=application)
        .select_related("pole")
        .prefetch_related(Prefetch("instalments", queryset=Instalment.objects.order_by("due_on")))
    )
    may_pay = {
        award.pk
        for award in awards
        if manager and (is_site_admin(request.user) or request.user.pole_id == award.pole_id)
    }
    payment_forms = {}
    status = 200
    if request.method == "POST":
        instalment = get_object_or_404(
            Instalment, award__application=application, pk=request.POST.get("instalment") or 0
        )
        if instalment.award_id not in may_pay:
            raise PermissionDenied
        form = PaymentForm(request.POST, prefix=f"pay-{instalment.pk}")
        if try_service(
            form,
            lambda: services.record_payment(
                instalment=instalment, paid_on=form.cleaned_data["paid_on"], actor=request.user
            ),
        ):
            messages.success(request, _("The payment was recorded."))
            return redirect("calls:award", application.pk)
        payment_forms[instalment.pk] = form
        status = 400
    today = timezone.localdate()
    rows = _award_rows(awards)
    for row in rows:
        for instalment in row["instalments"]:
            instalment.form = None
            if row["award"].pk in may_pay and instalment.paid_on is None:
                instalment.form = payment_forms.get(instalment.pk) or PaymentForm(
                    prefix=f"pay-{instalment.pk}"
                )
    reports = [
        {"report": r, "state": _report_status(r, today)}
        for r in application.reports.order_by("due_on", "pk")
    ]
    return render(
        request,
        "calls/award.html",
        {
            "application": application,
            "awards": rows,
            "reports": reports,
            "manager": manager,
            "today": today,
        },
        status=status,
    )


def _budget_against_spending(application: Application, report: Report, awards) -> list[dict]:
    """Per side and category: the budget asked for and what the report says was spent."""
    budget = {
        (line.pole_id, line.category): line.amount
        for line in BudgetLine.objects.filter(application=application)
    }
    spent = {(s.pole_id, s.category): s.amount for s in report.spending.all()}
    sides = []
    for award in awards:
        rows = [
            {
                "category": category.label,
                "budget": budget.get((award.pole_id, category.value)),
                "spent": spent.get((award.pole_id, category.value)),
            }
            for category in BudgetCategory
        ]
        for row in rows:
            row["budget_text"] = money(row["budget"], award.currency)
            row["spent_text"] = money(row["spent"], award.currency)
        sides.append(
            {
                "award": award,
                "rows": rows,
                "amount_text": money(award.amount, award.currency),
                "budget_text": money(
                    sum((r["budget"] or 0 for r in rows), Decimal(0)), award.currency
                ),
                "spent_text": money(
                    sum((r["spent"] or 0 for r in rows), Decimal(0)), award.currency
                ),
            }
        )
    return sides


@login_required
def report(request, pk: int):
    """A report: the form for the project's applicants; read-only for the staff, who accept
    it."""
    report = get_object_or_404(Report.objects.select_related("application__call"), pk=pk)
    application, manager = _application_for_outcome(request, report.application_id)
    report.application = application
    applicant = services.is_applicant(request.user, application)
    awards = list(application.awards.select_related("pole").order_by("pole__code"))
    editable = applicant and report.status != Report.Status.ACCEPTED
    form = None
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "accept":
            if not manager:
                raise PermissionDenied
            try:
                services.accept_report(report=report, actor=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The report was accepted."))
            return redirect("calls:report", report.pk)
        if not editable:
            raise PermissionDenied
        form = ReportForm(request.POST, awards=awards, report=report)
        if try_service(
            form,
            lambda: services.submit_report(
                report=report,
                narrative=form.cleaned_data["narrative"],
                spending=form.spending(),
                publications=form.cleaned_data["publications"],
                students_trained=form.cleaned_data["students_trained"],
                mobilities=form.cleaned_data["mobilities"],
                actor=request.user,
            ),
        ):
            messages.success(request, _("Your report was submitted."))
            return redirect("calls:report", report.pk)
        status = 400
    elif editable:
        form = ReportForm(awards=awards, report=report)
    spending_fields = []
    if form is not None:
        for award in awards:
            spending_fields.append(
                {
                    "award": award,
                    "fields": [
                        form[name]
                        for name, pole, _category in form.sides
                        if pole.pk == award.pole_id
                    ],
                }
            )
    return render(
        request,
        "calls/report.html",
        {
            "report": report,
            "application": application,
            "manager": manager,
            "form": form,
            "spending_fields": spending_fields,
            "sides": _budget_against_spending(application, report, awards),
            **_publications_in_the_observatory(report),
            "state": _report_status(report, timezone.localdate()),
        },
        status=status,
    )


@login_required
def exports_page(request, pk: int):
    call = call_for(request, pk)
    names = {
        "applications": _("Applications"),
        "reviews": _("Reviews (confidential)"),
        "decisions": _("Decisions of the funding poles"),
        "anonymised": _("Anonymised data set for programme evaluation"),
    }
    return render(
        request,
        "calls/exports.html",
        {
            "call": call,
            "downloads": [{"what": what, "name": names[what]} for what in exports.WHATS],
            "formats": exports.FORMATS,
        },
    )


def _in_language(lines):
    """Stream in the request's language (rows are read after the view has returned)."""
    language = translation.get_language()
    with translation.override(language):
        yield from lines


@login_required
def export(request, pk: int, what: str, fmt: str):
    if what not in exports.WHATS or fmt not in exports.FORMATS:
        raise Http404
    call = call_for(request, pk)
    table = exports.build(call, what)
    name = exports.filename(call=call, what=what, fmt=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            _in_language(exports.iter_csv(table)), content_type=exports.CONTENT_TYPES[fmt]
        )
    else:
        response = HttpResponse(
            exports.to_xlsx(table, call=call), content_type=exports.CONTENT_TYPES[fmt]
        )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return private(response)


urlpatterns = [
    path("<int:pk>/follow-up/", followup, name="followup"),
    path("applications/<int:pk>/award/", award, name="award"),
    path("reports/<int:pk>/", report, name="report"),
    path("<int:pk>/exports/", exports_page, name="exports"),
    path("<int:pk>/exports/<str:what>.<str:fmt>", export, name="export"),
]


def _publications_in_the_observatory(report: Report) -> dict:
    """What the observatory knows of the DOIs a report lists: the link between what the
    programme funded and the co-publications between the two regions."""
    from jumelage.observatory.report_selectors import StoreUnavailable, works_by_doi

    if not report.publications:
        return {"publications": [], "observatory_available": True}
    regions = tuple(report.application.call.envelopes.order_by("pole__code").values_list(
        "pole__region_code", flat=True))
    sides = regions if len(regions) == 2 and regions[0] != regions[1] else ("ARA", "QC")
    try:
        known = works_by_doi(report.publications, sides=sides)
    except StoreUnavailable:
        return {"publications": [(doi, None) for doi in report.publications],
                "observatory_available": False}
    return {"publications": [(doi, known.get(doi)) for doi in report.publications],
            "observatory_available": True, "observatory_sides": sides}
