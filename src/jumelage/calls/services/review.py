"""Review of a joint call's applications.

The call owns one review exercise of the matching engine (`ensure_exercise`), whose items are
the call's submitted, eligible applications (`sync_items`): the engine computes the conflicts of
interest (same institution or a parent, named on the application, same team, co-authorship) and
proposes the assignment; staff adjust it on the matching pages. Reviewers declare conflicts
themselves (then they lose access at once), save and submit their reviews, and are reminded.
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call, Criterion, Participant, Review, ReviewScore
from jumelage.calls.services import notify
from jumelage.core import audit
from jumelage.core.tasks import send_email
from jumelage.directory.models import Person
from jumelage.matching.models import (
    ALL_CONFLICT_RULES,
    Assignment,
    DeclaredConflict,
    ReviewExercise,
    ReviewItem,
)
from jumelage.matching.services import conflict_text

REMINDER_INTERVAL = dt.timedelta(days=7)
# Calls whose reviews may still be outstanding.
REVIEWING = (Call.Status.PUBLISHED, Call.Status.REVIEW, Call.Status.PANEL)


def _content_type(model) -> ContentType:
    return ContentType.objects.get_for_model(model)


def exercise_of(call: Call) -> ReviewExercise | None:
    return (
        ReviewExercise.objects.filter(content_type=_content_type(Call), object_id=call.pk)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def ensure_exercise(*, call: Call, actor=None) -> ReviewExercise:
    """The call's review exercise, created once with the call's rules (k reviewers, maximum
    load, a reviewer from each pole, every conflict rule, co-authorship over three years);
    staff of both poles manage it."""
    Call.objects.select_for_update().filter(pk=call.pk).first()
    exercise = exercise_of(call)
    if exercise is not None:
        return exercise
    exercise = ReviewExercise.objects.create(
        kind=ReviewExercise.Kind.CALL,
        title=call.title_en or call.title_fr,
        owner=call,
        pole=None,
        reviewers_per_item=call.reviewers_per_application,
        max_load=call.max_reviewer_load,
        balance=ReviewExercise.Balance.EACH_POLE,
        conflict_rules=list(ALL_CONFLICT_RULES),
        coauthorship_years=3,
    )
    audit.record(
        actor=actor,
        action="calls.review.create_exercise",
        obj=call,
        changes={"review_exercise": [None, exercise.pk]},
    )
    return exercise


def _require_manager(actor, call: Call) -> None:
    if actor is None or not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied


def item_of(application: Application) -> ReviewItem | None:
    return (
        ReviewItem.objects.select_related("exercise")
        .filter(
            content_type=_content_type(Application),
            object_id=application.pk,
            exercise__content_type=_content_type(Call),
            exercise__object_id=application.call_id,
        )
        .first()
    )


def _fill_item(item: ReviewItem, application: Application) -> None:
    participants = [
        p for p in application.participants.all() if p.status != Participant.Status.DECLINED
    ]
    people = {p.person_id for p in participants if p.person_id}
    teams = {p.team_id for p in participants if p.team_id}
    institutions = {p.institution_id for p in participants if p.institution_id}
    item.themes.set([t.pk for t in application.themes.all()])
    item.people.set(sorted(people))
    item.teams.set(sorted(teams))
    item.institutions.set(sorted(institutions))


@transaction.atomic
def sync_items(*, call: Call, actor) -> int:
    """One review item per submitted, eligible application (its text, keywords, themes and
    the consortium's people, teams and institutions, from which conflicts are computed);
    items of applications no longer eligible go, with their assignments. Returns the number
    of items."""
    _require_manager(actor, call)
    exercise = ensure_exercise(call=call, actor=actor)
    app_type = _content_type(Application)
    eligible = list(
        Application.objects.filter(
            call=call,
            stage=Application.Stage.FULL,  # letters of intent are not reviewed
            status=Application.Status.SUBMITTED,
            eligibility=Application.Eligibility.ELIGIBLE,
        )
        .prefetch_related("participants", "themes")
        .order_by("reference")
    )
    existing = {item.object_id: item for item in exercise.items.filter(content_type=app_type)}
    wanted = {a.pk for a in eligible}
    stale = [item for object_id, item in existing.items() if object_id not in wanted]
    removed = sorted(item.reference for item in stale)
    Assignment.objects.filter(item__in=stale).delete()
    ReviewItem.objects.filter(pk__in=[i.pk for i in stale]).delete()
    added = []
    for application in eligible:
        item = existing.get(application.pk)
        values = {
            "reference": application.reference,
            "title": application.title[:500],
            "text": application.abstract,
            "keywords": list(application.keywords or []),
        }
        if item is None:
            item = ReviewItem.objects.create(exercise=exercise, source=application, **values)
            added.append(application.reference)
        else:
            for name, value in values.items():
                setattr(item, name, value)
            item.save()
        _fill_item(item, application)
    if added or removed:
        audit.record(
            actor=actor,
            action="calls.review.sync_items",
            obj=call,
            changes={"items": [removed or None, added or None]},
        )
    _drop_conflicted_assignments(exercise=exercise, actor=actor)
    return len(eligible)


def _drop_conflicted_assignments(*, exercise, actor) -> None:
    """Assignments the conflict rules now forbid (the consortium, a reviewer's affiliation or
    the observatory changed since the assignment) go, with the reviewer's draft review: a
    conflicted reviewer must see nothing of the application. A submitted review stays for
    the record; its author loses access all the same."""
    from jumelage.matching.selectors import exercise_data

    if not Assignment.objects.filter(item__exercise=exercise).exists():
        return
    data = exercise_data(exercise)
    dropped = []
    for assignment in Assignment.objects.filter(item__exercise=exercise).select_related(
        "item", "reviewer"
    ):
        if not data.conflicts.reasons.get((str(assignment.item_id), str(assignment.reviewer_id))):
            continue
        Review.objects.filter(
            application_id=assignment.item.object_id,
            reviewer_id=assignment.reviewer_id,
            status=Review.Status.DRAFT,
        ).delete()
        dropped.append(f"{assignment.item.reference}: {assignment.reviewer}")
        # Recorded as a conflict: the reviewer's submitted review, if any, stops counting.
        DeclaredConflict.objects.get_or_create(
            item=assignment.item,
            person=assignment.reviewer,
            defaults={
                "reason": "; ".join(
                    conflict_text(c)
                    for c in data.conflicts.reasons[
                        (str(assignment.item_id), str(assignment.reviewer_id))
                    ]
                ),
                "declared_by": actor if getattr(actor, "is_authenticated", False) else None,
            },
        )
        assignment.delete()
    if dropped:
        audit.record(
            actor=actor,
            action="calls.review.drop_conflicted",
            obj=exercise,
            changes={"assignments": [sorted(dropped), None]},
        )


def counted_reviews(reviews=None):
    """The submitted reviews that count: the ranking, the selection, the comments the
    applicants read and the exports leave out a review whose author has a conflict of interest
    on the application (declared, or found by the rules after the review was written)."""
    conflicted = DeclaredConflict.objects.filter(
        person=OuterRef("reviewer"),
        item__content_type=_content_type(Application),
        item__object_id=OuterRef("application"),
    )
    reviews = Review.objects.all() if reviews is None else reviews
    return reviews.filter(status=Review.Status.SUBMITTED).filter(~Exists(conflicted))


def _person_of(user) -> Person | None:
    return getattr(user, "person", None) if user is not None else None


def _may_act_for(actor, application: Application, reviewer_person: Person) -> bool:
    """The reviewer themselves (assigned and not conflicted), or staff managing the call.

    Used for conflicts only: staff may record a conflict a reviewer told them of (it takes
    access away, which is always safe), but never write a review in a reviewer's name
    (see `save_review`)."""
    me = _person_of(actor)
    if (
        me is not None
        and me.pk == reviewer_person.pk
        and actor.has_perm("calls.review_application", application)
    ):
        return True
    return bool(actor is not None and actor.has_perm("calls.manage_call", application.call))


@transaction.atomic
def declare_conflict(
    *, application: Application, reviewer_person: Person, reason: str, actor
) -> DeclaredConflict:
    """A reviewer declares a conflict of interest: their assignment and any draft review go,
    and from then on they see nothing of the application.

    Staff managing the call may declare it for the reviewer (say, told by email): declaring
    a conflict only withdraws the reviewer, and the actor is kept in `declared_by` and the
    audit log. Unlike `save_review`, which only the reviewer may call."""
    if not _may_act_for(actor, application, reviewer_person):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Say briefly why you have a conflict of interest with this application (for "
                    "example: “I co-supervise a student with the lead”)."
                )
            }
        )
    item = item_of(application)
    if item is None:
        raise ValidationError(_("This application is not in the call’s review exercise."))
    conflict, _created = DeclaredConflict.objects.get_or_create(
        item=item, person=reviewer_person, defaults={"reason": reason, "declared_by": actor}
    )
    assignments = Assignment.objects.filter(item=item, reviewer=reviewer_person)
    had_assignment = assignments.exists()
    assignments.delete()
    drafts = Review.objects.filter(
        application=application, reviewer=reviewer_person, status=Review.Status.DRAFT
    )
    had_draft = drafts.exists()
    drafts.delete()
    audit.record(
        actor=actor,
        action="calls.review.declare_conflict",
        obj=application,
        changes={
            "conflict": [None, reviewer_person.full_name],
            "reason": [None, reason],
            "assignment": [reviewer_person.full_name if had_assignment else None, None],
            "draft_review": [had_draft or None, None],
        },
    )
    return conflict


def _score_errors(
    *, call: Call, criteria: list[Criterion], scores: dict, submit: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        field = f"score_{criterion.pk}"
        values = {"criterion": criterion.name, "min": call.score_min, "max": call.score_max}
        if value is None or value == "":
            if submit:
                errors[field] = [
                    _(
                        "Give a score from %(min)d to %(max)d for “%(criterion)s” "
                        "to submit the review."
                    )
                    % values
                ]
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[field] = [
                _(
                    "The score for “%(criterion)s” must be a whole number from "
                    "%(min)d to %(max)d; “%(value)s” is not."
                )
                % {**values, "value": value}
            ]
        elif not call.score_min <= value <= call.score_max:
            errors[field] = [
                _(
                    "The score for “%(criterion)s” is %(value)d, outside the "
                    "scale: give a score from %(min)d to %(max)d."
                )
                % {**values, "value": value}
            ]
    return errors


REVIEW_FIELDS = ("status", "comments_for_applicants", "confidential_comments", "submitted_at")


@transaction.atomic
def save_review(
    *,
    application: Application,
    reviewer_person: Person,
    scores: dict,
    comments_for_applicants: str,
    confidential_comments: str,
    submit: bool,
    actor,
) -> Review:
    """Save the reviewer's draft, or submit it (every criterion scored on the call's scale).
    Only the assigned reviewer without a conflict may; a submitted review is final.

    Staff may not act for the reviewer here, unlike in `declare_conflict`: scores and
    comments are the reviewer's own judgement, and a review written by someone else would be
    presented to the panel as the reviewer's."""
    me = _person_of(actor)
    if (
        me is None
        or me.pk != reviewer_person.pk
        or not actor.has_perm("calls.review_application", application)
    ):
        raise PermissionDenied
    call = application.call
    criteria = list(call.criteria.all())
    known = {c.pk for c in criteria}
    unknown = sorted(set(scores) - known)
    if unknown:
        raise ValueError(f"criteria {unknown} are not criteria of the call")
    review = (
        Review.objects.select_for_update()
        .filter(application=application, reviewer=reviewer_person)
        .first()
    )
    if review is not None and review.status == Review.Status.SUBMITTED:
        raise ValidationError(_("Your review was submitted: it can no longer be changed."))
    errors = _score_errors(call=call, criteria=criteria, scores=scores, submit=submit)
    if errors:
        raise ValidationError(errors)
    if review is None:
        review = Review(application=application, reviewer=reviewer_person)
        before = {}
        before_scores = {}
    else:
        before = audit.snapshot(review, REVIEW_FIELDS)
        before_scores = {str(s.criterion_id): s.score for s in review.scores.all()}
    review.comments_for_applicants = comments_for_applicants or ""
    review.confidential_comments = confidential_comments or ""
    if submit:
        review.status = Review.Status.SUBMITTED
        review.submitted_at = timezone.now()
    review.save()
    for criterion in criteria:
        value = scores.get(criterion.pk)
        if value is None or value == "":
            ReviewScore.objects.filter(review=review, criterion=criterion).delete()
        else:
            ReviewScore.objects.update_or_create(
                review=review, criterion=criterion, defaults={"score": value}
            )
    after_scores = {str(s.criterion_id): s.score for s in review.scores.all()}
    changes = audit.diff(before, audit.snapshot(review, REVIEW_FIELDS))
    if before_scores != after_scores:
        changes["scores"] = [before_scores or None, after_scores or None]
    audit.record(
        actor=actor,
        action="calls.review.submit" if submit else "calls.review.save",
        obj=review,
        changes=changes,
    )
    return review


# --- Reminders ------------------------------------------------------------------------


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


__all__ = [
    "declare_conflict",
    "ensure_exercise",
    "exercise_of",
    "item_of",
    "save_review",
    "send_review_reminders",
    "sync_items",
]
