"""The min-cost flow behind `solve`: graph, candidate pruning and its optimality certificate.

Nodes: items, reviewers, a sink and, for each item that needs a reviewer from a balance group,
one node (item, group). Each item sends k units; an arc item -> reviewer (capacity 1, cost
-score) per candidate pair; reviewer -> sink carries max_load - min_load, the min_load being
the reviewer's own demand; item -> (item, group) has a lower bound of 1 (moved into the
supplies, the usual transformation), so the flow is still integral. Artificial arcs (item ->
sink, (item, group) -> sink, sink -> reviewer for its minimum load) at a prohibitive cost make
every graph feasible: an optimal flow that still uses one, once certified, proves that no
assignment exists (the cost exceeds what any path of real arcs can save).

Pruning: the graph holds, per item, its best `depth` eligible reviewers (and, per reviewer, its
best items; per item and balance group, the group's best reviewers). The flow's answer is then
proved optimal for the whole problem: node potentials from shortest paths in the residual graph
(Bellman-Ford, vectorised) give every arc left out a reduced cost; if one is negative, those
arcs join the graph and the flow runs again; after a few rounds the whole graph is used.
Costs are scores times SCALE rounded to integers, so the answer is exact up to `rounding` =
pairs / SCALE (half a unit per pair, on each side of the comparison).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from jumelage.matching.engine.assignment.problem import Problem

SCALE = 10**8
CHUNK = 1 << 22  # matrix cells processed at once in the dense passes
MAX_ROUNDS = 4


@dataclass(eq=False)
class Prepared:
    """The problem with the fixed pairs taken out: what the flow still has to place."""

    problem: Problem
    scores: np.ndarray
    eligible: np.ndarray  # eligible and not fixed
    k: np.ndarray  # reviews still to give per item
    max_load: np.ndarray
    min_load: np.ndarray
    group_column: np.ndarray  # per reviewer: its balance group index, or n_groups
    n_groups: int
    need: np.ndarray  # (items, groups): the item still needs a reviewer from that group
    fixed_items: np.ndarray
    fixed_reviewers: np.ndarray


def prepare(problem: Problem, fixed_items: np.ndarray, fixed_reviewers: np.ndarray) -> Prepared:
    n, m = problem.shape
    codes, names = problem.group_codes()
    n_groups = len(names)
    eligible = problem.eligible.copy()
    eligible[fixed_items, fixed_reviewers] = False
    k = problem.k - np.bincount(fixed_items, minlength=n)
    fixed_load = np.bincount(fixed_reviewers, minlength=m)
    need = np.ones((n, n_groups), dtype=bool)
    has = codes[fixed_reviewers] >= 0
    need[fixed_items[has], codes[fixed_reviewers[has]]] = False
    return Prepared(problem=problem, scores=problem.scores, eligible=eligible, k=k,
                    max_load=problem.max_load - fixed_load,
                    min_load=np.maximum(problem.min_load - fixed_load, 0),
                    group_column=np.where(codes >= 0, codes, n_groups), n_groups=n_groups,
                    need=need, fixed_items=fixed_items, fixed_reviewers=fixed_reviewers)


def _rows(n: int, m: int):
    step = max(1, CHUNK // max(m, 1))
    for start in range(0, n, step):
        yield start, min(n, start + step)


def _top_per_row(values: np.ndarray, allowed: np.ndarray, depth: int) -> np.ndarray:
    """Linear indices (row * width + column) of each row's `depth` largest allowed values."""
    n, m = values.shape
    if depth <= 0 or m == 0:
        return np.empty(0, dtype=np.int64)
    found = []
    for start, stop in _rows(n, m):
        block = np.where(allowed[start:stop], values[start:stop], -1.0)
        if depth < m:
            columns = np.argpartition(-block, depth - 1, axis=1)[:, :depth]
        else:
            columns = np.broadcast_to(np.arange(m), block.shape)
        rows = np.arange(start, stop)[:, None]
        keep = np.take_along_axis(block, columns, axis=1) > 0
        found.append((rows * m + columns)[keep])
    return np.concatenate(found).astype(np.int64) if found else np.empty(0, dtype=np.int64)


