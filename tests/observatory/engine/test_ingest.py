"""Ingestion into the DuckDB store: per-file transactions, resumable, bad records kept aside."""

import shutil
from pathlib import Path

import pytest

from jumelage.observatory.engine.ingest import expand_paths, ingest
from jumelage.observatory.engine.store import Store

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "observatory.duckdb") as opened:
        yield opened


def _rows(store, sql):
    return store.con.execute(sql).fetchall()


def test_ingest_openalex_stores_works_authorships_affiliations_and_issues(store):
    report = ingest(store=store, source="openalex", paths=[FIXTURES / "openalex/works.jsonl"])

    assert (report.works, report.files_loaded, [str(i) for i in report.issues]) == (3, 1, [
        f"{FIXTURES}/openalex/works.jsonl:3: the line is not valid JSON (Unterminated string "
        "starting at: line 1 column 44 (char 43))",
        f"{FIXTURES}/openalex/works.jsonl:5: the record has no id",
        f"{FIXTURES}/openalex/works.jsonl:7: the field id has an unusable value "
        "'https://openalex.org/A5000000001'",
        f"{FIXTURES}/openalex/works.jsonl:8: this is not a JSON work record (a JSON string, "
        "not an object)",
    ])
    assert _rows(store, "SELECT source_id, year, doi, n_authors FROM works ORDER BY source_id") == [
        ("W2000000002", 2012, None, 2),
        ("W3000000003", 2021, "10.1109/embc.2021.9630001", 1),
        ("W4400000001", 2023, "10.1200/jco.2023.41.1234", 3),
    ]
    assert _rows(store, """SELECT position, seq, raw, ror_ids FROM affiliations
                           WHERE source_id = 'W4400000001' ORDER BY position, seq""")[:3] == [
        (1, 1, "Centre Léon Bérard, Lyon, France", ["01cmnjq37"]),
        (1, 2, "Université Claude Bernard Lyon 1, Lyon, France", ["029brtt94"]),
        (2, 1, "CHUM, Montréal, QC, Canada", ["0410a8y51"]),
    ]
    assert _rows(store, "SELECT location, code FROM issues ORDER BY location") == [
        (f"{FIXTURES}/openalex/works.jsonl:3", "bad_json"),
        (f"{FIXTURES}/openalex/works.jsonl:5", "missing_field"),
        (f"{FIXTURES}/openalex/works.jsonl:7", "bad_value"),
        (f"{FIXTURES}/openalex/works.jsonl:8", "not_a_record"),
    ]


def test_ingest_twice_skips_the_loaded_file(store):
    ingest(store=store, source="openalex", paths=[FIXTURES / "openalex/works.jsonl"])
    before = store.counts()
    again = ingest(store=store, source="openalex", paths=[FIXTURES / "openalex/works.jsonl"])
    assert (again.files_skipped, again.files_loaded, again.works) == (1, 0, 0)
    assert store.counts() == before


def test_interrupted_ingest_loses_nothing_and_resumes(store, tmp_path):
    first = tmp_path / "a.nbib"
    second = tmp_path / "b.jsonl"
    shutil.copy(FIXTURES / "pubmed/records.nbib", first)
    shutil.copy(FIXTURES / "openalex/works.jsonl", second)
    ingest(store=store, source="pubmed", paths=[first])
    loaded = store.counts()

    class Interrupted(Exception):
        pass

    def interrupt():
        raise Interrupted

    with pytest.raises(Interrupted):
        ingest(store=store, source="openalex", paths=[second], on_record=interrupt)
    assert store.counts() == loaded  # the interrupted file left no row behind

    resumed = ingest(store=store, source="openalex", paths=[second])
    assert (resumed.files_loaded, resumed.works) == (1, 3)
    assert _rows(store, "SELECT count(*) FROM files") == [(2,)]


def test_a_newer_version_of_a_record_replaces_the_older(store, tmp_path):
    old = tmp_path / "updated_date=2024-01-01.jsonl"
    new = tmp_path / "updated_date=2025-01-01.jsonl"
    line = (FIXTURES / "openalex/works.jsonl").read_text(encoding="utf-8").splitlines()[0]
    old.write_text(line + "\n", encoding="utf-8")
    new.write_text(line.replace('"publication_year": 2023', '"publication_year": 2024') + "\n",
                   encoding="utf-8")
    ingest(store=store, source="openalex", paths=[old, new])
    assert _rows(store, "SELECT source_id, year FROM works") == [("W4400000001", 2024)]
    assert _rows(store, "SELECT count(*) FROM affiliations") == [(5,)]


