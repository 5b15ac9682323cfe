"""The observatory's store: normalised records in one DuckDB file.

Each input file is loaded in one transaction together with its row in `files`, so an
interrupted run loses nothing and a rerun skips what is already loaded. Records are keyed by
(source, source_id): loading a newer version of a record (an OpenAlex snapshot's later
partition) replaces the older one.
"""

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from jumelage.observatory.engine.schema import ReadIssue, Work

SCHEMA_VERSION = 1
MEMORY_LIMIT = "2GB"  # DuckDB's own memory, whatever the size of the store

DDL = [
    """CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS files (
        path VARCHAR PRIMARY KEY, source VARCHAR, size BIGINT, mtime DOUBLE,
        works INTEGER, issues INTEGER, loaded_at TIMESTAMP)""",
    """CREATE TABLE IF NOT EXISTS works (
        source VARCHAR, source_id VARCHAR, file VARCHAR, location VARCHAR, title VARCHAR,
        year INTEGER, doc_type VARCHAR, doi VARCHAR, pmid VARCHAR, venue VARCHAR,
        language VARCHAR, cited_by_count INTEGER, fwci DOUBLE, is_oa BOOLEAN,
        topics VARCHAR[], mesh_terms VARCHAR[], keywords VARCHAR[], n_authors INTEGER)""",
    """CREATE TABLE IF NOT EXISTS authorships (
        source VARCHAR, source_id VARCHAR, position INTEGER, name VARCHAR, orcid VARCHAR,
        is_corresponding BOOLEAN, n_affiliations INTEGER)""",
    """CREATE TABLE IF NOT EXISTS affiliations (
        source VARCHAR, source_id VARCHAR, position INTEGER, seq INTEGER, raw VARCHAR,
        ror_ids VARCHAR[], country_codes VARCHAR[])""",
    """CREATE TABLE IF NOT EXISTS abstracts (
        source VARCHAR, source_id VARCHAR, abstract VARCHAR)""",
    # Records that could not be read: the reason in English, and its code and parameters so
    # that the web pages can show it in the reader's language.
    """CREATE TABLE IF NOT EXISTS issues (
        file VARCHAR, location VARCHAR, code VARCHAR, params JSON, reason VARCHAR)""",
]

RECORD_TABLES = ("works", "authorships", "affiliations", "abstracts")

_STRINGS = pa.list_(pa.string())
ARROW_SCHEMAS = {
    "works": pa.schema([
        ("source", pa.string()), ("source_id", pa.string()), ("file", pa.string()),
        ("location", pa.string()), ("title", pa.string()), ("year", pa.int32()),
        ("doc_type", pa.string()), ("doi", pa.string()), ("pmid", pa.string()),
        ("venue", pa.string()), ("language", pa.string()), ("cited_by_count", pa.int32()),
        ("fwci", pa.float64()), ("is_oa", pa.bool_()), ("topics", _STRINGS),
        ("mesh_terms", _STRINGS), ("keywords", _STRINGS), ("n_authors", pa.int32())]),
    "authorships": pa.schema([
        ("source", pa.string()), ("source_id", pa.string()), ("position", pa.int32()),
        ("name", pa.string()), ("orcid", pa.string()), ("is_corresponding", pa.bool_()),
        ("n_affiliations", pa.int32())]),
    "affiliations": pa.schema([
        ("source", pa.string()), ("source_id", pa.string()), ("position", pa.int32()),
        ("seq", pa.int32()), ("raw", pa.string()), ("ror_ids", _STRINGS),
        ("country_codes", _STRINGS)]),
    "abstracts": pa.schema([
        ("source", pa.string()), ("source_id", pa.string()), ("abstract", pa.string())]),
}


class Store:
    """A DuckDB file (or ":memory:") holding the observatory's tables."""

    def __init__(self, path: str | Path = ":memory:", *, memory_limit: str = MEMORY_LIMIT):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        # DuckDB takes up to 80 % of the machine's memory by default; with a limit it spills
        # large joins and sorts to a folder beside the file instead.
        self.con = duckdb.connect(self.path, config={"memory_limit": memory_limit})
        for statement in DDL:
            self.con.execute(statement)
        self.con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                         [str(SCHEMA_VERSION)])

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- files -----------------------------------------------------------------------------

    def is_loaded(self, path: Path) -> bool:
        stat = path.stat()
        row = self.con.execute("SELECT size, mtime FROM files WHERE path = ?",
                               [str(path)]).fetchone()
        return row is not None and row[0] == stat.st_size and row[1] == stat.st_mtime

    @contextlib.contextmanager
    def loading(self, *, path: Path, source: str) -> Iterator["FileLoad"]:
        """One file's load: everything it writes commits together, or nothing does."""
        stat = path.stat()
        self.con.execute("BEGIN TRANSACTION")
        load = FileLoad(store=self, path=path, source=source)
        try:
            self.con.execute("DELETE FROM issues WHERE file = ?", [str(path)])
            yield load
            load.flush()
            self.con.execute(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
                [str(path), source, stat.st_size, stat.st_mtime, load.works, load.issues,
                 dt.datetime.now(dt.UTC).replace(tzinfo=None)])
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def append(self, table: str, rows: pa.Table) -> None:
        """Insert an Arrow table's rows into `table` in one statement (columns in order)."""
        if rows.num_rows == 0:
            return
        self.con.register("rows_to_append", rows)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM rows_to_append")  # noqa: S608
        finally:
            self.con.unregister("rows_to_append")

    def counts(self) -> dict[str, int]:
        return {table: self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("files", *RECORD_TABLES, "issues")}


