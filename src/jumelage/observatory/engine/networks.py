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

Formats (`FORMATS`, written by `export` or turned into bytes by `serialize`):
- `gexf` and `graphml` (Gephi; VOSviewer reads GraphML too);
- `pajek`: a Pajek `.net` file (networkx's writer): vertices numbered from 1 and labelled
  with the node's label (its id added when two nodes share a label), edges weighted;
- `vosviewer`: VOSviewer's own map and network files (app.vosviewer.com/docs, "map and network
  files"). The map file is tab-separated with a header line: `id` (1, 2, … in node order),
  `label`, `description` (the ROR id or ORCID), `url`, `cluster` (1: the scope's first side,
  2: its second side, 3: both, 4: neither; the network's own side, not a computed clustering),
  `weight<Documents>` (works), `weight<Links>` (degree), `weight<Total link strength>`
  (weighted degree) and `score<Betweenness>`; `x` and `y` are left out, so VOSviewer lays the
  map out itself. Labels holding a comma or a semicolon are written in double quotes, as
  VOSviewer asks. The network file has no header: `id1`, `id2`, `strength` (the edge weight),
  one link per line, tab-separated.
"""

import io
from collections import Counter, defaultdict
from pathlib import Path

import ibis
import ibis.expr.types as ir
import networkx as nx

from jumelage.observatory.engine.index import title_key
from jumelage.observatory.engine.indicators import Scope, copublications

EXACT_BETWEENNESS_UP_TO = 1000  # nodes; beyond, betweenness is estimated from samples
BETWEENNESS_SAMPLES = 300
CENTRALITIES = ("degree", "weighted_degree", "betweenness", "eigenvector")
WRITERS = {".gexf": nx.write_gexf, ".graphml": nx.write_graphml}
FORMATS = ("gexf", "graphml", "pajek", "vosviewer")
SUFFIXES = {".gexf": "gexf", ".graphml": "graphml", ".net": "pajek"}
DECIMALS = 6


class _Sided:
    """The scope's co-publications (indicators.copublications) and the works of either side."""

    def __init__(self, con, scope: Scope):
        found = copublications(con, scope)
        self.scope, self.region_codes = scope, found.region_codes
        self.rep, self.places, self.sides = found.scoped, found.places, found.sides
        self.copublications = found.ids
        side_a, side_b = scope.sides
        self.either_side = found.works_of[side_a].union(found.works_of[side_b], distinct=True)
        self.sides_of = found.sides_of


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


def export(graph: nx.Graph, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write `graph` to `path` in `fmt` (one of FORMATS), or else in the format its suffix
    names (.gexf, .graphml, .net). VOSviewer takes two files: the map file is `path` and the
    network file is written beside it (`vosviewer_network_path`). Returns `path`."""
    path = Path(path)
    if fmt is None:
        fmt = SUFFIXES.get(path.suffix.lower())
        if fmt is None:
            raise ValueError(f"cannot write {path.name}: the file name must end in .gexf, "
                             ".graphml or .net, or the format must be given")
    files = serialize(graph, fmt)
    for part, content in files.items():
        (vosviewer_network_path(path) if part == "network" else path).write_bytes(content)
    return path


def vosviewer_network_path(map_path: str | Path) -> Path:
    """Where `export` writes VOSviewer's network file: beside the map file, its name ending
    in `_network` (map.txt -> map_network.txt)."""
    map_path = Path(map_path)
    return map_path.with_name(f"{map_path.stem}_network{map_path.suffix or '.txt'}")


def serialize(graph: nx.Graph, fmt: str) -> dict[str, bytes]:
    """The file(s) of `graph` in `fmt`: {"": bytes} for a one-file format, {"map": …,
    "network": …} for VOSviewer."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown network format {fmt!r}: accepted are {', '.join(FORMATS)}")
    if fmt == "vosviewer":
        return {"map": vosviewer_map(graph).encode(),
                "network": vosviewer_network(graph).encode()}
    if fmt == "pajek":
        return {"": pajek(graph).encode()}
    for node, data in graph.nodes(data=True):
        _check(data, f"node {node}")
    for a, b, data in graph.edges(data=True):
        _check(data, f"edge {a}–{b}")
    _check(graph.graph, "the graph")
    buffer = io.BytesIO()
    (nx.write_gexf if fmt == "gexf" else nx.write_graphml)(graph, buffer)
    return {"": buffer.getvalue()}


def _numbers(graph: nx.Graph) -> dict:
    return {node: number for number, node in enumerate(graph, 1)}


def _cell(text: str) -> str:
    text = " ".join(str(text).split())  # no tab or line break inside a cell
    if "," in text or ";" in text:
        return '"' + text.replace('"', "'") + '"'
    return text


def _cluster(graph: nx.Graph, side: str) -> int:
    sides = (graph.graph.get("sides") or "").split()
    mine = set(side.split())
    if len(sides) == 2 and mine >= set(sides):
        return 3
    if sides and sides[0] in mine:
        return 1
    if len(sides) == 2 and sides[1] in mine:
        return 2
    return 4


def _url(graph: nx.Graph, node, data: dict) -> tuple[str, str]:
    if graph.graph.get("kind") == "institutions":
        ror_id = data.get("ror_id") or str(node)
        return ror_id, f"https://ror.org/{ror_id}"
    orcid = data.get("orcid") or ""
    return orcid, f"https://orcid.org/{orcid}" if orcid else ""


def vosviewer_map(graph: nx.Graph) -> str:
    """VOSviewer's map file of `graph` (see the module's docstring)."""
    lines = ["\t".join(["id", "label", "description", "url", "cluster", "weight<Documents>",
                        "weight<Links>", "weight<Total link strength>", "score<Betweenness>"])]
    for number, (node, data) in enumerate(graph.nodes(data=True), 1):
        description, url = _url(graph, node, data)
        lines.append("\t".join([
            str(number), _cell(data.get("label", node)), _cell(description), url,
            str(_cluster(graph, data.get("side", ""))), str(data.get("works", 0)),
            str(data.get("degree", graph.degree(node))),
            _number(data.get("weighted_degree", graph.degree(node, weight="weight"))),
            _number(data.get("betweenness", 0.0))]))
    return "\n".join(lines) + "\n"


def vosviewer_network(graph: nx.Graph) -> str:
    """VOSviewer's network file of `graph`: id1, id2, strength; no header."""
    numbers = _numbers(graph)
    rows = sorted((min(numbers[a], numbers[b]), max(numbers[a], numbers[b]),
                   data.get("weight", 1)) for a, b, data in graph.edges(data=True))
    return "".join(f"{a}\t{b}\t{_number(weight)}\n" for a, b, weight in rows)


def pajek(graph: nx.Graph) -> str:
    """A Pajek .net file: vertices labelled, edges weighted."""
    labels = Counter(str(data.get("label", node)) for node, data in graph.nodes(data=True))
    names = {}
    for node, data in graph.nodes(data=True):
        label = str(data.get("label", node))
        names[node] = label if labels[label] == 1 else f"{label} ({node})"
    plain = nx.Graph()
    plain.add_nodes_from(names[node] for node in graph)
    plain.add_weighted_edges_from((names[a], names[b], data.get("weight", 1))
                                  for a, b, data in graph.edges(data=True))
    return "\n".join(nx.generate_pajek(plain)) + "\n"


def _number(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check(data: dict, where: str) -> None:
    for key, value in data.items():
        if not isinstance(value, bool | int | float | str):
            raise ValueError(f"{where}: attribute {key!r} is {value!r}, which GEXF and "
                             f"GraphML cannot store (accepted: text, number, true/false)")
