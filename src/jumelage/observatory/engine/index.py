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
import re
import unicodedata
from collections.abc import Callable, Iterable
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
        raw VARCHAR, ror_id VARCHAR, confidence DOUBLE, method VARCHAR)""",
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
    """Group the records of each work across sources and pick its representative record."""
    con = store.con
    for statement in DDL:
        if "work_map" in statement:
            con.execute(statement)
    rows = con.execute("""
        SELECT w.source, w.source_id, w.doi, w.pmid, w.title, w.year, coalesce(a.n, 0)
        FROM works w LEFT JOIN (SELECT source, source_id, count(*) AS n FROM affiliations
                                GROUP BY source, source_id) a USING (source, source_id)
        ORDER BY w.source, w.source_id""").fetchall()
    links = _UnionFind()
    first_with: dict[tuple[str, str], int] = {}
    for index, (_source, _sid, doi, pmid, title, year, _n) in enumerate(rows):
        keys = []
        if doi:
            keys.append(("doi", doi))
        if pmid:
            keys.append(("pmid", pmid))
        tkey = title_key(title)
        if len(tkey) >= MIN_TITLE_KEY and year:
            keys.append(("title", f"{tkey}|{year}"))
        for key in keys:
            if key in first_with:
                links.union(index, first_with[key])
            else:
                first_with[key] = index
    groups: dict[int, list[int]] = {}
    for index in range(len(rows)):
        groups.setdefault(links.find(index), []).append(index)
    source_rank = {name: rank for rank, name in enumerate(SOURCE_PRIORITY)}
    out = {"source": [], "source_id": [], "work_id": [], "representative": []}
    for members in groups.values():
        best = min(members, key=lambda i: (-rows[i][6], source_rank.get(rows[i][0], 99),
                                           rows[i][1]))
        work_id = f"{rows[best][0]}:{rows[best][1]}"
        for i in members:
            out["source"].append(rows[i][0])
            out["source_id"].append(rows[i][1])
            out["work_id"].append(work_id)
            out["representative"].append(i == best)
    table = pa.table(out, schema=pa.schema([("source", pa.string()), ("source_id", pa.string()),
                                            ("work_id", pa.string()),
                                            ("representative", pa.bool_())]))
    store.append("work_map", table)
    return DedupeReport(records=len(rows), works=len(groups))


def ensure_tables(store: Store) -> None:
    for statement in DDL:
        if "work_map" in statement or "work_themes" in statement:
            statement = statement.replace("CREATE OR REPLACE TABLE", "CREATE TABLE IF NOT EXISTS")
        store.con.execute(statement)


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
                               ("confidence", pa.float64()), ("method", pa.string())])


@dataclass(frozen=True)
class Resolution:
    ror_id: str
    confidence: float
    method: str


def resolve_affiliations(store: Store,
                         resolve: Callable[[str], list[Resolution]]) -> tuple[int, int]:
    """Run `resolve` on every affiliation string that has no ROR id from its source and no
    resolution yet. Returns (strings looked at, strings resolved); an empty answer (the
    matcher abstained) is remembered too, so a string is looked at once."""
    ensure_tables(store)
    pending = [raw for (raw,) in store.con.execute("""
        SELECT DISTINCT a.raw FROM affiliations a
        WHERE len(a.ror_ids) = 0 AND a.raw <> ''
          AND a.raw NOT IN (SELECT raw FROM resolutions)""").fetchall()]
    columns: dict[str, list] = {name: [] for name in RESOLUTION_SCHEMA.names}

    def add(raw: str, ror_id: str | None, confidence: float, method: str) -> None:
        for name, value in zip(RESOLUTION_SCHEMA.names, (raw, ror_id, confidence, method),
                               strict=True):
            columns[name].append(value)

    resolved = 0
    for raw in pending:
        found = resolve(raw)
        if found:
            resolved += 1
            for r in found:
                add(raw, r.ror_id, r.confidence, r.method)
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
