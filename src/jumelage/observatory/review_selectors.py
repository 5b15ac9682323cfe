"""Reads of the affiliation review queue: the strings the matcher left unresolved in the store,
the matcher's candidates for them, and the corrections staff have made.

The store is the DuckDB file of `JUMELAGE_OBSERVATORY_DB`, opened read-only for the length of
one read: the web pages never write to it (`observatory index` does, with
`services.apply_corrections_to_store`).
"""

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from django.conf import settings
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from jumelage.core.text import fold
from jumelage.directory.identifiers import normalize_ror
from jumelage.directory.models import Institution
from jumelage.directory.selectors import search_institutions
from jumelage.observatory.engine.matching import Matcher, Registry, correction_key
from jumelage.observatory.engine.matching.places import parse_place
from jumelage.observatory.models import AffiliationCorrection
from jumelage.observatory.selectors import institution_records
from jumelage.observatory.services import CORRECTION_METHOD

SEARCH_LIMIT = 20  # institutions shown for a search of the directory
REGISTRY_TTL = 300  # seconds a registry built from the directory is reused


class StoreUnavailable(Exception):
    """The store cannot be read now; `message` tells staff what to do."""

    MESSAGES = {
        "missing": _("The observatory has no data yet: load publications with `jumelage "
                     "observatory ingest`, then run `jumelage observatory index`."),
        "not_indexed": _("The affiliations have not been resolved yet: run `jumelage "
                         "observatory index`."),
        "busy": _("The observatory’s data are being updated (`jumelage observatory` is "
                  "running): try again in a few minutes."),
    }

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(self.MESSAGES[self.code])


