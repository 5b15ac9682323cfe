"""What the other modules share: the fields and steps of a draft, the deadline of each stage
(server time), the checks of every write and the stale-draft error."""

import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jumelage.calls.models import Application, Call
from jumelage.core.formatting import format_datetime

# What the draft form may change, in the order of the steps.
# The longest abstract or description kept (a 3,000-word description is about 20,000).
LONG_TEXT_LIMIT = 100_000
# Drafts are the applicants' own: the audit log keeps the length and a fingerprint of what
# they typed in these fields, not the text (the site admin reads the log).
PRIVATE_DRAFT_FIELDS = ("title", "acronym", "abstract", "description", "keywords")


def private_diff(changes: dict) -> dict:
    """An audit diff with the applicants' text replaced by its length and a SHA-256 prefix."""

    def fingerprint(value):
        if value in (None, "", []):
            return value
        text = "\n".join(value) if isinstance(value, list) else str(value)
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        return f"{len(text)} characters, sha256 {digest}…"

    return {name: ([fingerprint(v) for v in pair] if name in PRIVATE_DRAFT_FIELDS else pair)
            for name, pair in changes.items()}


DRAFT_FIELDS = (
    "title",
    "acronym",
    "language",
    "abstract",
    "description",
    "keywords",
    "themes",
    "duration_months",
)
AMENDABLE_FIELDS = DRAFT_FIELDS
STEPS = ("project", "consortium", "budget", "documents", "review-and-submit")
STEP_NAMES = {
    "project": gettext_lazy("Project"),
    "consortium": gettext_lazy("Consortium"),
    "budget": gettext_lazy("Budget"),
    "documents": gettext_lazy("Documents"),
    "review-and-submit": gettext_lazy("Review and submit"),
}
_WORD = re.compile(r"\w[\w'’-]*", re.UNICODE)


class StaleDraft(Exception):
    """The draft changed since the form was opened: someone else saved it in between.

    `current` holds the values now stored, `changed_by` who last changed each field since the
    version the form started from ({field: name}), `version` the stored version."""

    def __init__(self, *, application: Application, current: dict, changed_by: dict[str, str]):
        self.application = application
        self.current = current
        self.changed_by = changed_by
        self.version = application.version
        super().__init__(f"{application.reference}: version {application.version} is newer")


@dataclass(frozen=True)
class Missing:
    """Something an application lacks before it can be submitted, and the step to fix it."""

    step: str
    message: str

    @property
    def step_name(self) -> str:
        return str(STEP_NAMES[self.step])


def count_words(text: str) -> int:
    return len(_WORD.findall(text or ""))


def deadline_of(application: Application):
    """The deadline of the stage the application is at (server time, UTC)."""
    call = application.call
    if application.stage == Application.Stage.INTENT and call.intent_closes_at:
        return call.intent_closes_at
    return call.closes_at


def funding_poles(call: Call) -> list:
    return [e.pole for e in call.envelopes.select_related("pole").order_by("pole__code")]


def closed_message(deadline) -> str:
    return _(
        "The call closed on %(deadline)s (UTC, server time): the application can no "
        "longer be changed or submitted. Your draft is kept."
    ) % {"deadline": format_datetime(deadline, time_zone="UTC")}


def check_open(application: Application) -> None:
    if timezone.now() >= deadline_of(application):
        raise ValidationError(closed_message(deadline_of(application)), code="closed")


def check_editable(application: Application, actor) -> None:
    if not actor.has_perm("calls.change_application", application):
        raise PermissionDenied
    check_open(application)


def draft_values(application: Application) -> dict:
    """The draft's fields as the forms and the conflict view show them."""
    values = {name: getattr(application, name) for name in DRAFT_FIELDS if name != "themes"}
    values["themes"] = sorted(application.themes.values_list("pk", flat=True))
    return values


def audit_trail(application: Application, actions: tuple[str, ...]):
    """The audit entries of the application with these actions, oldest first, with actors."""
    from jumelage.core.models import AuditEntry

    return (
        AuditEntry.objects.select_related("actor")
        .filter(
            content_type__app_label="calls",
            content_type__model="application",
            object_id=str(application.pk),
            action__in=actions,
        )
        .order_by("created_at", "pk")
    )


def changed_by_since(application: Application, version: int) -> dict[str, str]:
    entries = audit_trail(
        application,
        ("calls.application.save_draft", "calls.application.budget", "calls.application.amend"),
    )
    who: dict[str, str] = {}
    for entry in entries:
        new_version = (entry.changes.get("version") or [None, 0])[1] or 0
        if new_version <= version:
            continue
        for field in entry.changes:
            if field not in ("version", "justification"):
                who[field] = entry.actor.get_full_name() if entry.actor else entry.actor_label
    return who


def stale_draft(application: Application, version: int) -> StaleDraft:
    return StaleDraft(
        application=application,
        current=draft_values(application),
        changed_by=changed_by_since(application, version),
    )


def clean_draft_value(application: Application, name: str, value):
    if name == "duration_months":
        if value in (None, ""):
            return None
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValidationError(
                {
                    name: _(
                        "“%(value)s” is not a number of months: give a whole number such as 24."
                    )
                    % {"value": value}
                }
            ) from None
        if number < 0:
            raise ValidationError(
                {name: _("The duration cannot be negative (%(value)s).") % {"value": number}}
            )
        return number
    if name == "keywords":
        if isinstance(value, str):
            value = value.split(",")
        return [k.strip() for k in value if str(k).strip()]
    if name == "language":
        return value if value in Application.Language.values else application.language
    if name in ("title", "acronym", "abstract", "description"):
        limit = Application._meta.get_field(name).max_length or LONG_TEXT_LIMIT
        text = (value or "").strip() if name in ("title", "acronym") else (value or "")
        if len(text) > limit:
            raise ValidationError(
                {
                    name: _("%(count)d characters: at most %(limit)d are accepted.")
                    % {"count": len(text), "limit": limit}
                }
            )
        return text
    return value or ""
