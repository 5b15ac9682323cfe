"""The observatory pages' reads: the DuckDB store, opened read-only, and the indicators on it.

The store is the file at settings.JUMELAGE_OBSERVATORY_DB, filled by `jumelage observatory
ingest` and `jumelage observatory index`. Every read opens it read-only and closes it at once,
so that the command can write between two page views. Reports are cached under the file's
size and modification time: a new load changes both, and the next page view recomputes.
"""

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import ibis
import ibis.expr.types as ir
from django.conf import settings
from django.core.cache import cache

from jumelage.observatory.engine.indicators import Report, Scope, compute, copublications
from jumelage.observatory.engine.synthetic import marks

# The tables `jumelage observatory index` adds to those of the loaded records.
INDEX_TABLES = frozenset({"work_map", "institutions", "resolutions", "work_themes"})
RECORD_TABLES = frozenset({"works", "authorships", "affiliations"})
CACHE_SECONDS = 6 * 3600


class StoreUnavailable(Exception):
    """The store cannot give figures. `reason`: missing, not_indexed, busy or unreadable."""

    def __init__(self, reason: str, *, path: Path, detail: str = ""):
        super().__init__(f"{reason}: {path} {detail}".strip())
        self.reason, self.path, self.detail = reason, path, detail


def store_path() -> Path:
    return Path(settings.JUMELAGE_OBSERVATORY_DB)


def _fingerprint(path: Path) -> str:
    parts = [str(path.resolve())]
    for candidate in (path, path.with_name(path.name + ".wal")):
        if candidate.exists():
            stat = candidate.stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:24]


