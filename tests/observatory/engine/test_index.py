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


