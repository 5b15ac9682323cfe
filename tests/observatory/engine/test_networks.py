"""Networks of institutions and authors on test_indicators.py's corpus, counted by hand.

The corpus's co-publications between ARA and QC are W1 (CLB; CHUM; CHUM and UdeM), W2 (HCL;
McGill) and W5 (CLB; CHUM, both found by the matcher). W3 (CLB; Toronto, a country only) and
W4 (CLB alone) are ARA's other works.
"""

import math
import os
import shutil

import ibis
import networkx as nx
import numpy as np
import pytest

from jumelage.observatory.engine.indicators import Scope
from jumelage.observatory.engine.networks import (
    add_centralities,
    author_network,
    export,
    institution_network,
    serialize,
    top_nodes,
    vosviewer_network_path,
)
from tests.observatory.engine.test_indicators import (
    CHUM,
    CLB,
    CORPUS,
    HCL,
    MCGILL,
    UDEM,
    aff,
    author,
    build_store,
    work,
)

ALICE = "0000-0002-1825-0097"
# W6, 2021: CLB with HCL, a collaboration inside ARA that links HCL to the rest.
W6 = work("openalex", "W6", 2021, author(1, "Emma Petit", aff("CLB", CLB)),
          author(2, "Inès Girard", aff("HCL", HCL)), doi="10.1000/w6")


@pytest.fixture
def store(tmp_path):
    with build_store(tmp_path, CORPUS) as opened:
        yield opened


@pytest.fixture
def con(store):
    return ibis.duckdb.from_connection(store.con)


def edges(graph):
    return {tuple(sorted((a, b))): data for a, b, data in graph.edges(data=True)}


def column(graph, attribute):
    return {node: data[attribute] for node, data in graph.nodes(data=True)}


def leading_eigenvector(weighted_edges):
    """networkx's eigenvector centrality, found independently: the unit-norm eigenvector of
    the largest eigenvalue of the weighted adjacency matrix."""
    nodes = sorted({node for edge in weighted_edges for node in edge[:2]})
    matrix = np.zeros((len(nodes), len(nodes)))
    for a, b, weight in weighted_edges:
        i, j = nodes.index(a), nodes.index(b)
        matrix[i, j] = matrix[j, i] = weight
    _values, vectors = np.linalg.eigh(matrix)
    vector = np.abs(vectors[:, -1])
    return dict(zip(nodes, (float(x) for x in vector / np.linalg.norm(vector)), strict=True))


INSTITUTION_NODES = {
    CLB: {"label": "Centre Léon Bérard", "name": "Centre Léon Bérard", "side": "ARA",
          "region": "ARA", "country": "FR", "works": 2},
    HCL: {"label": "Hospices Civils de Lyon", "name": "Hospices Civils de Lyon", "side": "ARA",
          "region": "ARA", "country": "FR", "works": 1},
    CHUM: {"label": "CHUM", "name": "CHUM", "side": "QC", "region": "QC", "country": "CA",
           "works": 2},
    UDEM: {"label": "Université de Montréal", "name": "Université de Montréal", "side": "QC",
           "region": "QC", "country": "CA", "works": 1},
    MCGILL: {"label": "McGill University", "name": "McGill University", "side": "QC",
             "region": "QC", "country": "CA", "works": 1},
}
INSTITUTION_EDGES = {
    tuple(sorted((CLB, CHUM))): {"weight": 2, "cross_side": True},  # W1 and W5
    tuple(sorted((CLB, UDEM))): {"weight": 1, "cross_side": True},  # W1
    tuple(sorted((CHUM, UDEM))): {"weight": 1, "cross_side": False},  # W1, Côté
    tuple(sorted((HCL, MCGILL))): {"weight": 1, "cross_side": True},  # W2
}