@contextlib.contextmanager
def _connect() -> Iterator[duckdb.DuckDBPyConnection]:
    path = store_path()
    if not path.is_file():
        raise StoreUnavailable("missing", path=path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        reason = "busy" if "lock" in str(exc).lower() else "unreadable"
        raise StoreUnavailable(reason, path=path, detail=str(exc)) from exc
    except duckdb.Error as exc:
        raise StoreUnavailable("unreadable", path=path, detail=str(exc)) from exc
    try:
        tables = {name for (name,) in con.execute(
            "SELECT table_name FROM information_schema.tables").fetchall()}
        if not tables >= RECORD_TABLES:
            raise StoreUnavailable("unreadable", path=path,
                                   detail="not an observatory store")
        if not tables >= INDEX_TABLES:
            raise StoreUnavailable("not_indexed", path=path)
        yield con
    finally:
        con.close()


def _cached(key: str, compute_value):
    path = store_path()
    if not path.is_file():
        raise StoreUnavailable("missing", path=path)
    full_key = f"observatory:{_fingerprint(path)}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = compute_value()
        cache.set(full_key, value, CACHE_SECONDS)
    return value


def _scope_key(scope: Scope) -> str:
    return hashlib.sha256(repr(scope).encode()).hexdigest()[:24]


# --- the report ------------------------------------------------------------------------------

@dataclass(frozen=True)
class SyntheticCounts:
    """How many of the scope's works are synthetic demo records (engine.synthetic.marks)."""

    works: int = 0  # works in the scope
    copublications: int = 0
    copublications_by_year: dict[str, int] | None = None

    @property
    def any(self) -> bool:
        return self.works > 0


@dataclass(frozen=True)
class ReportData:
    report: Report
    # ORCID iD -> the name the sources give most often for it (top co-authors are keyed by
    # ORCID when they have one).
    orcid_names: dict[str, str]
    synthetic: SyntheticCounts = SyntheticCounts()
    works_in_scope: int = 0


def is_synthetic_expr(table: ir.Table) -> ir.BooleanValue:
    """Ibis: whether each row (with source and source_id) is a synthetic demo record."""
    return ((table.source == marks.SOURCE) & (table.source_id.length() == 11)
            & table.source_id.re_search("^W9[0-9]{9}$"))


def _synthetic_counts(backend, scope: Scope) -> tuple[SyntheticCounts, int]:
    found = copublications(backend, scope)
    scoped = int(found.scoped.count().to_pyarrow().as_py())
    synthetic = found.scoped.filter(is_synthetic_expr(found.scoped))
    works = int(synthetic.count().to_pyarrow().as_py())
    if not works:
        return SyntheticCounts(), scoped
    co = found.works.filter(is_synthetic_expr(found.works))
    by_year = co.group_by("year").aggregate(n=co.work_id.nunique()).to_pyarrow().to_pylist()
    years = {str(row["year"]): int(row["n"]) for row in by_year if row["year"] is not None}
    return SyntheticCounts(works=works, copublications=int(co.count().to_pyarrow().as_py()),
                           copublications_by_year=dict(sorted(years.items()))), scoped


def report(*, scope: Scope) -> ReportData:
    """The indicators of `scope` (cached until the store changes), with how many of its
    works are synthetic demo records."""

    def compute_value() -> ReportData:
        with _connect() as con:
            backend = ibis.duckdb.from_connection(con)
            result = compute(backend, scope)
            orcids = [row["author"] for row in result.top_coauthors
                      if _looks_like_orcid(row["author"])]
            synthetic, scoped = _synthetic_counts(backend, scope)
            return ReportData(report=result, orcid_names=_orcid_names(con, orcids),
                              synthetic=synthetic, works_in_scope=scoped)

    return _cached(f"report:{_scope_key(scope)}", compute_value)


def network(*, scope: Scope, kind: str):
    """The network of institutions or of authors of the scope's co-publications (a networkx
    graph with its centralities; cached until the store changes)."""
    from jumelage.observatory.engine import networks

    def compute_value():
        with _connect() as con:
            backend = ibis.duckdb.from_connection(con)
            if kind == "institutions":
                return networks.institution_network(backend, scope)
            return networks.author_network(backend, scope)

    return _cached(f"network:{kind}:{_scope_key(scope)}", compute_value)


def theme_codes() -> list[str]:
    """The themes the index found in at least one work."""

    def compute_value() -> list[str]:
        with _connect() as con:
            return [code for (code,) in con.execute(
                "SELECT DISTINCT theme FROM work_themes ORDER BY theme").fetchall()]

    return _cached("themes", compute_value)


def _looks_like_orcid(value: str | None) -> bool:
    return bool(value) and len(value) == 19 and value[4] == "-" and value[:4].isdigit()


def _orcid_names(con, orcids: list[str]) -> dict[str, str]:
    if not orcids:
        return {}
    rows = con.execute("""
        SELECT orcid, name FROM (
            SELECT orcid, name, row_number() OVER (
                PARTITION BY orcid ORDER BY count(*) DESC, name) AS rank
            FROM authorships WHERE orcid IN (SELECT unnest(?)) GROUP BY orcid, name)
        WHERE rank = 1""", [orcids]).fetchall()
    return dict(rows)


# --- the drill-down: the co-publications themselves -------------------------------------------

@dataclass(frozen=True)
class WorkRow:
    work_id: str
    title: str
    year: int | None
    doi: str | None
    venue: str | None
    doc_type: str | None
    institutions: dict[str, list[str]]  # side code -> ROR ids of the side's institutions
    synthetic: bool = False  # a synthetic demo record (engine.synthetic.marks)

    @property
    def doi_url(self) -> str:
        if not self.doi:
            return ""
        return self.doi if self.doi.startswith("http") else f"https://doi.org/{self.doi}"


@dataclass(frozen=True)
class _WorkQueries:
    """The drill-down's SQL, compiled once per scope: Ibis takes longer to compile these
    expressions than DuckDB takes to run them."""

    works: str  # work_id, title, year, doi, venue, doc_type, synthetic of each co-publication
    places: dict[str, str]  # side code -> (work_id, ror_id) of the side's institutions


def _work_queries(con: duckdb.DuckDBPyConnection, scope: Scope) -> _WorkQueries:
    def compile_queries() -> _WorkQueries:
        found = copublications(ibis.duckdb.from_connection(con), scope)
        co_rep, sides = found.works, found.sides
        works = co_rep.select("work_id", "title", "year", "doi", "venue", "doc_type",
                              synthetic=is_synthetic_expr(co_rep))
        places = {code: ibis.to_sql(rows.filter(rows.ror_id.notnull()).select(
                      "work_id", "ror_id").distinct())
                  for code, rows in sides.items()}
        return _WorkQueries(works=ibis.to_sql(works), places=places)

    return _cached(f"works-sql:{_scope_key(scope)}", compile_queries)


def _work_rows(con: duckdb.DuckDBPyConnection, scope: Scope, *, offset: int = 0,
               limit: int | None = None) -> list[WorkRow]:
    queries = _work_queries(con, scope)
    sql = (f"SELECT * FROM ({queries.works}) ORDER BY year DESC NULLS LAST, "  # noqa: S608 - compiled by Ibis
           "title NULLS LAST, work_id")
    params: list = []
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [limit, offset]
    cursor = con.execute(sql, params)
    columns = [column[0] for column in cursor.description]
    rows = [dict(zip(columns, values, strict=True)) for values in cursor.fetchall()]
    ids = [row["work_id"] for row in rows]
    by_work: dict[str, dict[str, list[str]]] = {}
    for code, places in queries.places.items():
        found = con.execute(
            f"SELECT work_id, ror_id FROM ({places}) WHERE work_id IN (SELECT unnest(?)) "  # noqa: S608 - compiled by Ibis
            "ORDER BY work_id, ror_id", [ids]).fetchall()
        for work_id, ror_id in found:
            by_work.setdefault(work_id, {}).setdefault(code, []).append(ror_id)
    return [WorkRow(work_id=r["work_id"], title=r["title"] or "", year=r["year"], doi=r["doi"],
                    venue=r["venue"], doc_type=r["doc_type"], synthetic=bool(r["synthetic"]),
                    institutions={code: by_work.get(r["work_id"], {}).get(code, [])
                                  for code in scope.sides})
            for r in rows]


class WorkList:
    """The co-publications of a scope as a sequence a Paginator can page through: it counts
    them in one query and reads only the requested slice."""

    def __init__(self, con: duckdb.DuckDBPyConnection, scope: Scope, *,
                 count: int | None = None):
        self.con, self.scope = con, scope
        self._count = count

    def count(self) -> int:
        if self._count is None:
            works = _work_queries(self.con, self.scope).works
            self._count = self.con.execute(
                f"SELECT count(*) FROM ({works})").fetchone()[0]  # noqa: S608 - compiled by Ibis
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("WorkList takes slices only")
        start = key.start or 0
        stop = self.count() if key.stop is None else key.stop
        if stop <= start:
            return []
        return _work_rows(self.con, self.scope, offset=start, limit=stop - start)


@contextlib.contextmanager
def work_list(*, scope: Scope, count: int | None = None) -> Iterator[WorkList]:
    """The scope's co-publications, newest first, readable while the block runs. `count`,
    when known (the report's number of co-publications), saves counting them again."""
    with _connect() as con:
        yield WorkList(con, scope, count=count)


def all_works(*, scope: Scope) -> list[WorkRow]:
    """Every co-publication of the scope, newest first (for the export)."""
    with _connect() as con:
        return _work_rows(con, scope)


# --- outputs of funded projects ----------------------------------------------------------------

@dataclass(frozen=True)
class KnownWork:
    """A DOI reported by a funded project, as the observatory knows it."""

    doi: str
    title: str
    year: int | None
    copublication: bool  # at least one address on each side (the report's definition)


def works_by_doi(dois: list[str], *, sides: tuple[str, str] = ("ARA", "QC")
                 ) -> dict[str, KnownWork]:
    """The works the observatory holds among these (normalised) DOIs, each marked when it is a
    co-publication between the two sides. DOIs it does not hold are absent. Raises
    StoreUnavailable like the report pages."""
    if not dois:
        return {}
    with _connect() as con:
        queries = _work_queries(con, Scope(sides=sides))
        copublished = {doi for (doi,) in con.execute(
            f"SELECT doi FROM ({queries.works}) WHERE doi IN (SELECT unnest(?))",  # noqa: S608 - compiled by Ibis
            [list(dois)]).fetchall()}
        rows = con.execute(
            "SELECT doi, min(title), min(year) FROM works WHERE doi IN (SELECT unnest(?)) "
            "GROUP BY doi ORDER BY doi", [list(dois)]).fetchall()
    return {doi: KnownWork(doi=doi, title=title or "", year=year,
                           copublication=doi in copublished) for doi, title, year in rows}
