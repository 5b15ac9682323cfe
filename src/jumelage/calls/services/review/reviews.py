"""Reviews: the assigned reviewer saves a draft or submits it, scored on the call's scale."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call, Criterion, Review, ReviewScore
from jumelage.calls.services.review.conflicts import _person_of
from jumelage.core import audit
from jumelage.directory.models import Person


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


def review_state(review: Review | None) -> str:
    """submitted, draft (something saved: a comment, or a score counted in `n_scores` when the
    query annotates it) or missing (nothing yet)."""
    if review is None:
        return "missing"
    if review.status == Review.Status.SUBMITTED:
        return "submitted"
    if (
        review.comments_for_applicants
        or review.confidential_comments
        or getattr(review, "n_scores", 0)
    ):
        return "draft"
    return "missing"
