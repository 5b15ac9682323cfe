"""The assignment problem, its answer and the reasons it can have no answer.

Plain dataclasses and numpy, no Django import. Messages are marked with the local `_` (the
Django layer translates them); their `%(name)s` placeholders are filled from `Reason.params`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


# Why no assignment exists. `%(name)s` placeholders are filled from Reason.params.
REASONS: dict[str, str] = {
    "too_few_eligible": _("item %(item)s has only %(eligible)d eligible reviewers for "
                          "k=%(k)d (conflicts: %(conflicts)s; unknown score: %(unknown)s)"),
    "capacity": _("total capacity %(capacity)d < %(needed)d reviews needed (k for each of "
                  "%(items)d items)"),
    "min_loads": _("minimum loads sum to %(min_total)d > %(needed)d reviews to give"),
    "min_above_max": _("reviewer %(reviewer)s has a minimum load %(min_load)d above its "
                       "maximum load %(max_load)d"),
    "min_load_unreachable": _("reviewer %(reviewer)s must review at least %(min_load)d items "
                              "but is eligible for only %(eligible)d"),
    "k_below_balance": _("item %(item)s needs a reviewer from each of %(groups)s but "
                         "k=%(k)d"),
    "no_group_reviewer": _("item %(item)s cannot get a reviewer from group %(group)s "
                           "(eligible reviewers in it: none of %(members)d)"),
    "group_capacity": _("group %(group)s can take %(capacity)d reviews but %(needed)d items "
                        "need one of its reviewers"),
    "hall": _("items %(items)s need %(needed)d reviews but the only reviewers eligible for "
              "them (%(reviewers)s) can take %(capacity)d"),
    "fixed_conflict": _("the fixed pair %(item)s, %(reviewer)s is a conflict of interest"),
    "fixed_unknown_score": _("the fixed pair %(item)s, %(reviewer)s has no score (unknown "
                             "affinity)"),
    "fixed_unknown_item": _("the fixed pair %(item)s, %(reviewer)s names an unknown item"),
    "fixed_unknown_reviewer": _("the fixed pair %(item)s, %(reviewer)s names an unknown "
                                "reviewer"),
    "fixed_above_k": _("item %(item)s has %(fixed)d fixed reviewers for k=%(k)d"),
    "fixed_above_max": _("reviewer %(reviewer)s has %(fixed)d fixed items for a maximum load "
                         "of %(max_load)d"),
    "jointly_infeasible": _("each constraint can be met alone but not all together (k, "
                            "maximum and minimum loads, balance rule: %(balance)s); relax the "
                            "minimum loads or the balance rule"),
}

# What `validate_assignment` counts.
VIOLATIONS = ("k", "max_load", "min_load", "conflict", "unknown_score", "balance", "duplicate",
              "unknown_id", "fixed_missing")

LIST_LIMIT = 10  # ids named in one message before "…"


def id_list(ids: Sequence[str], limit: int = LIST_LIMIT) -> str:
    """"R1, R4, R9" or "R1, R2, … (+12)"; "-" when empty."""
    ids = list(ids)
    if not ids:
        return "-"
    if len(ids) <= limit:
        return ", ".join(ids)
    return ", ".join(ids[:limit]) + f", … (+{len(ids) - limit})"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason the problem has no assignment: a code, the ids at fault and the numbers."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    items: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return REASONS[self.code] % self.params

    def __str__(self) -> str:
        return self.message


class Infeasible(Exception):
    """No assignment meets every constraint; `reasons` says which items or reviewers, and why."""

    def __init__(self, reasons: Sequence[Reason]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("; ".join(str(reason) for reason in self.reasons))


def _per(value: int | Sequence[int] | np.ndarray, n: int, name: str) -> np.ndarray:
    array = np.asarray(value, dtype=np.int64)
    if array.ndim == 0:
        array = np.full(n, int(array), dtype=np.int64)
    if array.shape != (n,):
        raise ValueError(f"{name}: expected a number or {n} numbers, got shape {array.shape}")
    if (array < 0).any():
        raise ValueError(f"{name}: negative value")
    return array


@dataclass(frozen=True, kw_only=True, eq=False)
class Problem:
    """A reviewer-assignment problem.

    `scores[i, j]` is the affinity of reviewer `reviewers[j]` for item `items[i]`, in [0, 1];
    0 (or a missing entry of a scipy sparse matrix) means unknown: that pair is never assigned.
    `conflicts[i, j]` True forbids the pair. `k`, `max_load`, `min_load`: one number, or one
    per item (k) or per reviewer (loads). `groups` maps reviewer ids to a group ("CLARA",
    "ONCOPOLE", "OTHER"); `balance` names the groups each item needs at least one reviewer
    from. `fixed` pairs (item id, reviewer id) stay in the answer whatever their score.
    """

    items: Sequence[str]
    reviewers: Sequence[str]
    scores: Any  # numpy array or scipy sparse matrix, shape (len(items), len(reviewers))
    conflicts: Any = None  # boolean array or sparse matrix of the same shape, or None
    k: int | Sequence[int]
    max_load: int | Sequence[int]
    min_load: int | Sequence[int] = 0
    groups: Mapping[str, str] | None = None
    balance: frozenset[str] | Sequence[str] = frozenset()
    fixed: Sequence[tuple[str, str]] = ()

    def __post_init__(self) -> None:
        items, reviewers = tuple(self.items), tuple(self.reviewers)
        if len(set(items)) != len(items):
            raise ValueError("items: duplicate ids")
        if len(set(reviewers)) != len(reviewers):
            raise ValueError("reviewers: duplicate ids")
        shape = (len(items), len(reviewers))
        scores = self.scores.toarray() if hasattr(self.scores, "toarray") else self.scores
        scores = np.asarray(scores, dtype=np.float64)
        if scores.shape != shape:
            raise ValueError(f"scores: expected shape {shape}, got {scores.shape}")
        if not np.isfinite(scores).all() or scores.min(initial=0) < 0 or scores.max(
                initial=0) > 1:
            raise ValueError("scores: every score must be a number in [0, 1]")
        conflicts = self.conflicts
        if conflicts is None:
            conflicts = np.zeros(shape, dtype=bool)
        else:
            conflicts = conflicts.toarray() if hasattr(conflicts, "toarray") else conflicts
            conflicts = np.asarray(conflicts, dtype=bool)
            if conflicts.shape != shape:
                raise ValueError(f"conflicts: expected shape {shape}, got {conflicts.shape}")
        groups = dict(self.groups or {})
        unknown = sorted(set(groups) - set(reviewers))
        if unknown:
            raise ValueError(f"groups: unknown reviewer ids {id_list(unknown)}")
        balance = frozenset(self.balance)
        if balance and not groups:
            raise ValueError("balance: needs reviewer groups")
        set_ = object.__setattr__
        set_(self, "items", items)
        set_(self, "reviewers", reviewers)
        set_(self, "scores", scores)
        set_(self, "conflicts", conflicts)
        set_(self, "k", _per(self.k, len(items), "k"))
        set_(self, "max_load", _per(self.max_load, len(reviewers), "max_load"))
        set_(self, "min_load", _per(self.min_load, len(reviewers), "min_load"))
        set_(self, "groups", groups)
        set_(self, "balance", balance)
        set_(self, "fixed", tuple((str(i), str(r)) for i, r in self.fixed))

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.items), len(self.reviewers)

    @property
    def eligible(self) -> np.ndarray:
        """Pairs that may be assigned: a known score and no conflict."""
        return (self.scores > 0) & ~self.conflicts

    def group_codes(self) -> tuple[np.ndarray, list[str]]:
        """Per reviewer, the index of its group in sorted(balance), or -1 (no balance group)."""
        names = sorted(self.balance)
        position = {name: index for index, name in enumerate(names)}
        codes = np.array([position.get(self.groups.get(r, ""), -1) for r in self.reviewers],
                         dtype=np.int64)
        return codes, names


@dataclass(frozen=True, kw_only=True, eq=False)
class Assignment:
    """An answer: the pairs and what they give.

    `objective` is the total affinity; `item_totals` each item's; `worst_item_total` the
    lowest of them and `worst_item_bound` an upper bound on it (each item's own k best
    eligible scores): when both are equal, no assignment serves the worst item better.
    `optimal` is True when the total was certified optimal (duals checked on every pair left
    out of the flow graph; exact up to `rounding`, the largest possible loss from scores
    rounded to integers for the flow). In fair mode, `plain_objective` is the optimum without
    fairness and `fairness_cost` what fairness costs in total affinity.
    """

    items: tuple[str, ...]
    reviewers: tuple[str, ...]
    item_index: np.ndarray  # per pair, index into items
    reviewer_index: np.ndarray  # per pair, index into reviewers
    objective: float
    item_totals_array: np.ndarray
    loads_array: np.ndarray
    optimal: bool
    rounding: float
    worst_item_bound: float
    fair: bool = False
    plain_objective: float | None = None
    plain_worst_item_total: float | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(self.items[i], self.reviewers[r])
                for i, r in zip(self.item_index.tolist(), self.reviewer_index.tolist(),
                                strict=True)]

    @property
    def item_totals(self) -> dict[str, float]:
        return dict(zip(self.items, self.item_totals_array.tolist(), strict=True))

    @property
    def loads(self) -> dict[str, int]:
        return dict(zip(self.reviewers, self.loads_array.tolist(), strict=True))

    @property
    def worst_item(self) -> str | None:
        if not len(self.items):
            return None
        return self.items[int(np.argmin(self.item_totals_array))]

    @property
    def worst_item_total(self) -> float:
        return float(self.item_totals_array.min()) if len(self.items) else 0.0

    @property
    def fairness_cost(self) -> float | None:
        if self.plain_objective is None:
            return None
        return self.plain_objective - self.objective
