"""The assignment solver on instances computed by hand, and against HiGHS on random ones."""

import numpy as np
import pytest
from scipy.optimize import linprog
from scipy.sparse import coo_matrix, vstack

from jumelage.matching.engine.assignment import (
    Infeasible,
    Problem,
    solve,
    validate_assignment,
)

NO_VIOLATION = {"k": 0, "max_load": 0, "min_load": 0, "conflict": 0, "unknown_score": 0,
                "balance": 0, "duplicate": 0, "unknown_id": 0, "fixed_missing": 0}


def problem(scores, **options):
    if not hasattr(scores, "toarray"):
        scores = np.asarray(scores, dtype=float)
    n, m = scores.shape
    options.setdefault("k", 1)
    options.setdefault("max_load", 1)
    return Problem(items=[f"P{i + 1}" for i in range(n)],
                   reviewers=[f"R{j + 1}" for j in range(m)], scores=scores, **options)


def reasons(p, **options):
    with pytest.raises(Infeasible) as caught:
        solve(problem=p, **options)
    return [(reason.code, reason.message) for reason in caught.value.reasons]


# Greedy (best pair first) takes P1-R1 (0.9) and then P2 can only get R2 at 0.1: 1.3 in all.
# The optimum gives R1 to P2 and R2 to P1: 0.8 + 0.85 + 0.3 = 1.95.
GREEDY_TRAP = [[0.9, 0.8, 0.0, 0.0],
               [0.85, 0.1, 0.0, 0.0],
               [0.2, 0.7, 0.3, 0.1]]


def test_solve_beats_greedy_with_the_hand_computed_optimum():
    answer = solve(problem=problem(GREEDY_TRAP))
    assert answer.pairs == [("P1", "R2"), ("P2", "R1"), ("P3", "R3")]
    assert answer.objective == pytest.approx(1.95)
    assert answer.item_totals == pytest.approx({"P1": 0.8, "P2": 0.85, "P3": 0.3})
    assert (answer.worst_item, answer.worst_item_total) == ("P3", pytest.approx(0.3))
    assert answer.loads == {"R1": 1, "R2": 1, "R3": 1, "R4": 0}
    assert answer.optimal is True
    # P3's own best is 0.7 (R2); P1 0.9, P2 0.85: the bound on the worst item is 0.7.
    assert answer.worst_item_bound == pytest.approx(0.7)


def test_solve_keeps_fixed_pairs_and_optimises_the_rest():
    answer = solve(problem=problem(GREEDY_TRAP, fixed=[("P1", "R1")]))
    assert answer.pairs == [("P1", "R1"), ("P2", "R2"), ("P3", "R3")]
    assert answer.objective == pytest.approx(1.3)


def test_solve_never_uses_a_conflict_even_the_best_pair():
    conflicts = np.zeros((3, 4), dtype=bool)
    conflicts[1, 0] = True  # P2-R1, which the optimum above uses
    answer = solve(problem=problem(GREEDY_TRAP, conflicts=conflicts))
    # P2 must take R2 (0.1); then P1-R1 0.9, P3 its best left, R3 0.3: 1.3.
    assert answer.pairs == [("P1", "R1"), ("P2", "R2"), ("P3", "R3")]
    assert answer.objective == pytest.approx(1.3)


def test_solve_never_uses_an_unknown_score_even_when_it_would_pay():
    # With P1-R2 (unknown) allowed, P1-R2 + P2-R1 = 0.95 would beat P1-R1 + P2-R2 = 0.91.
    answer = solve(problem=problem([[0.9, 0.0], [0.95, 0.01]]))
    assert answer.pairs == [("P1", "R1"), ("P2", "R2")]
    assert answer.objective == pytest.approx(0.91)


def test_solve_honours_minimum_loads():
    scores = [[0.9, 0.1, 0.2], [0.8, 0.1, 0.4]]
    assert solve(problem=problem(scores, max_load=2)).pairs == [("P1", "R1"), ("P2", "R1")]
    # R3 must review one item: P2-R3 (0.9 + 0.4 = 1.3) beats P1-R3 (0.2 + 0.8 = 1.0).
    answer = solve(problem=problem(scores, max_load=2, min_load=[0, 0, 1]))
    assert answer.pairs == [("P1", "R1"), ("P2", "R3")]
    assert answer.objective == pytest.approx(1.3)


