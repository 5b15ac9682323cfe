"""What the review pages share: a reviewer's person, a link to an attachment and the state of a
review (submitted, draft or missing)."""

from django.urls import NoReverseMatch, reverse

from jumelage.calls.models import Attachment


def _attachment_url(attachment: Attachment) -> str | None:
    try:
        return reverse("calls:attachment", args=[attachment.pk])
    except NoReverseMatch:
        return None


def _person(user):
    return getattr(user, "person", None)


