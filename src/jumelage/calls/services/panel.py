"""The panel and the decision: ranking by weighted score, panel notes, funding scenarios within
every envelope at once, each funding pole's decision (two keys) and the release of the
outcomes to the applicants with a bilingual letter.

The arithmetic lives in the engines (`jumelage.calls.engine.ranking` and `.selection`); this
module feeds them from the database and records what staff decide.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jumelage.calls.engine import ranking as ranking_engine
from jumelage.calls.engine import selection as selection_engine
from jumelage.calls.models import (
    Application,
    Call,
    Criterion,
    Decision,
    Envelope,
    FundingScenario,
    PanelNote,
    Participant,
    Review,
    ReviewScore,
)
from jumelage.calls.services import notify
from jumelage.core import audit
from jumelage.core.formatting import format_money

OPTIMAL_TIME_LIMIT_S = 10.0
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
    totals: dict[int, Decimal] = {}
    for line in application.budget_lines.all():
        totals[line.pole_id] = totals.get(line.pole_id, Decimal("0.00")) + line.amount
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


@transaction.atomic
def add_panel_note(*, application: Application, text: str, actor) -> PanelNote:
    if not actor.has_perm("calls.manage_call", application.call):
        raise PermissionDenied
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write the note: an empty panel note is not kept.")]})
    note = PanelNote.objects.create(application=application, author=actor, text=text)
    audit.record(
        actor=actor,
        action="calls.panel_note.add",
        obj=application,
        changes={"panel_note": [None, note.pk]},
    )
    return note


@transaction.atomic
def compute_scenario(*, call: Call, method: str, keep_rank_order: bool, actor) -> FundingScenario:
    """Compute a funding scenario over the ranked applications (those with a review) and keep
    it: the funding line down the ranking, or CP-SAT's optimal selection."""
    if not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied
    if method not in FundingScenario.Method.values:
        raise ValidationError(
            {
                "method": [
                    _(
                        "“%(value)s” is not a method: choose the funding line or the optimal "
                        "selection."
                    )
                    % {"value": method}
                ]
            }
        )
    rows = [row for row in ranking(call=call) if row.rank is not None]
    envelopes = list(call.envelopes.select_related("pole"))
    budgets = {env.pole.code: env.amount for env in envelopes}
    projects = [
        selection_engine.Project(
            row.reference, row.mean, {side.pole.code: side.amount for side in row.requested}
        )
        for row in rows
    ]
    if method == FundingScenario.Method.LINE:
        result = selection_engine.funding_line(projects, budgets, keep_rank_order=keep_rank_order)
    else:
        result = selection_engine.optimal_selection(
            projects, budgets, keep_rank_order=keep_rank_order, time_limit_s=OPTIMAL_TIME_LIMIT_S
        )
    ids = {row.reference: row.application.pk for row in rows}
    scenario = FundingScenario.objects.create(
        call=call,
        method=method,
        keep_rank_order=keep_rank_order,
        selected=[ids[reference] for reference in result.selected],
        merit=result.merit.quantize(Decimal("0.0001"), ROUND_HALF_UP),
        spent={pole: str(amount.quantize(CENT)) for pole, amount in result.spent.items()},
        proven_optimal=result.proven_optimal,
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action="calls.scenario.compute",
        obj=call,
        changes={
            "scenario": [
                None,
                {
                    "id": scenario.pk,
                    "method": method,
                    "keep_rank_order": keep_rank_order,
                    "selected": list(result.selected),
                    "merit": str(scenario.merit),
                    "spent": scenario.spent,
                },
            ]
        },
    )
    return scenario


@transaction.atomic
def adopt_scenario(*, scenario: FundingScenario, actor) -> FundingScenario:
    """Make the scenario the call's recommendation; the one adopted before is dropped."""
    call = Call.objects.select_for_update().get(pk=scenario.call_id)
    if not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied
    previous = list(
        call.scenarios.filter(adopted=True).exclude(pk=scenario.pk).values_list("pk", flat=True)
    )
    call.scenarios.filter(pk__in=previous).update(adopted=False)
    if not scenario.adopted:
        FundingScenario.objects.filter(pk=scenario.pk).update(adopted=True)
        scenario.adopted = True
        audit.record(
            actor=actor,
            action="calls.scenario.adopt",
            obj=call,
            changes={"adopted_scenario": [previous[0] if previous else None, scenario.pk]},
        )
    return scenario