def test_solve_with_k_and_loads_per_item_and_reviewer():
    scores = [[0.9, 0.8, 0.7], [0.6, 0.5, 0.4]]
    answer = solve(problem=problem(scores, k=[2, 1], max_load=[1, 2, 2]))
    # R1 (load 1) goes to P1 (0.9 + 0.8 + 0.5 = 2.2 against 0.8 + 0.7 + 0.6 = 2.1).
    assert answer.pairs == [("P1", "R1"), ("P1", "R2"), ("P2", "R2")]
    assert answer.objective == pytest.approx(2.2)


GROUPS = {"R1": "CLARA", "R2": "CLARA", "R3": "ONCOPOLE", "R4": "OTHER"}


def test_solve_balance_gives_each_item_a_reviewer_from_each_pole():
    scores = [[0.9, 0.8, 0.3, 0.5]]
    assert solve(problem=problem(scores, k=2, groups=GROUPS)).pairs == [("P1", "R1"),
                                                                        ("P1", "R2")]
    answer = solve(problem=problem(scores, k=2, groups=GROUPS, balance={"CLARA", "ONCOPOLE"}))
    assert answer.pairs == [("P1", "R1"), ("P1", "R3")]
    assert answer.objective == pytest.approx(1.2)
    answer = solve(problem=problem(scores, k=2, groups=GROUPS, balance={"OTHER"}))
    assert answer.pairs == [("P1", "R1"), ("P1", "R4")]


def test_solve_balance_counts_a_fixed_pair():
    # R3 fixed: ONCOPOLE is served, so the second reviewer is the best CLARA one, R1.
    answer = solve(problem=problem([[0.9, 0.8, 0.3, 0.5]], k=2, groups=GROUPS,
                                   balance={"CLARA", "ONCOPOLE"}, fixed=[("P1", "R3")]))
    assert answer.pairs == [("P1", "R1"), ("P1", "R3")]


# Plain optimum A: P1-R1 + P2-R2 = 0.9 + 0.2 = 1.1 (worst item 0.2);
# B: P1-R2 + P2-R1 = 0.35 + 0.7 = 1.05 (worst item 0.35), 0.05 (4.5 %) less in total.
FAIR = [[0.9, 0.35], [0.7, 0.2]]


def test_fair_raises_the_worst_item_within_the_tolerance():
    answer = solve(problem=problem(FAIR), fair=True, fair_tolerance=0.05)
    assert answer.pairs == [("P1", "R2"), ("P2", "R1")]
    assert answer.objective == pytest.approx(1.05)
    assert answer.plain_objective == pytest.approx(1.1)
    assert answer.fairness_cost == pytest.approx(0.05)
    assert answer.plain_worst_item_total == pytest.approx(0.2)
    assert (answer.worst_item, answer.worst_item_total) == ("P1", pytest.approx(0.35))
    assert answer.fair is True and answer.optimal is False


def test_fair_keeps_the_optimum_when_fairness_costs_more_than_the_tolerance():
    answer = solve(problem=problem(FAIR), fair=True, fair_tolerance=0.01)
    assert answer.pairs == [("P1", "R1"), ("P2", "R2")]
    assert answer.fairness_cost == pytest.approx(0.0)
    assert answer.worst_item_total == pytest.approx(0.2)


def test_plain_mode_reports_no_fairness_cost():
    answer = solve(problem=problem(FAIR))
    assert (answer.fair, answer.plain_objective, answer.fairness_cost) == (False, None, None)


# --- infeasible instances: each diagnosis, exactly ---

def test_infeasible_too_few_eligible_names_the_conflicts_and_unknown_scores():
    conflicts = np.array([[True, False, False], [False, False, False]])
    p = problem([[0.5, 0.4, 0.0], [0.5, 0.5, 0.5]], k=2, max_load=2, conflicts=conflicts)
    assert reasons(p) == [("too_few_eligible", "item P1 has only 1 eligible reviewers for k=2 "
                                               "(conflicts: R1; unknown score: R3)")]


