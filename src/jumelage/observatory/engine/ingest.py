"""Ingestion: read files of one source into the store, file by file, resumable.

A file already loaded (same path, size and modification time) is skipped; each file commits
with its records, so an interrupted run loses nothing. Records that cannot be read are stored
as issues and reported; they never stop the run.
"""

import multiprocessing
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.parquet as pq

from jumelage.observatory.engine.io import open_binary
from jumelage.observatory.engine.readers.crossref import read_crossref
from jumelage.observatory.engine.readers.lens import read_lens_csv
from jumelage.observatory.engine.readers.openalex import (
    iter_openalex_paths,
    read_openalex,
    read_openalex_csv,
)
from jumelage.observatory.engine.readers.pubmed import read_medline_text, read_pubmed_xml
from jumelage.observatory.engine.readers.scopus import read_scopus_csv
from jumelage.observatory.engine.readers.wos import read_wos
from jumelage.observatory.engine.schema import SOURCES, ReadIssue, Work
from jumelage.observatory.engine.store import RowBuffer, Store

Reader = Callable[[Path], Iterator[Work | ReadIssue]]


def _read_pubmed(path: Path) -> Iterator[Work | ReadIssue]:
    """MEDLINE XML or the MEDLINE text format, told apart by the first character."""
    try:
        with open_binary(path) as handle:
            head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        head = b""  # the reader reports the unreadable file
    if head.startswith(b"<"):
        return read_pubmed_xml(path)
    return read_medline_text(path)


def _read_openalex(path: Path) -> Iterator[Work | ReadIssue]:
    if path.suffix.lower() == ".csv":
        return read_openalex_csv(path)
    return read_openalex(path)


READERS: dict[str, Reader] = {
    "openalex": _read_openalex,
    "pubmed": _read_pubmed,
    "crossref": read_crossref,
    "scopus": read_scopus_csv,
    "wos": read_wos,
    "lens": read_lens_csv,
}
assert set(READERS) == set(SOURCES)


@dataclass
class FileOutcome:
    path: str
    works: int = 0
    issues: int = 0
    skipped: bool = False


@dataclass
class IngestReport:
    source: str
    files: list[FileOutcome] = field(default_factory=list)
    issues: list[ReadIssue] = field(default_factory=list)  # every issue met, in order

    @property
    def works(self) -> int:
        return sum(f.works for f in self.files)

    @property
    def files_loaded(self) -> int:
        return sum(1 for f in self.files if not f.skipped)

    @property
    def files_skipped(self) -> int:
        return sum(1 for f in self.files if f.skipped)

    @property
    def read_nothing(self) -> bool:
        """True when no valid record was read and nothing was already loaded."""
        return self.works == 0 and self.files_skipped == 0


# The files a folder contributes, by source (a named file is always read, whatever its name).
EXTENSIONS = {
    "openalex": (".json", ".jsonl", ".gz", ".csv"),
    "pubmed": (".xml", ".gz", ".medline", ".nbib", ".txt"),
    "crossref": (".json", ".jsonl", ".gz"),
    "scopus": (".csv", ".scopus"),
    "wos": (".txt", ".isi", ".tsv"),
    "lens": (".csv",),
}


def _is_openalex_snapshot(folder: Path) -> bool:
    return any(folder.glob("**/updated_date=*"))


def expand_paths(*, source: str, paths: Iterable[Path]) -> Iterator[Path | ReadIssue]:
    """Files to read: an OpenAlex snapshot folder is walked partition by partition; any other
    folder gives its files with the source's usual extensions, in name order."""
    for path in paths:
        if not path.exists():
            yield ReadIssue(path=str(path), code="unreadable",
                            params={"error": "no such file or folder"})
        elif path.is_dir() and source == "openalex" and _is_openalex_snapshot(path):
            for part in iter_openalex_paths(path):
                yield part if isinstance(part, ReadIssue) else part.path
        elif path.is_dir():
            yield from sorted(
                p for p in path.rglob("*")
                if p.is_file() and not p.name.startswith(".")
                and p.name.lower().endswith(EXTENSIONS[source]))
        else:
            yield path


