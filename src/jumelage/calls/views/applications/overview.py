"""Pages of an application that are not steps of the form: starting one, the list of one's
own applications and invitations, the overview and the answer to an invitation."""

from allauth.account.models import EmailAddress
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Participant
from jumelage.calls.services import applications as services
from jumelage.calls.services.eligibility import eligibility_reasons
from jumelage.calls.views.applications.base import application_for, deadline_context, steps_of
from jumelage.calls.views.common import call_for


@login_required
def apply(request, call_pk: int):
    """GET: confirm starting an application; POST: start it and go to its first step."""
    call = call_for(request, call_pk, "calls.view_call")
    errors = []
    if request.method == "POST":
        try:
            application = services.start_application(call=call, actor=request.user)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(
                request,
                _("Your application %(reference)s is started. Your draft is saved at every step.")
                % {"reference": application.reference},
            )
            return redirect("calls:application_step", pk=application.pk, step="project")
    mine = Application.objects.filter(call=call, created_by=request.user).order_by("reference")
    return render(
        request,
        "calls/application_apply.html",
        {"call": call, "errors": errors, "mine": list(mine)},
        status=400 if errors else 200,
    )


@login_required
def my_applications(request):
    """The applications the user created or confirmed to join, and invitations waiting for an
    answer sent to one of their verified addresses."""
    user = request.user
    applications = list(
        Application.objects.filter(
            Q(created_by=user)
            | Q(participants__person__user=user, participants__status=Participant.Status.CONFIRMED)
        )
        .distinct()
        .select_related("call")
        .order_by("-created_at", "-pk")
    )
    invitations = list(
        Participant.objects.filter(status=Participant.Status.INVITED)
        .filter(
            # Sent to one of the user's verified addresses: the ones they may accept with.
            Exists(
                EmailAddress.objects.filter(
                    user=user, verified=True, email__iexact=OuterRef("email")
                )
            )
        )
        .select_related("application__call")
        .order_by("-invited_at")
    )
    return render(
        request,
        "calls/application_list.html",
        {"applications": applications, "invitations": invitations},
    )


@login_required
def application_detail(request, pk: int):
    application = application_for(request, pk)
    user = request.user
    can_change = user.has_perm("calls.change_application", application)
    can_manage = user.has_perm("calls.manage_call", application.call)
    envelopes = list(application.call.envelopes.select_related("pole").order_by("pole__code"))
    lines = list(application.budget_lines.all())
    sides = []
    for envelope in envelopes:
        mine = [line for line in lines if line.pole_id == envelope.pole_id]
        sides.append(
            {"envelope": envelope, "lines": mine, "total": sum((line.amount for line in mine), 0)}
        )
    can_see_outcome = user.has_perm("calls.view_outcome", application)
    return render(
        request,
        "calls/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "can_change": can_change,
            "can_see_receipts": can_see_outcome,
            "participants": list(
                application.participants.select_related("pole", "institution").order_by(
                    "pole__code", "role", "name"
                )
            ),
            "sides": sides,
            "attachments": list(application.attachments.all()),
            "receipts": list(application.receipts.all()),
            "themes": list(application.themes.all()),
            "steps": steps_of(application, None) if can_change else [],
            # What the applicants are told: eligibility, then the outcome and the award.
            "eligibility_reasons": eligibility_reasons(application) if can_see_outcome else [],
            "can_manage": can_manage,
            "can_amend": can_manage
            and application.status == Application.Status.SUBMITTED
            and application.outcome_released_at is None,
            "can_withdraw": services.can_withdraw(application=application, actor=user),
            "can_review": user.has_perm("calls.review_application", application),
            **deadline_context(application),
        },
    )


@login_required
def invitation(request, token: str):
    """The invited person confirms or declines. Someone signed in with another account is told
    which address the invitation went to (partly masked) and sees nothing of the application;
    after the deadline or the submission, the invitation can only be declined."""
    participant = get_object_or_404(
        Participant.objects.select_related("application__call", "application__created_by", "pole"),
        token=token,
    )
    errors = []
    if request.method == "POST":
        accept = request.POST.get("answer") == "accept"
        try:
            services.respond_to_invitation(
                participant=participant, accept=accept, user=request.user
            )
        except ValidationError as exc:
            errors = list(exc.messages)
            participant.refresh_from_db()
        else:
            if accept:
                messages.success(
                    request,
                    _("You are now a member of the consortium of %(reference)s.")
                    % {"reference": participant.application.reference},
                )
                return redirect("calls:application", pk=participant.application_id)
            messages.info(request, _("You declined the invitation."))
            return redirect("calls:my_applications")
    answerable = (
        participant.status == Participant.Status.INVITED
        and participant.application.status != Application.Status.WITHDRAWN
    )
    wrong_account = not services.is_invited_account(participant, request.user)
    blocker = (
        services.acceptance_blocker(participant, request.user)
        if answerable or wrong_account
        else None
    )
    notice = blocker.messages[0] if blocker is not None else ""
    if (
        not wrong_account
        and participant.status == Participant.Status.INVITED
        and participant.application.status == Application.Status.WITHDRAWN
    ):
        notice = _("The application was withdrawn: the invitation no longer stands.")
    if notice in errors:
        notice = ""
    return render(
        request,
        "calls/invitation.html",
        {
            "participant": participant,
            "application": participant.application,
            "errors": errors,
            "notice": notice,
            "answerable": answerable and not wrong_account,
            "can_accept": blocker is None,
            "wrong_account": wrong_account,
        },
        status=400 if errors else 200,
    )
