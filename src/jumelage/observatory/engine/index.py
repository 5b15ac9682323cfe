"""After ingestion: merge duplicates across sources, resolve affiliations, attribute themes.

Each step writes one table of the store and can be run again at any time:
- `work_map`: (source, source_id) -> work_id, the same id for the records of one work found in
  several sources (same DOI, else same PMID, else same normalised title and year), and which
  record represents the work in the indicators (the one with the most affiliations, then by
  source: OpenAlex, PubMed, Crossref, Scopus, Web of Science, Lens);
- `resolutions`: affiliation strings without a ROR id -> the institutions a matcher found;
- `institutions`: the registry's institutions with their country, region and pole;
- `work_themes`: the partnership's themes of each work, from an editable rule file.
"""

import contextlib
import csv
import multiprocessing
import re
import unicodedata
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from jumelage.observatory.engine.store import Store

SOURCE_PRIORITY = ("openalex", "pubmed", "crossref", "scopus", "wos", "lens")
MIN_TITLE_KEY = 25  # shorter titles ("Editorial", "Reply") never merge on title alone

DDL = [
    """CREATE OR REPLACE TABLE work_map (
        source VARCHAR, source_id VARCHAR, work_id VARCHAR, representative BOOLEAN)""",
    """CREATE TABLE IF NOT EXISTS resolutions (
        raw VARCHAR, ror_id VARCHAR, confidence DOUBLE, method VARCHAR, country_code VARCHAR,
        region_code VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS institutions (
        ror_id VARCHAR PRIMARY KEY, name VARCHAR, country_code VARCHAR, region_code VARCHAR,
        pole VARCHAR, parent_ids VARCHAR[])""",
    """CREATE OR REPLACE TABLE work_themes (work_id VARCHAR, theme VARCHAR)""",
]


