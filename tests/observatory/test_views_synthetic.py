"""Synthetic demo records are labelled wherever the pages show figures or works, and the
network of the co-publications downloads for Gephi, Pajek and VOSviewer.

The store holds test_indicators.py's corpus (co-publications ARA–QC: W1 2019, W2 2020, W5
2021; W3 and W4 are ARA's other works) plus two works in the synthetic range: W9000000001
(2021, CLB with CHUM: a co-publication) and W9000000002 (2021, HCL alone). A third,
W4000000003, has a "[synthetic] " title but an id outside the range: it is a real record.
So 4 co-publications, 1 of them synthetic; 8 works in the scope, 2 of them synthetic.
"""

import io
import zipfile

import networkx as nx
import pytest

from tests.observatory.conftest import CHUM, CLB, CORPUS, HCL, aff, author, fill_store, work
from tests.observatory.test_views import csv_rows, pole_staff, table, text, url

pytestmark = pytest.mark.django_db

SYNTHETIC = [
    work("openalex", "W9000000001", 2021, author(1, "Zoé Roux", aff("CLB", CLB)),
         author(2, "Yann Caron", aff("CHUM", CHUM)), doi="10.5555/jumelage-synthetic.9000000001",
         title="[synthetic] Outcomes of glioblastoma"),
    work("openalex", "W9000000002", 2021, author(1, "Zoé Roux", aff("HCL", HCL)),
         doi="10.5555/jumelage-synthetic.9000000002", title="[synthetic] Sarcoma"),
    work("openalex", "W4000000003", 2018, author(1, "Real Person", aff("HCL", HCL)),
         doi="10.1000/real", title="[synthetic] biology of the cell: a real title"),
]
NOTICE = ("Demo data: 1 of these 4 co-publications (2 of the 8 works in the scope) is a "
          "synthetic record, made up to demonstrate the observatory; it is marked as such in "
          "the list of works and in the exports.")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "observatory.duckdb"
    fill_store(path, {**CORPUS, "openalex": [*CORPUS["openalex"], *SYNTHETIC]})
    return path


@pytest.fixture
def demo_store(demo_file, settings):
    settings.JUMELAGE_OBSERVATORY_DB = demo_file
    return demo_file


def test_report_says_how_many_works_are_synthetic(client, demo_store, directory):
    response = client.get(url("report"))

    assert NOTICE in text(response)
    assert table(response, "table-by-year") == [
        ["Year", "Co-publications", "Cumulative", "Growth on the year before",
         "Of which synthetic demo records"],
        ["2019", "1", "1", "—", "0"], ["2020", "1", "2", "0%", "0"],
        ["2021", "2", "4", "100%", "1"]]


def test_report_without_synthetic_works_has_no_notice(client, store, directory):
    response = client.get(url("report"))

    assert "Demo data" not in text(response)
    assert table(response, "table-by-year")[0] == [
        "Year", "Co-publications", "Cumulative", "Growth on the year before"]


def test_works_list_badges_each_synthetic_work(client, demo_store, directory):
    response = client.get(url("works"))

    assert NOTICE in text(response)
    rows = table(response, "table-works")
    # Newest first, then by title ("W" sorts before "[").
    assert [row[0] for row in rows] == [
        "Title", "Work 10.1000/w5", "[synthetic] Outcomes of glioblastoma synthetic",
        "Work W2", "Work W1"]
    assert response.content.decode().count('<span class="tag synthetic">synthetic</span>') == 1


def test_works_export_has_a_synthetic_column(client, demo_store, directory):
    rows = csv_rows(client.get(url("export", table="works", fmt="csv")))

    assert rows[0][-1] == "Synthetic demo record"
    assert [(row[0], row[-1]) for row in rows[1:]] == [
        ("Work 10.1000/w5", ""), ("[synthetic] Outcomes of glioblastoma", "yes"),
        ("Work W2", ""), ("Work W1", "")]
    by_year = csv_rows(client.get(url("export", table="by-year", fmt="csv")))
    assert by_year[-1] == ["2021", "2", "4", "1.0", "1"]


def test_institution_network_downloads_as_gexf(client, store, directory):
    response = client.get(url("network", kind="institutions", fmt="gexf"))

    assert response["Content-Disposition"] == (
        'attachment; filename="observatory_ARA-QC_all-years_institutions-network.gexf"')
    graph = nx.read_gexf(io.BytesIO(response.content))
    # W1: CLB, CHUM, UdeM; W2: HCL, McGill; W5: CLB, CHUM (see test_networks.py).
    assert sorted(graph.nodes()) == ["01502ca60", "0161xgx34", "01cmnjq37", "01pxwe438",
                                     "0410a8y51"]
    assert graph.edges["01cmnjq37", "0410a8y51"]["weight"] == 2


def test_network_of_a_demo_store_says_it_holds_synthetic_records(client, demo_store,
                                                                  directory):
    response = client.get(url("network", kind="institutions", fmt="vosviewer.zip"))

    assert response["Content-Disposition"] == (
        'attachment; filename="observatory_ARA-QC_all-years_institutions-network'
        '_synthetic-demo.vosviewer.zip"')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["SYNTHETIC.txt", "map.txt", "network.txt"]
    assert archive.read("SYNTHETIC.txt").decode() == NOTICE + "\n"
    # W9000000001 adds one more CLB–CHUM work: strength 3 (ids 3 and 5 in ROR id order).
    assert "3\t5\t3\n" in archive.read("network.txt").decode()


def test_author_network_is_for_pole_staff_only(client, store, directory):
    anonymous = client.get(url("network", kind="authors", fmt="net"))
    client.force_login(pole_staff())
    staff = client.get(url("network", kind="authors", fmt="net"))

    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    # Alice Martin (W1, W2, one ORCID), Bruno Roy, Chloé Côté, David Tremblay, Gaëlle Morel
    # and Hugo Gagnon.
    lines = staff.content.decode().splitlines()
    assert lines[0] == "*vertices 6"
    assert '"Alice Martin"' in staff.content.decode()


def test_report_links_the_network_downloads(client, store, directory):
    response = client.get(url("report"))

    assert "/en/observatory/network/institutions.vosviewer.zip" in response.content.decode()
    assert "/en/observatory/network/authors." not in response.content.decode()
