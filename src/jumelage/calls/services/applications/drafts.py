"""Start an application and save its draft, refusing a save that started from an older version
(co-applicants never overwrite each other silently)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call, Participant
from jumelage.calls.services.applications.common import (
    DRAFT_FIELDS,
    check_editable,
    clean_draft_value,
    closed_message,
    funding_poles,
    private_diff,
    stale_draft,
)
from jumelage.core import audit
from jumelage.core.formatting import format_datetime
from jumelage.core.i18n import current_content_language


@transaction.atomic
def start_application(*, call: Call, actor) -> Application:
    """Open a draft. The creator becomes lead of their side when they hold a current
    affiliation at an institution of a funding pole."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not actor.is_authenticated:
        raise PermissionDenied
    now = timezone.now()
    if call.status == Call.Status.DRAFT or now < call.opens_at:
        raise ValidationError(
            _("The call is not open yet: applications open on %(opens)s (UTC).")
            % {"opens": format_datetime(call.opens_at, time_zone="UTC")},
            code="not_open",
        )
    deadline = call.intent_closes_at if call.two_stage and call.intent_closes_at else call.closes_at
    if call.status != Call.Status.PUBLISHED or now >= deadline:  # in review and after
        raise ValidationError(closed_message(deadline), code="closed")
    prefix = f"JC{call.opens_at:%y}-"
    numbers = [
        int(reference[len(prefix) :])
        for reference in Application.objects.filter(reference__startswith=prefix).values_list(
            "reference", flat=True
        )
        if reference[len(prefix) :].isdigit()
    ]
    number = max(numbers, default=0) + 1
    while Application.objects.filter(reference=f"{prefix}{number:03d}").exists():
        number += 1
    application = Application.objects.create(
        call=call,
        reference=f"{prefix}{number:03d}",
        created_by=actor,
        stage=Application.Stage.INTENT if call.two_stage else Application.Stage.FULL,
        language=current_content_language(),
    )
    audit.record(
        actor=actor,
        action="calls.application.start",
        obj=application,
        changes={"reference": [None, application.reference]},
    )
    person = getattr(actor, "person", None)
    if person is not None:
        poles = {p.pk: p for p in funding_poles(call)}
        affiliation = next(
            (
                a
                for a in person.affiliations.select_related("institution", "team").order_by(
                    "-start_date", "pk"
                )
                if a.is_current and a.institution.pole_id in poles
            ),
            None,
        )
        if affiliation is not None:
            participant = Participant.objects.create(
                application=application,
                person=person,
                name=person.full_name,
                email=person.email or actor.email,
                pole=poles[affiliation.institution.pole_id],
                institution=affiliation.institution,
                team=affiliation.team,
                role=Participant.Role.LEAD,
                status=Participant.Status.CONFIRMED,
                responded_at=now,
            )
            audit.record(
                actor=actor,
                action="calls.participant.add",
                obj=participant,
                changes={"role": [None, participant.role], "status": [None, participant.status]},
            )
    return application


# --- Draft -----------------------------------------------------------------------------


@transaction.atomic
def save_draft(*, application: Application, changes: dict, version: int, actor) -> Application:
    """Save what was typed, word limits not enforced (they are checked at submission).

    Raises StaleDraft when the draft changed since `version` (nothing is saved then)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    check_editable(application, actor)
    if int(version) != application.version:
        raise stale_draft(application, int(version))
    before = {**audit.snapshot(application, DRAFT_FIELDS), "version": application.version}
    themes = None
    for name, value in changes.items():
        if name not in DRAFT_FIELDS:
            raise ValueError(f"{name} is not a field of the draft")
        if name == "themes":
            allowed = set(application.call.themes.values_list("pk", flat=True))
            themes = [int(getattr(t, "pk", t)) for t in value or []]
            themes = [t for t in themes if t in allowed]
            continue
        setattr(application, name, clean_draft_value(application, name, value))
    if themes is not None:
        application.themes.set(themes)
    after = audit.snapshot(application, DRAFT_FIELDS)
    if audit.diff(before, {**after, "version": application.version}):
        application.version += 1
        application.save()
        audit.record(
            actor=actor,
            action="calls.application.save_draft",
            obj=application,
            changes=private_diff(audit.diff(before, {**after, "version": application.version})),
        )
    return application
