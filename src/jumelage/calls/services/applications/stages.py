"""The two stages of a two-stage call: letters of intent are submitted until
`call.intent_closes_at`; staff then invite some of them to a full proposal (due by
`call.closes_at`) and decline the others. The applicants are told by email after commit."""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call
from jumelage.calls.services import notify
from jumelage.calls.services.permissions import require_manager
from jumelage.calls.zones import MONTREAL, PARIS
from jumelage.core import audit
from jumelage.core.formatting import format_datetime
from jumelage.core.tasks import send_email

STAGE_FIELDS = ("stage", "status", "outcome", "submitted_at", "eligibility")


def _intents(*, call: Call, applications: list[Application], actor) -> list[Application]:
    """The submitted letters of intent among `applications`, locked; refuses the whole list
    when one is not a submitted letter of intent of this call still waiting for an answer."""
    require_manager(actor, call)
    if not call.two_stage:
        raise ValidationError(
            _("%(call)s is not a two-stage call: it takes no letters of intent.")
            % {"call": call.title},
            code="not_two_stage",
        )
    pks = sorted({a.pk for a in applications})
    if not pks:
        raise ValidationError(_("Choose at least one letter of intent."), code="empty")
    locked = list(
        Application.objects.select_for_update()
        .select_related("call", "created_by")
        .filter(pk__in=pks)
        .order_by("reference")
    )
    wrong = [
        a.reference
        for a in locked
        if a.call_id != call.pk
        or a.stage != Application.Stage.INTENT
        or a.status != Application.Status.SUBMITTED
        or a.outcome != Application.Outcome.PENDING
    ]
    if wrong or len(locked) != len(pks):
        raise ValidationError(
            _(
                "%(references)s: only submitted letters of intent of this call still waiting "
                "for an answer can be invited or declined."
            )
            % {"references": ", ".join(wrong) or "?"},
            code="not_intent",
        )
    return locked


def _send(application_id: int, template: str, site_url: str) -> None:
    application = Application.objects.select_related("call", "created_by").get(pk=application_id)
    for email, language in notify.recipients(application):
        with translation.override(language):
            context = {
                "application": application,
                "call": application.call,
                "closes": format_datetime(application.call.closes_at, time_zone="UTC"),
                "closes_paris": format_datetime(
                    application.call.closes_at, time_zone=PARIS
                ),
                "closes_montreal": format_datetime(
                    application.call.closes_at, time_zone=MONTREAL
                ),
                "link": site_url + reverse("calls:application", args=[application.pk]),
            }
            subject = " ".join(
                render_to_string(f"calls/email/{template}_subject.txt", context).split()
            )
            body = render_to_string(f"calls/email/{template}_body.txt", context)
        send_email.enqueue(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
        )


ACTIONS = {
    "invited": "calls.application.invite_full",
    "declined": "calls.application.decline_intent",
}


def _answered(application: Application, before: dict, *, actor, answer: str, site_url: str):
    """Audit the answer to a letter of intent and mail the applicants once it is committed."""
    audit.record(
        actor=actor,
        action=ACTIONS[answer],
        obj=application,
        changes=audit.diff(before, audit.snapshot(application, STAGE_FIELDS)),
    )
    transaction.on_commit(functools.partial(_send, application.pk, f"intent_{answer}", site_url))


@transaction.atomic
def invite_full_proposals(
    *, call: Call, applications: list[Application], actor, site_url: str = ""
) -> list[Application]:
    """Invite letters of intent to a full proposal: each becomes a full-stage draft (outcome
    "invited") that its applicants edit and submit until the call closes."""
    locked = _intents(call=call, applications=applications, actor=actor)
    if timezone.now() >= call.closes_at:
        raise ValidationError(
            _(
                "The full proposals closed on %(deadline)s (UTC, server time): nobody can be "
                "invited any more."
            )
            % {"deadline": format_datetime(call.closes_at, time_zone="UTC")},
            code="closed",
        )
    site_url = site_url or notify.site_url()
    for application in locked:
        before = audit.snapshot(application, STAGE_FIELDS)
        application.stage = Application.Stage.FULL
        application.status = Application.Status.DRAFT
        application.outcome = Application.Outcome.INVITED
        application.submitted_at = None
        # The full proposal is checked afresh once submitted.
        application.eligibility = Application.Eligibility.PENDING
        application.eligibility_overridden = False
        application.eligibility_justification = ""
        application.eligibility_notified_at = None
        application.version += 1
        application.save()
        _answered(application, before, actor=actor, answer="invited", site_url=site_url)
    return locked


@transaction.atomic
def decline_intents(
    *, call: Call, applications: list[Application], actor, site_url: str = ""
) -> list[Application]:
    """Decline letters of intent: they stay submitted at the intent stage, not funded."""
    locked = _intents(call=call, applications=applications, actor=actor)
    site_url = site_url or notify.site_url()
    for application in locked:
        before = audit.snapshot(application, STAGE_FIELDS)
        application.outcome = Application.Outcome.NOT_FUNDED
        application.save(update_fields=["outcome", "updated_at"])
        _answered(application, before, actor=actor, answer="declined", site_url=site_url)
    return locked
