"""Views of joint calls: the panel (ranking, notes, funding scenarios), each funding pole's
decision, and the outcome for the applicants (page and bilingual letter)."""

from decimal import Decimal

from babel.numbers import format_decimal
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jumelage.calls.documents.letters import outcome_letter_pdf
from jumelage.calls.forms.panel import DecisionForm, PanelNoteForm, ScenarioForm
from jumelage.calls.models import Application, Call, Decision, FundingScenario, Review
from jumelage.calls.services import panel as services
from jumelage.calls.services.review import counted_reviews
from jumelage.calls.views.common import application_for, call_for, money, private, try_service
from jumelage.core.formatting import babel_locale

SCENARIOS_SHOWN = 5


def _number(value: Decimal | None) -> str:
    """A score with two decimals in the reader's language ("4,25" in French); a dash if none."""
    if value is None:
        return "–"
    return format_decimal(value, format="0.00", locale=babel_locale())


def _decorate(rows: list[services.RankedRow]) -> list[services.RankedRow]:
    """Texts of the numbers and amounts, formatted for the reader."""
    for row in rows:
        row.mean_text, row.spread_text = _number(row.mean), _number(row.spread)
        row.criterion_texts = [_number(mean) for _criterion, mean in row.criterion_means]
        row.requested_text = [
            (side.pole, money(side.amount, side.currency)) for side in row.requested
        ]
        row.consolidated_text = money(row.consolidated, row.consolidation_currency)
    return rows


def _scenario_rows(call: Call, rows: list[services.RankedRow]) -> list[dict]:
    references = {row.application.pk: row.reference for row in rows}
    envelopes = list(call.envelopes.select_related("pole").order_by("pole__code"))
    result = []
    for scenario in call.scenarios.select_related("created_by")[:SCENARIOS_SHOWN]:
        usage = []
        for envelope in envelopes:
            spent = Decimal(scenario.spent.get(envelope.pole.code, "0"))
            usage.append(
                {
                    "pole": envelope.pole,
                    "spent": money(spent, envelope.currency),
                    "envelope": money(envelope.amount, envelope.currency),
                    "left": money(envelope.amount - spent, envelope.currency),
                }
            )
        result.append(
            {
                "scenario": scenario,
                "usage": usage,
                "merit": _number(scenario.merit),
                "selected": [references.get(pk, f"#{pk}") for pk in scenario.selected],
            }
        )
    return result


@login_required
def ranking(request, pk: int):
    """The ranked table and the funding scenarios; POST computes a scenario."""
    call = call_for(request, pk)
    form = ScenarioForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scenario = services.compute_scenario(
            call=call,
            method=form.cleaned_data["method"],
            keep_rank_order=form.cleaned_data["keep_rank_order"],
            actor=request.user,
        )
        count = len(scenario.selected)
        messages.success(
            request,
            ngettext(
                "Scenario computed: %(count)d project selected.",
                "Scenario computed: %(count)d projects selected.",
                count,
            )
            % {"count": count},
        )
        return redirect("calls:ranking", pk=call.pk)
    rows = _decorate(services.ranking(call=call))
    criteria = (
        [criterion for criterion, _mean in rows[0].criterion_means]
        if rows
        else list(call.criteria.order_by("position", "pk"))
    )
    return render(
        request,
        "calls/panel_ranking.html",
        {
            "call": call,
            "rows": rows,
            "criteria": criteria,
            "threshold": _number(call.disagreement_threshold),
            "form": form,
            "scenarios": _scenario_rows(call, rows),
        },
    )


@require_POST
@login_required
def scenario_adopt(request, pk: int):
    scenario = get_object_or_404(FundingScenario.objects.select_related("call"), pk=pk)
    call = call_for(request, scenario.call_id)
    services.adopt_scenario(scenario=scenario, actor=request.user)
    messages.success(request, _("The scenario is now the recommendation of the panel."))
    return redirect("calls:ranking", pk=call.pk)


@login_required
def panel_notes(request, pk: int):
    """Everything the panel knows of one application: reviews in full (confidential comments
    included) and its notes. Staff of the funding poles and the site admin only."""
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    call = call_for(request, application.call_id)
    if application.status == Application.Status.DRAFT:  # not the panel's until submitted
        raise Http404
    form = PanelNoteForm(request.POST or None)
    if request.method == "POST" and try_service(
        form,
        lambda: services.add_panel_note(
            application=application, text=form.cleaned_data["text"], actor=request.user
        ),
    ):
        messages.success(request, _("The note is kept."))
        return redirect("calls:panel_notes", pk=application.pk)
    reviews = list(
        application.reviews.select_related("reviewer")
        .prefetch_related("scores__criterion")
        .order_by("pk")
    )
    # The panel sees every review, and which ones do not count (conflict of interest).
    counted = set(counted_reviews(application.reviews.all()).values_list("pk", flat=True))
    for review in reviews:
        review.excluded = review.status == Review.Status.SUBMITTED and review.pk not in counted
    notes = list(application.panel_notes.select_related("author").order_by("created_at", "pk"))
    return render(
        request,
        "calls/panel_notes.html",
        {
            "call": call,
            "application": application,
            "reviews": reviews,
            "notes": notes,
            "form": form,
            "submitted_status": Review.Status.SUBMITTED,
        },
    )