def test_infeasible_total_capacity():
    p = problem([[0.5, 0.4], [0.5, 0.5], [0.3, 0.2]], k=2, max_load=2)
    assert reasons(p) == [("capacity", "total capacity 4 < 6 reviews needed (k for each of 3 "
                                       "items)")]


def test_infeasible_minimum_loads():
    p = problem([[0.5, 0.4, 0.1], [0.5, 0.5, 0.2]], max_load=2, min_load=[1, 1, 1])
    assert reasons(p) == [("min_loads", "minimum loads sum to 3 > 2 reviews to give")]


def test_infeasible_minimum_load_above_maximum_and_unreachable():
    p = problem([[0.5, 0.0], [0.5, 0.0]], max_load=[2, 1], min_load=[0, 2])
    assert reasons(p) == [
        ("min_above_max", "reviewer R2 has a minimum load 2 above its maximum load 1"),
        ("min_load_unreachable", "reviewer R2 must review at least 2 items but is eligible "
                                 "for only 0")]


def test_infeasible_hall_set_of_items_sharing_one_reviewer():
    p = problem([[0.5, 0.0, 0.0], [0.6, 0.0, 0.0], [0.1, 0.2, 0.3]], max_load=[1, 2, 2])
    assert reasons(p) == [("hall", "items P1, P2 need 2 reviews but the only reviewers "
                                   "eligible for them (R1) can take 1")]


def test_infeasible_minimum_loads_clash_with_k_only_together():
    # R2 and R3 each can meet their minimum (P1) and so can the items, but not all at once.
    p = problem([[0.0, 0.5, 0.5], [0.5, 0.0, 0.0]], max_load=2, min_load=[0, 1, 1])
    assert reasons(p) == [("jointly_infeasible", "each constraint can be met alone but not all "
                                                 "together (k, maximum and minimum loads, "
                                                 "balance rule: -); relax the minimum loads "
                                                 "or the balance rule")]


def test_infeasible_balance_diagnoses():
    scores = [[0.9, 0.8, 0.3, 0.5], [0.7, 0.6, 0.9, 0.2]]
    p = problem(scores, k=2, groups=GROUPS, balance={"CLARA", "ONCOPOLE"})
    assert reasons(p) == [("group_capacity", "group ONCOPOLE can take 1 reviews but 2 items "
                                             "need one of its reviewers")]
    conflicts = np.array([[False, False, True, False], [False] * 4])
    p = problem(scores, k=1, max_load=2, groups=GROUPS, conflicts=conflicts,
                balance={"CLARA", "ONCOPOLE"})
    assert reasons(p) == [
        ("k_below_balance", "item P1 needs a reviewer from each of CLARA, ONCOPOLE but k=1"),
        ("k_below_balance", "item P2 needs a reviewer from each of CLARA, ONCOPOLE but k=1"),
        ("no_group_reviewer", "item P1 cannot get a reviewer from group ONCOPOLE (eligible "
                              "reviewers in it: none of 1)")]


def test_infeasible_fixed_pairs():
    conflicts = np.array([[True, False, False], [False, False, False]])
    p = problem([[0.5, 0.0, 0.4], [0.3, 0.3, 0.3]], conflicts=conflicts,
                fixed=[("P1", "R1"), ("P1", "R2"), ("P9", "R1"), ("P2", "R3"), ("P1", "R3")])
    assert reasons(p) == [
        ("fixed_conflict", "the fixed pair P1, R1 is a conflict of interest"),
        ("fixed_unknown_score", "the fixed pair P1, R2 has no score (unknown affinity)"),
        ("fixed_unknown_item", "the fixed pair P9, R1 names an unknown item"),
        ("fixed_above_max", "reviewer R3 has 2 fixed items for a maximum load of 1")]
    p = problem([[0.5, 0.2], [0.3, 0.3]], max_load=2, fixed=[("P1", "R1"), ("P1", "R2")])
    assert reasons(p) == [("fixed_above_k", "item P1 has 2 fixed reviewers for k=1")]


def test_infeasible_reason_names_ids():
    p = problem([[0.5, 0.0, 0.0], [0.6, 0.0, 0.0], [0.1, 0.2, 0.3]], max_load=[1, 2, 2])
    with pytest.raises(Infeasible) as caught:
        solve(problem=p)
    (reason,) = caught.value.reasons
    assert (reason.items, reason.reviewers, reason.params["needed"]) == (("P1", "P2"), ("R1",),
                                                                          2)