def adopted_scenario(call: Call) -> FundingScenario | None:
    return call.scenarios.filter(adopted=True).first()


@dataclass(frozen=True)
class EnvelopeUse:
    """What one funding pole's decisions to fund commit of its envelope, in its currency."""

    pole: object  # directory.Pole
    currency: str
    envelope: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.envelope - self.committed


def envelope_use(call: Call, *, exclude: Application | None = None) -> list[EnvelopeUse]:
    """For each envelope of the call (in the ranking's order), the sum of the pole's side
    requests (as the ranking counts them) over the applications that pole decided to fund;
    `exclude` leaves one application out. A fixed number of queries."""
    envelopes = {
        env.pole_id: env for env in call.envelopes.select_related("pole").order_by("pole__code")
    }
    funds = Decision.objects.filter(application__call=call, outcome=Decision.Outcome.FUND)
    if exclude is not None:
        funds = funds.exclude(application_id=exclude.pk)
    funded_by: dict[int, set[int]] = {}
    for application_id, pole_id in funds.values_list("application_id", "pole_id"):
        funded_by.setdefault(application_id, set()).add(pole_id)
    committed = {pole_id: Decimal("0.00") for pole_id in envelopes}
    applications = Application.objects.filter(pk__in=funded_by).prefetch_related(
        "budget_lines",
        Prefetch("participants", queryset=Participant.objects.filter(role=Participant.Role.LEAD)),
    )
    for application in applications:
        for side in _sides(application, envelopes):
            if side.pole.pk in funded_by[application.pk]:
                committed[side.pole.pk] += side.amount
    return [
        EnvelopeUse(
            pole=env.pole, currency=env.pole.currency, envelope=env.amount, committed=committed[pk]
        )
        for pk, env in envelopes.items()
    ]


def _refuse_beyond_envelope(application: Application, actor) -> None:
    """A pole funds a project only if its side's request fits in what its envelope has left
    once its other decisions to fund are counted. The envelope's row is locked so that two
    staff of the pole deciding at once take turns."""
    envelope = (
        Envelope.objects.select_for_update()
        .select_related("pole")
        .get(call=application.call, pole_id=actor.pole_id)
    )
    requested = sum(
        (
            side.amount
            for side in _sides(application, {envelope.pole_id: envelope})
            if side.pole.pk == envelope.pole_id
        ),
        Decimal("0.00"),
    )
    use = next(
        u
        for u in envelope_use(application.call, exclude=application)
        if u.pole.pk == envelope.pole_id
    )
    if use.committed + requested > envelope.amount:
        currency = envelope.pole.currency
        raise ValidationError(
            {
                "outcome": [
                    _(
                        "%(pole)s cannot fund %(reference)s: its decisions to fund already "
                        "commit %(committed)s, this project asks for %(request)s and the "
                        "envelope is %(envelope)s. Choose “do not fund”, or first take back a "
                        "decision to fund another project."
                    )
                    % {
                        "pole": envelope.pole.short_name,
                        "reference": application.reference,
                        "committed": format_money(use.committed, currency, both_currencies=True),
                        "request": format_money(requested, currency, both_currencies=True),
                        "envelope": format_money(envelope.amount, currency, both_currencies=True),
                    }
                ]
            }
        )


