"""Reminders to reviewers of the reviews they have not submitted, at most weekly."""

import datetime as dt
import functools

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from jumelage.calls.models import Application, Call, Review
from jumelage.calls.services import notify
from jumelage.calls.services.review.exercise import _content_type
from jumelage.core import audit
from jumelage.core.tasks import send_email
from jumelage.directory.models import Person
from jumelage.matching.models import Assignment, DeclaredConflict, ReviewExercise

REMINDER_INTERVAL = dt.timedelta(days=7)
# Calls whose reviews may still be outstanding.
REVIEWING = (Call.Status.PUBLISHED, Call.Status.REVIEW, Call.Status.PANEL)


def _send_reminder(person_id: int, application_ids: list[int], site_url: str) -> None:
    person = Person.objects.select_related("user").get(pk=person_id)
    email = (person.user.email if person.user else "") or person.email
    if not email:
        return
    language = (person.user.language if person.user else "") or settings.LANGUAGE_CODE
    applications = list(
        Application.objects.filter(pk__in=application_ids)
        .select_related("call")
        .order_by("reference")
    )
    with translation.override(language):
        rows = [
            {
                "application": a,
                "call": a.call,
                "link": site_url + reverse("calls:review", args=[a.pk]),
            }
            for a in applications
        ]
        context = {
            "person": person,
            "rows": rows,
            "my_reviews": site_url + reverse("calls:my_reviews"),
        }
        subject = " ".join(
            render_to_string("calls/email/review_reminder_subject.txt", context).split()
        )
        body = render_to_string("calls/email/review_reminder_body.txt", context)
    send_email.enqueue(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[email]
    )


def send_review_reminders(
    *, call: Call | None = None, now: dt.datetime | None = None, site_url: str = ""
) -> int:
    """Email each reviewer who has reviews assigned and not submitted, at most once every
    seven days per review (a draft review is created, if needed, to keep the date). One
    email per reviewer lists the applications. Returns the number of emails."""
    now = now or timezone.now()
    site_url = site_url or notify.site_url()
    calls = Call.objects.filter(status__in=REVIEWING)
    if call is not None:
        calls = calls.filter(pk=call.pk)
    exercises = ReviewExercise.objects.filter(
        content_type=_content_type(Call), object_id__in=list(calls.values_list("pk", flat=True))
    )
    app_type = _content_type(Application)
    pairs = list(
        Assignment.objects.filter(
            item__exercise__in=exercises, item__content_type=app_type
        ).values_list("reviewer_id", "item__object_id", "item_id")
    )
    declared = set(
        DeclaredConflict.objects.filter(
            item_id__in=[item_id for _r, _a, item_id in pairs]
        ).values_list("person_id", "item_id")
    )
    live = {
        a.pk
        for a in Application.objects.filter(
            pk__in=[a for _r, a, _i in pairs], status=Application.Status.SUBMITTED
        )
    }
    due: dict[int, list[int]] = {}
    with transaction.atomic():
        reviews = {
            (r.reviewer_id, r.application_id): r
            for r in Review.objects.select_for_update().filter(application_id__in=live)
        }
        for reviewer_id, application_id, item_id in sorted(pairs):
            if application_id not in live or (reviewer_id, item_id) in declared:
                continue
            review = reviews.get((reviewer_id, application_id))
            if review is not None and review.status == Review.Status.SUBMITTED:
                continue
            if (
                review is not None
                and review.reminded_at
                and (now - review.reminded_at < REMINDER_INTERVAL)
            ):
                continue
            if review is None:
                review = Review.objects.create(
                    application_id=application_id, reviewer_id=reviewer_id
                )
            review.reminded_at = now
            review.save(update_fields=["reminded_at", "updated_at"])
            due.setdefault(reviewer_id, []).append(application_id)
        for reviewer_id, application_ids in sorted(due.items()):
            audit.record(
                actor=None,
                action="calls.review.remind",
                obj=Person.objects.get(pk=reviewer_id),
                changes={"applications": [None, sorted(application_ids)]},
            )
            transaction.on_commit(
                functools.partial(_send_reminder, reviewer_id, application_ids, site_url)
            )
    return len(due)