# Letters that compatibility decomposition keeps whole: "cœur" is "coeur", not "c ur".
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def title_key(title: str | None) -> str:
    """Lower case, no accents, letters and digits only: the same title from two sources."""
    if not title:
        return ""
    text = unicodedata.normalize("NFKD", title.translate(_LIGATURES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, item: int) -> int:
        root = item
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(item, item) != root:  # path compression
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


@dataclass(frozen=True)
class DedupeReport:
    records: int
    works: int

    @property
    def merged(self) -> int:
        return self.records - self.works


def build_work_map(store: Store) -> DedupeReport:
    """Group the records of each work across sources and pick its representative record.

    DuckDB finds, for each key (DOI, PMID, folded title with year), the first record that
    has it; only the records that share a key with an earlier one come to Python, where a
    union-find joins the chains (A shares a DOI with B, B a title with C). The rest stays in
    SQL, so memory does not grow with the number of records.
    """
    con = store.con
    for statement in DDL:
        if "work_map" in statement:
            con.execute(statement)
    register_fold(con)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE wm_records AS
        SELECT row_number() OVER (ORDER BY w.source, w.source_id) - 1 AS idx,
               w.source, w.source_id, w.doi, w.pmid, w.year,
               CASE WHEN w.year IS NOT NULL AND w.year <> 0 THEN jf_fold(w.title) END AS tkey,
               coalesce(a.n, 0) AS n
        FROM works w LEFT JOIN (SELECT source, source_id, count(*) AS n FROM affiliations
                                GROUP BY source, source_id) a USING (source, source_id)""")
    edges = con.execute("""
        WITH keys AS (
            SELECT idx, 'doi|' || doi AS k FROM wm_records WHERE doi <> ''
            UNION ALL SELECT idx, 'pmid|' || pmid FROM wm_records WHERE pmid <> ''
            UNION ALL SELECT idx, 'title|' || tkey || '|' || year FROM wm_records
                      WHERE length(tkey) >= $min_title
        ), firsts AS (SELECT k, min(idx) AS first FROM keys GROUP BY k HAVING count(*) > 1)
        SELECT DISTINCT keys.idx, firsts.first FROM keys JOIN firsts USING (k)
        WHERE keys.idx <> firsts.first""", {"min_title": MIN_TITLE_KEY}).fetchall()
    links = _UnionFind()
    for idx, first in edges:
        links.union(idx, first)
    roots = sorted({idx for edge in edges for idx in edge})
    con.register("wm_roots", pa.table({"idx": pa.array(roots, pa.int64()),
                                       "root": pa.array([links.find(i) for i in roots],
                                                        pa.int64())}))
    rank = "CASE source " + " ".join(
        f"WHEN '{name}' THEN {position}" for position, name in enumerate(SOURCE_PRIORITY)
    ) + " ELSE 99 END"
    try:
        con.execute(f"""
            INSERT INTO work_map
            WITH grouped AS (
                SELECT r.source, r.source_id, r.n, coalesce(g.root, r.idx) AS root
                FROM wm_records r LEFT JOIN wm_roots g USING (idx)
            ), ranked AS (
                SELECT *, row_number() OVER (PARTITION BY root ORDER BY n DESC, {rank},
                                                                      source_id) AS place
                FROM grouped
            )
            SELECT source, source_id,
                   first(source || ':' || source_id ORDER BY place) OVER (PARTITION BY root),
                   place = 1
            FROM ranked""")  # noqa: S608
    finally:
        con.unregister("wm_roots")
    records, works = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE representative) FROM work_map").fetchone()
    con.execute("DROP TABLE wm_records")
    return DedupeReport(records=records, works=works)


def ensure_tables(store: Store) -> None:
    for statement in DDL:
        if "work_map" in statement or "work_themes" in statement:
            statement = statement.replace("CREATE OR REPLACE TABLE", "CREATE TABLE IF NOT EXISTS")
        store.con.execute(statement)
    # Stores indexed before the place columns existed.
    for column in ("country_code", "region_code"):
        store.con.execute(f"ALTER TABLE resolutions ADD COLUMN IF NOT EXISTS {column} VARCHAR")


def load_institutions(store: Store, institutions: Iterable[dict]) -> int:
    """Replace the registry: dicts with ror_id, name, country_code, region_code, pole and
    parent_ids (region codes such as ARA and QC; poles such as clara and oncopole)."""
    ensure_tables(store)
    rows = [{"ror_id": i["ror_id"], "name": i.get("name", ""),
             "country_code": (i.get("country_code") or "").upper() or None,
             "region_code": (i.get("region_code") or "").upper() or None,
             "pole": i.get("pole") or None, "parent_ids": list(i.get("parent_ids") or ())}
            for i in institutions]
    store.con.execute("DELETE FROM institutions")
    if rows:
        table = pa.Table.from_pylist(rows, schema=pa.schema([
            ("ror_id", pa.string()), ("name", pa.string()), ("country_code", pa.string()),
            ("region_code", pa.string()), ("pole", pa.string()),
            ("parent_ids", pa.list_(pa.string()))]))
        store.append("institutions", table)
    return len(rows)


RESOLUTION_SCHEMA = pa.schema([("raw", pa.string()), ("ror_id", pa.string()),
                               ("confidence", pa.float64()), ("method", pa.string()),
                               ("country_code", pa.string()), ("region_code", pa.string())])
PLACE_METHOD = "place"  # no institution, but the country (and region) the address names


@dataclass(frozen=True)
class Resolution:
    ror_id: str | None
    confidence: float
    method: str
    country_code: str | None = None
    region_code: str | None = None


class MatcherResolve:
    """`resolve` for `resolve_affiliations` from a matcher (picklable, for `jobs` > 1)."""

    def __init__(self, matcher) -> None:
        self.matcher = matcher

    def __call__(self, raw: str) -> list[Resolution]:
        found = [Resolution(ror_id=m.ror_id, confidence=m.confidence, method=m.reason)
                 for m in self.matcher.match_all(raw)]
        if found:
            return found
        country, region = self.matcher.place(raw)
        if country is None:
            return []
        return [Resolution(ror_id=None, confidence=0.0, method=PLACE_METHOD,
                           country_code=country, region_code=region)]


_worker_resolve: Callable[[str], list[Resolution]] | None = None


def _init_worker(resolve: Callable[[str], list[Resolution]]) -> None:
    global _worker_resolve  # one resolver per worker process
    _worker_resolve = resolve


def _resolve_chunk(chunk: list[str]) -> list[list[Resolution]]:
    return [_worker_resolve(raw) for raw in chunk]


RESOLVE_CHUNK = 2000


def resolve_affiliations(store: Store, resolve: Callable[[str], list[Resolution]], *,
                         jobs: int = 1, chunk: int = RESOLVE_CHUNK) -> tuple[int, int]:
    """Run `resolve` on every affiliation string that has no ROR id from its source and no
    resolution yet. Returns (strings looked at, strings resolved to an institution); an empty
    answer (the matcher abstained) is remembered too, so a string is looked at once, and so
    is an answer that names only a place (ror_id None, method "place": the country and region
    the address names, which the indicators count for country and region sides).

    With `jobs` above 1, that many processes share the strings (`resolve` must then be
    picklable, such as `MatcherResolve`); the rows written are the same.
    """
    ensure_tables(store)
    pending = [raw for (raw,) in store.con.execute("""
        SELECT DISTINCT a.raw FROM affiliations a
        WHERE len(a.ror_ids) = 0 AND a.raw <> ''
          AND a.raw NOT IN (SELECT raw FROM resolutions)
        ORDER BY a.raw""").fetchall()]
    columns: dict[str, list] = {name: [] for name in RESOLUTION_SCHEMA.names}

    def add(raw: str, ror_id: str | None, confidence: float, method: str,
            country_code: str | None = None, region_code: str | None = None) -> None:
        for name, value in zip(RESOLUTION_SCHEMA.names, (raw, ror_id, confidence, method,
                                                         country_code, region_code),
                               strict=True):
            columns[name].append(value)

    if jobs > 1 and len(pending) > chunk:
        chunks = [pending[i:i + chunk] for i in range(0, len(pending), chunk)]
        with ProcessPoolExecutor(max_workers=jobs,
                                 mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=(resolve,)) as pool:
            answers = [found for part in pool.map(_resolve_chunk, chunks) for found in part]
    else:
        answers = map(resolve, pending)
    resolved = 0
    for raw, found in zip(pending, answers, strict=False):
        if found:
            resolved += any(r.ror_id for r in found)
            for r in found:
                add(raw, r.ror_id, r.confidence, r.method, r.country_code, r.region_code)
        else:
            add(raw, None, 0.0, "abstained")
    # One Arrow batch: row-by-row inserts took two thirds of the pipeline's time at 1M works.
    store.append("resolutions", pa.table(columns, schema=RESOLUTION_SCHEMA))
    return len(pending), resolved


# --- themes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ThemeRule:
    theme: str
    field: str  # topic, mesh, keyword, title or any
    pattern: str  # folded words that must all appear, or a regular expression between /…/

    @property
    def is_regex(self) -> bool:
        return self.pattern.startswith("/") and self.pattern.endswith("/") and len(
            self.pattern) > 2


def read_theme_rules(path: Path) -> list[ThemeRule]:
    """The rule file: CSV with columns theme, field, pattern (comment lines start with #)."""
    with path.open(encoding="utf-8") as handle:
        lines = (line for line in handle if line.strip() and not line.lstrip().startswith("#"))
        return [ThemeRule(theme=row["theme"].strip(), field=row["field"].strip(),
                          pattern=row["pattern"].strip())
                for row in csv.DictReader(lines)]


def _matches(rule: ThemeRule, text: str) -> bool:
    """The rule on one folded text, in Python (the reference; SQL does the same below)."""
    if rule.is_regex:
        return re.search(rule.pattern[1:-1], text) is not None
    return all(word in text for word in title_key(rule.pattern).split())


# title_key in SQL for the texts it can fold alike: ASCII and the Latin-1 letters, whose
# compatibility decomposition is a letter and accents (ß aside: casefold makes it "ss"; Æ
# and æ aside: title_key spells them out).
# Other texts go through title_key itself, registered as a Python function.
_SQL_FOLDABLE = (r"[\x{0000}-\x{007F}\x{00C0}-\x{00C5}\x{00C7}-\x{00DE}"
                 r"\x{00E0}-\x{00E5}\x{00E7}-\x{00FF}]*")
FOLD_FUNCTION = "jumelage_title_key"


def register_fold(con) -> None:
    """`jf_fold(text)` on `con`: title_key in SQL, with Python for the texts SQL cannot fold."""
    with contextlib.suppress(Exception):
        con.remove_function(FOLD_FUNCTION)
    con.create_function(FOLD_FUNCTION, title_key, ["VARCHAR"], "VARCHAR",
                        side_effects=False)
    con.execute(f"""CREATE OR REPLACE TEMP MACRO jf_fold(x) AS CASE
        WHEN x IS NULL THEN ''
        WHEN regexp_full_match(x, '{_SQL_FOLDABLE}')
        THEN trim(regexp_replace(lower(strip_accents(x)), '[^0-9a-z]+', ' ', 'g'))
        ELSE {FOLD_FUNCTION}(x) END""")


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_condition(con, rule: ThemeRule, column: str) -> str:
    if rule.is_regex:
        pattern = rule.pattern[1:-1]
        try:
            con.execute("SELECT regexp_matches('', ?)", [pattern])
        except duckdb.Error:  # a pattern RE2 does not take (lookaround, backreference)
            return f"jumelage_rule_search({_quote(pattern)}, {column})"
        return f"regexp_matches({column}, {_quote(pattern)})"
    words = title_key(rule.pattern).split()
    if not words:
        return "true"
    return "(" + " AND ".join(f"contains({column}, {_quote(w)})" for w in words) + ")"


def _rule_search(pattern: str, text: str) -> bool:
    return re.search(pattern, text) is not None


def attribute_themes(store: Store, rules: list[ThemeRule]) -> dict[str, int]:
    """Themes of each representative work; returns the number of works per theme.

    Computed inside DuckDB: the texts folded as title_key folds them, each rule a condition
    (its words as substrings, or its regular expression; one that DuckDB's RE2 does not take
    runs in Python). The same result as `_matches` on every work, without a row in Python.
    """
    ensure_tables(store)
    con = store.con
    con.execute("DELETE FROM work_themes")
    register_fold(con)
    with contextlib.suppress(Exception):
        con.remove_function("jumelage_rule_search")
    con.create_function("jumelage_rule_search", _rule_search, ["VARCHAR", "VARCHAR"],
                        "BOOLEAN", side_effects=False)
    columns = {"title": "f_title", "topic": "f_topic", "mesh": "f_mesh",
               "keyword": "f_keyword", "any": "f_any"}
    cases = [f"CASE WHEN {_sql_condition(con, rule, columns[rule.field])} "
             f"THEN {_quote(rule.theme)} END"
             for rule in rules if rule.field in columns]
    if cases:
        con.execute(f"""
            INSERT INTO work_themes
            WITH folded AS (
                SELECT m.work_id, jf_fold(w.title) AS f_title,
                       jf_fold(array_to_string(w.topics, ' | ')) AS f_topic,
                       jf_fold(array_to_string(w.mesh_terms, ' | ')) AS f_mesh,
                       jf_fold(array_to_string(w.keywords, ' | ')) AS f_keyword
                FROM work_map m JOIN works w USING (source, source_id)
                WHERE m.representative
            ), texts AS (
                SELECT *, concat_ws(' | ', f_title, f_topic, f_mesh, f_keyword) AS f_any
                FROM folded
            )
            SELECT DISTINCT work_id, theme
            FROM (SELECT work_id, unnest([{", ".join(cases)}]) AS theme FROM texts)
            WHERE theme IS NOT NULL
            ORDER BY work_id, theme""")  # noqa: S608
    return dict(con.execute("SELECT theme, count(*) FROM work_themes GROUP BY theme "
                            "ORDER BY theme").fetchall())