def _decision_rows(call: Call, user, forms: dict[int, DecisionForm]) -> list[dict]:
    rows = _decorate(services.ranking(call=call))
    adopted = services.adopted_scenario(call)
    decisions: dict[int, dict[int, Decision]] = {}
    for decision in Decision.objects.filter(application__call=call).select_related(
        "pole", "decided_by"
    ):
        decisions.setdefault(decision.application_id, {})[decision.pole_id] = decision
    may_decide = user.has_perm("calls.decide", call)
    result = []
    for row in rows:
        application = row.application
        mine = decisions.get(application.pk, {})
        poles = [side.pole for side in row.requested]
        own = (
            may_decide
            and application.outcome_released_at is None
            and any(pole.pk == user.pole_id for pole in poles)
        )
        form = None
        if own:
            form = forms.get(application.pk) or DecisionForm(
                prefix=f"app-{application.pk}",
                initial={
                    "outcome": getattr(mine.get(user.pole_id), "outcome", None),
                    "note": getattr(mine.get(user.pole_id), "note", ""),
                },
            )
        recommendation = None if adopted is None else application.pk in adopted.selected
        result.append(
            {
                "row": row,
                "recommended": recommendation,
                "form": form,
                "decisions": [(pole, mine.get(pole.pk)) for pole in poles],
            }
        )
    return result


@login_required
def decisions(request, pk: int):
    """Per application: the panel's recommendation and each funding pole's decision; a form
    for the signed-in staff member's own pole; the release of the outcomes."""
    call = call_for(request, pk)
    bound: dict[int, DecisionForm] = {}
    if request.method == "POST" and "release" in request.POST:
        try:
            count = services.release_decisions(call=call, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d outcome released; the applicants are told by email.",
                    "%(count)d outcomes released; the applicants are told by email.",
                    count,
                )
                % {"count": count},
            )
        return redirect("calls:decisions", pk=call.pk)
    if request.method == "POST":
        chosen = request.POST.get("application", "")
        if not chosen.isdigit():
            messages.error(request, _("Choose an application of this call."))
            return redirect("calls:decisions", pk=call.pk)
        application = get_object_or_404(Application, pk=int(chosen), call=call)
        form = DecisionForm(request.POST, prefix=f"app-{application.pk}")
        if try_service(
            form,
            lambda: services.record_decision(
                application=application,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                actor=request.user,
            ),
        ):
            messages.success(
                request,
                _("Your pole’s decision on %(reference)s is recorded.")
                % {"reference": application.reference},
            )
            return redirect("calls:decisions", pk=call.pk)
        bound[application.pk] = form
    rows = _decision_rows(call, request.user, bound)
    ready = bool(rows) and all(
        r["row"].application.outcome != Application.Outcome.PENDING for r in rows
    )
    released = bool(rows) and all(r["row"].application.outcome_released_at for r in rows)
    envelopes = [
        {
            "pole": use.pole,
            "envelope": money(use.envelope, use.currency),
            "committed": money(use.committed, use.currency),
            "remaining": money(use.remaining, use.currency),
        }
        for use in services.envelope_use(call)
    ]
    return render(
        request,
        "calls/decisions.html",
        {
            "call": call,
            "rows": rows,
            "ready": ready,
            "released": released,
            "envelopes": envelopes,
        },
    )


def _outcome_application(request, pk: int) -> tuple[Application, bool]:
    """The application and whether the visitor sees it as staff. Applicants see the outcome
    only once released."""
    application = application_for(request, pk, "calls.view_outcome")
    return application, request.user.has_perm("calls.manage_call", application.call)


@login_required
def letter(request, pk: int):
    application, staff = _outcome_application(request, pk)
    if not staff and application.outcome_released_at is None:
        raise PermissionDenied
    response = HttpResponse(
        outcome_letter_pdf(application=application), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{application.reference}-decision.pdf"'
    return private(response)


@login_required
def outcome(request, pk: int):
    application, staff = _outcome_application(request, pk)
    released = application.outcome_released_at is not None
    visible = released or staff
    return render(
        request,
        "calls/outcome.html",
        {
            "application": application,
            "call": application.call,
            "released": released,
            "staff": staff,
            "sides": [
                (side, money(side.amount, side.currency))
                for side in services.outcome_sides(application)
            ]
            if visible
            else [],
            "comments": services.applicant_comments(application) if visible else [],
        },
    )


urlpatterns = [
    path("<int:pk>/ranking/", ranking, name="ranking"),
    path("scenarios/<int:pk>/adopt/", scenario_adopt, name="scenario_adopt"),
    path("applications/<int:pk>/panel/", panel_notes, name="panel_notes"),
    path("<int:pk>/decisions/", decisions, name="decisions"),
    path("applications/<int:pk>/letter.pdf", letter, name="letter"),
    path("applications/<int:pk>/outcome/", outcome, name="outcome"),
]
