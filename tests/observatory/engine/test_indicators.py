"""Indicators on a small corpus whose every figure is counted by hand in the comments."""

import ibis
import pytest

from jumelage.observatory.engine import index
from jumelage.observatory.engine.indicators import Scope, compute
from jumelage.observatory.engine.schema import Affiliation, Authorship, Work
from jumelage.observatory.engine.store import Store

CLB, HCL, CHUM, UDEM, MCGILL = "01cmnjq37", "01502ca60", "0410a8y51", "0161xgx34", "01pxwe438"
INSTITUTIONS = [
    {"ror_id": CLB, "name": "Centre Léon Bérard", "country_code": "FR", "region_code": "ARA"},
    {"ror_id": HCL, "name": "Hospices Civils de Lyon", "country_code": "FR",
     "region_code": "ARA"},
    {"ror_id": CHUM, "name": "CHUM", "country_code": "CA", "region_code": "QC",
     "parent_ids": [UDEM]},
    {"ror_id": UDEM, "name": "Université de Montréal", "country_code": "CA",
     "region_code": "QC"},
    {"ror_id": MCGILL, "name": "McGill University", "country_code": "CA", "region_code": "QC"},
]


def aff(raw, *ror_ids, countries=()):
    return Affiliation(raw=raw, ror_ids=tuple(ror_ids), country_codes=tuple(countries))


def author(position, name, *affiliations, orcid=None):
    return Authorship(position=position, name=name, orcid=orcid,
                      affiliations=tuple(affiliations))


def work(source, source_id, year, *authorships, doi=None, **fields):
    return Work(source=source, source_id=source_id, title=f"Work {source_id}", year=year,
                doc_type=fields.pop("doc_type", "article"), doi=doi,
                authorships=tuple(authorships), **fields)


CORPUS = {
    "openalex": [
        # W1, 2019: Lyon with two Montréal authors, one of them with two affiliations.
        work("openalex", "W1", 2019,
             author(1, "Alice Martin", aff("CLB, Lyon", CLB), orcid="0000-0002-1825-0097"),
             author(2, "Bruno Roy", aff("CHUM, Montréal", CHUM)),
             author(3, "Chloé Côté", aff("CHUM", CHUM), aff("UdeM", UDEM)),
             doi="10.1000/w1", topics=("Cell therapy",), cited_by_count=10, fwci=2.0,
             is_open_access=True),
        # W2, 2020: HCL with McGill; also found in Crossref (same DOI), merged.
        work("openalex", "W2", 2020,
             author(1, "Alice Martin", aff("HCL", HCL), orcid="0000-0002-1825-0097"),
             author(2, "David Tremblay", aff("McGill", MCGILL)),
             doi="10.1000/w2", cited_by_count=4, is_open_access=False),
        # W3, 2020: Lyon with Toronto (Canada, not Québec): ARA–CA only.
        work("openalex", "W3", 2020,
             author(1, "Emma Petit", aff("CLB", CLB)),
             author(2, "Frank Lee", aff("University of Toronto, Canada", countries=("CA",))),
             doi="10.1000/w3"),
        # W4, 2021: Lyon only.
        work("openalex", "W4", 2021, author(1, "Emma Petit", aff("CLB", CLB)),
             doi="10.1000/w4"),
    ],
    "crossref": [
        work("crossref", "10.1000/w2", 2020,
             author(1, "Alice Martin", aff("Hospices Civils de Lyon, France")),
             doi="10.1000/w2"),
        # W5, 2021: strings without ROR ids, resolved by the matcher below.
        work("crossref", "10.1000/w5", 2021,
             author(1, "Gaëlle Morel", aff("Centre Léon Bérard, Lyon, France")),
             author(2, "Hugo Gagnon", aff("CHUM, Montréal, QC, Canada")),
             doi="10.1000/w5", mesh_terms=("Neoplasms",), cited_by_count=1),
    ],
}
RESOLVED = {"Centre Léon Bérard, Lyon, France": CLB, "CHUM, Montréal, QC, Canada": CHUM}