class RowBuffer:
    """Rows of works for the record tables, gathered column by column, taken as Arrow tables."""

    def __init__(self, *, file: str):
        self.file = file
        self.works = 0
        self._columns = {table: {name: [] for name in schema.names}
                         for table, schema in ARROW_SCHEMAS.items()}

    def add(self, work: Work) -> None:
        self.works += 1
        works = self._columns["works"]
        for name, value in (
                ("source", work.source), ("source_id", work.source_id), ("file", self.file),
                ("location", work.location), ("title", work.title), ("year", work.year),
                ("doc_type", work.doc_type), ("doi", work.doi), ("pmid", work.pmid),
                ("venue", work.venue), ("language", work.language),
                ("cited_by_count", work.cited_by_count), ("fwci", work.fwci),
                ("is_oa", work.is_open_access), ("topics", list(work.topics)),
                ("mesh_terms", list(work.mesh_terms)), ("keywords", list(work.keywords)),
                ("n_authors", len(work.authorships))):
            works[name].append(value)
        authorships, affiliations = self._columns["authorships"], self._columns["affiliations"]
        for authorship in work.authorships:
            for name, value in (
                    ("source", work.source), ("source_id", work.source_id),
                    ("position", authorship.position), ("name", authorship.name),
                    ("orcid", authorship.orcid),
                    ("is_corresponding", authorship.is_corresponding),
                    ("n_affiliations", len(authorship.affiliations))):
                authorships[name].append(value)
            for seq, affiliation in enumerate(authorship.affiliations, start=1):
                for name, value in (
                        ("source", work.source), ("source_id", work.source_id),
                        ("position", authorship.position), ("seq", seq),
                        ("raw", affiliation.raw), ("ror_ids", list(affiliation.ror_ids)),
                        ("country_codes", list(affiliation.country_codes))):
                    affiliations[name].append(value)
        if work.abstract:
            abstracts = self._columns["abstracts"]
            abstracts["source"].append(work.source)
            abstracts["source_id"].append(work.source_id)
            abstracts["abstract"].append(work.abstract)

    def __len__(self) -> int:
        return len(self._columns["works"]["source"])

    def take(self) -> dict[str, pa.Table]:
        """The rows gathered since the last call, one Arrow table per record table."""
        tables = {}
        for table, columns in self._columns.items():
            tables[table] = pa.table(columns, schema=ARROW_SCHEMAS[table])
            for values in columns.values():
                values.clear()
        return tables


class FileLoad:
    """Buffers the rows of one file and writes them in Arrow batches."""

    def __init__(self, *, store: Store, path: Path, source: str, batch_size: int = 5000):
        self.store, self.path, self.source, self.batch_size = store, path, source, batch_size
        self.works = 0
        self.issues = 0
        self._buffer = RowBuffer(file=str(path))
        self._issue_rows: list[tuple[str, str, str, str, str]] = []

    def add(self, item: Work | ReadIssue) -> None:
        if isinstance(item, ReadIssue):
            self.issues += 1
            self._issue_rows.append((str(self.path), item.location, item.code,
                                     json.dumps(item.params, default=str), item.reason))
            return
        self.works += 1
        self._buffer.add(item)
        if len(self._buffer) >= self.batch_size:
            self.flush()

    def add_parquet(self, files: dict[str, str], *, works: int) -> None:
        """Rows another process wrote as Parquet files (one per record table, same columns)."""
        self.flush()
        con = self.store.con
        if works_file := files.get("works"):
            for table in RECORD_TABLES:
                con.execute(f"""DELETE FROM {table} WHERE (source, source_id) IN
                                (SELECT source, source_id FROM read_parquet(?))""",  # noqa: S608
                            [works_file])
        for table in RECORD_TABLES:
            if table in files:
                con.execute(f"INSERT INTO {table} SELECT * FROM read_parquet(?)",  # noqa: S608
                            [files[table]])
        self.works += works

    def flush(self) -> None:
        con = self.store.con
        tables = self._buffer.take()
        works = tables["works"]
        if works.num_rows:
            con.register("incoming_keys", works.select(["source", "source_id"]))
            for table in RECORD_TABLES:
                # A newer version of a record replaces the one loaded before.
                con.execute(f"""DELETE FROM {table} WHERE (source, source_id) IN
                                (SELECT source, source_id FROM incoming_keys)""")  # noqa: S608
            con.unregister("incoming_keys")
        for table, rows in tables.items():
            self.store.append(table, rows)
        if self._issue_rows:
            con.executemany("INSERT INTO issues VALUES (?, ?, ?, ?, ?)", self._issue_rows)
            self._issue_rows.clear()
