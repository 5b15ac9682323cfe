"""`jumelage observatory ingest | index | report --json | match` with the directory's registry."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import InstitutionFactory, PoleFactory, oncopole

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "publications"

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    clara, quebec = PoleFactory(), oncopole()
    ucbl = InstitutionFactory(name_fr="Université Claude Bernard Lyon 1", acronym="UCBL",
                              ror_id="029brtt94", city="Villeurbanne", country="FR",
                              region="Auvergne-Rhône-Alpes", pole=clara)
    clb = InstitutionFactory(name_fr="Centre Léon Bérard", acronym="CLB", ror_id="01cmnjq37",
                             city="Lyon", country="FR", region="Auvergne-Rhône-Alpes",
                             pole=clara, type="cancer_centre")
    udem = InstitutionFactory(name_fr="Université de Montréal", acronym="UdeM",
                              ror_id="0161xgx34", city="Montréal", country="CA",
                              region="Québec", pole=quebec)
    chum = InstitutionFactory(name_fr="Centre hospitalier de l’Université de Montréal",
                              acronym="CHUM", ror_id="0410a8y51", city="Montréal", country="CA",
                              region="Québec", pole=quebec, type="hospital")
    chum.parents.add(udem)
    hcl = InstitutionFactory(name_fr="Hospices Civils de Lyon", acronym="HCL",
                             ror_id="01502ca60", city="Lyon", country="FR",
                             region="Auvergne-Rhône-Alpes", pole=clara, type="hospital")
    return {"ucbl": ucbl, "clb": clb, "udem": udem, "chum": chum, "hcl": hcl}


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("observatory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_index_report_on_the_openalex_fixture(registry, tmp_path):
    db = str(tmp_path / "o.duckdb")
    out, err = run("--db", db, "ingest", "--source", "openalex",
                   str(FIXTURES / "openalex/works.jsonl"))
    assert out == ("3 records read from 1 files (0 already loaded, skipped); 4 records could "
                   "not be read.\n")
    assert err.splitlines()[0] == (
        f"{FIXTURES}/openalex/works.jsonl:3: the line is not valid JSON (Unterminated string "
        "starting at: line 1 column 44 (char 43))")

    out, _ = run("--db", db, "index")
    assert out.splitlines()[0] == "3 records, 3 distinct works (0 duplicates merged)."

    out, _ = run("--db", db, "report", "--json")
    report = json.loads(out)
    # W4400000001 (2023): Centre Léon Bérard and Lyon 1 with the CHUM; W2000000002 stays in Lyon.
    assert (report["copublications"], report["copublications_by_year"]) == (1, {"2023": 1})
    assert report["institution_pairs"] == [
        {"a": "01cmnjq37", "b": "0410a8y51", "count": 1},
        {"a": "029brtt94", "b": "0410a8y51", "count": 1},
    ]
    assert report["scope"]["sides"] == [{"code": "ARA", "kind": "region"},
                                        {"code": "QC", "kind": "region"}]


def test_ingest_of_nothing_valid_fails_with_a_message(registry, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"No valid record was read\."):
        run("--db", str(tmp_path / "o.duckdb"), "ingest", "--source", "openalex", str(bad))


def test_match_writes_ror_id_and_confidence(registry, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,affiliation\n1,\"Centre Léon Bérard, 28 rue Laennec, 69008 Lyon, "
                      "France\"\n2,\"Department of Physics, University of Tokyo, Japan\"\n",
                      encoding="utf-8")
    out, _ = run("match", "--csv", str(source), "--out", str(tmp_path / "out.csv"))
    rows = (tmp_path / "out.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "id,affiliation,ror_id,confidence"
    assert rows[1].startswith('1,"Centre Léon Bérard, 28 rue Laennec, 69008 Lyon, France",'
                              "01cmnjq37,")
    assert rows[2] == '2,"Department of Physics, University of Tokyo, Japan",,0.00'
    assert out == "2 rows: 1 matched, 1 left for review.\n"


def test_match_names_a_missing_column(registry, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,address\n1,Lyon\n", encoding="utf-8")
    with pytest.raises(CommandError, match="affiliation"):
        run("match", "--csv", str(source), "--out", str(tmp_path / "out.csv"))


def test_report_on_pyspark_equals_duckdb(registry, tmp_path):
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Java is not installed: the PySpark backend cannot start (CI runs it)")
    db = str(tmp_path / "o.duckdb")
    run("--db", db, "ingest", "--source", "openalex", str(FIXTURES / "openalex/works.jsonl"))
    run("--db", db, "index")
    on_duckdb, _ = run("--db", db, "report", "--json", "--between", "ARA", "CA")
    on_spark, _ = run("--db", db, "report", "--json", "--between", "ARA", "CA",
                      "--backend", "pyspark")
    assert json.loads(on_spark) == json.loads(on_duckdb)
    assert json.loads(on_duckdb)["copublications"] == 1


def test_network_writes_a_gexf_of_institutions(registry, tmp_path):
    import networkx as nx

    db = str(tmp_path / "o.duckdb")
    run("--db", db, "ingest", "--source", "openalex", str(FIXTURES / "openalex/works.jsonl"))
    run("--db", db, "index")
    out, _ = run("--db", db, "network", "--kind", "institutions",
                 "--out", str(tmp_path / "net.gexf"))
    graph = nx.read_gexf(tmp_path / "net.gexf")
    assert sorted(graph.edges()) == [("01cmnjq37", "029brtt94"), ("01cmnjq37", "0410a8y51"),
                                     ("029brtt94", "0410a8y51")]
    assert out.splitlines()[0] == f"3 nodes and 3 links written to {tmp_path / 'net.gexf'}."


def test_network_writes_vosviewer_map_and_network_files(registry, tmp_path):
    db = str(tmp_path / "o.duckdb")
    run("--db", db, "ingest", "--source", "openalex", str(FIXTURES / "openalex/works.jsonl"))
    run("--db", db, "index")
    out, _ = run("--db", db, "network", "--kind", "institutions", "--format", "vosviewer",
                 "--out", str(tmp_path / "map.txt"))

    assert out.splitlines()[:2] == [
        f"3 nodes and 3 links written to {tmp_path / 'map.txt'}.",
        f"VOSviewer network file: {tmp_path / 'map_network.txt'} (open both with Create a "
        "map > based on network data)."]
    labels = [line.split("\t")[1] for line in
              (tmp_path / "map.txt").read_text(encoding="utf-8").splitlines()]
    # Nodes in ROR id order: CLB, UCBL, CHUM, with the names of the directory's registry.
    assert labels[1:] == ["Centre Léon Bérard", "Université Claude Bernard Lyon 1",
                          "Centre hospitalier de l’Université de Montréal"]
    # The three of them sign one co-publication together: a triangle.
    assert (tmp_path / "map_network.txt").read_text() == "1\t2\t1\n1\t3\t1\n2\t3\t1\n"


def test_network_writes_pajek_from_the_suffix(registry, tmp_path):
    db = str(tmp_path / "o.duckdb")
    run("--db", db, "ingest", "--source", "openalex", str(FIXTURES / "openalex/works.jsonl"))
    run("--db", db, "index")
    run("--db", db, "network", "--kind", "institutions", "--out", str(tmp_path / "net.net"))

    assert (tmp_path / "net.net").read_text(encoding="utf-8").splitlines()[0] == "*vertices 3"


def test_network_refuses_an_unknown_format(registry, tmp_path):
    with pytest.raises(CommandError, match=r"must end in \.gexf, \.graphml or \.net"):
        run("--db", str(tmp_path / "o.duckdb"), "network", "--kind", "authors",
            "--out", str(tmp_path / "net.csv"))


def test_two_processes_give_the_same_report_as_one(registry, tmp_path):
    reports = []
    for jobs in ("1", "2"):
        db = str(tmp_path / f"jobs{jobs}.duckdb")
        out, _ = run("--db", db, "--jobs", jobs, "ingest", "--source", "pubmed",
                     str(FIXTURES / "pubmed"))
        index_out, _ = run("--db", db, "--jobs", jobs, "index")
        report, _ = run("--db", db, "report", "--json")
        reports.append((out, index_out, json.loads(report)))
    assert reports[0] == reports[1]
    assert reports[0][0] == ("13 records read from 4 files (0 already loaded, skipped); 9 "
                             "records could not be read.\n")


def test_jobs_below_one_is_refused(registry, tmp_path):
    with pytest.raises(CommandError, match=r"^--jobs 0: give 1 or more processes\.$"):
        run("--db", str(tmp_path / "o.duckdb"), "--jobs", "0", "index")

