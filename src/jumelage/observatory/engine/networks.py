"""Collaboration networks of institutions and of authors, for Gephi.

The works, their sides and their institutions come from the same Ibis expressions as the
indicators (so the networks run on DuckDB and on PySpark alike); the graphs are built with
networkx, which adds centralities to every node and writes GEXF or GraphML.

- Institution network: a node per institution (ROR id) named on the chosen works, with its
  name, region and country from the store's `institutions` table, the scope's side(s) it
  belongs to (empty for a third party) and its number of works; an edge per pair of
  institutions named on the same work, weighted by the number of distinct works, with
  `cross_side` true when one is on each side of the scope. The chosen works are the scope's
  co-publications, or every work with an address on either side. Every institution an address
  names is a node, as in the indicators' institution pairs: an author at a research centre and
  at its university links the two.
- Author network: a node per author of the scope's co-publications, identified by ORCID when
  the record gives one and otherwise by the name folded (lower case, no accents); labelled
  with the name the records use most; with the sides of the author's addresses. An edge per
  pair of co-authors, weighted by the number of co-publications they share.

Centralities (node attributes): `degree` (number of neighbours), `weighted_degree` (sum of the
edge weights), `betweenness` (normalised, on hop counts; sampled from `samples` sources when
the graph has more than `exact_up_to` nodes) and `eigenvector` (weighted; computed on the
largest connected component, 0 elsewhere). Graph attributes say which: `betweenness` is
"exact" or "sampled" (`betweenness_samples` sources), `eigenvector` is "graph" (connected),
"largest_component" (`eigenvector_nodes` nodes), "none" (no edge) or "not_converged".
GEXF keeps the node and edge attributes but not the graph's; GraphML keeps all three.
"""

from collections import Counter, defaultdict
from pathlib import Path

import ibis
import ibis.expr.types as ir
import networkx as nx

from jumelage.observatory.engine.index import title_key
from jumelage.observatory.engine.indicators import (
    REGION_CODES,
    Scope,
    _link_places,
    _links,
    _scoped_works,
    _side_places,
)

EXACT_BETWEENNESS_UP_TO = 1000  # nodes; beyond, betweenness is estimated from samples
BETWEENNESS_SAMPLES = 300
CENTRALITIES = ("degree", "weighted_degree", "betweenness", "eigenvector")
WRITERS = {".gexf": nx.write_gexf, ".graphml": nx.write_graphml}
DECIMALS = 6


class _Sided:
    """The scope's works, the places of their addresses and the works of each side."""

    def __init__(self, con, scope: Scope):
        side_a, side_b = scope.sides
        if side_a == side_b:
            raise ValueError(f"the two sides must differ (both are {side_a})")
        self.scope = scope
        institutions = con.table("institutions")
        self.region_codes = {r for r in institutions.region_code.to_pyarrow().to_pylist() if r}
        self.region_codes |= set(REGION_CODES.values())
        self.rep = _scoped_works(con, scope)
        self.places = _link_places(con, _links(con, self.rep))
        self.sides = {code: _side_places(self.places, code, self.region_codes)
                      for code in scope.sides}
        works_of = {code: rows.select("work_id").distinct() for code, rows in self.sides.items()}
        self.copublications = works_of[side_a].join(works_of[side_b], "work_id").select(
            "work_id")
        self.either_side = works_of[side_a].union(works_of[side_b], distinct=True)

    def sides_of(self, *, region: str | None, country: str | None) -> list[str]:
        """The scope's sides an institution with this region and country is on."""
        return [code for code in self.scope.sides
                if (region if code in self.region_codes else country) == code]


def _rows(table: ir.Table) -> list[dict]:
    return table.to_pyarrow().to_pylist()


def _count(table: ir.Table) -> int:
    return int(table.count().to_pyarrow().as_py())


def institution_network(con, scope: Scope, *, copublications_only: bool = True) -> nx.Graph:
    """Institutions that co-sign the scope's co-publications (or all its works)."""
    sided = _Sided(con, scope)
    chosen = sided.copublications if copublications_only else sided.either_side
    places = sided.places
    named = places.filter(places.ror_id.notnull()).select("work_id", "ror_id").distinct()
    named = named.semi_join(chosen, "work_id")

    counts = named.group_by("ror_id").aggregate(works=named.work_id.nunique())
    registry = con.table("institutions").select(
        "ror_id", "name", region="region_code", country="country_code")
    nodes = counts.left_join(registry, counts.ror_id == registry.ror_id).select(
        counts.ror_id, counts.works, registry.name, registry.region, registry.country)

    left, right = named.select("work_id", a="ror_id"), named.select("work_id", b="ror_id")
    pairs = left.join(right, "work_id")
    pairs = pairs.filter(pairs.a < pairs.b)
    edges = pairs.group_by(["a", "b"]).aggregate(weight=pairs.work_id.nunique())

    graph = nx.Graph(kind="institutions", sides=" ".join(scope.sides),
                     copublications_only=copublications_only, works=_count(chosen))
    side_of = {}
    for row in sorted(_rows(nodes), key=lambda r: r["ror_id"]):
        sides = sided.sides_of(region=row["region"], country=row["country"])
        side_of[row["ror_id"]] = set(sides)
        graph.add_node(row["ror_id"], label=row["name"] or row["ror_id"], ror_id=row["ror_id"],
                       name=row["name"] or "", side=" ".join(sides),
                       region=row["region"] or "", country=row["country"] or "",
                       works=int(row["works"]))
    side_a, side_b = scope.sides
    for row in sorted(_rows(edges), key=lambda r: (r["a"], r["b"])):
        a, b = side_of[row["a"]], side_of[row["b"]]
        cross = (side_a in a and side_b in b) or (side_b in a and side_a in b)
        graph.add_edge(row["a"], row["b"], weight=int(row["weight"]), cross_side=cross)
    add_centralities(graph)
    return graph


