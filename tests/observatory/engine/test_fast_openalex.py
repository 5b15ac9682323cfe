"""The DuckDB ingestion of OpenAlex JSON Lines (bench/observatory/fast_openalex.py, a proposal)
stores exactly the rows that `ingest` with the Python reader stores, and the synthetic snapshot
generator (bench/observatory/generate.py) is deterministic and labels every work."""

import gzip
import json
from pathlib import Path

import pytest
from bench.observatory.fast_openalex import ingest_fast
from bench.observatory.generate import TITLE_PREFIX, write_snapshot

from jumelage.observatory.engine.ingest import ingest
from jumelage.observatory.engine.store import Store

REPO = Path(__file__).resolve().parents[3]
FIXTURES = REPO / "tests" / "fixtures" / "publications" / "openalex"
ROR_FIXTURE = REPO / "tests" / "fixtures" / "ror" / "flat_subset.jsonl"
SHARED_FILE = REPO.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"
TABLES = {"works": "*", "authorships": "*", "affiliations": "*", "abstracts": "*",
          "issues": "*", "files": "path, source, size, mtime, works, issues"}


def _rows(store: Store) -> dict[str, list[tuple]]:
    """Every table's rows, in one order whatever the order they were written in."""
    rows = {}
    for table, columns in TABLES.items():
        fetched = store.con.execute(f"SELECT {columns} FROM {table}").fetchall()  # noqa: S608
        rows[table] = sorted(fetched, key=lambda row: [("" if v is None else str(v))
                                                       for v in row])
    return rows


def _both(tmp_path: Path, paths: list[Path]):
    """The same paths ingested by the Python reader and by the fast path, in two stores."""
    with Store(tmp_path / "python.duckdb") as python, Store(tmp_path / "fast.duckdb") as fast:
        python_report = ingest(store=python, source="openalex", paths=paths)
        fast_report = ingest_fast(store=fast, paths=paths)
        return python_report, fast_report, _rows(python), _rows(fast)


def test_fixture_rows_and_issues_are_those_of_the_python_reader(tmp_path):
    python_report, fast_report, python_rows, fast_rows = _both(
        tmp_path, [FIXTURES / "works.jsonl"])

    assert fast_rows == python_rows
    assert [str(i) for i in fast_report.issues] == [str(i) for i in python_report.issues]
    # The three works are mapped in SQL (one in the schema before 2023, one without title or
    # authors' names); the four unusable lines go to the Python reader and become its issues.
    assert (fast_report.works, fast_report.sql_works, fast_report.python_lines,
            fast_report.python_files) == (3, 3, 4, [])
    assert [(row[1], row[2]) for row in fast_rows["issues"]] == [
        (f"{FIXTURES}/works.jsonl:3", "bad_json"),
        (f"{FIXTURES}/works.jsonl:5", "missing_field"),
        (f"{FIXTURES}/works.jsonl:7", "bad_value"),
        (f"{FIXTURES}/works.jsonl:8", "not_a_record"),
    ]
    assert [row[:4] for row in fast_rows["works"]] == [
        ("openalex", "W2000000002", str(FIXTURES / "works.jsonl"), f"{FIXTURES}/works.jsonl:2"),
        ("openalex", "W3000000003", str(FIXTURES / "works.jsonl"), f"{FIXTURES}/works.jsonl:6"),
        ("openalex", "W4400000001", str(FIXTURES / "works.jsonl"), f"{FIXTURES}/works.jsonl:1"),
    ]


def test_api_pages_and_arrays_are_read_by_the_python_reader(tmp_path):
    paths = [FIXTURES / "page.json", FIXTURES / "array.json"]
    python_report, fast_report, python_rows, fast_rows = _both(tmp_path, paths)

    assert fast_rows == python_rows
    assert fast_report.python_files == [str(p) for p in paths]
    assert (fast_report.works, fast_report.sql_works) == (python_report.works, 0)


ODD_LINES = [
    # a byte order mark, then a work in the current schema with an abstract
    "\ufeff" + json.dumps({
        "id": "https://openalex.org/W11", "title": "  Spaces\u00a0 ", "publication_year": "2020",
        "type": "posted-content", "ids": {"pmid": 123}, "fwci": "1.5",
        "open_access": {"is_oa": "TRUE"},
        "keywords": ["  free text ", {"keyword": "old style"}, {"display_name": ""}, 7],
        "primary_topic": {"display_name": "Only the primary topic"}, "topics": [],
        "abstract_inverted_index": {"b": [1], "a": [0], "": [2]},
        "authorships": [
            None, "not an object",
            {"author": {"display_name": "", "orcid": "http://orcid.org/0000-0002-1825-009x"},
             "raw_author_name": "R. Name", "is_corresponding": "true",
             "institutions": [{"id": "I1", "display_name": "One", "ror": "ROR.ORG/0abcdef12",
                               "country_code": "fr"},
                              {"id": "I1", "display_name": "One again", "ror": None,
                               "country_code": "ca"},
                              {"display_name": "No id", "country_code": ""}],
             "countries": ["FR", 3, "ca"],
             "raw_affiliation_strings": ["A, Lyon", " ", "A, Lyon", "B, Montréal"],
             "affiliations": [{"raw_affiliation_string": "A, Lyon",
                               "institution_ids": ["I1", 5, "I9"]},
                              {"raw_affiliation_string": 4, "institution_ids": ["I1"]}]},
            {"institutions": [], "countries": ["de"], "raw_affiliation_strings": [],
             "raw_affiliation_string": "ignored: the new key is there"},
        ]}, ensure_ascii=False),
    "",
    "   ",
    # an abstract with a gap: the reader's fallback
    json.dumps({"id": "W12", "title": "Gap", "abstract_inverted_index": {"x": [0], "y": [2]}}),
    # a ROR value that is not a string (unused: the institution has no name), and one that the
    # reader cannot read (the work becomes its issue)
    json.dumps({"id": "W13", "authorships": [{"institutions": [{"id": "I2", "ror": 5}]}]}),
    json.dumps({"id": "W18", "authorships": [{"institutions": [{"id": "I2", "ror": 5,
                                                                "display_name": "Named"}]}]}),
    # an API page and an array on one line each
    json.dumps({"results": [{"id": "W14", "title": "In a page"}, "not a work"]}),
    json.dumps([{"id": "W15", "title": "In an array"}]),
    # the old raw_affiliation_string with the new key absent, and with it null
    json.dumps({"id": "W16", "authorships": [{"raw_affiliation_string": "Old, Lyon",
                                              "institutions": [{"id": "I3", "ror": None,
                                                                "display_name": "X"}]}]}),
    json.dumps({"id": "w17", "authorships": [{"raw_affiliation_strings": None,
                                              "raw_affiliation_string": "Old, Lyon"}]}),
    # a newer version of W11 later in another file replaces it (see below)
    "null",
    "[1, 2",
]


