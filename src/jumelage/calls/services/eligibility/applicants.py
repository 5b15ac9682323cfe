"""Telling the applicants the eligibility outcome, once per outcome, after commit."""

import functools

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from jumelage.calls.models import Application, Call
from jumelage.calls.services import notify
from jumelage.calls.services.eligibility.reasons import eligibility_reasons
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit
from jumelage.core.tasks import send_email


def _send_outcome(application_id: int, site_url: str) -> None:
    application = (
        Application.objects.select_related("call", "created_by")
        .prefetch_related("eligibility_checks")
        .get(pk=application_id)
    )
    for email, language in notify.recipients(application):
        with translation.override(language):
            failed = [text for passed, text in eligibility_reasons(application) if not passed]
            eligible = application.eligibility == Application.Eligibility.ELIGIBLE
            context = {
                "application": application,
                "call": application.call,
                "eligible": eligible,
                "reasons": [] if eligible else failed,
                "overridden": application.eligibility_overridden,
                "link": site_url + reverse("calls:application", args=[application.pk]),
            }
            subject = " ".join(
                render_to_string("calls/email/eligibility_outcome_subject.txt", context).split()
            )
            body = render_to_string("calls/email/eligibility_outcome_body.txt", context)
        send_email.enqueue(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
        )


@transaction.atomic
def notify_eligibility(*, call: Call, actor, site_url: str = "") -> int:
    """Email the applicants of each checked application the outcome (with the reasons of the
    rules it failed), once per application. Returns how many applications were notified."""
    require_manager(actor, call)
    site_url = site_url or notify.site_url()
    now = timezone.now()
    pending = list(
        Application.objects.select_for_update()
        .filter(
            call=call,
            stage=Application.Stage.FULL,
            status=Application.Status.SUBMITTED,
            eligibility_notified_at__isnull=True,
        )
        .exclude(eligibility=Application.Eligibility.PENDING)
        .order_by("reference")
    )
    for application in pending:
        application.eligibility_notified_at = now
        application.save(update_fields=["eligibility_notified_at", "updated_at"])
        audit.record(
            actor=actor,
            action="calls.eligibility.notify",
            obj=application,
            changes={
                "eligibility_notified_at": [None, now.isoformat()],
                "eligibility": [None, application.eligibility],
            },
        )
        transaction.on_commit(functools.partial(_send_outcome, application.pk, site_url))
    return len(pending)
