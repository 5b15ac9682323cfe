"""The project step: the draft's texts, saved on every POST and by the autosave endpoint that
calls-autosave.js posts to. A save that started from an older version shows both texts side by
side (409) instead of overwriting a co-applicant's."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jumelage.calls.forms.applications import ProjectForm
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import StaleDraft
from jumelage.calls.views.applications.base import (
    DRAFT_LABELS,
    application_for,
    next_step,
    refuse,
    with_version,
)


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


def project_step(request, application, context):
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
        with_version(form, stale.version)
        context["status"] = 409
        return None
    except ValidationError as exc:
        refuse(context, form, exc)
        return None
    with_version(form, application.version)
    context["application"] = application
    form.add_limit_errors()
    if valid and not form.errors:
        messages.success(request, _("Your draft is saved."))
        return redirect(next_step(application, "project"))
    context["status"] = 400
    return None


@require_POST
@login_required
def application_autosave(request, pk: int):
    """Save the project step's text fields; JSON answer with the new version, or 409 with
    the stored values when someone else saved in between."""
    application = application_for(request, pk, "calls.change_application")
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
            values = value if isinstance(value, list) else [value]
            # A form posts text: numbers and text are accepted, anything else is named.
            if not all(isinstance(v, str | int | float) and not isinstance(v, bool)
                       for v in values):
                return JsonResponse({"errors": [
                    _("The value of “%(field)s” is not text or a number.") % {"field": name}
                ]}, status=400)
            data.setlist(name, [str(v) for v in values])
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
