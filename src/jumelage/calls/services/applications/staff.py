"""Changes after submission: staff amendments (justified, audited) and withdrawal by the
applicants before the deadline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Application
from jumelage.calls.services.applications.common import (
    AMENDABLE_FIELDS,
    clean_draft_value,
    deadline_of,
    stale_draft,
)
from jumelage.calls.services.permissions import require_manager
from jumelage.calls.services.review import item_of, sync_items
from jumelage.core import audit
from jumelage.core.formatting import format_datetime


@transaction.atomic
def amend_application(
    *, application: Application, changes: dict, version: int, actor, justification: str
) -> Application:
    """Staff change a submitted application; the justification is kept in the audit log.

    Raises StaleDraft when the application changed since `version` (nothing is saved then).
    Themes must be themes of the call. Once the decision is released nothing changes. The
    application's review item, if any, is refreshed with the amended texts."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    require_manager(actor, application.call)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError(
            _(
                "The application %(reference)s is %(status)s: staff amend only submitted "
                "applications."
            )
            % {"reference": application.reference, "status": application.get_status_display()},
            code="not_submitted",
        )
    if application.outcome_released_at is not None:
        raise ValidationError(
            _(
                "The decision on %(reference)s was released on %(date)s (UTC): the "
                "application can no longer be amended."
            )
            % {
                "reference": application.reference,
                "date": format_datetime(application.outcome_released_at, time_zone="UTC"),
            },
            code="released",
        )
    if int(version) != application.version:
        raise stale_draft(application, int(version))
    if not (justification or "").strip():
        raise ValidationError(
            {
                "justification": _(
                    "Say why the application is amended: the "
                    "justification is kept in the audit log."
                )
            }
        )
    before = {**audit.snapshot(application, AMENDABLE_FIELDS), "version": application.version}
    themes = None
    for name, value in changes.items():
        if name not in AMENDABLE_FIELDS:
            raise ValueError(f"{name} is not a field that staff can amend")
        if name == "themes":
            themes = _call_themes(application, value)
        else:
            setattr(application, name, clean_draft_value(application, name, value))
    if themes is not None:
        application.themes.set(themes)
    application.version += 1
    application.save()
    diff = audit.diff(
        before,
        {**audit.snapshot(application, AMENDABLE_FIELDS), "version": application.version},
    )
    diff["justification"] = [None, justification.strip()]
    audit.record(actor=actor, action="calls.application.amend", obj=application, changes=diff)
    if item_of(application) is not None:
        # The reviewers read the item: its title, text, keywords and themes follow the
        # amendment.
        sync_items(call=application.call, actor=actor)
    return application


def _call_themes(application: Application, value) -> list[int]:
    """The ids of the chosen themes, refused when one is not a theme of the call."""
    call_themes = {t.pk: t for t in application.call.themes.order_by("code")}
    chosen = []
    for theme in value or []:
        pk = getattr(theme, "pk", theme)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            pk = None
        if pk not in call_themes:
            raise ValidationError(
                {
                    "themes": _("“%(value)s” is not a theme of this call: choose among %(themes)s.")
                    % {
                        "value": theme,
                        "themes": ", ".join(str(t) for t in call_themes.values()),
                    }
                },
                code="invalid_theme",
            )
        chosen.append(pk)
    return sorted(set(chosen))


def may_withdraw(*, application: Application, actor) -> bool:
    """Who withdraws: the applicants of a draft; the creator of a submitted application."""
    return application.created_by_id == actor.pk or actor.has_perm(
        "calls.change_application", application
    )


def withdrawal_blocker(application: Application) -> str:
    """Why the application can no longer be withdrawn ("" when it can)."""
    if application.outcome not in (Application.Outcome.PENDING, Application.Outcome.INVITED):
        return _(
            "A decision was taken on this application: it can no longer be "
            "withdrawn. Write to the programme staff."
        )
    deadline = deadline_of(application)
    if timezone.now() >= deadline:
        return _(
            "The call closed on %(deadline)s (UTC, server time): the application can no "
            "longer be withdrawn. Write to the programme staff."
        ) % {"deadline": format_datetime(deadline, time_zone="UTC")}
    return ""


def can_withdraw(*, application: Application, actor) -> bool:
    """Whether `actor` may withdraw the application now (for the pages' links)."""
    return (
        actor.is_authenticated
        and application.status != Application.Status.WITHDRAWN
        and may_withdraw(application=application, actor=actor)
        and not withdrawal_blocker(application)
    )


@transaction.atomic
def withdraw_application(*, application: Application, actor) -> Application:
    """The applicants withdraw a draft or a submitted application, before the deadline of its
    stage (server time) and before any decision (an invitation to the full proposal is not
    one). Withdrawing again changes nothing."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if not may_withdraw(application=application, actor=actor):
        raise PermissionDenied
    if application.status == Application.Status.WITHDRAWN:
        return application
    blocker = withdrawal_blocker(application)
    if blocker:
        raise ValidationError(blocker, code="locked")
    before = application.status
    application.status = Application.Status.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        action="calls.application.withdraw",
        obj=application,
        changes={"status": [before, application.status]},
    )
    return application
