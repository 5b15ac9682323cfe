"""What the observatory's tests share: a small corpus whose every figure is counted by hand in
tests/observatory/engine/test_indicators.py, and one way to build an indexed store of it."""

from pathlib import Path

import pytest

from jumelage.observatory.engine import index
from jumelage.observatory.engine.schema import Affiliation, Authorship, Work
from jumelage.observatory.engine.store import Store
from tests.factories import InstitutionFactory, ThemeFactory

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


def work(source, source_id, year, *authorships, doi=None, title=None, **fields):
    return Work(source=source, source_id=source_id, title=title or f"Work {source_id}",
                year=year, doc_type=fields.pop("doc_type", "article"), doi=doi,
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


THEME_RULES = [
    index.ThemeRule(theme="cell-therapy", field="topic", pattern="cell therapy"),
    index.ThemeRule(theme="oncology", field="any", pattern=r"/\bneoplasms?\b/")]


def fill_store(path: Path, corpus=CORPUS, *, indexed: bool = True,
               theme_rules=THEME_RULES) -> None:
    """The store file at `path` holding `corpus` (one empty record file per source beside it,
    as `ingest` would have noted them), indexed as `observatory index` leaves it: INSTITUTIONS
    loaded, the RESOLVED strings matched, themes found by `theme_rules`. Closed again: the
    pages open it read-only."""
    with Store(path) as opened:
        for source, works in corpus.items():
            records = path.parent / f"{source}.jsonl"
            records.write_text("", encoding="utf-8")
            with opened.loading(path=records, source=source) as load:
                for item in works:
                    load.add(item)
        if indexed:
            index.build_work_map(opened)
            index.load_institutions(opened, INSTITUTIONS)
            index.resolve_affiliations(opened, lambda raw: [
                index.Resolution(ror_id=RESOLVED[raw], confidence=0.9, method="test")
            ] if raw in RESOLVED else [])
            index.attribute_themes(opened, theme_rules)


def build_store(tmp_path: Path, corpus=CORPUS) -> Store:
    """fill_store in `tmp_path`, opened for writing (the engine's tests query it)."""
    fill_store(tmp_path / "o.duckdb", corpus)
    return Store(tmp_path / "o.duckdb")


# --- the pages' store and directory ---------------------------------------------------------

@pytest.fixture(scope="module")
def store_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("observatory") / "observatory.duckdb"
    fill_store(path)
    return path


@pytest.fixture
def store(store_file, settings):
    """The pages read the store; they never write it, so one file serves every test (and
    the cached report with it: the cache key is the file's path, size and time)."""
    settings.JUMELAGE_OBSERVATORY_DB = store_file
    return store_file


@pytest.fixture
def directory(db):
    """The directory names four of the five institutions (McGill is left out: its ROR id
    shows instead) and one of the two themes (oncology shows as its code)."""
    InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard", ror_id=CLB)
    InstitutionFactory(name_fr="Hospices civils de Lyon", name_en="Hospices Civils de Lyon",
                       ror_id=HCL)
    InstitutionFactory(name_fr="Centre hospitalier de l'Université de Montréal",
                       name_en="University of Montreal Hospital Centre", ror_id=CHUM,
                       country="CA")
    InstitutionFactory(name_fr="Université de Montréal", name_en="University of Montreal",
                       ror_id=UDEM, country="CA")
    ThemeFactory(code="cell-therapy", name_fr="Thérapie cellulaire", name_en="Cell therapy")
