"""Indicators on a small corpus (tests/observatory/conftest.py) whose every figure is counted
by hand in the comments there."""

import ibis
import pytest

from jumelage.observatory.engine import index
from jumelage.observatory.engine.indicators import Scope, compute, copublications
from tests.observatory.conftest import (  # noqa: F401 - other tests import them from here
    CHUM,
    CLB,
    CORPUS,
    HCL,
    INSTITUTIONS,
    MCGILL,
    RESOLVED,
    UDEM,
    aff,
    author,
    build_store,
    work,
)


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


def test_copublications_gives_the_works_with_an_address_on_each_side(store):
    found = copublications(ibis.duckdb.from_connection(store.con), Scope())
    ids = sorted(found.ids.to_pyarrow().column("work_id").to_pylist())
    works = found.works.select("work_id", "source", "year").order_by("work_id")

    assert ids == ["crossref:10.1000/w5", "openalex:W1", "openalex:W2"]
    # One row per work: its representative record (W2's OpenAlex record, not Crossref's).
    assert works.to_pyarrow().to_pylist() == [
        {"work_id": "crossref:10.1000/w5", "source": "crossref", "year": 2021},
        {"work_id": "openalex:W1", "source": "openalex", "year": 2019},
        {"work_id": "openalex:W2", "source": "openalex", "year": 2020}]
    assert found.sides_of(region="ARA", country="FR") == ["ARA"]
    assert found.sides_of(region=None, country="CA") == []


def test_copublications_with_a_whole_country_add_toronto(store):
    found = copublications(ibis.duckdb.from_connection(store.con), Scope(sides=("ARA", "CA")))

    assert sorted(found.ids.to_pyarrow().column("work_id").to_pylist()) == [
        "crossref:10.1000/w5", "openalex:W1", "openalex:W2", "openalex:W3"]
    assert found.sides_of(region=None, country="CA") == ["CA"]


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
