"""The index step in SQL: title folding, theme rules and the work map, against their Python
definitions."""

import pytest

from jumelage.observatory.engine import index
from jumelage.observatory.engine.index import ThemeRule, title_key
from jumelage.observatory.engine.schema import Work
from jumelage.observatory.engine.store import Store


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "observatory.duckdb") as opened:
        yield opened


def test_sql_fold_equals_title_key_on_every_character_up_to_u3000(store):
    index.register_fold(store.con)
    texts = [chr(code) for code in range(1, 0x3000) if not 0xD800 <= code < 0xE000]
    texts += ["Ça ﬁnit là", "Straße", "Œdème", "cœur et Æsculape", "Leucémie aiguë – LAM",
              "ǅ", "x²", "Ⅻ"]
    folded = store.con.execute("SELECT jf_fold(t) FROM unnest(?) AS u(t)", [texts]).fetchall()
    assert [row[0] for row in folded] == [title_key(text) for text in texts]
    assert [title_key(t) for t in texts[-8:]] == [
        "ca finit la", "strasse", "oedeme", "coeur et aesculape", "leucemie aigue lam", "dz",
        "x2", "xii"]


def _load(store, works):
    with store.loading(path=_file(store), source="openalex") as load:
        for work in works:
            load.add(work)
    index.build_work_map(store)


def _file(store):
    from pathlib import Path
    path = Path(store.path).parent / "records.jsonl"
    path.write_text("", encoding="utf-8")
    return path


def _work(source_id, title, *, topics=(), mesh=(), keywords=(), year=2020, doi=None):
    return Work(source="openalex", source_id=source_id, title=title, year=year,
                doc_type="article", doi=doi, topics=topics, mesh_terms=mesh, keywords=keywords)


RULES = [
    ThemeRule(theme="cell-therapy", field="any", pattern=r"/\bcar[ -]t\b/"),
    ThemeRule(theme="genomics", field="title", pattern="séquençage génome"),
    ThemeRule(theme="oncology", field="mesh", pattern="Neoplasms"),
    ThemeRule(theme="immuno", field="keyword", pattern="immunothérapie"),
    # lookbehind: DuckDB's RE2 refuses it, so it runs in Python
    ThemeRule(theme="not-mouse", field="topic", pattern=r"/(?<!mouse )model/"),
    ThemeRule(theme="finance", field="title", pattern="ﬁnancement"),
]


def test_themes_in_sql_equal_the_python_rules(store):
    works = [
        _work("W1", "CAR-T cells in ALL", topics=("Cell therapy",)),
        _work("W2", "Le séquençage du génome tumoral", mesh=("Neoplasms", "Humans")),
        _work("W3", "Financement des soins", keywords=("Immunothérapie",)),
        _work("W4", "A tumour model", topics=("Mouse model", "Statistical model")),
        _work("W5", "Another", topics=("Mouse model",)),
        _work("W6", "Straße", keywords=("car t",)),
    ]
    _load(store, works)
    counts = index.attribute_themes(store, RULES)
    rows = store.con.execute("SELECT work_id, theme FROM work_themes ORDER BY ALL").fetchall()
    assert rows == [
        ("openalex:W1", "cell-therapy"),
        ("openalex:W2", "genomics"), ("openalex:W2", "oncology"),
        ("openalex:W3", "finance"), ("openalex:W3", "immuno"),
        ("openalex:W4", "not-mouse"),
        ("openalex:W6", "cell-therapy"),
    ]
    assert counts == {"cell-therapy": 2, "finance": 1, "genomics": 1, "immuno": 1,
                      "not-mouse": 1, "oncology": 1}
    # the reference: each rule in Python on the folded texts
    expected = []
    for work in works:
        texts = {"title": title_key(work.title), "topic": title_key(" | ".join(work.topics)),
                 "mesh": title_key(" | ".join(work.mesh_terms)),
                 "keyword": title_key(" | ".join(work.keywords))}
        texts["any"] = " | ".join(texts.values())
        expected += [(f"openalex:{work.source_id}", theme) for theme in sorted(
            {r.theme for r in RULES if index._matches(r, texts[r.field])})]
    assert rows == expected


