"""Why a problem has no assignment: which items or reviewers, and the numbers.

`fixed_pairs` and `counting` find what simple counts prove; `cut` runs when those pass but the
flow still has no answer: a maximum flow (k and maximum loads only) whose minimum cut names a
set of items whose eligible reviewers cannot take them all (Hall's condition); failing that,
the constraints clash only together (minimum loads or balance with the rest).
"""

from __future__ import annotations

import numpy as np

from jumelage.matching.engine.assignment.flow import Prepared
from jumelage.matching.engine.assignment.problem import Problem, Reason, id_list


def fixed_pairs(problem: Problem) -> tuple[np.ndarray, np.ndarray, list[Reason]]:
    """Indices of the fixed pairs, and the reasons some of them cannot stay."""
    item_at = {item: index for index, item in enumerate(problem.items)}
    reviewer_at = {reviewer: index for index, reviewer in enumerate(problem.reviewers)}
    reasons: list[Reason] = []
    rows, columns = [], []
    for item, reviewer in dict.fromkeys(problem.fixed):
        i, r = item_at.get(item), reviewer_at.get(reviewer)
        if i is None or r is None:
            code = "fixed_unknown_item" if i is None else "fixed_unknown_reviewer"
            reasons.append(Reason(code, {"item": item, "reviewer": reviewer}, (item,),
                                  (reviewer,)))
        elif problem.conflicts[i, r]:
            reasons.append(Reason("fixed_conflict", {"item": item, "reviewer": reviewer},
                                  (item,), (reviewer,)))
        elif problem.scores[i, r] <= 0:
            reasons.append(Reason("fixed_unknown_score", {"item": item, "reviewer": reviewer},
                                  (item,), (reviewer,)))
        else:
            rows.append(i)
            columns.append(r)
    rows_a, columns_a = np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)
    n, m = problem.shape
    per_item = np.bincount(rows_a, minlength=n)
    for i in np.flatnonzero(per_item > problem.k):
        reasons.append(Reason("fixed_above_k", {"item": problem.items[i],
                                                "fixed": int(per_item[i]),
                                                "k": int(problem.k[i])}, (problem.items[i],)))
    per_reviewer = np.bincount(columns_a, minlength=m)
    for r in np.flatnonzero(per_reviewer > problem.max_load):
        reasons.append(Reason("fixed_above_max", {
            "reviewer": problem.reviewers[r], "fixed": int(per_reviewer[r]),
            "max_load": int(problem.max_load[r])}, reviewers=(problem.reviewers[r],)))
    return rows_a, columns_a, reasons


def counting(prep: Prepared) -> list[Reason]:
    """What counts alone prove: too few eligible reviewers, capacity, minimum loads, groups."""
    problem = prep.problem
    items, reviewers = problem.items, problem.reviewers
    reasons: list[Reason] = []
    eligible_count = prep.eligible.sum(axis=1)
    for i in np.flatnonzero(eligible_count < prep.k):
        conflicts = [reviewers[r] for r in np.flatnonzero(problem.conflicts[i])]
        unknown = [reviewers[r] for r in np.flatnonzero(
            (problem.scores[i] <= 0) & ~problem.conflicts[i])]
        reasons.append(Reason("too_few_eligible", {
            "item": items[i], "eligible": int(eligible_count[i]), "k": int(prep.k[i]),
            "conflicts": id_list(conflicts), "unknown": id_list(unknown)}, (items[i],),
            tuple(conflicts + unknown)))
    needed, capacity = int(prep.k.sum()), int(prep.max_load.sum())
    if capacity < needed:
        reasons.append(Reason("capacity", {"capacity": capacity, "needed": needed,
                                           "items": len(items)}))
    for r in np.flatnonzero(problem.min_load > problem.max_load):
        reasons.append(Reason("min_above_max", {
            "reviewer": reviewers[r], "min_load": int(problem.min_load[r]),
            "max_load": int(problem.max_load[r])}, reviewers=(reviewers[r],)))
    min_total = int(prep.min_load.sum())
    if min_total > needed:
        reasons.append(Reason("min_loads", {"min_total": min_total, "needed": needed}))
    reachable = prep.eligible.sum(axis=0)
    for r in np.flatnonzero(reachable < prep.min_load):
        reasons.append(Reason("min_load_unreachable", {
            "reviewer": reviewers[r], "min_load": int(problem.min_load[r]),
            "eligible": int(reachable[r] + problem.min_load[r] - prep.min_load[r])},
            reviewers=(reviewers[r],)))
    _codes, names = problem.group_codes()
    for i in np.flatnonzero(prep.k < prep.need.sum(axis=1)):
        reasons.append(Reason("k_below_balance", {
            "item": items[i], "groups": ", ".join(names), "k": int(problem.k[i])}, (items[i],)))
    for g, name in enumerate(names):
        members = prep.group_column == g
        lacking = prep.need[:, g] & ~(prep.eligible & members[None, :]).any(axis=1)
        for i in np.flatnonzero(lacking):
            reasons.append(Reason("no_group_reviewer", {
                "item": items[i], "group": name, "members": int(members.sum())}, (items[i],)))
        group_capacity = int(prep.max_load[members].sum())
        wanting = int(prep.need[:, g].sum())
        if group_capacity < wanting:
            reasons.append(Reason("group_capacity", {"group": name, "capacity": group_capacity,
                                                     "needed": wanting}))
    return reasons


def cut(prep: Prepared) -> list[Reason]:
    """Reasons when the counts pass but no flow exists."""
    from scipy.sparse import coo_matrix  # here: scipy's import is slow, and rarely needed
    from scipy.sparse.csgraph import breadth_first_order, maximum_flow

    problem = prep.problem
    n, m = problem.shape
    source, sink = n + m, n + m + 1
    rows, columns = np.nonzero(prep.eligible)
    tails = np.concatenate([np.full(n, source), rows, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + columns, np.full(m, sink)])
    capacities = np.concatenate([prep.k, np.ones(len(rows), np.int64), prep.max_load])
    graph = coo_matrix((capacities.astype(np.int32), (tails, heads)),
                       shape=(n + m + 2, n + m + 2)).tocsr()
    result = maximum_flow(graph, source, sink)
    if result.flow_value < prep.k.sum():
        residual = (graph - result.flow).tocsr()
        residual.data[residual.data < 0] = 0
        residual.eliminate_zeros()
        reached = breadth_first_order(residual, source, return_predecessors=False)
        reached = reached[reached != source]
        stuck = np.sort(reached[reached < n])
        near = np.flatnonzero(prep.eligible[stuck].any(axis=0))
        load_from_stuck = prep.eligible[stuck].sum(axis=0)[near]
        capacity = int(np.minimum(prep.max_load[near], load_from_stuck).sum())
        item_ids = tuple(problem.items[i] for i in stuck)
        reviewer_ids = tuple(problem.reviewers[r] for r in near)
        return [Reason("hall", {"items": id_list(item_ids), "needed": int(prep.k[stuck].sum()),
                                "reviewers": id_list(reviewer_ids), "capacity": capacity},
                       item_ids, reviewer_ids)]
    names = sorted(problem.balance)
    return [Reason("jointly_infeasible",
                   {"balance": ", ".join(names) or "-"})]
