"""Ranking of applications by their reviewers' weighted scores (plain Python, no Django).

Each submitted review gives a score per criterion; its *weighted score* is
``Σ w·s / Σ w`` over the criteria it scores (a criterion left unscored does not count, neither
its weight). An application's *mean* is the mean of its reviews' weighted scores, its *spread*
the highest minus the lowest of them, and the reviewers *disagree* when the spread is strictly
above the call's threshold. The mean of each criterion is given too.

Arithmetic is exact (fractions); results are Decimals rounded half-up to ``places`` decimals
(4 by default, the precision of the stored merit).

Order: mean descending; on equal means, more reviews first (a mean resting on more reviews is
the surer one), then the reference in ascending order, so the ranking is total and stable.
Applications without a review come last, in reference order, and have no rank.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Score = int | Decimal | Fraction


@dataclass(frozen=True)
class Scored:
    """What the ranking needs to know of one application."""

    reference: str
    # One mapping criterion id -> score per submitted review.
    reviews: Sequence[Mapping[Hashable, Score]]


@dataclass(frozen=True)
class Ranked:
    reference: str
    rank: int | None  # 1 for the best; None when no review counts
    mean: Decimal | None
    spread: Decimal | None
    disagreement: bool
    n_reviews: int
    review_scores: tuple[Decimal, ...] = ()  # each review's weighted score, in input order
    criterion_means: dict[Hashable, Decimal] = field(default_factory=dict)


def weighted_score(
    scores: Mapping[Hashable, Score], weights: Mapping[Hashable, Score]
) -> Fraction | None:
    """Σ w·s / Σ w over the criteria that have both a score and a weight; None if there are
    none."""
    total = Fraction(0)
    weight_sum = Fraction(0)
    for criterion, score in scores.items():
        if criterion not in weights or score is None:
            continue
        weight = Fraction(weights[criterion])
        total += weight * Fraction(score)
        weight_sum += weight
    if weight_sum == 0:
        return None
    return total / weight_sum


def to_decimal(value: Fraction, places: int = 4) -> Decimal:
    """An exact fraction as a Decimal rounded half-up to `places` decimals."""
    quantum = Decimal(1).scaleb(-places)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(quantum, rounding=ROUND_HALF_UP)


def rank_applications(
    applications: Iterable[Scored],
    weights: Mapping[Hashable, Score],
    *,
    threshold: Score,
    places: int = 4,
) -> list[Ranked]:
    """Rank the applications (see the module's documentation for the rules)."""
    limit = Fraction(threshold)
    rows: list[tuple[tuple, Ranked]] = []
    unranked: list[Ranked] = []
    for application in applications:
        per_review: list[Fraction] = []
        by_criterion: dict[Hashable, list[Fraction]] = {}
        for review in application.reviews:
            value = weighted_score(review, weights)
            if value is None:
                continue
            per_review.append(value)
            for criterion, score in review.items():
                if criterion in weights and score is not None:
                    by_criterion.setdefault(criterion, []).append(Fraction(score))
        if not per_review:
            unranked.append(
                Ranked(
                    reference=application.reference,
                    rank=None,
                    mean=None,
                    spread=None,
                    disagreement=False,
                    n_reviews=0,
                )
            )
            continue
        mean = sum(per_review, Fraction(0)) / len(per_review)
        spread = max(per_review) - min(per_review)
        ranked = Ranked(
            reference=application.reference,
            rank=None,
            mean=to_decimal(mean, places),
            spread=to_decimal(spread, places),
            disagreement=spread > limit,
            n_reviews=len(per_review),
            review_scores=tuple(to_decimal(v, places) for v in per_review),
            criterion_means={
                c: to_decimal(sum(v, Fraction(0)) / len(v), places) for c, v in by_criterion.items()
            },
        )
        rows.append(((-mean, -len(per_review), application.reference), ranked))
    rows.sort(key=lambda pair: pair[0])
    result = [replace(row, rank=i) for i, (_key, row) in enumerate(rows, start=1)]
    result.extend(sorted(unranked, key=lambda r: r.reference))
    return result
