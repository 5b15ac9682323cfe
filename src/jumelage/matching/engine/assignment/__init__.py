"""The reviewer-assignment solver: exactly k reviewers per item, loads, conflicts, balance.

No Django import. The public API (keyword-only):

    Problem(items=[...], reviewers=[...], scores=S, conflicts=C, k=3, max_load=8,
            min_load=0, groups={"R1": "CLARA", ...}, balance={"CLARA", "ONCOPOLE"},
            fixed=[("P1", "R2")])
    solve(problem=..., fair=False, fair_tolerance=0.01) -> Assignment
    validate_assignment(problem=..., pairs=[("P1", "R2"), ...]) -> {"k": 0, "max_load": 0, ...}

- `scores` is a dense numpy array or a scipy sparse matrix (items x reviewers) of affinities in
  [0, 1]; 0 or missing means unknown and is never assigned; `conflicts` a boolean matrix of the
  same shape (True: never assigned). `k` is one number or one per item; `max_load`, `min_load`
  one number or one per reviewer. `groups` maps reviewer ids to a group; `balance` names the
  groups each item needs at least one reviewer from (e.g. {"CLARA", "ONCOPOLE"}, or {"OTHER"}
  for one reviewer from outside both poles). `fixed` pairs stay (staff's manual choices).
- `solve` maximises the total affinity by a min-cost flow (OR-Tools) on a pruned graph, whose
  optimality for the whole problem is checked by reduced costs from node potentials (the flow
  is re-run with the arcs that fail, or on the whole graph): `Assignment.optimal` is True only
  when that check passed. Scores are scaled by 10**8 and rounded for the flow, so the total is
  optimal up to `Assignment.rounding` (pairs / 10**8).
- `fair=True` raises the worst-served item's total (re-weighting the items left behind,
  re-solving) while losing at most `fair_tolerance` of the optimal total; it reports
  `plain_objective`, `fairness_cost` and `worst_item_bound` (no assignment can give the worst
  item more). A heuristic: when `worst_item_total` < `worst_item_bound` a better minimum may
  exist.
- `Infeasible` carries `reasons`: `Reason(code, params, items, reviewers)`, whose `message`
  is `REASONS[code] % params`; REASONS are English, marked for translation.
"""

from jumelage.matching.engine.assignment.problem import (
    REASONS,
    VIOLATIONS,
    Assignment,
    Infeasible,
    Problem,
    Reason,
)
from jumelage.matching.engine.assignment.solver import solve, validate_assignment

__all__ = ["REASONS", "VIOLATIONS", "Assignment", "Infeasible", "Problem", "Reason", "solve",
           "validate_assignment"]
