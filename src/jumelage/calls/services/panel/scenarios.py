"""Funding scenarios within every envelope at once (`jumelage.calls.engine.selection` does the
arithmetic) and the one adopted as the call's recommendation."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.calls.engine import selection as selection_engine
from jumelage.calls.models import Call, FundingScenario
from jumelage.calls.services.panel.ranked_table import CENT, ranking
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit

OPTIMAL_TIME_LIMIT_S = 10.0


@transaction.atomic
def compute_scenario(*, call: Call, method: str, keep_rank_order: bool, actor) -> FundingScenario:
    """Compute a funding scenario over the ranked applications (those with a review) and keep
    it: the funding line down the ranking, or CP-SAT's optimal selection."""
    require_manager(actor, call)
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
    require_manager(actor, call)
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