# --- the validator ---

def test_validate_assignment_counts_each_violation():
    conflicts = np.zeros((3, 4), dtype=bool)
    conflicts[0, 1] = True
    p = problem(GREEDY_TRAP, conflicts=conflicts, min_load=[0, 0, 0, 1], groups=GROUPS,
                balance={"ONCOPOLE"}, fixed=[("P3", "R3")])
    pairs = [("P1", "R2"), ("P1", "R3"), ("P2", "R3"), ("P2", "R3"), ("P3", "R1"),
             ("P3", "R9")]
    # P1 has 2 reviewers (k); R3 has P1 and P2 (the repeated pair counts once): 2 > 1;
    # R4 is below its minimum; P1-R2 is a conflict; P1-R3 and P2-R3 have unknown scores;
    # P3 has no ONCOPOLE reviewer; P2-R3 is given twice; R9 is unknown; P3-R3 (fixed) is
    # missing.
    assert validate_assignment(problem=p, pairs=pairs) == {
        "k": 1, "max_load": 1, "min_load": 1, "conflict": 1, "unknown_score": 2,
        "balance": 1, "duplicate": 1, "unknown_id": 1, "fixed_missing": 1}


def test_validate_assignment_of_an_answer_is_clean():
    p = problem(GREEDY_TRAP)
    assert validate_assignment(problem=p, pairs=solve(problem=p).pairs) == NO_VIOLATION


# --- against an exact solution (HiGHS) ---

def highs_optimum(p: Problem) -> float | None:
    """The optimal total by scipy's HiGHS linear programme (integral here), or None."""
    rows, columns = np.nonzero(p.eligible)
    n, m = p.shape
    pairs = len(rows)
    take = np.arange(pairs)
    per_item = coo_matrix((np.ones(pairs), (rows, take)), shape=(n, pairs))
    per_reviewer = coo_matrix((np.ones(pairs), (columns, take)), shape=(m, pairs))
    result = linprog(-p.scores[rows, columns], A_eq=per_item, b_eq=p.k,
                     A_ub=vstack([per_reviewer, -per_reviewer]),
                     b_ub=np.concatenate([p.max_load, -p.min_load]), bounds=(0, 1),
                     method="highs")
    return -result.fun if result.status == 0 else None


@pytest.mark.parametrize("seed", range(12))
def test_solve_matches_highs_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n, m = int(rng.integers(5, 40)), int(rng.integers(3, 30))
    k = int(rng.integers(1, min(4, m) + 1))
    scores = np.round(rng.random((n, m)) ** 2, 4)
    scores[rng.random((n, m)) < 0.1] = 0.0
    p = Problem(items=[f"P{i}" for i in range(n)], reviewers=[f"R{j}" for j in range(m)],
                scores=scores, conflicts=rng.random((n, m)) < 0.06, k=k,
                max_load=int(np.ceil(n * k / m * rng.uniform(1.0, 1.6))),
                min_load=int(rng.integers(0, 2)))
    expected = highs_optimum(p)
    if expected is None:
        with pytest.raises(Infeasible):
            solve(problem=p)
        return
    answer = solve(problem=p)
    assert answer.optimal is True
    assert abs(answer.objective - expected) <= answer.rounding + 1e-7
    assert validate_assignment(problem=p, pairs=answer.pairs) == NO_VIOLATION


def test_pruned_graph_is_repaired_by_the_certificate():
    # Every item ranks the reviewers alike, each reviewer takes one item: the items' top
    # reviewers (the pruned graph) cannot serve them all, the duals must bring the rest in.
    rng = np.random.default_rng(7)
    n, m = 30, 60
    scores = np.clip(np.linspace(1.0, 0.05, m)[None, :] + rng.normal(0, 0.01, (n, m)), 0.01, 1)
    p = Problem(items=[f"P{i}" for i in range(n)], reviewers=[f"R{j}" for j in range(m)],
                scores=np.round(scores, 4), k=1, max_load=1)
    answer = solve(problem=p)
    assert answer.stats["full_graph"] is False and answer.stats["rounds"] >= 2
    assert answer.optimal is True
    assert abs(answer.objective - highs_optimum(p)) <= answer.rounding + 1e-7


