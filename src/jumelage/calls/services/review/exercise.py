"""The call's review exercise (`ensure_exercise`) and its items, one per submitted, eligible
application (`sync_items`); assignments the conflict rules now forbid are dropped."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from jumelage.calls.models import Application, Call, Participant, Review
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit
from jumelage.matching.models import (
    ALL_CONFLICT_RULES,
    Assignment,
    DeclaredConflict,
    ReviewExercise,
    ReviewItem,
)
from jumelage.matching.services import conflict_text


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
    require_manager(actor, call)
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