def test_a_rule_without_words_matches_every_work(store):
    _load(store, [_work("W1", "One"), _work("W2", "Two")])
    assert index.attribute_themes(store, [ThemeRule(theme="all", field="title",
                                                    pattern="—")]) == {"all": 2}


def test_no_rules_no_themes(store):
    _load(store, [_work("W1", "One")])
    assert index.attribute_themes(store, []) == {}
    assert store.con.execute("SELECT count(*) FROM work_themes").fetchone() == (0,)




def _authored(work, n_affiliations):
    from jumelage.observatory.engine.schema import Affiliation, Authorship
    return Work(**{**{f: getattr(work, f) for f in work.__dataclass_fields__},
                   "authorships": (Authorship(position=1, name="A. Author", affiliations=tuple(
                       Affiliation(raw=f"Place {i}") for i in range(n_affiliations))),)})


def test_work_map_joins_chains_of_keys_and_picks_the_richest_record(store):
    long_title = "Outcomes of CAR-T cell therapy in adults with leukaemia"
    works = [
        # W1 and W2 share a DOI; W2 and W3 share a title and year; W4 shares W1's PMID
        _work("W1", "Short", doi="10.1/a"),
        _authored(_work("W2", long_title, doi="10.1/A".lower()), 2),
        _authored(_work("W3", "Outcomes of CAR T-cell therapy in adults with leukæmia"), 3),
        _work("W5", long_title, year=2021),  # another year: another work
        _work("W6", "Editorial"), _work("W7", "Editorial"),  # short titles never merge
    ]
    works.append(Work(source="openalex", source_id="W4", title="x", year=None,
                      doc_type="article", pmid="123"))
    works[0] = Work(**{**{f: getattr(works[0], f) for f in works[0].__dataclass_fields__},
                       "pmid": "123"})
    _load(store, works)
    report = index.build_work_map(store)
    assert (report.records, report.works, report.merged) == (7, 4, 3)
    rows = store.con.execute("SELECT source_id, work_id, representative FROM work_map "
                             "ORDER BY source_id").fetchall()
    assert rows == [
        ("W1", "openalex:W3", False), ("W2", "openalex:W3", False),
        ("W3", "openalex:W3", True), ("W4", "openalex:W3", False),
        ("W5", "openalex:W5", True), ("W6", "openalex:W6", True),
        ("W7", "openalex:W7", True),
    ]


def test_two_matching_processes_write_the_same_resolutions_as_one(tmp_path):
    from jumelage.observatory.engine.matching import Matcher, Registry
    from jumelage.observatory.engine.schema import Affiliation, Authorship
    from tests.observatory.engine.test_matcher import ORGS

    resolve = index.MatcherResolve(Matcher(Registry(ORGS, aliases=[])))
    raws = ["CHUM, Montréal, QC, Canada", "Centre Léon Bérard, Lyon, France",
            "Hospices Civils de Lyon, 69003 Lyon", "Nowhere Institute, Atlantis",
            "Université de Montréal, Montreal, Canada", "McGill University, Montreal, QC"]
    works = [Work(source="openalex", source_id=f"W{i}", title=f"Work {i}", year=2020,
                  doc_type="article", authorships=(Authorship(position=1, name="A", affiliations=(
                      Affiliation(raw=raw),)),)) for i, raw in enumerate(raws)]
    tables = []
    for jobs in (1, 2):
        with Store(tmp_path / f"jobs{jobs}.duckdb") as opened:
            _load(opened, works)
            counts = index.resolve_affiliations(opened, resolve, jobs=jobs, chunk=2)
            tables.append((counts, opened.con.execute(
                "SELECT * FROM resolutions ORDER BY ALL").fetchall()))
    assert tables[0] == tables[1]
    assert tables[0][0] == (6, 5)
    assert [row[0] for row in tables[0][1] if row[3] == "abstained"] == [
        "Nowhere Institute, Atlantis"]


