"""The steps of the application form after the project (consortium, budget, documents, review
and submit), the page that shows any step, and the submission."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jumelage.calls.forms.applications import AttachmentForm, BudgetForm, InviteForm
from jumelage.calls.models import Application, Attachment, Participant
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import STEP_NAMES, StaleDraft
from jumelage.calls.views.applications.base import (
    application_for,
    deadline_context,
    next_step,
    refuse,
    steps_of,
    with_version,
)
from jumelage.calls.views.applications.project import project_step


def _act(request, context: dict, form, write, done):
    """Run the write of a step's action: on refusal, show why (None: the step is rendered);
    on success, say `done(result)` and come back to the step."""
    try:
        result = write()
    except ValidationError as exc:
        refuse(context, form, exc)
        return None
    messages.success(request, done(result))
    return redirect(request.path)


def consortium_step(request, application, context):
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
        return _act(
            request,
            context,
            form,
            lambda: services.remove_participant(participant=participant, actor=request.user),
            lambda _result: (
                _("%(name)s is no longer in the consortium.") % {"name": participant.name}
            ),
        )
    if not form.is_valid():
        context["status"] = 400
        return None
    data = form.cleaned_data
    return _act(
        request,
        context,
        form,
        lambda: services.invite_participant(
            application=application,
            name=data["name"],
            email=data["email"],
            pole=data["pole"],
            institution=data["institution"],
            role=data["role"],
            actor=request.user,
            site_url=request.build_absolute_uri("/")[:-1],
        ),
        lambda participant: (
            _("%(name)s is invited by email to %(email)s.")
            % {"name": participant.name, "email": participant.email}
        ),
    )


def budget_step(request, application, context):
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
    with_version(form, version)
    context["application"] = application
    if failed:
        context.setdefault("status", 400)
        return None
    messages.success(request, _("The budget is saved."))
    return redirect(next_step(application, "budget"))


def documents_step(request, application, context):
    form = AttachmentForm(request.POST or None, request.FILES or None, application=application)
    context["form"] = form
    context["attachments"] = list(application.attachments.all())
    if request.method != "POST":
        return None
    if "remove" in request.POST:
        attachment = get_object_or_404(
            Attachment, pk=request.POST.get("remove") or 0, application=application
        )
        return _act(
            request,
            context,
            form,
            lambda: services.remove_attachment(attachment=attachment, actor=request.user),
            lambda _result: _("“%(name)s” is removed.") % {"name": attachment.original_name},
        )
    if not form.is_valid():
        context["status"] = 400
        return None
    return _act(
        request,
        context,
        form,
        lambda: services.add_attachment(
            application=application,
            kind=form.cleaned_data["kind"],
            uploaded_file=form.cleaned_data["file"],
            actor=request.user,
        ),
        lambda attachment: (
            _("“%(name)s” is uploaded (%(pages)d pages).")
            % {"name": attachment.original_name, "pages": attachment.pages}
        ),
    )


def review_step(request, application, context):
    context["missing"] = services.missing_items(application)
    context["participants"] = list(application.participants.select_related("pole"))
    return None


STEP_HANDLERS = {
    "project": project_step,
    "consortium": consortium_step,
    "budget": budget_step,
    "documents": documents_step,
    "review-and-submit": review_step,
}


@login_required
def application_step(request, pk: int, step: str):
    application = application_for(request, pk)
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
        **deadline_context(application),
    }
    response = STEP_HANDLERS[step](request, application, context)
    if response is not None:
        return response
    application = context["application"]
    context["steps"] = steps_of(application, step)
    return render(
        request,
        f"calls/application_step_{step.replace('-', '_')}.html",
        context,
        status=context.get("status", 200),
    )


@require_POST
@login_required
def submit(request, pk: int):
    application = application_for(request, pk)
    try:
        receipt = services.submit_application(application=application, actor=request.user)
    except ValidationError as exc:
        application.refresh_from_db()
        context = {
            "application": application,
            "call": application.call,
            "step": "review-and-submit",
            "step_name": STEP_NAMES["review-and-submit"],
            "errors": list(exc.messages),
            **deadline_context(application),
        }
        review_step(request, application, context)
        context["steps"] = steps_of(application, "review-and-submit")
        return render(request, "calls/application_step_review_and_submit.html", context, status=400)
    messages.success(
        request,
        _("The application %(reference)s is submitted. The receipt is sent by email.")
        % {"reference": application.reference},
    )
    return redirect(reverse("calls:application", args=[application.pk]) + f"#receipt-{receipt.pk}")
