"""The panel's ranked table: the applications the panel ranks, what each side asks its funding
pole for, and the ranking by weighted score (`jumelage.calls.engine.ranking` does the
arithmetic; this module feeds it from the database)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Prefetch

from jumelage.calls.engine import ranking as ranking_engine
from jumelage.calls.models import (
    Application,
    Call,
    Criterion,
    Envelope,
    Participant,
    Review,
    ReviewScore,
)
from jumelage.calls.services.applications.budget import side_totals

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Side:
    """What one side of a project asks its funding pole for, in that pole's currency."""

    pole: object  # directory.Pole
    currency: str
    amount: Decimal


@dataclass
class RankedRow:
    application: Application
    reference: str
    title: str
    rank: int | None
    mean: Decimal | None
    spread: Decimal | None
    disagreement: bool
    n_reviews: int
    criterion_means: list[tuple[Criterion, Decimal | None]]
    requested: list[Side]
    consolidated: Decimal
    consolidation_currency: str
    reviews: list[Review] = field(default_factory=list)


def panel_applications(call: Call):
    """The applications the panel ranks: full proposals, submitted and eligible."""
    return Application.objects.filter(
        call=call,
        status=Application.Status.SUBMITTED,
        stage=Application.Stage.FULL,
        eligibility=Application.Eligibility.ELIGIBLE,
    )


def _submitted_reviews():
    from jumelage.calls.services.review import counted_reviews

    return (
        counted_reviews()
        .order_by("pk")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.order_by("pk")))
    )


def _sides(application: Application, envelopes: dict[int, Envelope]) -> list[Side]:
    """The funding poles of the application: those of the call that hold its lead or a budget
    line, each with the total requested (in the call's envelope order)."""
    totals = side_totals(application)
    for lead in application.participants.all():
        if lead.role == Participant.Role.LEAD and lead.pole_id is not None:
            totals.setdefault(lead.pole_id, Decimal("0.00"))
    return [
        Side(pole=env.pole, currency=env.pole.currency, amount=totals[pole_id])
        for pole_id, env in envelopes.items()
        if pole_id in totals
    ]


def funding_pole_ids(application: Application) -> set[int]:
    """The poles that fund a side of the application (they all have to decide)."""
    envelopes = set(application.call.envelopes.values_list("pole_id", flat=True))
    sides = set(application.budget_lines.values_list("pole_id", flat=True)) | set(
        application.participants.filter(role=Participant.Role.LEAD, pole__isnull=False).values_list(
            "pole_id", flat=True
        )
    )
    return envelopes & sides


def ranking(*, call: Call) -> list[RankedRow]:
    """The panel's ranked table (engine rules: mean weighted score descending, more reviews
    first on a tie, then the reference; unreviewed applications last). A fixed number of
    queries whatever the number of applications."""
    envelopes = {
        env.pole_id: env for env in call.envelopes.select_related("pole").order_by("pole__code")
    }
    criteria = list(call.criteria.order_by("position", "pk"))
    weights = {c.pk: c.weight for c in criteria}
    applications = list(
        panel_applications(call)
        .order_by("reference")
        .prefetch_related(
            Prefetch("reviews", queryset=_submitted_reviews()),
            "budget_lines",
            Prefetch(
                "participants", queryset=Participant.objects.filter(role=Participant.Role.LEAD)
            ),
        )
    )
    by_reference = {a.reference: a for a in applications}
    scored = [
        ranking_engine.Scored(
            a.reference,
            [{s.criterion_id: s.score for s in review.scores.all()} for review in a.reviews.all()],
        )
        for a in applications
    ]
    ranked = ranking_engine.rank_applications(
        scored, weights, threshold=call.disagreement_threshold
    )
    rows = []
    for result in ranked:
        application = by_reference[result.reference]
        sides = _sides(application, envelopes)
        consolidated = sum(
            (side.amount * envelopes[side.pole.pk].exchange_rate for side in sides), Decimal(0)
        ).quantize(CENT, ROUND_HALF_UP)
        rows.append(
            RankedRow(
                application=application,
                reference=application.reference,
                title=application.title,
                rank=result.rank,
                mean=result.mean,
                spread=result.spread,
                disagreement=result.disagreement,
                n_reviews=result.n_reviews,
                criterion_means=[(c, result.criterion_means.get(c.pk)) for c in criteria],
                requested=sides,
                consolidated=consolidated,
                consolidation_currency=call.consolidation_currency,
                reviews=list(application.reviews.all()),
            )
        )
    return rows