def test_institution_network_of_the_copublications(con):
    graph = institution_network(con, Scope())
    assert {node: {k: data[k] for k in INSTITUTION_NODES[CLB]}
            for node, data in graph.nodes(data=True)} == INSTITUTION_NODES
    assert column(graph, "ror_id") == {node: node for node in INSTITUTION_NODES}
    assert edges(graph) == INSTITUTION_EDGES
    assert graph.graph["works"] == 3


def test_institution_centralities(con):
    graph = institution_network(con, Scope())
    assert column(graph, "degree") == {CLB: 2, CHUM: 2, UDEM: 2, HCL: 1, MCGILL: 1}
    assert column(graph, "weighted_degree") == {CLB: 3, CHUM: 3, UDEM: 2, HCL: 1, MCGILL: 1}
    # A triangle and a pair: no institution lies between two others.
    assert column(graph, "betweenness") == dict.fromkeys(INSTITUTION_NODES, 0.0)
    # On the triangle (weights CLB–CHUM 2, else 1): λ = 1 + √3, UdeM / CLB = √3 − 1, unit norm.
    # HCL and McGill are outside the largest component: 0.
    clb = 1 / math.sqrt(6 - 2 * math.sqrt(3))
    assert column(graph, "eigenvector") == pytest.approx(
        {CLB: clb, CHUM: clb, UDEM: (math.sqrt(3) - 1) * clb, HCL: 0.0, MCGILL: 0.0}, abs=1e-6)
    assert (graph.graph["betweenness"], graph.graph["eigenvector"],
            graph.graph["eigenvector_nodes"]) == ("exact", "largest_component", 3)


def test_institution_network_of_all_works_counts_every_work(con):
    graph = institution_network(con, Scope(), copublications_only=False)
    # CLB also signs W3 (with Toronto, which has no ROR id) and W4 (alone): no new edge.
    assert column(graph, "works") == {CLB: 4, HCL: 1, CHUM: 2, UDEM: 1, MCGILL: 1}
    assert edges(graph) == INSTITUTION_EDGES
    assert (graph.graph["works"], graph.graph["copublications_only"]) == (5, False)


def test_institution_network_of_all_works_keeps_pairs_inside_one_side(tmp_path):
    corpus = {**CORPUS, "openalex": [*CORPUS["openalex"], W6]}
    with build_store(tmp_path, corpus) as opened:
        con = ibis.duckdb.from_connection(opened.con)
        copublications = institution_network(con, Scope())
        everything = institution_network(con, Scope(), copublications_only=False)
    assert edges(copublications) == INSTITUTION_EDGES  # W6 is not a co-publication
    pair = tuple(sorted((CLB, HCL)))
    assert edges(everything) == {**INSTITUTION_EDGES,
                                 pair: {"weight": 1, "cross_side": False}}
    assert column(everything, "works") == {CLB: 5, HCL: 2, CHUM: 2, UDEM: 1, MCGILL: 1}
    # McGill – HCL – CLB – {CHUM, UdeM}: HCL is on 3 of the 6 pairs of the other four nodes
    # (McGill with CLB, CHUM, UdeM), CLB on 4 (HCL and McGill with CHUM and UdeM).
    assert column(everything, "betweenness") == {CLB: round(4 / 6, 6), HCL: 0.5, CHUM: 0.0,
                                                  UDEM: 0.0, MCGILL: 0.0}
    expected = leading_eigenvector([(CLB, CHUM, 2), (CLB, UDEM, 1), (CHUM, UDEM, 1),
                                    (HCL, MCGILL, 1), (CLB, HCL, 1)])
    assert column(everything, "eigenvector") == pytest.approx(expected, abs=1e-6)
    assert everything.graph["eigenvector"] == "graph"


AUTHOR_NODES = {
    ALICE: {"label": "Alice Martin", "orcid": ALICE, "side": "ARA", "works": 2},  # W1, W2
    "bruno roy": {"label": "Bruno Roy", "orcid": "", "side": "QC", "works": 1},
    "chloe cote": {"label": "Chloé Côté", "orcid": "", "side": "QC", "works": 1},
    "david tremblay": {"label": "David Tremblay", "orcid": "", "side": "QC", "works": 1},
    "gaelle morel": {"label": "Gaëlle Morel", "orcid": "", "side": "ARA", "works": 1},
    "hugo gagnon": {"label": "Hugo Gagnon", "orcid": "", "side": "QC", "works": 1},
}