def ingest(*, store: Store, source: str, paths: Iterable[Path | str],
           on_record: Callable[[], None] | None = None,
           on_file: Callable[[FileOutcome], None] | None = None,
           jobs: int = 1) -> IngestReport:
    """Load every file of `paths` (files or folders) read as `source` into `store`.

    With `jobs` above 1, that many processes read files side by side (each writes its rows
    to Parquet files in a temporary folder) while this one loads them into the store in the
    files' order, each file in its own transaction as with one job: the same tables, and
    memory bounded by a few files' rows rather than the input's size.
    """
    if source not in READERS:
        raise ValueError(f"unknown source {source!r}; expected one of {', '.join(SOURCES)}")
    report = IngestReport(source=source)
    items = expand_paths(source=source, paths=[Path(p) for p in paths])
    if jobs > 1:
        _ingest_parallel(store=store, source=source, items=items, report=report,
                         on_record=on_record, on_file=on_file, jobs=jobs)
        return report
    reader = READERS[source]
    for item in items:
        if isinstance(item, ReadIssue):
            report.issues.append(item)
            continue
        outcome = FileOutcome(path=str(item))
        if store.is_loaded(item):
            outcome.skipped = True
        else:
            with store.loading(path=item, source=source) as load:
                for record in reader(item):
                    load.add(record)
                    if isinstance(record, ReadIssue):
                        report.issues.append(record)
                    elif on_record is not None:
                        on_record()
            outcome.works, outcome.issues = load.works, load.issues
        report.files.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return report


# --- several processes ------------------------------------------------------------------------

PARQUET_BATCH = 5000  # works per row group written by a reading process


@dataclass
class _Parsed:
    works: int
    issues: list[ReadIssue]
    files: dict[str, str]  # record table -> Parquet file


def _parse_to_parquet(source: str, path: str, folder: str) -> _Parsed:
    """In a reading process: one input file's rows as Parquet files under `folder`."""
    buffer = RowBuffer(file=path)
    writers: dict[str, pq.ParquetWriter] = {}
    issues: list[ReadIssue] = []

    def write() -> None:
        for table, rows in buffer.take().items():
            if rows.num_rows:
                if table not in writers:
                    writers[table] = pq.ParquetWriter(f"{folder}/{table}.parquet", rows.schema,
                                                      compression="none")
                writers[table].write_table(rows)

    try:
        for record in READERS[source](Path(path)):
            if isinstance(record, ReadIssue):
                issues.append(record)
                continue
            buffer.add(record)
            if len(buffer) >= PARQUET_BATCH:
                write()
        write()
    finally:
        for writer in writers.values():
            writer.close()
    return _Parsed(works=buffer.works, issues=issues,
                   files={table: f"{folder}/{table}.parquet" for table in writers})


def _ingest_parallel(*, store: Store, source: str, items: Iterator[Path | ReadIssue],
                     report: IngestReport, on_record, on_file, jobs: int) -> None:
    scratch_parent = None if store.path == ":memory:" else Path(store.path).parent
    with tempfile.TemporaryDirectory(prefix="jumelage-ingest-", dir=scratch_parent) as scratch, \
            ProcessPoolExecutor(max_workers=jobs,
                                mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque[tuple[Path | ReadIssue, Future | None]] = deque()

        def finish() -> None:
            item, future = pending.popleft()
            if isinstance(item, ReadIssue):
                report.issues.append(item)
                return
            outcome = FileOutcome(path=str(item))
            if future is None:
                outcome.skipped = True
            else:
                parsed: _Parsed = future.result()
                with store.loading(path=item, source=source) as load:
                    load.add_parquet(parsed.files, works=parsed.works)
                    for issue in parsed.issues:
                        load.add(issue)
                report.issues.extend(parsed.issues)
                for name in parsed.files.values():
                    Path(name).unlink()
                outcome.works, outcome.issues = load.works, load.issues
                if on_record is not None:
                    for _ in range(parsed.works):
                        on_record()
            report.files.append(outcome)
            if on_file is not None:
                on_file(outcome)

        for number, item in enumerate(items):
            future = None
            if not isinstance(item, ReadIssue) and not store.is_loaded(item):
                folder = Path(scratch) / str(number)
                folder.mkdir()
                future = pool.submit(_parse_to_parquet, source, str(item), str(folder))
            pending.append((item, future))
            while sum(1 for _, f in pending if f is not None) > jobs:
                finish()
        while pending:
            finish()
