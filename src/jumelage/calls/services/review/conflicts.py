"""Conflicts of interest declared by reviewers (or by staff for them), and the reviews that
count once conflicts are left out."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Review
from jumelage.calls.services.review.exercise import _content_type, item_of
from jumelage.core import audit
from jumelage.directory.models import Person
from jumelage.matching.models import Assignment, DeclaredConflict


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