def test_author_network_of_the_copublications(con):
    graph = author_network(con, Scope())
    assert {node: {k: data[k] for k in AUTHOR_NODES[ALICE]}
            for node, data in graph.nodes(data=True)} == AUTHOR_NODES
    assert edges(graph) == {
        (ALICE, "bruno roy"): {"weight": 1}, (ALICE, "chloe cote"): {"weight": 1},
        ("bruno roy", "chloe cote"): {"weight": 1},  # W1
        (ALICE, "david tremblay"): {"weight": 1},  # W2
        ("gaelle morel", "hugo gagnon"): {"weight": 1},  # W5
    }


def test_author_network_with_a_whole_country_adds_w3(con):
    graph = author_network(con, Scope(sides=("ARA", "CA")))
    # Frank Lee is on the Canadian side by his address's country alone.
    assert column(graph, "side") == {**dict.fromkeys(AUTHOR_NODES, "CA"),
                                     ALICE: "ARA", "gaelle morel": "ARA",
                                     "emma petit": "ARA", "frank lee": "CA"}
    assert edges(graph)[("emma petit", "frank lee")] == {"weight": 1}
    assert graph.number_of_edges() == 6


def test_author_centralities(con):
    graph = author_network(con, Scope())
    assert column(graph, "degree") == {ALICE: 3, "bruno roy": 2, "chloe cote": 2,
                                       "david tremblay": 1, "gaelle morel": 1,
                                       "hugo gagnon": 1}
    # Alice is on David's paths to Bruno and to Chloé: 2 of the (6 − 1)(6 − 2) / 2 = 10 pairs.
    assert column(graph, "betweenness") == {**dict.fromkeys(AUTHOR_NODES, 0.0), ALICE: 0.2}
    expected = leading_eigenvector([(ALICE, "bruno roy", 1), (ALICE, "chloe cote", 1),
                                    ("bruno roy", "chloe cote", 1),
                                    (ALICE, "david tremblay", 1)])
    assert column(graph, "eigenvector") == pytest.approx(
        {**expected, "gaelle morel": 0.0, "hugo gagnon": 0.0}, abs=1e-6)
    assert graph.graph["eigenvector_nodes"] == 4


def test_betweenness_is_sampled_on_a_large_graph():
    # A path 0–1–2–3–4 counted as "large": every node is sampled, so the estimate is exact:
    # node 1 is on 3 of the 6 pairs of the others, node 2 on 4.
    graph = add_centralities(nx.path_graph(5), exact_up_to=3, samples=10)
    assert (graph.graph["betweenness"], graph.graph["betweenness_samples"]) == ("sampled", 5)
    assert column(graph, "betweenness") == {0: 0.0, 1: 0.5, 2: round(4 / 6, 6), 3: 0.5, 4: 0.0}
    fewer = add_centralities(nx.path_graph(50), exact_up_to=3, samples=10)
    assert (fewer.graph["betweenness"], fewer.graph["betweenness_samples"]) == ("sampled", 10)
    again = add_centralities(nx.path_graph(50), exact_up_to=3, samples=10)
    assert column(fewer, "betweenness") == column(again, "betweenness")  # seeded


def test_eigenvector_without_edges_is_zero_and_said_so():
    graph = nx.Graph()
    graph.add_nodes_from(["a", "b"])
    add_centralities(graph)
    assert column(graph, "eigenvector") == {"a": 0.0, "b": 0.0}
    assert (graph.graph["eigenvector"], graph.graph["eigenvector_nodes"]) == ("none", 0)


