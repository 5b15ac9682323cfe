"""Which projects to fund within every pole's envelope at once (plain Python, no Django).

A joint project asks each funding pole for its own side, in that pole's currency; it is funded
with all its sides or not at all. Projects are given in rank order (the best first) with their
merit (the mean weighted score) and their request per pole; budgets give each pole's envelope.

- `funding_line` walks down the ranking and funds each project whose every side fits in what
  remains of every envelope. With `keep_rank_order` (the default) it stops at the first project
  that does not fit: that is *the funding line*. A project that exceeds an envelope on its own
  (it could never be funded, whatever else is chosen) is passed over rather than stopping the
  line. Without `keep_rank_order` it goes on down the list and funds whatever still fits.
- `optimal_selection` maximises the total merit with OR-Tools CP-SAT, subject to, for every
  pole, Σ request of the selected projects ≤ envelope. With `keep_rank_order`, call a project
  *fundable* when it fits every envelope on its own; then for fundable projects i ranked above
  j, x_j ≤ x_i (a project is selected only if every better-ranked fundable project is), and a
  project that is not fundable is never selected and does not block the ones below it. The
  selection is then a prefix of the fundable projects in rank order, which is exactly the
  funding line above; without the rank order the solver may skip a project to fund two smaller
  ones.

Money is Decimal in each pole's currency, handled as integer cents; merit is scaled to integer
ten-thousandths (the precision of the ranking). A pole missing from `budgets` has an envelope
of zero.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MERIT_SCALE = 10_000  # merit to integers: four decimals
CENTS = 100


@dataclass(frozen=True)
class Project:
    reference: str
    merit: Decimal
    requests: Mapping[str, Decimal]  # pole code -> amount in that pole's currency


@dataclass(frozen=True)
class Selection:
    selected: tuple[str, ...]  # references, in rank order
    merit: Decimal
    spent: dict[str, Decimal]  # pole code -> amount, every pole of the budgets
    proven_optimal: bool


def _cents(amount: Decimal) -> int:
    return int((Decimal(amount) * CENTS).to_integral_value(rounding=ROUND_HALF_UP))


def _merit_units(merit: Decimal) -> int:
    return int((Decimal(merit) * MERIT_SCALE).to_integral_value(rounding=ROUND_HALF_UP))


def fits_alone(project: Project, budgets: Mapping[str, Decimal]) -> bool:
    """True when the project's every side fits in its pole's whole envelope."""
    return all(
        _cents(amount) <= _cents(budgets.get(pole, Decimal(0)))
        for pole, amount in project.requests.items()
    )


def _result(
    projects: Sequence[Project],
    chosen: set[int],
    budgets: Mapping[str, Decimal],
    proven_optimal: bool,
) -> Selection:
    spent = {pole: Decimal("0.00") for pole in budgets}
    merit = Decimal(0)
    for i in sorted(chosen):
        merit += Decimal(projects[i].merit)
        for pole, amount in projects[i].requests.items():
            spent[pole] = spent.get(pole, Decimal("0.00")) + Decimal(amount)
    return Selection(
        selected=tuple(projects[i].reference for i in sorted(chosen)),
        merit=merit,
        spent=spent,
        proven_optimal=proven_optimal,
    )


def _line_indices(
    projects: Sequence[Project], budgets: Mapping[str, Decimal], keep_rank_order: bool
) -> set[int]:
    remaining = {pole: _cents(amount) for pole, amount in budgets.items()}
    chosen: set[int] = set()
    for i, project in enumerate(projects):
        if not fits_alone(project, budgets):
            continue
        needs = {pole: _cents(amount) for pole, amount in project.requests.items()}
        if all(cents <= remaining.get(pole, 0) for pole, cents in needs.items()):
            chosen.add(i)
            for pole, cents in needs.items():
                remaining[pole] -= cents
        elif keep_rank_order:
            break
    return chosen


def funding_line(
    projects: Sequence[Project], budgets: Mapping[str, Decimal], *, keep_rank_order: bool = True
) -> Selection:
    """Walk down the ranking (see the module's documentation). Not an optimisation:
    `proven_optimal` is False."""
    return _result(
        projects, _line_indices(projects, budgets, keep_rank_order), budgets, proven_optimal=False
    )


def optimal_selection(
    projects: Sequence[Project],
    budgets: Mapping[str, Decimal],
    *,
    keep_rank_order: bool,
    time_limit_s: float = 10.0,
    workers: int = 0,
) -> Selection:
    """The selection of greatest total merit within every envelope (CP-SAT). `proven_optimal`
    tells whether the solver proved it optimal within the time limit; otherwise the best
    selection found is returned (never worse than the funding line, given as a hint)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(len(projects))]
    fundable = [fits_alone(p, budgets) for p in projects]
    for i, ok in enumerate(fundable):
        if not ok:
            model.add(x[i] == 0)
    for pole, envelope in budgets.items():
        terms = [
            (_cents(p.requests[pole]), x[i]) for i, p in enumerate(projects) if p.requests.get(pole)
        ]
        if terms:
            model.add(sum(c * v for c, v in terms) <= _cents(envelope))
    if keep_rank_order:
        # A chain over the fundable projects in rank order: x_next <= x_previous.
        previous = None
        for i, ok in enumerate(fundable):
            if ok:
                if previous is not None:
                    model.add(x[i] <= x[previous])
                previous = i
    model.maximize(sum(_merit_units(p.merit) * x[i] for i, p in enumerate(projects)))
    line = _line_indices(projects, budgets, keep_rank_order)
    for i, var in enumerate(x):
        model.add_hint(var, 1 if i in line else 0)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = float(time_limit_s)
    if workers:
        solver.parameters.num_workers = workers
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return _result(projects, line, budgets, proven_optimal=False)
    chosen = {i for i, var in enumerate(x) if solver.boolean_value(var)}
    if sum(_merit_units(projects[i].merit) for i in line) > sum(
        _merit_units(projects[i].merit) for i in chosen
    ):
        chosen = line
    return _result(projects, chosen, budgets, proven_optimal=status == cp_model.OPTIMAL)