def candidates(prep: Prepared, depth: int) -> np.ndarray:
    """The pairs the first flow graph holds (sorted linear indices)."""
    scores, eligible = prep.scores, prep.eligible
    n, m = scores.shape
    parts = [_top_per_row(scores, eligible, depth)]
    per_reviewer = int(max(2 * prep.min_load.max(initial=0), 2))
    if n:
        top = _top_per_row(scores.T, eligible.T, min(per_reviewer, n))
        parts.append((top % n) * m + top // n)
    for g in range(prep.n_groups):
        in_group = prep.group_column == g
        allowed = eligible & in_group[None, :] & prep.need[:, g][:, None]
        parts.append(_top_per_row(scores, allowed, int(prep.k.max(initial=0)) + 1))
    return _union(n * m, parts)


def _union(size: int, parts: list[np.ndarray]) -> np.ndarray:
    """Sorted distinct linear indices of all the parts (a bitmap: faster than np.unique)."""
    mask = np.zeros(size, dtype=bool)
    for part in parts:
        mask[part] = True
    return np.flatnonzero(mask)


@dataclass(eq=False)
class Graph:
    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: np.ndarray
    n_pairs: int  # the first n_pairs arcs are item -> reviewer arcs
    artificial: int  # arcs from this index on are artificial
    tail_table: np.ndarray  # (items, groups + 1): the node a pair's arc leaves from


def pair_costs(prep: Prepared, weights: np.ndarray, rows: np.ndarray,
               columns: np.ndarray) -> np.ndarray:
    return -np.rint(prep.scores[rows, columns] * weights[rows] * SCALE).astype(np.int64)


def build(prep: Prepared, pairs: np.ndarray, weights: np.ndarray) -> Graph:
    n, m = prep.scores.shape
    sink = n + m
    need_items, need_groups = np.nonzero(prep.need)
    group_nodes = sink + 1 + np.arange(len(need_items))
    tail_table = np.repeat(np.arange(n, dtype=np.int64)[:, None], prep.n_groups + 1, axis=1)
    tail_table[need_items, need_groups] = group_nodes
    rows, columns = pairs // m, pairs % m
    tails = [tail_table[rows, prep.group_column[columns]], need_items, n + np.arange(m)]
    heads = [n + columns, group_nodes, np.full(m, sink)]
    capacities = [np.ones(len(pairs), dtype=np.int64),
                  np.maximum(prep.k[need_items] - 1, 0),
                  prep.max_load - prep.min_load]
    costs = [pair_costs(prep, weights, rows, columns), np.zeros(len(need_items), np.int64),
             np.zeros(m, np.int64)]
    supplies = np.zeros(sink + 1 + len(need_items), dtype=np.int64)
    supplies[:n] = prep.k - prep.need.sum(axis=1)
    supplies[group_nodes] = 1
    supplies[n:sink] = -prep.min_load
    supplies[sink] = -(prep.k.sum() - prep.min_load.sum())
    artificial = sum(len(part) for part in tails)
    # Artificial arcs: dearer than any path of real arcs (at most every node, each arc at most
    # SCALE * max weight) can save, so a flow uses them only when it must.
    big = int(SCALE * float(weights.max(initial=1.0)) + 1) * (len(supplies) + 1)
    with_k = np.flatnonzero(prep.k > 0)
    with_min = np.flatnonzero(prep.min_load > 0)
    tails += [with_k, group_nodes, np.full(len(with_min), sink)]
    heads += [np.full(len(with_k), sink), np.full(len(group_nodes), sink), n + with_min]
    capacities += [prep.k[with_k], np.ones(len(group_nodes), np.int64), prep.min_load[with_min]]
    costs += [np.full(len(with_k) + len(group_nodes) + len(with_min), big, dtype=np.int64)]
    return Graph(tails=np.concatenate(tails).astype(np.int64),
                 heads=np.concatenate(heads).astype(np.int64),
                 capacities=np.concatenate(capacities).astype(np.int64),
                 costs=np.concatenate(costs), supplies=supplies, n_pairs=len(pairs),
                 artificial=artificial, tail_table=tail_table)


def run(graph: Graph) -> np.ndarray | None:
    """The flow on every arc, or None when no feasible flow exists."""
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(graph.tails, graph.heads,
                                                     graph.capacities, graph.costs)
    flow.set_nodes_supplies(np.arange(len(graph.supplies)), graph.supplies)
    status = flow.solve()
    if status == flow.INFEASIBLE or status == flow.UNBALANCED:
        return None
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min cost flow failed with status {status}")
    return np.asarray(flow.flows(arcs), dtype=np.int64)


def potentials(graph: Graph, flows: np.ndarray) -> np.ndarray | None:
    """Shortest-path distances in the residual graph from a root joined to every node at cost
    0: node potentials that leave every residual arc a reduced cost >= 0. None if a negative
    cycle exists (the flow was not optimal)."""
    forward = flows < graph.capacities
    backward = flows > 0
    tails = np.concatenate([graph.tails[forward], graph.heads[backward]])
    heads = np.concatenate([graph.heads[forward], graph.tails[backward]])
    costs = np.concatenate([graph.costs[forward], -graph.costs[backward]])
    order = np.argsort(heads, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    targets, starts = np.unique(heads, return_index=True)
    distance = np.zeros(len(graph.supplies), dtype=np.int64)
    for _round in range(len(distance) + 1):
        best = np.minimum.reduceat(distance[tails] + costs, starts) if len(tails) else costs
        better = best < distance[targets]
        if not better.any():
            return distance
        distance[targets[better]] = best[better]
    return None


def violations(prep: Prepared, graph: Graph, distance: np.ndarray, in_graph: np.ndarray,
               weights: np.ndarray) -> np.ndarray:
    """Linear indices of eligible pairs left out of the graph whose reduced cost is < 0.

    A pair's reduced cost is -rint(score * weight * SCALE) + distance[tail] - distance[head]:
    a float pass flags every pair that could be negative (with half a unit of margin), then the
    few flagged are checked in exact integers."""
    n, m = prep.scores.shape
    found = []
    reviewer_distance = distance[n:n + m].astype(np.float64)
    grouped = prep.n_groups > 0
    # Half a unit, plus float64's rounding on numbers as large as the distances.
    margin = 0.75 + 1e-12 * float(np.abs(distance).max(initial=0))
    for start, stop in _rows(n, m):
        block = prep.scores[start:stop] * (weights[start:stop, None] * SCALE)
        block += reviewer_distance[None, :]
        if grouped:
            tail = distance[graph.tail_table[start:stop][:, prep.group_column]]
            rows, columns = np.nonzero(block > tail - margin)
        else:
            tail = distance[start:stop].astype(np.float64)
            rows, columns = np.nonzero(block > tail[:, None] - margin)
        rows += start
        keep = prep.eligible[rows, columns] & ~in_graph[rows, columns]
        rows, columns = rows[keep], columns[keep]
        cost = -np.rint(prep.scores[rows, columns] * weights[rows] * SCALE).astype(np.int64)
        tails = distance[graph.tail_table[rows, prep.group_column[columns]]]
        bad = cost + tails - distance[n + columns] < 0
        found.append(rows[bad] * m + columns[bad])
    return np.concatenate(found).astype(np.int64) if found else np.empty(0, dtype=np.int64)


@dataclass(eq=False)
class FlowResult:
    rows: np.ndarray
    columns: np.ndarray
    certified: bool
    stats: dict


def solve_flow(prep: Prepared, weights: np.ndarray, *, depth: int | None = None) -> \
        FlowResult | None:
    """The optimal pairs for these per-item weights, or None if no feasible flow exists."""
    n, m = prep.scores.shape
    if depth is None:
        depth = 5 * int(prep.k.max(initial=0)) + 5
    stats: dict = {"depth": depth, "rounds": 0, "added": 0, "full_graph": False}
    pairs = candidates(prep, depth) if depth < m else None
    while True:
        full = pairs is None
        if full:
            stats["full_graph"] = True
            pairs = np.flatnonzero(prep.eligible).astype(np.int64)
        graph = build(prep, pairs, weights)
        flows = run(graph)
        stats["rounds"] += 1
        stats["arcs"] = int(graph.n_pairs)
        if flows is None:  # cannot happen with the artificial arcs; the whole graph decides
            if full:
                return None
            pairs = None
            continue
        stuck = bool(flows[graph.artificial:].any())
        chosen = pairs[flows[:graph.n_pairs] > 0]
        result = FlowResult(rows=chosen // m, columns=chosen % m, certified=full, stats=stats)
        if full:
            return None if stuck else result
        distance = potentials(graph, flows)
        if distance is None:
            pairs = None
            continue
        in_graph = np.zeros(n * m, dtype=bool)
        in_graph[pairs] = True
        missing = violations(prep, graph, distance, in_graph.reshape(n, m), weights)
        del in_graph
        if not len(missing):
            if stuck:  # optimal over every pair and still artificial: no assignment exists
                return None
            result.certified = True
            return result
        stats["added"] += len(missing)
        pairs = None if stats["rounds"] >= MAX_ROUNDS else _union(n * m, [pairs, missing])
