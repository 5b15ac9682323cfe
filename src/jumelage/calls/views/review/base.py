"""What the review pages share: a reviewer's person, a link to an attachment and the state of a
review (submitted, draft or missing)."""

from django.urls import NoReverseMatch, reverse

from jumelage.calls.models import Attachment, Review


def _attachment_url(attachment: Attachment) -> str | None:
    try:
        return reverse("calls:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None


def _person(user):
    return getattr(user, "person", None)


def _review_state(review: Review | None) -> str:
    """submitted, draft (something saved) or missing (nothing yet)."""
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
