"""What every download of a call shares: the column kinds, the table, the file name, the
pseudonyms, and the reading of the call (its envelopes, the exported applications, the
declared conflicts, the submitted reviews and their weighted scores)."""

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from jumelage.calls.models import Application, Call, Envelope, Participant, Review, ReviewScore

TEXT, INTEGER, DECIMAL = "text", "integer", "decimal"
WHATS = ("applications", "reviews", "decisions", "anonymised")
FORMATS = ("xlsx", "csv")
CHUNK = 500  # applications read at a time (with their prefetched rows)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    about: list[str]
    columns: list[Column]
    rows: Iterator[list] = field(default_factory=lambda: iter(()))


def filename(*, call: Call, what: str, fmt: str) -> str:
    """The file name, such as "joint-call-12_applications_2027-05-02.xlsx"."""
    return f"joint-call-{call.pk}_{what}_{timezone.localdate().isoformat()}.{fmt}"


def pseudonym(application_id: int) -> str:
    """A stable pseudonymous id of an application: 16 hex digits of an HMAC-SHA256 of its id
    under settings.SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"calls.application:{application_id}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:16]


# --- reading the call ---------------------------------------------------------------------------


def _envelopes(call: Call) -> list[Envelope]:
    return list(call.envelopes.select_related("pole").order_by("pole__code"))


def _exported(call: Call):
    return (
        Application.objects.filter(call=call)
        .exclude(status=Application.Status.DRAFT)
        .order_by("reference", "pk")
    )


def _conflicted(call: Call) -> set[tuple[int, int]]:
    """(application id, person id) of every conflict of interest declared in the call's
    review exercise."""
    from django.contrib.contenttypes.models import ContentType

    from jumelage.matching.models import DeclaredConflict

    # Conflicts found by the rules after a review was written are recorded as declared
    # (calls.services.review), so this is every conflict of the call.
    content_type = ContentType.objects.get_for_model(Application)
    rows = DeclaredConflict.objects.filter(
        item__content_type=content_type,
        item__object_id__in=Application.objects.filter(call=call).values("pk"),
    ).values_list("item__object_id", "person_id")
    return {(int(object_id), person_id) for object_id, person_id in rows}


def _reviews_prefetch() -> Prefetch:
    return Prefetch(
        "reviews",
        to_attr="submitted_reviews",
        queryset=(
            Review.objects.filter(status=Review.Status.SUBMITTED)
            .select_related("reviewer")
            .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.order_by("pk")))
            .order_by("pk")
        ),
    )


def weighted_score(review: Review, weights: dict[int, Decimal]) -> Decimal | None:
    """Σ weight × score / Σ weight over the call's criteria, to two decimals (None until every
    criterion is scored)."""
    scores = {score.criterion_id: score.score for score in review.scores.all()}
    if not weights or any(criterion_id not in scores for criterion_id in weights):
        return None
    total = sum(weights[c] * scores[c] for c in weights)
    return (total / sum(weights.values())).quantize(CENT)


def _mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values) / len(values)).quantize(CENT) if values else None


def _leads(application: Application) -> dict[int, Participant]:
    return {
        p.pole_id: p
        for p in application.participants.all()
        if p.role == Participant.Role.LEAD and p.pole_id is not None
    }


def _iter_chunks(queryset) -> Iterator[Application]:
    yield from queryset.iterator(chunk_size=CHUNK)


def _side_label(envelope: Envelope) -> str:
    return envelope.pole.short_name
