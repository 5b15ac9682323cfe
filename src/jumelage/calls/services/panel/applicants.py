"""What the applicants see of the outcome: the reviewers' comments meant for them and each
funding side's decision and amount."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from jumelage.calls.models import Application, Participant
from jumelage.calls.services.panel.ranked_table import _sides


@dataclass(frozen=True)
class ApplicantComment:
    number: int  # "Reviewer 1", "Reviewer 2": never the reviewer's name
    text: str


def applicant_comments(application: Application) -> list[ApplicantComment]:
    """The comments meant for the applicants from the submitted reviews, numbered in the
    order the reviews were created. Neither names nor confidential comments."""
    from jumelage.calls.services.review import counted_reviews

    texts = (
        counted_reviews(application.reviews.all())
        .order_by("pk")
        .values_list("comments_for_applicants", flat=True)
    )
    return [
        ApplicantComment(number=i, text=text.strip())
        for i, text in enumerate(texts, start=1)
        if text.strip()
    ]


@dataclass(frozen=True)
class OutcomeSide:
    pole: object
    currency: str
    amount: Decimal
    decision: str | None  # Decision.Outcome or None
    note: str


def outcome_sides(application: Application) -> list[OutcomeSide]:
    """Each funding side with the amount (awarded if an award exists, requested otherwise),
    the pole's decision and its note for the applicants."""
    envelopes = {
        env.pole_id: env
        for env in application.call.envelopes.select_related("pole").order_by("pole__code")
    }
    application = Application.objects.prefetch_related(
        "budget_lines",
        "awards",
        Prefetch("participants", queryset=Participant.objects.filter(role=Participant.Role.LEAD)),
    ).get(pk=application.pk)
    decisions = {d.pole_id: d for d in application.decisions.all()}
    awards = {a.pole_id: a for a in application.awards.all()}
    result = []
    for side in _sides(application, envelopes):
        award = awards.get(side.pole.pk)
        decision = decisions.get(side.pole.pk)
        result.append(
            OutcomeSide(
                pole=side.pole,
                currency=award.currency if award else side.currency,
                amount=award.amount if award else side.amount,
                decision=decision.outcome if decision else None,
                note=decision.note if decision else "",
            )
        )
    return result
