"""Staff page of a two-stage call: its submitted letters of intent, to invite to a full
proposal or to decline, and those already answered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from jumelage.calls.forms.applications import IntentsForm
from jumelage.calls.models import Application, Participant
from jumelage.calls.services import applications as services
from jumelage.calls.views.common import call_for, show_errors
from jumelage.core.formatting import format_datetime


def _letters(call):
    """Every letter of intent of the call that was submitted, with its leads."""
    leads = Prefetch(
        "participants",
        queryset=Participant.objects.filter(role=Participant.Role.LEAD)
        .select_related("pole", "institution")
        .order_by("pole__code"),
        to_attr="leads",
    )
    return (
        Application.objects.filter(call=call)
        .filter(
            Q(stage=Application.Stage.INTENT, status=Application.Status.SUBMITTED)
            | Q(outcome=Application.Outcome.INVITED)
        )
        .select_related("call")
        .prefetch_related(leads)
        .order_by("reference")
    )


@login_required
def intents(request, pk: int):
    call = call_for(request, pk)
    pending = Application.objects.filter(
        call=call,
        stage=Application.Stage.INTENT,
        status=Application.Status.SUBMITTED,
        outcome=Application.Outcome.PENDING,
    )
    form = IntentsForm(request.POST or None, queryset=pending)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = list(form.cleaned_data["applications"])
            invite = form.cleaned_data["answer"] == "invite"
            action = services.invite_full_proposals if invite else services.decline_intents
            try:
                done = action(
                    call=call,
                    applications=chosen,
                    actor=request.user,
                    site_url=request.build_absolute_uri("/")[:-1],
                )
            except ValidationError as exc:
                show_errors(form, exc)
            else:
                references = ", ".join(a.reference for a in done)
                if invite:
                    text = ngettext(
                        "%(references)s is invited to submit a full proposal; the applicants "
                        "are told by email.",
                        "%(references)s are invited to submit a full proposal; the applicants "
                        "are told by email.",
                        len(done),
                    )
                else:
                    text = ngettext(
                        "%(references)s is declined; the applicants are told by email.",
                        "%(references)s are declined; the applicants are told by email.",
                        len(done),
                    )
                messages.success(request, text % {"references": references})
                return redirect("calls:intents", pk=call.pk)
        status = 400
    letters = list(_letters(call))
    chosen = {str(v) for v in form["applications"].value() or []}
    return render(
        request,
        "calls/intents.html",
        {
            "call": call,
            "form": form,
            "pending": [a for a in letters if a.outcome == Application.Outcome.PENDING],
            "answered": [a for a in letters if a.outcome != Application.Outcome.PENDING],
            "chosen": chosen,
            "intent_closes_utc": format_datetime(call.intent_closes_at, time_zone="UTC")
            if call.intent_closes_at
            else "",
            "closes_utc": format_datetime(call.closes_at, time_zone="UTC"),
        },
        status=status,
    )