def build_store(tmp_path, corpus=CORPUS) -> Store:
    """A store of `corpus`, indexed, with INSTITUTIONS and the RESOLVED strings."""
    opened = Store(tmp_path / "o.duckdb")
    for source, works in corpus.items():
        path = tmp_path / f"{source}.jsonl"
        path.write_text("", encoding="utf-8")
        with opened.loading(path=path, source=source) as load:
            for item in works:
                load.add(item)
    index.build_work_map(opened)
    index.load_institutions(opened, INSTITUTIONS)
    index.resolve_affiliations(opened, lambda raw: [
        index.Resolution(ror_id=RESOLVED[raw], confidence=0.9, method="test")
    ] if raw in RESOLVED else [])
    index.attribute_themes(opened, [
        index.ThemeRule(theme="cell-therapy", field="topic", pattern="cell therapy"),
        index.ThemeRule(theme="oncology", field="any", pattern=r"/\bneoplasms?\b/")])
    return opened


@pytest.fixture
def store(tmp_path):
    with build_store(tmp_path) as opened:
        yield opened


def report(store, **scope):
    return compute(ibis.duckdb.from_connection(store.con), Scope(**scope))


def test_duplicates_across_sources_merge_on_doi(store):
    rows = store.con.execute("""SELECT source, source_id, work_id, representative FROM work_map
                                WHERE work_id = 'openalex:W2' ORDER BY source""").fetchall()
    # OpenAlex's record represents the work: it has as many affiliations, and ranks first.
    assert rows == [("crossref", "10.1000/w2", "openalex:W2", False),
                    ("openalex", "W2", "openalex:W2", True)]


def test_copublications_between_the_two_regions(store):
    result = report(store)
    assert result.copublications == 3  # W1, W2, W5; not W3 (Toronto) nor W4 (Lyon only)
    assert result.copublications_by_year == {"2019": 1, "2020": 1, "2021": 1}
    assert result.cumulative_by_year == {"2019": 1, "2020": 2, "2021": 3}
    assert result.growth_by_year == {"2019": None, "2020": 0.0, "2021": 0.0}


def test_fractional_counts_split_authors_between_affiliations(store):
    # W1: Lyon 1/3; Montréal 1/3 + 1/3 (Côté's two addresses). W2 and W5: 1/2 each side.
    result = report(store)
    assert result.fractional == {"ARA": round(1 / 3 + 0.5 + 0.5, 4),
                                 "QC": round(2 / 3 + 0.5 + 0.5, 4)}


def test_output_and_share_of_each_side(store):
    result = report(store)
    assert result.output == {"ARA": 5, "QC": 3}  # ARA: W1–W5; QC: W1, W2, W5
    assert result.share_of_output == {"ARA": 0.6, "QC": 1.0}


def test_institution_pairs_count_each_work_once_and_credit_the_child(store):
    # W1 gives CLB–CHUM once (two CHUM authors) and CLB–UdeM; W5 gives CLB–CHUM again.
    # Most frequent first, then by ROR id.
    assert report(store).institution_pairs == [
        {"a": CLB, "b": CHUM, "count": 2},
        {"a": HCL, "b": MCGILL, "count": 1},
        {"a": CLB, "b": UDEM, "count": 1},
    ]


def test_region_with_a_whole_country(store):
    # The 2018 agreement's figure: Auvergne-Rhône-Alpes with all of Canada. W3 now counts.
    result = report(store, sides=("ARA", "CA"))
    assert (result.copublications, result.copublications_by_year) == (
        4, {"2019": 1, "2020": 2, "2021": 1})
    assert result.scope["sides"] == [{"code": "ARA", "kind": "region"},
                                     {"code": "CA", "kind": "country"}]


def test_themes_citations_open_access_and_coauthors(store):
    result = report(store)
    assert result.by_theme == {"cell-therapy": 1, "oncology": 1}
    assert result.citations == {"mean": 5.0, "mean_fwci": 2.0}  # (10 + 4 + 1) / 3
    assert result.open_access_share == 0.5  # W1 open, W2 closed, W5 unknown
    assert result.top_coauthors[0] == {"author": "0000-0002-1825-0097", "copublications": 2}


def test_scope_by_years_and_theme(store):
    assert report(store, since=2020).copublications_by_year == {"2020": 1, "2021": 1}
    assert report(store, themes=("oncology",)).copublications == 1
    assert report(store, until=2019).scope["years"] == {"from": 2019, "to": 2019}


def test_same_side_twice_is_refused(store):
    with pytest.raises(ValueError, match="the two sides must differ"):
        report(store, sides=("QC", "QC"))


def test_abstentions_are_remembered_and_counted(store):
    assert report(store).unresolved_affiliations == 2  # Toronto and the Crossref HCL string
    assert index.resolve_affiliations(store, lambda raw: []) == (0, 0)