@transaction.atomic
def record_decision(*, application: Application, outcome: str, note: str, actor) -> Decision:
    """The actor's pole decides on its side. When every pole funding a side has decided, the
    application is funded if all of them fund it, not funded otherwise (two keys). A pole may
    not fund beyond its envelope (the scenarios are only advice)."""
    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if not actor.has_perm("calls.decide", application.call):
        raise PermissionDenied
    poles = funding_pole_ids(application)
    if actor.pole_id not in poles:
        raise PermissionDenied(_("Your pole funds no side of this application."))
    if application.outcome_released_at is not None:
        raise ValidationError(
            _(
                "The decision on %(reference)s was already released to the "
                "applicants: it can no longer be changed."
            )
            % {"reference": application.reference}
        )
    if not panel_applications(application.call).filter(pk=application.pk).exists():
        raise ValidationError(
            _(
                "%(reference)s is not a submitted, eligible full proposal: "
                "there is nothing to decide."
            )
            % {"reference": application.reference}
        )
    if outcome not in Decision.Outcome.values:
        raise ValidationError(
            {
                "outcome": [
                    _("“%(value)s” is not a decision: choose “fund” or “do not fund”.")
                    % {"value": outcome}
                ]
            }
        )
    if outcome == Decision.Outcome.FUND:
        _refuse_beyond_envelope(application, actor)
    decision = Decision.objects.filter(application=application, pole_id=actor.pole_id).first()
    before = (
        audit.snapshot(decision, ("outcome", "note")) if decision else {"outcome": None, "note": ""}
    )
    if decision is None:
        decision = Decision(application=application, pole_id=actor.pole_id)
    decision.outcome, decision.note, decision.decided_by = outcome, (note or "").strip(), actor
    decision.save()
    changes = audit.diff(before, audit.snapshot(decision, ("outcome", "note")))
    if changes:
        changes["pole"] = [None, actor.pole.code]
        audit.record(actor=actor, action="calls.decide", obj=application, changes=changes)

    decided = dict(
        application.decisions.filter(pole_id__in=poles).values_list("pole_id", "outcome")
    )
    if set(decided) == poles:
        result = (
            Application.Outcome.FUNDED
            if all(v == Decision.Outcome.FUND for v in decided.values())
            else Application.Outcome.NOT_FUNDED
        )
    else:
        result = Application.Outcome.PENDING
    if result != application.outcome:
        audit.record(
            actor=actor,
            action="calls.outcome",
            obj=application,
            changes={"outcome": [application.outcome, result]},
        )
        application.outcome = result
        application.save(update_fields=["outcome", "updated_at"])
    return decision


@transaction.atomic
def release_decisions(*, call: Call, actor) -> int:
    """Release the outcomes once every application has the decisions of all its funding
    poles: applicants are told by email (the letter attached) and see the outcome page.
    Returns the number of applications released now."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    if not actor.has_perm("calls.manage_call", call):
        raise PermissionDenied
    applications = list(panel_applications(call).order_by("reference"))
    if not applications:
        raise ValidationError(_("No application awaits a decision in this call."))
    # An invited full proposal keeps the outcome "invited" until both poles have decided.
    undecided = (Application.Outcome.PENDING, Application.Outcome.INVITED)
    missing = [a.reference for a in applications if a.outcome in undecided]
    if missing:
        raise ValidationError(
            _(
                "Some applications still lack the decision of a funding pole: "
                "%(references)s. Release once both poles have decided on every "
                "application."
            )
            % {"references": ", ".join(missing)}
        )
    now = timezone.now()
    released = []
    for application in applications:
        if application.outcome_released_at is None:
            application.outcome_released_at = now
            application.save(update_fields=["outcome_released_at", "updated_at"])
            audit.record(
                actor=actor,
                action="calls.outcome.release",
                obj=application,
                changes={"outcome_released_at": [None, now.isoformat()]},
            )
            released.append(application.pk)
    if call.status != Call.Status.DECIDED and released:
        audit.record(
            actor=actor,
            action="calls.status",
            obj=call,
            changes={"status": [call.status, Call.Status.DECIDED]},
        )
        call.status = Call.Status.DECIDED
        call.save(update_fields=["status", "updated_at"])
    for pk in released:
        transaction.on_commit(lambda pk=pk: send_outcome.enqueue(application_id=pk))
    return len(released)


@task(queue_name="default")
def send_outcome(*, application_id: int) -> int:
    """Mail the outcome, in French then in English, with the letter attached."""
    from jumelage.calls.documents.letters import outcome_letter_pdf

    application = Application.objects.select_related("call", "created_by").get(pk=application_id)
    context = {"application": application, "call": application.call}
    bodies, subjects = [], []
    for language in ("fr", "en"):
        with translation.override(language):
            subjects.append(render_to_string("calls/email/decision_subject.txt", context).strip())
            bodies.append(render_to_string("calls/email/decision_body.txt", context).strip())
    message = EmailMessage(
        subject=" / ".join(subjects),
        body="\n\n----------\n\n".join(bodies),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=notify.recipient_emails(application),
    )
    message.attach(
        f"{application.reference}-decision.pdf",
        outcome_letter_pdf(application=application),
        "application/pdf",
    )
    return message.send()


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
