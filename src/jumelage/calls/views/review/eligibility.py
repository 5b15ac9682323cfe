"""Views of joint calls: eligibility (staff). The checks of each submitted application, running
them, telling the applicants the outcome and a staff override with its justification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jumelage.calls.forms.review import EligibilityOverrideForm
from jumelage.calls.models import Application, Call, EligibilityCheck, Participant
from jumelage.calls.services import eligibility as eligibility_services
from jumelage.calls.views.common import call_for, try_service


def _eligibility_page(
    request,
    call: Call,
    *,
    bound: EligibilityOverrideForm | None = None,
    bound_for: int | None = None,
    status: int = 200,
):
    applications = list(
        Application.objects.filter(
            call=call, stage=Application.Stage.FULL, status=Application.Status.SUBMITTED
        )
        .prefetch_related(
            Prefetch("eligibility_checks", queryset=EligibilityCheck.objects.order_by("pk")),
            Prefetch(
                "participants",
                queryset=Participant.objects.filter(role=Participant.Role.LEAD).select_related(
                    "pole"
                ),
                to_attr="leads",
            ),
        )
        .order_by("reference")
    )
    order = {rule: i for i, rule in enumerate(eligibility_services.RULES)}
    rows = []
    for application in applications:
        checks = sorted(
            application.eligibility_checks.all(),
            key=lambda c: (order.get(c.rule, len(order)), c.pk),
        )
        if bound is not None and bound_for == application.pk:
            form = bound
        else:
            form = EligibilityOverrideForm(
                prefix=f"a{application.pk}",
                initial={"eligible": "no" if application.eligibility == "ineligible" else "yes"},
            )
        rows.append(
            {
                "application": application,
                "checks": [
                    {
                        "name": eligibility_services.rule_name(c.rule),
                        "passed": c.passed,
                        "reason": eligibility_services.reason_text(c),
                    }
                    for c in checks
                ],
                "form": form,
            }
        )
    waiting = sum(
        1 for a in applications if a.eligibility_notified_at is None and a.eligibility != "pending"
    )
    return render(
        request,
        "calls/eligibility.html",
        {
            "call": call,
            "rows": rows,
            "waiting": waiting,
            "rule_names": [eligibility_services.rule_name(r) for r in eligibility_services.RULES],
        },
        status=status,
    )


@login_required
def eligibility(request, pk: int):
    call = call_for(request, pk)
    return _eligibility_page(request, call)


@require_POST
@login_required
def eligibility_run(request, pk: int):
    call = call_for(request, pk)
    counts = eligibility_services.run_eligibility(call=call, actor=request.user)
    messages.success(
        request,
        _("Eligibility checked: %(eligible)d eligible, %(ineligible)d not eligible.") % counts,
    )
    return redirect("calls:eligibility", pk=call.pk)


@require_POST
@login_required
def eligibility_notify(request, pk: int):
    call = call_for(request, pk)
    count = eligibility_services.notify_eligibility(call=call, actor=request.user)
    messages.success(
        request,
        ngettext(
            "The applicants of %(count)d application were told the outcome.",
            "The applicants of %(count)d applications were told the outcome.",
            count,
        )
        % {"count": count},
    )
    return redirect("calls:eligibility", pk=call.pk)


@require_POST
@login_required
def eligibility_override(request, pk: int):
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    call = call_for(request, application.call_id)
    form = EligibilityOverrideForm(request.POST, prefix=f"a{application.pk}")
    if try_service(
        form,
        lambda: eligibility_services.override_eligibility(
            application=application,
            eligible=form.cleaned_data["eligible"],
            justification=form.cleaned_data["justification"],
            actor=request.user,
        ),
    ):
        messages.success(
            request,
            _("The eligibility of %(reference)s is set by staff.")
            % {"reference": application.reference},
        )
        return redirect("calls:eligibility", pk=call.pk)
    return _eligibility_page(request, call, bound=form, bound_for=application.pk)
