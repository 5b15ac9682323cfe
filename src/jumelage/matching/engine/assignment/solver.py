"""`solve` (plain and fair) and `validate_assignment`."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from jumelage.matching.engine.assignment import diagnose
from jumelage.matching.engine.assignment.flow import SCALE, FlowResult, prepare, solve_flow
from jumelage.matching.engine.assignment.problem import (
    VIOLATIONS,
    Assignment,
    Infeasible,
    Problem,
)

FAIR_ROUNDS = 24
FAIR_STEP = 0.5  # weight increase of the items left behind, per round
MAX_WEIGHT = 16.0


def _totals(problem: Problem, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
    n = len(problem.items)
    return np.bincount(rows, weights=problem.scores[rows, columns], minlength=n)


def _bound(prep) -> float:
    """An upper bound on the worst item's total: per item, its fixed pairs plus its best
    remaining eligible scores."""
    problem = prep.problem
    n, m = problem.shape
    if n == 0:
        return 0.0
    fixed_total = _totals(problem, prep.fixed_items, prep.fixed_reviewers)
    depth = int(min(max(prep.k.max(initial=0), 1), m))
    best = np.zeros(n)
    step = max(1, (1 << 22) // max(m, 1))
    for start in range(0, n, step):
        block = np.where(prep.eligible[start:start + step], prep.scores[start:start + step], 0)
        if depth < m:
            block = -np.partition(-block, depth - 1, axis=1)[:, :depth]
        block = -np.sort(-block, axis=1)
        cumulative = np.concatenate([np.zeros((len(block), 1)), np.cumsum(block, axis=1)],
                                    axis=1)
        left = np.clip(prep.k[start:start + step], 0, block.shape[1])
        best[start:start + step] = cumulative[np.arange(len(block)), left]
    return float((best + fixed_total).min())


def _answer(problem: Problem, result: FlowResult, prep, **extra) -> Assignment:
    rows = np.concatenate([result.rows, prep.fixed_items])
    columns = np.concatenate([result.columns, prep.fixed_reviewers])
    order = np.lexsort((columns, rows))
    rows, columns = rows[order], columns[order]
    totals = _totals(problem, rows, columns)
    return Assignment(items=problem.items, reviewers=problem.reviewers, item_index=rows,
                      reviewer_index=columns, objective=float(totals.sum()),
                      item_totals_array=totals,
                      loads_array=np.bincount(columns, minlength=len(problem.reviewers)),
                      optimal=result.certified, rounding=len(rows) / SCALE,
                      stats=dict(result.stats), **extra)


def solve(*, problem: Problem, fair: bool = False, fair_tolerance: float = 0.01) -> Assignment:
    """The assignment of highest total affinity; with `fair`, one that raises the worst-served
    item's total while losing at most `fair_tolerance` (a fraction) of that highest total.

    Raises Infeasible, with every reason found, when no assignment meets the constraints.
    """
    fixed_rows, fixed_columns, reasons = diagnose.fixed_pairs(problem)
    if reasons:
        raise Infeasible(reasons)
    prep = prepare(problem, fixed_rows, fixed_columns)
    reasons = diagnose.counting(prep)
    if reasons:
        raise Infeasible(reasons)
    n = len(problem.items)
    plain = solve_flow(prep, np.ones(n))
    if plain is None:
        raise Infeasible(diagnose.cut(prep))
    bound = _bound(prep)
    best = _answer(problem, plain, prep, worst_item_bound=bound)
    if not fair:
        return best
    return _fair(problem, prep, best, bound, fair_tolerance)


def _fair(problem: Problem, prep, plain: Assignment, bound: float,
          tolerance: float) -> Assignment:
    """Raise the weight of the items left behind and solve again, keeping the best answer
    (worst item's total first, then total affinity) that loses at most `tolerance` of the
    plain optimum. A heuristic: `worst_item_bound` says how far from the best possible it is.
    """
    floor = plain.objective * (1 - tolerance) - plain.rounding
    n = len(problem.items)
    weights = np.ones(n)
    best, current = plain, plain
    step = FAIR_STEP
    rounds = 0
    for rounds in range(1, FAIR_ROUNDS + 1):  # noqa: B007 - reported below
        if best.worst_item_total >= bound - 1e-12 or step < 1e-3:
            break
        totals = current.item_totals_array
        low = totals.min()
        behind = totals <= low + (np.median(totals) - low) / 2
        trial = weights.copy()
        trial[behind] *= 1 + step
        trial = np.minimum(trial / trial.min(), MAX_WEIGHT)
        result = solve_flow(prep, trial)
        if result is None:  # weights never change feasibility; kept as a guard
            break
        candidate = _answer(problem, result, prep, worst_item_bound=bound)
        if candidate.objective < floor:
            step /= 2
            continue
        weights, current = trial, candidate
        if (candidate.worst_item_total, candidate.objective) > (best.worst_item_total,
                                                                best.objective):
            best = candidate
    stats = dict(best.stats, fair_rounds=rounds)
    return Assignment(items=best.items, reviewers=best.reviewers, item_index=best.item_index,
                      reviewer_index=best.reviewer_index, objective=best.objective,
                      item_totals_array=best.item_totals_array, loads_array=best.loads_array,
                      optimal=False, rounding=best.rounding, worst_item_bound=bound,
                      fair=True, plain_objective=plain.objective,
                      plain_worst_item_total=plain.worst_item_total, stats=stats)


def validate_assignment(*, problem: Problem, pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Count what an answer breaks, per kind (VIOLATIONS): items without exactly k reviewers,
    reviewers above their maximum or below their minimum load, pairs with a conflict or an
    unknown score, items missing a balance group, repeated pairs, unknown ids, fixed pairs
    left out. All zeros means the answer is valid."""
    item_at = {item: index for index, item in enumerate(problem.items)}
    reviewer_at = {reviewer: index for index, reviewer in enumerate(problem.reviewers)}
    counts = dict.fromkeys(VIOLATIONS, 0)
    pairs = list(pairs)
    seen = set(pairs)
    counts["duplicate"] = len(pairs) - len(seen)
    known = [(item_at[i], reviewer_at[r]) for i, r in seen
             if i in item_at and r in reviewer_at]
    counts["unknown_id"] = len(seen) - len(known)
    n, m = problem.shape
    rows = np.array([i for i, _r in known], dtype=np.int64)
    columns = np.array([r for _i, r in known], dtype=np.int64)
    per_item = np.bincount(rows, minlength=n)
    loads = np.bincount(columns, minlength=m)
    counts["k"] = int((per_item != problem.k).sum())
    counts["max_load"] = int((loads > problem.max_load).sum())
    counts["min_load"] = int((loads < problem.min_load).sum())
    counts["conflict"] = int(problem.conflicts[rows, columns].sum())
    counts["unknown_score"] = int((problem.scores[rows, columns] <= 0).sum())
    codes, names = problem.group_codes()
    for g in range(len(names)):
        has = np.bincount(rows[codes[columns] == g], minlength=n) > 0
        counts["balance"] += int((~has).sum())
    counts["fixed_missing"] = sum(1 for pair in set(problem.fixed) if pair not in seen)
    return counts