def test_top_nodes_by_betweenness_then_id(con):
    graph = author_network(con, Scope())
    assert top_nodes(graph, n=2) == [
        {"id": ALICE, "label": "Alice Martin", "value": 0.2},
        {"id": "bruno roy", "label": "Bruno Roy", "value": 0.0}]
    assert [row["id"] for row in top_nodes(graph, by="works", n=3)] == [
        ALICE, "bruno roy", "chloe cote"]


def test_top_nodes_by_an_unknown_measure_is_refused(con):
    with pytest.raises(ValueError, match=r"cannot rank nodes by 'pagerank': accepted are "
                                         r"degree, weighted_degree, betweenness, "
                                         r"eigenvector, works"):
        top_nodes(author_network(con, Scope()), by="pagerank")


@pytest.mark.parametrize("kind", ["institutions", "authors"])
@pytest.mark.parametrize(("suffix", "read"), [(".gexf", nx.read_gexf),
                                              (".graphml", nx.read_graphml)])
def test_export_reads_back_as_the_same_graph(con, tmp_path, kind, suffix, read):
    graph = (institution_network(con, Scope()) if kind == "institutions"
             else author_network(con, Scope()))
    path = export(graph, tmp_path / f"network{suffix}")
    back = read(path)
    assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
    # GEXF numbers its edges; the id is the file's, not the graph's.
    assert {pair: {k: v for k, v in data.items() if k != "id"}
            for pair, data in edges(back).items()} == edges(graph)
    if suffix == ".graphml":  # GEXF does not keep the graph's own attributes
        assert {k: v for k, v in back.graph.items()
                if k not in ("node_default", "edge_default")} == graph.graph


# The ARA–QC institution network, nodes in ROR id order: HCL (W2), UdeM (W1), CLB (W1, W5),
# McGill (W2), CHUM (W1, W5). Links: HCL–McGill (W2), UdeM–CLB (W1), UdeM–CHUM (W1) and
# CLB–CHUM (W1, W5: strength 2). Two components, a triangle and a pair: betweenness 0 for all.
VOSVIEWER_MAP = """\
id\tlabel\tdescription\turl\tcluster\tweight<Documents>\tweight<Links>\t\
weight<Total link strength>\tscore<Betweenness>
1\tHospices Civils de Lyon\t01502ca60\thttps://ror.org/01502ca60\t1\t1\t1\t1\t0
2\tUniversité de Montréal\t0161xgx34\thttps://ror.org/0161xgx34\t2\t1\t2\t2\t0
3\tCentre Léon Bérard\t01cmnjq37\thttps://ror.org/01cmnjq37\t1\t2\t2\t3\t0
4\tMcGill University\t01pxwe438\thttps://ror.org/01pxwe438\t2\t1\t1\t1\t0
5\tCHUM\t0410a8y51\thttps://ror.org/0410a8y51\t2\t2\t2\t3\t0
"""
VOSVIEWER_NETWORK = "1\t4\t1\n2\t3\t1\n2\t5\t1\n3\t5\t2\n"
PAJEK = """\
*vertices 5
1 "Hospices Civils de Lyon" 0.0 0.0 ellipse
2 "Université de Montréal" 0.0 0.0 ellipse
3 "Centre Léon Bérard" 0.0 0.0 ellipse
4 "McGill University" 0.0 0.0 ellipse
5 CHUM 0.0 0.0 ellipse
*edges
1 4 1
2 3 1
2 5 1
3 5 2
"""


def test_vosviewer_map_and_network_files_of_institutions(con, tmp_path):
    graph = institution_network(con, Scope())

    path = export(graph, tmp_path / "institutions.txt", fmt="vosviewer")

    assert path.read_text(encoding="utf-8") == VOSVIEWER_MAP
    assert vosviewer_network_path(path) == tmp_path / "institutions_network.txt"
    assert (tmp_path / "institutions_network.txt").read_text() == VOSVIEWER_NETWORK


def test_pajek_file_labels_vertices_and_weighs_edges(con, tmp_path):
    path = export(institution_network(con, Scope()), tmp_path / "institutions.net")

    assert path.read_text(encoding="utf-8") == PAJEK