def test_odd_records_give_the_python_readers_rows(tmp_path):
    first = tmp_path / "odd.jsonl.gz"
    first.write_bytes(gzip.compress("\n".join(ODD_LINES).encode("utf-8") + b"\n", mtime=0))
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps({"id": "https://openalex.org/W11", "title": "Newer"}) + "\n",
                     encoding="utf-8")
    python_report, fast_report, python_rows, fast_rows = _both(tmp_path, [first, newer])

    assert fast_rows == python_rows
    assert [str(i) for i in fast_report.issues] == [str(i) for i in python_report.issues]
    # SQL maps W11 (both versions) and W16; the Python reader the lines with a gap in the
    # abstract, a ROR number (twice), a page, an array, a null key, null and a cut line.
    assert (fast_report.sql_works, fast_report.python_lines, fast_report.python_files) == (
        3, 8, [])
    assert [(i.location.rsplit("/", 1)[1], i.code) for i in fast_report.issues] == [
        ("odd.jsonl.gz:6", "not_a_record"), ("odd.jsonl.gz:7", "not_a_record"),
        ("odd.jsonl.gz:11", "not_a_record"), ("odd.jsonl.gz:12", "bad_json")]
    assert [row[1] for row in fast_rows["works"]] == ["W11", "W12", "W13", "W14", "W15",
                                                       "W16", "W17"]
    assert [row[4] for row in fast_rows["works"] if row[1] == "W11"] == ["Newer"]


def test_a_second_run_skips_the_loaded_files(tmp_path):
    with Store(tmp_path / "fast.duckdb") as store:
        ingest_fast(store=store, paths=[FIXTURES / "works.jsonl"])
        before = _rows(store)
        again = ingest_fast(store=store, paths=[FIXTURES / "works.jsonl"])
        assert (again.files_skipped, again.files_loaded, again.works) == (1, 0, 0)
        assert _rows(store) == before


def test_generated_snapshot_is_labelled_deterministic_and_read_alike(tmp_path):
    first = write_snapshot(tmp_path / "a", works=250, seed=7, part_size=100,
                           ror_path=ROR_FIXTURE)
    again = write_snapshot(tmp_path / "b", works=250, seed=7, part_size=100,
                           ror_path=ROR_FIXTURE, jobs=2)

    assert [p.relative for p in first.parts] == [
        "updated_date=2025-01-01/part_000.gz", "updated_date=2025-01-01/part_001.gz",
        "updated_date=2025-01-01/part_002.gz"]
    assert [p.works for p in first.parts] == [100, 100, 50]
    assert [p.path.read_bytes() for p in first.parts] == [p.path.read_bytes()
                                                          for p in again.parts]
    manifest = json.loads((tmp_path / "a" / "data" / "works" / "manifest").read_text())
    assert manifest["meta"]["record_count"] == 250
    records = [json.loads(line) for part in first.parts
               for line in gzip.decompress(part.path.read_bytes()).splitlines()]
    assert [r["id"] for r in records[:2]] == ["https://openalex.org/W9000000000",
                                              "https://openalex.org/W9000000001"]
    assert all(r["title"].startswith(TITLE_PREFIX) for r in records)
    assert all(r["id"].startswith("https://openalex.org/W9") for r in records)

    _python_report, fast_report, python_rows, fast_rows = _both(tmp_path, [tmp_path / "a"])
    assert fast_rows == python_rows
    assert (fast_report.works, fast_report.sql_works, fast_report.python_lines) == (
        250, 250, 0)
    assert len(fast_rows["authorships"]) == first.authorships


@pytest.mark.shared_data
@pytest.mark.skipif(not SHARED_FILE.is_file(), reason="../shared/data/ror is absent")
def test_generated_works_over_the_ror_subset_are_read_alike(tmp_path):
    snapshot = write_snapshot(tmp_path / "synth", works=400, seed=1, part_size=200)
    _python_report, fast_report, python_rows, fast_rows = _both(tmp_path, [tmp_path / "synth"])

    assert fast_rows == python_rows
    assert (fast_report.works, fast_report.sql_works, fast_report.python_lines) == (
        400, 400, 0)
    without_ror = [row for row in fast_rows["affiliations"] if not row[5]]
    # About a fifth of the affiliations carry no ROR id, for the matcher.
    assert 0.12 < len(without_ror) / len(fast_rows["affiliations"]) < 0.28
    assert snapshot.authorships == len(fast_rows["authorships"])
