"""Views of joint calls: applications. A step-by-step form whose every POST saves the draft,
an autosave endpoint for calls-autosave.js, invitations, private files and receipts."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jumelage.calls.forms.applications import AttachmentForm, BudgetForm, InviteForm, ProjectForm
from jumelage.calls.models import Application, Attachment, Call, Participant, Receipt
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import STEP_NAMES, STEPS, StaleDraft
from jumelage.calls.services.eligibility import eligibility_reasons
from jumelage.core.formatting import format_datetime

DRAFT_LABELS = {
    "title": ProjectForm.base_fields["title"].label,
    "acronym": ProjectForm.base_fields["acronym"].label,
    "language": ProjectForm.base_fields["language"].label,
    "abstract": ProjectForm.base_fields["abstract"].label,
    "description": ProjectForm.base_fields["description"].label,
    "keywords": ProjectForm.base_fields["keywords"].label,
    "themes": ProjectForm.base_fields["themes"].label,
    "duration_months": ProjectForm.base_fields["duration_months"].label,
}


def _application_for(request, pk: int, perm: str = "calls.view_application") -> Application:
    application = get_object_or_404(Application.objects.select_related("call", "created_by"), pk=pk)
    if not request.user.has_perm(perm, application):
        raise PermissionDenied
    return application


def _error_texts(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _steps(application: Application, current: str | None) -> list[dict]:
    missing = services.missing_items(application)
    by_step = {}
    for item in missing:
        by_step.setdefault(item.step, []).append(item)
    return [
        {
            "slug": slug,
            "name": STEP_NAMES[slug],
            "current": slug == current,
            "missing": by_step.get(slug, []) if slug != "review-and-submit" else missing,
            "complete": not (by_step.get(slug) if slug != "review-and-submit" else missing),
            "url": reverse("calls:application_step", args=[application.pk, slug]),
        }
        for slug in STEPS
    ]


def _deadline_context(application: Application) -> dict:
    deadline = services.deadline_of(application)
    return {
        "deadline": deadline,
        "closed": timezone.now() >= deadline,
        "deadline_utc": format_datetime(deadline, time_zone="UTC"),
        "deadline_paris": format_datetime(deadline, time_zone="Europe/Paris"),
        "deadline_montreal": format_datetime(deadline, time_zone="America/Toronto"),
    }


# --- Start and list --------------------------------------------------------------------


@login_required
def apply(request, call_pk: int):
    """GET: confirm starting an application; POST: start it and go to its first step."""
    call = get_object_or_404(Call, pk=call_pk)
    if not request.user.has_perm("calls.view_call", call):
        raise PermissionDenied
    errors = []
    if request.method == "POST":
        try:
            application = services.start_application(call=call, actor=request.user)
        except ValidationError as exc:
            errors = _error_texts(exc)
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
    """The applications the user created or confirmed to join, and invitations waiting."""
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
        Participant.objects.filter(status=Participant.Status.INVITED, email__iexact=user.email)
        .select_related("application__call")
        .order_by("-invited_at")
    )
    return render(
        request,
        "calls/application_list.html",
        {"applications": applications, "invitations": invitations},
    )


# --- Overview --------------------------------------------------------------------------


@login_required
def application_detail(request, pk: int):
    application = _application_for(request, pk)
    user = request.user
    can_change = user.has_perm("calls.change_application", application)
    envelopes = list(application.call.envelopes.select_related("pole").order_by("pole__code"))
    lines = list(application.budget_lines.all())
    sides = []
    for envelope in envelopes:
        mine = [line for line in lines if line.pole_id == envelope.pole_id]
        sides.append(
            {"envelope": envelope, "lines": mine, "total": sum((line.amount for line in mine), 0)}
        )
    return render(
        request,
        "calls/application_detail.html",
        {
            "application": application,
            "call": application.call,
            "can_change": can_change,
            "can_see_receipts": user.has_perm("calls.view_outcome", application),
            "participants": list(
                application.participants.select_related("pole", "institution").order_by(
                    "pole__code", "role", "name"
                )
            ),
            "sides": sides,
            "attachments": list(application.attachments.all()),
            "receipts": list(application.receipts.all()),
            "themes": list(application.themes.all()),
            "steps": _steps(application, None) if can_change else [],
            # What the applicants are told: eligibility, then the outcome and the award.
            "eligibility_reasons": (eligibility_reasons(application)
                                    if user.has_perm("calls.view_outcome", application) else []),
            "can_manage": user.has_perm("calls.manage_call", application.call),
            "can_review": user.has_perm("calls.review_application", application),
            **_deadline_context(application),
        },
    )


# --- Steps -----------------------------------------------------------------------------


def _conflict_rows(stale: StaleDraft, typed: dict) -> list[dict]:
    rows = []
    for name, current in stale.current.items():
        mine = typed.get(name)
        if name == "keywords":
            current = ", ".join(current)
        if name == "themes":
            continue
        if mine is None or str(mine).strip() == str(current if current is not None else "").strip():
            continue
        rows.append(
            {
                "name": name,
                "label": DRAFT_LABELS.get(name, name),
                "mine": mine,
                "theirs": current if current is not None else "",
                "who": stale.changed_by.get(name, ""),
            }
        )
    return rows


def _with_version(form, version: int):
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
    return form


def _project_step(request, application, context):
    if request.method != "POST":
        context["form"] = ProjectForm(
            initial=ProjectForm.initial_for(application), application=application
        )
        return None
    form = ProjectForm(request.POST, application=application)
    valid = form.is_valid()
    version = form.cleaned_data.get("version") if hasattr(form, "cleaned_data") else None
    context["form"] = form
    try:
        try:
            application = services.save_draft(
                application=application,
                changes=form.changes(),
                version=version or 0,
                actor=request.user,
            )
        except StaleDraft as stale:
            if _conflict_rows(stale, {k: request.POST.get(k) for k in stale.current}):
                raise
            # Someone saved meanwhile, but every field typed here agrees with what they
            # saved: nothing to merge.
            application = services.save_draft(
                application=application,
                changes=form.changes(),
                version=stale.version,
                actor=request.user,
            )
    except StaleDraft as stale:
        context["conflicts"] = _conflict_rows(
            stale, {k: request.POST.get(k) for k in stale.current}
        )
        context["conflict_version"] = stale.version
        _with_version(form, stale.version)
        context["status"] = 409
        return None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            context["errors"] = _error_texts(exc)
        context["status"] = 400
        return None
    _with_version(form, application.version)
    context["application"] = application
    form.add_limit_errors()
    if valid and not form.errors:
        messages.success(request, _("Your draft is saved."))
        return redirect(_next_step(application, "project"))
    context["status"] = 400
    return None


def _next_step(application, step: str) -> str:
    following = STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]
    return reverse("calls:application_step", args=[application.pk, following])


def _consortium_step(request, application, context):
    form = InviteForm(request.POST or None, application=application)
    context["form"] = form
    context["participants"] = list(
        application.participants.select_related("pole", "institution").order_by(
            "pole__code", "role", "name"
        )
    )
    if request.method != "POST":
        return None
    if "remove" in request.POST:
        participant = get_object_or_404(
            Participant, pk=request.POST.get("remove") or 0, application=application
        )
        try:
            services.remove_participant(participant=participant, actor=request.user)
        except ValidationError as exc:
            context["errors"] = _error_texts(exc)
            context["status"] = 400
            return None
        messages.success(
            request, _("%(name)s is no longer in the consortium.") % {"name": participant.name}
        )
        return redirect(request.path)
    if not form.is_valid():
        context["status"] = 400
        return None
    data = form.cleaned_data
    try:
        participant = services.invite_participant(
            application=application,
            name=data["name"],
            email=data["email"],
            pole=data["pole"],
            institution=data["institution"],
            role=data["role"],
            actor=request.user,
            site_url=request.build_absolute_uri("/")[:-1],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            context["errors"] = _error_texts(exc)
        context["status"] = 400
        return None
    messages.success(
        request,
        _("%(name)s is invited by email to %(email)s.")
        % {"name": participant.name, "email": participant.email},
    )
    return redirect(request.path)


def _budget_step(request, application, context):
    if request.method != "POST":
        context["form"] = BudgetForm(
            initial=BudgetForm.initial_for(application), application=application
        )
        return None
    form = BudgetForm(request.POST, application=application)
    form.is_valid()
    context["form"] = form
    version = form.cleaned_data.get("version") or 0
    failed = False
    for envelope in form.envelopes:
        try:
            application = services.set_budget(
                application=application,
                pole=envelope.pole,
                lines=form.lines_for(envelope.pole),
                version=version,
                actor=request.user,
            )
        except StaleDraft as stale:
            context["errors"] = [
                _(
                    "Someone else changed the budget while you were typing "
                    "(%(who)s). Your amounts are kept below; check them against "
                    "the saved budget on the overview and save again."
                )
                % {"who": ", ".join(sorted(set(stale.changed_by.values()))) or "?"}
            ]
            version = stale.version
            failed = True
            context["status"] = 409
            break
        except ValidationError as exc:
            failed = True
            for field, errors in exc.message_dict.items():
                name = form.field_name(envelope.pole, field) if field != "pole" else None
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            continue
        version = application.version
    _with_version(form, version)
    context["application"] = application
    if failed:
        context.setdefault("status", 400)
        return None
    messages.success(request, _("The budget is saved."))
    return redirect(_next_step(application, "budget"))


def _documents_step(request, application, context):
    form = AttachmentForm(request.POST or None, request.FILES or None, application=application)
    context["form"] = form
    context["attachments"] = list(application.attachments.all())
    if request.method != "POST":
        return None
    if "remove" in request.POST:
        attachment = get_object_or_404(
            Attachment, pk=request.POST.get("remove") or 0, application=application
        )
        try:
            services.remove_attachment(attachment=attachment, actor=request.user)
        except ValidationError as exc:
            context["errors"] = _error_texts(exc)
            context["status"] = 400
            return None
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.original_name})
        return redirect(request.path)
    if not form.is_valid():
        context["status"] = 400
        return None
    try:
        attachment = services.add_attachment(
            application=application,
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
            actor=request.user,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            context["errors"] = _error_texts(exc)
        context["status"] = 400
        return None
    messages.success(
        request,
        _("“%(name)s” is uploaded (%(pages)d pages).")
        % {"name": attachment.original_name, "pages": attachment.pages},
    )
    return redirect(request.path)


def _review_step(request, application, context):
    context["missing"] = services.missing_items(application)
    context["participants"] = list(application.participants.select_related("pole"))
    return None


STEP_HANDLERS = {
    "project": _project_step,
    "consortium": _consortium_step,
    "budget": _budget_step,
    "documents": _documents_step,
    "review-and-submit": _review_step,
}


@login_required
def application_step(request, pk: int, step: str):
    application = _application_for(request, pk)
    if step not in STEP_HANDLERS:
        raise Http404
    if not request.user.has_perm("calls.change_application", application):
        if application.status != Application.Status.DRAFT:
            messages.info(
                request,
                _("The application is %(status)s: it can no longer be changed.")
                % {"status": application.get_status_display()},
            )
            return redirect("calls:application", pk=application.pk)
        raise PermissionDenied
    context = {
        "application": application,
        "call": application.call,
        "step": step,
        "step_name": STEP_NAMES[step],
        **_deadline_context(application),
    }
    response = STEP_HANDLERS[step](request, application, context)
    if response is not None:
        return response
    application = context["application"]
    context["steps"] = _steps(application, step)
    return render(
        request,
        f"calls/application_step_{step.replace('-', '_')}.html",
        context,
        status=context.get("status", 200),
    )


@require_POST
@login_required
def application_autosave(request, pk: int):
    """Save the project step's text fields; JSON answer with the new version, or 409 with
    the stored values when someone else saved in between."""
    application = get_object_or_404(Application.objects.select_related("call"), pk=pk)
    if not request.user.has_perm("calls.change_application", application):
        raise PermissionDenied
    data = request.POST
    if request.content_type == "application/json":
        try:
            payload = json.loads(request.body or b"{}")
        except ValueError:
            return JsonResponse({"errors": [_("The request is not valid JSON.")]}, status=400)
        if not isinstance(payload, dict):
            return JsonResponse({"errors": [_("The request is not valid JSON.")]}, status=400)
        data = QueryDict(mutable=True)
        for name, value in payload.items():
            data.setlist(name, [str(v) for v in value] if isinstance(value, list) else [value])
    form = ProjectForm(data, application=application)
    form.is_valid()
    changes = {name: value for name, value in form.changes().items() if name in data}
    try:
        application = services.save_draft(
            application=application,
            changes=changes,
            version=form.cleaned_data.get("version") or 0,
            actor=request.user,
        )
    except StaleDraft as stale:
        current = {**stale.current, "keywords": ", ".join(stale.current["keywords"])}
        return JsonResponse(
            {
                "version": stale.version,
                "current": current,
                "changed_by": stale.changed_by,
                "message": _(
                    "Someone else saved this draft meanwhile: reload the "
                    "page to compare both texts. Yours is kept in this "
                    "browser."
                ),
            },
            status=409,
        )
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
    return JsonResponse(
        {"version": application.version, "errors": errors, "saved_at": timezone.now().isoformat()}
    )


@require_POST
@login_required
def submit(request, pk: int):
    application = _application_for(request, pk)
    try:
        receipt = services.submit_application(application=application, actor=request.user)
    except ValidationError as exc:
        application.refresh_from_db()
        context = {
            "application": application,
            "call": application.call,
            "step": "review-and-submit",
            "step_name": STEP_NAMES["review-and-submit"],
            "errors": _error_texts(exc),
            **_deadline_context(application),
        }
        _review_step(request, application, context)
        context["steps"] = _steps(application, "review-and-submit")
        return render(request, "calls/application_step_review_and_submit.html", context, status=400)
    messages.success(
        request,
        _("The application %(reference)s is submitted. The receipt is sent by email.")
        % {"reference": application.reference},
    )
    return redirect(reverse("calls:application", args=[application.pk]) + f"#receipt-{receipt.pk}")


# --- Invitations, files, receipts ------------------------------------------------------


@login_required
def invitation(request, token: str):
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
            errors = _error_texts(exc)
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
    return render(
        request,
        "calls/invitation.html",
        {"participant": participant, "application": participant.application, "errors": errors},
        status=400 if errors else 200,
    )


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("application__call"), pk=pk)
    if not request.user.has_perm("calls.view_application", attachment.application):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def receipt_download(request, pk: int, receipt_pk: int):
    application = _application_for(request, pk, "calls.view_outcome")
    receipt = get_object_or_404(Receipt, pk=receipt_pk, application=application)
    if not receipt.pdf:
        raise Http404
    response = FileResponse(
        receipt.pdf.open("rb"),
        as_attachment=True,
        filename=f"{application.reference}-receipt.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("<int:call_pk>/apply/", apply, name="apply"),
    path("mine/", my_applications, name="my_applications"),
    path("applications/<int:pk>/", application_detail, name="application"),
    path("applications/<int:pk>/edit/<slug:step>/", application_step, name="application_step"),
    path("applications/<int:pk>/autosave/", application_autosave, name="application_autosave"),
    path("applications/<int:pk>/submit/", submit, name="submit"),
    path("applications/<int:pk>/receipt/<int:receipt_pk>.pdf", receipt_download, name="receipt"),
    path("invitations/<str:token>/", invitation, name="invitation"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
]