def test_vosviewer_quotes_labels_with_commas_and_clusters_by_side():
    graph = nx.Graph(kind="authors", sides="ARA QC")
    graph.add_node("0000-0002-1825-0097", label="Martin, Alice", orcid="0000-0002-1825-0097",
                   side="ARA QC", works=2)
    graph.add_node("bruno roy", label="Bruno\tRoy", orcid="", side="", works=1)
    graph.add_edge("0000-0002-1825-0097", "bruno roy", weight=2)
    add_centralities(graph)

    files = serialize(graph, "vosviewer")

    assert files["map"].decode().splitlines()[1:] == [
        '1\t"Martin, Alice"\t0000-0002-1825-0097\thttps://orcid.org/0000-0002-1825-0097\t3'
        '\t2\t1\t2\t0',
        "2\tBruno Roy\t\t\t4\t1\t1\t2\t0"]
    assert files["network"] == b"1\t2\t2\n"


def test_pajek_tells_apart_two_nodes_with_one_label():
    graph = nx.Graph()
    graph.add_node("a", label="CHU")
    graph.add_node("b", label="CHU")
    graph.add_edge("a", "b", weight=1)

    assert serialize(graph, "pajek")[""].decode().splitlines()[1:3] == [
        '1 "CHU (a)" 0.0 0.0 ellipse', '2 "CHU (b)" 0.0 0.0 ellipse']


def test_unknown_network_format_is_refused():
    with pytest.raises(ValueError, match="unknown network format 'dot': accepted are gexf, "
                                         "graphml, pajek, vosviewer"):
        serialize(nx.Graph(), "dot")


def test_export_to_another_format_is_refused(con, tmp_path):
    with pytest.raises(ValueError, match=r"cannot write network\.csv: the file name must end "
                                         r"in \.gexf, \.graphml or \.net, or the format "
                                         r"must be given"):
        export(institution_network(con, Scope()), tmp_path / "network.csv")
    assert not (tmp_path / "network.csv").exists()


def test_export_of_an_empty_attribute_is_refused(tmp_path):
    graph = nx.Graph()
    graph.add_node("a", name=None)
    with pytest.raises(ValueError, match="node a: attribute 'name' is None"):
        export(graph, tmp_path / "network.gexf")


def test_same_side_twice_is_refused(con):
    with pytest.raises(ValueError, match="the two sides must differ"):
        institution_network(con, Scope(sides=("QC", "QC")))


# --- the same networks on PySpark ----------------------------------------------------------

JAVA = shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


@pytest.fixture(scope="module")
def spark():
    if not JAVA:
        if os.environ.get("CI"):
            pytest.fail("Java is needed for the PySpark backend and CI must run it",
                        pytrace=False)
        pytest.skip("Java is not installed: the PySpark backend cannot start (CI runs it)")
    from jumelage.observatory.engine.backends import local_spark_session

    session = local_spark_session(app_name="jumelage-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.parametrize("build", [
    institution_network,
    lambda con, scope: institution_network(con, scope, copublications_only=False),
    author_network,
], ids=["institutions", "institutions-all-works", "authors"])
@pytest.mark.parametrize("scope", [Scope(), Scope(sides=("ARA", "CA"))], ids=["ARA-QC", "ARA-CA"])
def test_pyspark_gives_the_same_network_as_duckdb(store, con, spark, tmp_path, build, scope):
    from jumelage.observatory.engine.backends import pyspark_backend

    on_duckdb = build(con, scope)
    on_spark = build(pyspark_backend(store, session=spark, folder=tmp_path / "parquet"), scope)
    assert on_duckdb.number_of_edges() > 0
    assert list(on_spark.nodes(data=True)) == list(on_duckdb.nodes(data=True))
    assert edges(on_spark) == edges(on_duckdb)
    assert on_spark.graph == on_duckdb.graph