def author_key(*, orcid: str | None, name: str | None) -> str:
    """An author's node id: the ORCID when known, else the folded name ("" if neither)."""
    return orcid.strip() if orcid and orcid.strip() else title_key(name)


def author_network(con, scope: Scope) -> nx.Graph:
    """Co-authorship on the scope's co-publications."""
    sided = _Sided(con, scope)
    copubs = sided.copublications
    co_rep = sided.rep.semi_join(copubs, "work_id").select("source", "source_id", "work_id")
    authorships = con.table("authorships")
    people = authorships.join(co_rep, ["source", "source_id"]).select(
        "work_id", "position", "name", "orcid")
    side_rows = None
    for code, rows in sided.sides.items():
        part = rows.semi_join(copubs, "work_id").select("work_id", "position").distinct()
        part = part.mutate(side=ibis.literal(code))
        side_rows = part if side_rows is None else side_rows.union(part, distinct=True)

    sides_at = defaultdict(set)
    for row in _rows(side_rows):
        sides_at[(row["work_id"], row["position"])].add(row["side"])
    names: dict[str, Counter] = defaultdict(Counter)
    orcid_of, works_of, sides_of = {}, defaultdict(set), defaultdict(set)
    authors_of = defaultdict(set)
    for row in _rows(people):
        key = author_key(orcid=row["orcid"], name=row["name"])
        if not key:
            continue
        if row["name"]:
            names[key][row["name"]] += 1
        orcid_of[key] = row["orcid"] or ""
        works_of[key].add(row["work_id"])
        sides_of[key] |= sides_at[(row["work_id"], row["position"])]
        authors_of[row["work_id"]].add(key)

    graph = nx.Graph(kind="authors", sides=" ".join(scope.sides), copublications_only=True,
                     works=_count(copubs))
    for key in sorted(works_of):
        # The most used spelling; between equally used ones, the first in alphabetical order.
        spellings = sorted(names[key].items(), key=lambda item: (-item[1], item[0]))
        label = spellings[0][0] if spellings else key
        graph.add_node(key, label=label, orcid=orcid_of[key],
                       side=" ".join(code for code in scope.sides if code in sides_of[key]),
                       works=len(works_of[key]))
    weights = Counter()
    for keys in authors_of.values():
        ordered = sorted(keys)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                weights[(a, b)] += 1
    for (a, b), weight in sorted(weights.items()):
        graph.add_edge(a, b, weight=weight)
    add_centralities(graph)
    return graph


def add_centralities(graph: nx.Graph, *, exact_up_to: int = EXACT_BETWEENNESS_UP_TO,
                     samples: int = BETWEENNESS_SAMPLES, seed: int = 0) -> nx.Graph:
    """Store degree, weighted degree, betweenness and eigenvector centrality on each node."""
    n = graph.number_of_nodes()
    for node, degree in graph.degree():
        graph.nodes[node]["degree"] = int(degree)
    for node, degree in graph.degree(weight="weight"):
        graph.nodes[node]["weighted_degree"] = degree

    if n > exact_up_to:
        k = min(samples, n)
        betweenness = nx.betweenness_centrality(graph, k=k, seed=seed)
        graph.graph.update(betweenness="sampled", betweenness_samples=k)
    else:
        betweenness = nx.betweenness_centrality(graph)
        graph.graph.update(betweenness="exact", betweenness_samples=0)
    for node, value in betweenness.items():
        graph.nodes[node]["betweenness"] = round(value, DECIMALS)

    eigenvector, how, core = {}, "none", set()
    if graph.number_of_edges():
        core = min(nx.connected_components(graph), key=lambda c: (-len(c), min(c)))
        try:
            eigenvector = nx.eigenvector_centrality(graph.subgraph(core), weight="weight",
                                                    max_iter=1000, tol=1e-10)
            how = "graph" if len(core) == n else "largest_component"
        except nx.PowerIterationFailedConvergence:
            how = "not_converged"
    graph.graph.update(eigenvector=how, eigenvector_nodes=len(eigenvector))
    for node in graph:
        graph.nodes[node]["eigenvector"] = round(eigenvector.get(node, 0.0), DECIMALS)
    return graph


def top_nodes(graph: nx.Graph, by: str = "betweenness", n: int = 10) -> list[dict]:
    """The `n` nodes with the highest `by` (a centrality or "works"), then by id."""
    accepted = (*CENTRALITIES, "works")
    if by not in accepted:
        raise ValueError(f"cannot rank nodes by {by!r}: accepted are {', '.join(accepted)}")
    ranked = sorted(graph.nodes(data=True), key=lambda item: (-item[1][by], item[0]))
    return [{"id": node, "label": data.get("label", node), "value": data[by]}
            for node, data in ranked[:n]]


def export(graph: nx.Graph, path: str | Path) -> Path:
    """Write `graph` as GEXF or GraphML, chosen by the file name's suffix."""
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(f"cannot write {path.name}: the file name must end in "
                         f"{' or '.join(WRITERS)}")
    for node, data in graph.nodes(data=True):
        _check(data, f"node {node}")
    for a, b, data in graph.edges(data=True):
        _check(data, f"edge {a}–{b}")
    _check(graph.graph, "the graph")
    writer(graph, path)
    return path


def _check(data: dict, where: str) -> None:
    for key, value in data.items():
        if not isinstance(value, bool | int | float | str):
            raise ValueError(f"{where}: attribute {key!r} is {value!r}, which GEXF and "
                             f"GraphML cannot store (accepted: text, number, true/false)")
