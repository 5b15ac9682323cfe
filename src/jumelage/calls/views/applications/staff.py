"""Changes after submission: staff amend a submitted application (with a justification kept in
the audit log, whose history the page shows), and the applicants withdraw theirs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jumelage.calls.forms.applications import AmendForm
from jumelage.calls.models import Application
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import StaleDraft
from jumelage.calls.views.applications.base import (
    application_for,
    deadline_context,
    refuse,
    with_version,
)
from jumelage.calls.views.applications.project import _conflict_rows


def _amendments(application: Application) -> list[dict]:
    """The amendments of the application, newest first, each with its changed fields."""
    labels = {name: field.label for name, field in AmendForm.base_fields.items()}
    entries = services.audit_trail(application, ("calls.application.amend",)).reverse()
    rows = []
    for entry in entries:
        changes = dict(entry.changes)
        justification = (changes.pop("justification", None) or [None, ""])[1]
        changes.pop("version", None)
        rows.append(
            {
                "entry": entry,
                "who": (entry.actor.get_full_name() or entry.actor.email)
                if entry.actor
                else entry.actor_label,
                "justification": justification,
                "changes": [
                    {
                        "label": labels.get(name, name),
                        "before": ", ".join(b) if isinstance(b, list) else b,
                        "after": ", ".join(a) if isinstance(a, list) else a,
                    }
                    for name, (b, a) in sorted(changes.items())
                ],
            }
        )
    return rows


def _conflicts(stale: StaleDraft, typed: dict) -> list[dict]:
    """The fields changed since the form was opened whose typed value differs from the stored
    one (every differing field when the audit log does not tell who changed what)."""
    rows = _conflict_rows(stale, typed)
    if not stale.changed_by:
        return rows
    return [row for row in rows if row["name"] in stale.changed_by]


@login_required
def amend(request, pk: int):
    """Staff of the call change the texts or the duration of a submitted application."""
    application = application_for(request, pk)
    if not request.user.has_perm("calls.manage_call", application.call):
        raise PermissionDenied
    context = {"application": application, "call": application.call, "errors": []}
    status = 200
    if request.method == "POST":
        form = AmendForm(request.POST, application=application)
        if form.is_valid():
            typed = {name: request.POST.get(name) for name in AmendForm.FIELDS}
            try:
                try:
                    services.amend_application(
                        application=application,
                        changes=form.changes(),
                        version=form.cleaned_data["version"],
                        actor=request.user,
                        justification=form.cleaned_data["justification"],
                    )
                except StaleDraft as stale:
                    if _conflicts(stale, typed):
                        raise
                    # Amended meanwhile, but on the fields changed since, what is typed here
                    # agrees with the stored value: nothing to merge.
                    services.amend_application(
                        application=application,
                        changes=form.changes(),
                        version=stale.version,
                        actor=request.user,
                        justification=form.cleaned_data["justification"],
                    )
            except StaleDraft as stale:
                context.update(conflicts=_conflicts(stale, typed), conflict_version=stale.version)
                with_version(form, stale.version)
                status = 409
            except ValidationError as exc:
                refuse(context, form, exc)
                status = 400
            else:
                messages.success(
                    request,
                    _("The application %(reference)s is amended.")
                    % {"reference": application.reference},
                )
                return redirect("calls:amend", pk=application.pk)
        else:
            status = 400
    else:
        form = AmendForm(initial=AmendForm.initial_for(application), application=application)
    context.update(
        form=form,
        amendable=application.status == Application.Status.SUBMITTED
        and application.outcome_released_at is None,
        released=application.outcome_released_at is not None,
        amendments=_amendments(application),
    )
    return render(request, "calls/application_amend.html", context, status=status)


@login_required
def withdraw(request, pk: int):
    """GET: ask for confirmation; POST: withdraw the application."""
    application = application_for(request, pk)
    if not services.may_withdraw(application=application, actor=request.user):
        raise PermissionDenied
    if not services.can_withdraw(application=application, actor=request.user):
        messages.info(
            request,
            services.withdrawal_blocker(application)
            or _("The application %(reference)s is %(status)s: it cannot be withdrawn.")
            % {"reference": application.reference, "status": application.get_status_display()},
        )
        return redirect("calls:application", pk=application.pk)
    if request.method == "POST":
        try:
            services.withdraw_application(application=application, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The application %(reference)s is withdrawn.")
                % {"reference": application.reference},
            )
        return redirect("calls:application", pk=application.pk)
    return render(
        request,
        "calls/application_withdraw.html",
        {"application": application, "call": application.call, **deadline_context(application)},
    )