def highs_balanced_optimum(p: Problem) -> float | None:
    """HiGHS with the balance rows too (item x group: at least one); item rows and
    item-group rows nest, reviewer rows partition: the matrix stays totally unimodular."""
    rows, columns = np.nonzero(p.eligible)
    n, m = p.shape
    pairs = len(rows)
    take = np.arange(pairs)
    codes, names = p.group_codes()
    per_item = coo_matrix((np.ones(pairs), (rows, take)), shape=(n, pairs))
    per_reviewer = coo_matrix((np.ones(pairs), (columns, take)), shape=(m, pairs))
    in_group = codes[columns] >= 0
    per_group = coo_matrix((-np.ones(in_group.sum()),
                            (rows[in_group] * len(names) + codes[columns][in_group],
                             take[in_group])), shape=(n * len(names), pairs))
    result = linprog(-p.scores[rows, columns], A_eq=per_item, b_eq=p.k,
                     A_ub=vstack([per_reviewer, -per_reviewer, per_group]),
                     b_ub=np.concatenate([p.max_load, -p.min_load, -np.ones(n * len(names))]),
                     bounds=(0, 1), method="highs")
    return -result.fun if result.status == 0 else None


@pytest.mark.parametrize("seed", range(8))
def test_solve_with_balance_matches_highs_on_random_instances(seed):
    rng = np.random.default_rng(100 + seed)
    n, m = int(rng.integers(5, 30)), int(rng.integers(6, 30))
    scores = np.round(rng.random((n, m)), 4)
    scores[rng.random((n, m)) < 0.1] = 0.0
    reviewers = [f"R{j}" for j in range(m)]
    groups = dict(zip(reviewers, rng.choice(["CLARA", "ONCOPOLE", "OTHER"], size=m),
                      strict=True))
    p = Problem(items=[f"P{i}" for i in range(n)], reviewers=reviewers, scores=scores,
                conflicts=rng.random((n, m)) < 0.06, k=3, max_load=int(np.ceil(n * 3 / m)) + 2,
                groups=groups, balance={"CLARA", "ONCOPOLE"})
    expected = highs_balanced_optimum(p)
    if expected is None:
        with pytest.raises(Infeasible):
            solve(problem=p)
        return
    answer = solve(problem=p)
    assert answer.optimal is True
    assert abs(answer.objective - expected) <= answer.rounding + 1e-7
    assert validate_assignment(problem=p, pairs=answer.pairs) == NO_VIOLATION


def test_solve_accepts_sparse_scores_missing_entries_unknown():
    from scipy.sparse import csr_matrix

    dense = solve(problem=problem(GREEDY_TRAP))
    sparse = solve(problem=problem(csr_matrix(np.asarray(GREEDY_TRAP))))
    assert sparse.pairs == dense.pairs == [("P1", "R2"), ("P2", "R1"), ("P3", "R3")]


def test_pruned_graph_with_balance_is_repaired_by_the_certificate():
    # Items rank the reviewers alike and loads are tight: the duals must bring in arcs from
    # the items' (item, group) nodes as well as from the items.
    rng = np.random.default_rng(11)
    n, m = 40, 70
    scores = np.clip(np.linspace(1.0, 0.05, m)[None, :] + rng.normal(0, 0.02, (n, m)), 0.01, 1)
    reviewers = [f"R{j}" for j in range(m)]
    groups = {r: ("CLARA", "ONCOPOLE", "OTHER")[j % 3] for j, r in enumerate(reviewers)}
    p = Problem(items=[f"P{i}" for i in range(n)], reviewers=reviewers,
                scores=np.round(scores, 4), k=3, max_load=2, groups=groups,
                balance={"CLARA", "ONCOPOLE"})
    answer = solve(problem=p)
    assert answer.stats["full_graph"] is False and answer.stats["added"] > 0
    assert answer.optimal is True
    assert abs(answer.objective - highs_balanced_optimum(p)) <= answer.rounding + 1e-7
    assert validate_assignment(problem=p, pairs=answer.pairs) == NO_VIOLATION
