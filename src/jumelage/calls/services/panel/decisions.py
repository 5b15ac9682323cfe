"""Each funding pole's decision on its side of an application (two keys), within what its
envelope has left."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call, Decision, Envelope, Participant
from jumelage.calls.services.panel.ranked_table import _sides, funding_pole_ids, panel_applications
from jumelage.core import audit
from jumelage.core.formatting import format_money


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