def test_an_abstention_keeps_the_place_the_address_names(tmp_path):
    from jumelage.observatory.engine.matching import Matcher, Registry
    from jumelage.observatory.engine.schema import Affiliation, Authorship
    from tests.observatory.engine.test_matcher import ORGS

    matcher = Matcher(Registry(ORGS, aliases=[]))
    assert [matcher.place(raw) for raw in (
        "Department of Oncology, Foothills Hospital, Calgary, Alberta, Canada",
        "Laboratoire X, 69373 Lyon Cedex 08, France",
        "Unknown Lab, Montreal, QC H3T 1J4, Canada",
        "Somewhere, Lyon, France; Elsewhere, Montreal, Canada",
        "Nowhere Institute, Atlantis")] == [
        ("CA", "AB"), ("FR", "ARA"), ("CA", "QC"), (None, None), (None, None)]
    resolve = index.MatcherResolve(matcher)
    works = [Work(source="pubmed", source_id="1", title="A study", year=2020,
                  doc_type="article", authorships=(
                      Authorship(position=1, name="A", affiliations=(Affiliation(
                          raw="Department of Oncology, Foothills Hospital, Calgary, Alberta, "
                              "Canada"),)),
                      Authorship(position=2, name="B", affiliations=(Affiliation(
                          raw="Nowhere Institute, Atlantis"),))))]
    with Store(tmp_path / "place.duckdb") as opened:
        _load(opened, works)
        assert index.resolve_affiliations(opened, resolve) == (2, 0)
        assert opened.con.execute(
            "SELECT raw, ror_id, method, country_code, region_code FROM resolutions "
            "ORDER BY raw").fetchall() == [
            ("Department of Oncology, Foothills Hospital, Calgary, Alberta, Canada", None,
             "place", "CA", "AB"),
            ("Nowhere Institute, Atlantis", None, "abstained", None, None)]


def test_a_place_counts_for_country_and_region_sides(tmp_path):
    from jumelage.observatory.engine.backends import duckdb_backend
    from jumelage.observatory.engine.indicators import Scope, compute
    from jumelage.observatory.engine.matching import Matcher, Registry
    from jumelage.observatory.engine.schema import Affiliation, Authorship
    from tests.observatory.engine.test_matcher import ORGS

    def work(number, *raws):
        return Work(source="pubmed", source_id=str(number), title=f"Study {number}",
                    year=2020, doc_type="article", authorships=tuple(
                        Authorship(position=i, name=f"Author {i}", affiliations=(
                            Affiliation(raw=raw, ror_ids=ror),))
                        for i, (raw, ror) in enumerate(raws, start=1)))

    lyon = ("Centre Léon Bérard, Lyon, France", ("01cmnjq37",))
    works = [work(1, lyon, ("Foothills Hospital, Calgary, Alberta, Canada", ())),
             work(2, lyon, ("Unknown Lab, Montreal, QC H3T 1J4, Canada", ())),
             work(3, lyon, ("Nowhere Institute, Atlantis", ()))]
    with Store(tmp_path / "sides.duckdb") as opened:
        _load(opened, works)
        index.load_institutions(opened, [{"ror_id": "01cmnjq37", "name": "Centre Léon Bérard",
                                          "country_code": "FR", "region_code": "ARA",
                                          "pole": "clara"}])
        index.resolve_affiliations(opened, index.MatcherResolve(Matcher(Registry(ORGS,
                                                                                 aliases=[]))))
        to_canada = compute(duckdb_backend(opened), Scope(sides=("ARA", "CA")))
        to_quebec = compute(duckdb_backend(opened), Scope(sides=("ARA", "QC")))
    assert (to_canada.copublications, to_quebec.copublications) == (2, 1)