@contextlib.contextmanager
def read_store(path: str | Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the store; StoreUnavailable when it cannot be read."""
    path = Path(path or settings.JUMELAGE_OBSERVATORY_DB)
    if not path.exists():
        raise StoreUnavailable("missing")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except (duckdb.IOException, duckdb.ConnectionException) as exc:
        raise StoreUnavailable("busy") from exc  # `observatory` holds the write lock
    try:
        if not {"affiliations", "resolutions"} <= _tables(con):
            raise StoreUnavailable("not_indexed")
        yield con
    finally:
        con.close()


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'").fetchall()}


# --- the queue -----------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueEntry:
    """An affiliation string the matcher left unresolved, and how many works use it."""

    raw: str
    works: int
    countries: tuple[str, ...] = ()  # given by the sources, or written at the end of the string


def written_countries(raw: str) -> frozenset[str]:
    """The countries named by the last comma part: "…, Lyon, France" -> {"FR"}; a Canadian
    postal code or a province counts ("…, Montréal, QC H3T 1J4" -> {"CA"})."""
    last = raw.rsplit(",", 1)[-1]
    return frozenset(parse_place(last, city_keys={}, city_max=0).countries)


def _queue_sql(tables: set[str], *, one: bool = False) -> str:
    work = ("coalesce(m.work_id, a.source || ':' || a.source_id)" if "work_map" in tables
            else "a.source || ':' || a.source_id")
    join = ("LEFT JOIN work_map m ON m.source = a.source AND m.source_id = a.source_id"
            if "work_map" in tables else "")
    # The pending strings: every answer of the matcher was an abstention ($method: the
    # corrections' method, whose abstentions are decisions, not questions).
    pending = "" if one else """
        JOIN (SELECT raw FROM resolutions GROUP BY raw
              HAVING count(ror_id) = 0 AND NOT bool_or(coalesce(method, '') = $method)) p
          ON p.raw = a.raw"""
    where = "AND a.raw = $raw" if one else ""
    return f"""
        SELECT a.raw, count(DISTINCT {work}) AS works,
               list_distinct(flatten(list(a.country_codes))) AS countries
        FROM affiliations a {pending} {join}
        WHERE len(a.ror_ids) = 0 AND a.raw <> '' {where}
        GROUP BY a.raw
        ORDER BY works DESC, a.raw"""  # noqa: S608 - no value is interpolated


def _entry(raw: str, works: int, given: list[str] | None) -> QueueEntry:
    countries = {code.upper() for code in given or () if code} | written_countries(raw)
    return QueueEntry(raw=raw, works=int(works), countries=tuple(sorted(countries)))


_pending_lock = threading.Lock()
_pending_cache: dict = {}


def _store_fingerprint(path: Path) -> tuple:
    """Changes whenever DuckDB writes the file or its write-ahead log."""
    stats = []
    for name in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            stat = name.stat()
            stats.append((str(name), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


def _pending(path: Path) -> list[tuple[QueueEntry, str]]:
    """Every string the matcher abstained on, with its correction key, most used first.

    Reading them is one aggregation over the store's affiliations (seconds on millions of
    rows), so the list is kept in memory until the store's file changes: the pages then
    filter it in Python. While `observatory` writes to the store, the list read before is
    served.
    """
    fingerprint = _store_fingerprint(path)
    with _pending_lock:
        cached = dict(_pending_cache)
    if cached.get("fingerprint") == fingerprint and fingerprint:
        return cached["rows"]
    try:
        with read_store(path) as con:
            rows = con.execute(_queue_sql(_tables(con)),
                               {"method": CORRECTION_METHOD}).fetchall()
    except StoreUnavailable as exc:
        if exc.code == "busy" and cached.get("path") == str(path):
            return cached["rows"]
        raise
    pending = [(_entry(raw, works, given), correction_key(raw)) for raw, works, given in rows]
    with _pending_lock:
        _pending_cache.update(fingerprint=fingerprint, path=str(path), rows=pending)
    return pending


def clear_queue_cache() -> None:
    with _pending_lock:
        _pending_cache.clear()


def review_queue(*, query: str = "", country: str = "",
                 path: str | Path | None = None) -> list[QueueEntry]:
    """The distinct strings the matcher abstained on and no correction covers yet, most used
    first (then alphabetically). `query`: words that must all appear, accents and case aside;
    `country`: an ISO code given by a source or written at the end of the string."""
    corrected = set(AffiliationCorrection.objects.order_by().values_list("key", flat=True))
    terms = fold(query).split()
    country = country.strip().upper()
    pending = _pending(Path(path or settings.JUMELAGE_OBSERVATORY_DB))
    return [entry for entry, key in pending
            if key not in corrected
            and all(term in key for term in terms)
            and (not country or country in entry.countries)]


def queue_entry(*, raw: str, path: str | Path | None = None) -> QueueEntry:
    """How many works use `raw` (0 when the store does not have it) and its countries."""
    with read_store(path) as con:
        row = con.execute(_queue_sql(_tables(con), one=True), {"raw": raw}).fetchone()
    return _entry(*row) if row else _entry(raw, 0, [])


# --- the matcher's candidates ---------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    institution: Institution
    score: float
    reason: str  # the matcher's code: why it was ruled out, or what matched when `found`
    found: bool = False  # the matcher, with today's directory, accepts it


@dataclass(frozen=True)
class Review:
    """What the matcher says about one string: its abstention reason and its candidates."""

    reason: str  # a key of matching.REASONS, "found" when it now finds institutions
    proposals: list[Proposal] = field(default_factory=list)


_registry_lock = threading.Lock()
_registry_cache: dict = {}


def clear_registry_cache() -> None:
    with _registry_lock:
        _registry_cache.clear()


def _registry() -> Registry | None:
    """The matcher's registry built from the directory, reused while the directory's
    institutions with a ROR id keep their number and newest id, for REGISTRY_TTL seconds at
    most (an edited name shows within that time)."""
    stats = Institution.objects.exclude(ror_id=None).aggregate(n=Count("pk"), last=Max("pk"))
    fingerprint = (stats["n"], stats["last"])
    now = time.monotonic()
    with _registry_lock:
        if (_registry_cache.get("fingerprint") == fingerprint
                and now - _registry_cache["built"] < REGISTRY_TTL):
            return _registry_cache["registry"]
    records = institution_records() if stats["n"] else []
    registry = Registry(records) if records else None
    with _registry_lock:
        _registry_cache.update(fingerprint=fingerprint, built=now, registry=registry)
    return registry


def review_matcher() -> Matcher | None:
    """The matcher as `observatory index` builds it: the directory and the corrections.
    None when the directory has no institution with a ROR id."""
    registry = _registry()
    if registry is None:
        return None
    return Matcher(registry, corrections=corrections_for_matcher())


def reviews(*, raws: Iterable[str], matcher: Matcher | None) -> dict[str, Review]:
    """The matcher's answer for each string: the institutions it finds now, or the best
    candidates it ruled out and why. One query for the institutions of all the strings."""
    raws = list(raws)
    if matcher is None:
        return {raw: Review(reason="no-candidate") for raw in raws}
    answers: dict[str, tuple[str, list[tuple[str, float, str, bool]]]] = {}
    for raw in raws:
        found = matcher.match_all(raw)
        if found:
            answers[raw] = ("found", [(m.ror_id, m.confidence, m.reason, True) for m in found
                                      if m.ror_id])
        else:
            abstention = matcher.match(raw)
            answers[raw] = (abstention.reason, [(c.ror_id, c.score, c.reason, False)
                                                for c in abstention.candidates])
    ror_ids = {ror_id for _reason, items in answers.values() for ror_id, *_rest in items}
    institutions = {i.ror_id: i for i in Institution.objects.filter(
        ror_id__in=ror_ids).select_related("pole")} if ror_ids else {}
    return {raw: Review(reason=reason, proposals=[
        Proposal(institution=institutions[ror_id], score=round(score, 2), reason=why,
                 found=found)
        for ror_id, score, why, found in items if ror_id in institutions])
        for raw, (reason, items) in answers.items()}


def find_institutions(*, text: str) -> list[Institution]:
    """Institutions of the directory with a ROR id, by ROR id (with or without
    https://ror.org/) or by words of their names, acronym, city or other names."""
    text = text.strip()
    if not text:
        return []
    ror_id = normalize_ror(text)
    if ror_id:
        return list(Institution.objects.filter(ror_id=ror_id).select_related("pole"))
    return list(search_institutions(query=text).exclude(ror_id=None)[:SEARCH_LIMIT])


# --- the corrections ------------------------------------------------------------------------

def corrections_for_matcher() -> dict[str, str | None]:
    """Every correction as the Matcher takes them: correction key -> ROR id, or None for
    "no institution of the registry"."""
    return dict(AffiliationCorrection.objects.order_by().values_list("key", "ror_id"))