def test_ingest_reports_a_missing_path_and_reads_nothing(store, tmp_path):
    report = ingest(store=store, source="wos", paths=[tmp_path / "absent.txt"])
    assert [str(i) for i in report.issues] == [
        f"{tmp_path}/absent.txt: the file cannot be read (no such file or folder)"]
    assert report.read_nothing is True


def test_a_folder_gives_the_files_of_its_source_only(tmp_path):
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    (tmp_path / "b.nbib").write_text("", encoding="utf-8")
    (tmp_path / "a.xml").write_text("", encoding="utf-8")
    assert [p.name for p in expand_paths(source="pubmed", paths=[tmp_path])] == ["a.xml",
                                                                               "b.nbib"]


def test_pubmed_text_and_xml_are_told_apart_by_content(store, tmp_path):
    nbib = tmp_path / "records.txt"
    shutil.copy(FIXTURES / "pubmed/records.nbib", nbib)
    report = ingest(store=store, source="pubmed",
                    paths=[nbib, FIXTURES / "pubmed/pubmed_article_set.xml"])
    # The same counts as the text and XML readers give for these files on their own.
    assert [(Path(f.path).name, f.works) for f in report.files] == [
        ("records.txt", 4), ("pubmed_article_set.xml", 6)]


def _table_dump(store):
    """Every record table's rows in a stable order (the file column aside)."""
    queries = {
        "works": "SELECT * EXCLUDE (file) FROM works ORDER BY source, source_id, location",
        "authorships": "SELECT * FROM authorships ORDER BY ALL",
        "affiliations": "SELECT * FROM affiliations ORDER BY ALL",
        "abstracts": "SELECT * FROM abstracts ORDER BY ALL",
        "issues": "SELECT location, code, params, reason FROM issues ORDER BY location",
        "files": "SELECT path, source, works, issues FROM files ORDER BY path",
    }
    return {name: store.con.execute(sql).fetchall() for name, sql in queries.items()}


@pytest.mark.parametrize("source, folder", [("openalex", "openalex"), ("pubmed", "pubmed"),
                                            ("wos", "wos"), ("scopus", "scopus")])
def test_two_reading_processes_load_the_same_rows_as_one(tmp_path, source, folder):
    with Store(tmp_path / "one.duckdb") as one, Store(tmp_path / "two.duckdb") as two:
        report_one = ingest(store=one, source=source, paths=[FIXTURES / folder])
        report_two = ingest(store=two, source=source, paths=[FIXTURES / folder], jobs=2)
        assert ([str(i) for i in report_two.issues], report_two.works,
                report_two.files_loaded) == ([str(i) for i in report_one.issues],
                                             report_one.works, report_one.files_loaded)
        assert report_one.works > 0
        assert _table_dump(two) == _table_dump(one)


def test_two_reading_processes_skip_loaded_files_and_replace_newer_records(store, tmp_path):
    first = tmp_path / "part_000.jsonl"
    shutil.copy(FIXTURES / "openalex/works.jsonl", first)
    ingest(store=store, source="openalex", paths=[first], jobs=2)
    newer = tmp_path / "part_001.jsonl"
    newer.write_text('{"id": "W2000000002", "title": "Corrected title", '
                     '"publication_year": 2013}\n', encoding="utf-8")
    again = ingest(store=store, source="openalex", paths=[first, newer], jobs=2)
    assert [(Path(f.path).name, f.skipped, f.works) for f in again.files] == [
        ("part_000.jsonl", True, 0), ("part_001.jsonl", False, 1)]
    assert _rows(store, "SELECT title, year, n_authors FROM works "
                        "WHERE source_id = 'W2000000002'") == [("Corrected title", 2013, 0)]
    assert _rows(store, "SELECT count(*) FROM authorships WHERE source_id = 'W2000000002'") \
        == [(0,)]


def test_the_store_caps_duckdbs_memory(tmp_path):
    with Store(tmp_path / "capped.duckdb", memory_limit="300MB") as capped:
        assert capped.con.execute("SELECT current_setting('memory_limit')").fetchone() == (
            "286.1 MiB",)  # 300 MB (10^6 bytes) as DuckDB shows it
    with Store(tmp_path / "default.duckdb") as default:
        assert default.con.execute("SELECT current_setting('memory_limit')").fetchone() == (
            "1.8 GiB",)  # the default, 2 GB
