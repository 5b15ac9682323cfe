"""A proposal: OpenAlex JSON Lines ingested inside DuckDB, into the same store tables and rows as
`ingest(source="openalex")` with the engine's Python reader (engine/readers/openalex.py).

The Python reader turns each record into dataclasses (2,400–3,000 works/s, one core); here
DuckDB reads the lines (`read_csv` with one column and a delimiter that JSON text never holds,
so that every line, blank ones too, keeps its number), parses them once (`from_json` with the
containers typed and the scalars kept as JSON) and computes every column in SQL, with the
same normalisation: ids, DOIs, PMIDs, ORCIDs and ROR ids, document types, ordered de-duplicated
lists, the affiliation rules (one affiliation per raw string with the institutions OpenAlex
linked to it, institutions without a string, countries alone), abstracts rebuilt from the
inverted index.

Exactness comes first, by construction: a line that SQL is not sure to map exactly as the
Python reader does goes to the Python reader itself, line by line (the same functions), in the
same transaction: a line that is not valid JSON for DuckDB or not an object, an API page or
array on one line, a work whose id is missing or unusable (these become the same issues), an
institution id or ROR value that is not a string, an abstract index whose positions are not
0…n-1, an old-schema `raw_affiliation_string` beside a `raw_affiliation_strings` that is null
or not a list. A whole file goes to the Python reader when it is not JSON Lines (a JSON document, an
API page, an array, a CSV export) or when DuckDB cannot read it (a corrupt gzip, bytes that are
not UTF-8, a line over 64 MB). Known differences left: a string whose only whitespace or
digits are non-ASCII Unicode ones (Python's `strip()`, `isdigit()` and `\\d` take them, SQL's
not), and an object with a duplicated key (Python keeps the last value, DuckDB the first).

Each file loads in one transaction with its row in `files`, as `ingest` does (`Store.loading`),
so runs resume the same way; rows of a record loaded before (same source and id) are replaced.

Measured (docs/performance.md, “Observatory pipeline”): the same rows as the Python reader at
10,000 to 1,000,000 synthetic works, 1.25–1.4 times as fast in wall time but with the same CPU
time (DuckDB's two threads do what the reader does on one core).

    from bench.observatory.fast_openalex import ingest_fast
    report = ingest_fast(store=store, paths=[snapshot_folder])   # an IngestReport
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jumelage.observatory.engine.ingest import (
    FileOutcome,
    IngestReport,
    _read_openalex,
    expand_paths,
)
from jumelage.observatory.engine.io import GZIP_MAGIC
from jumelage.observatory.engine.readers.openalex import (
    OPENALEX_TYPES,
    UnusableRecord,
    _first_line,
    _location,
    _openalex_page,
    _unwrapped,
    openalex_work,
)
from jumelage.observatory.engine.schema import ReadIssue, Work
from jumelage.observatory.engine.store import RECORD_TABLES, Store

SOURCE = "openalex"
MAX_LINE_BYTES = 64 * 2**20

# Python's str.strip() removes these (str.isspace()); SQL's trim() only the ones it is given.
_WHITESPACE = "".join(c for c in map(chr, range(0x3001)) if c.isspace())


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_TYPES_SQL = "CASE x " + " ".join(
    f"WHEN {_quote(k)} THEN {_quote(v)}" for k, v in OPENALEX_TYPES.items()) + " END"

# Macros: the reader's helpers (_text, _int, _float, _bool, _unique, normalize_*) in SQL, on
# scalar JSON values as `from_json(…, {"field": "JSON"})` returns them (minified; SQL NULL for
# null and for a missing key), so that their first character tells their JSON type. A macro
# is expanded where it is used: `fa_uniq` is only ever given a column, never an expression
# (inside its lambda the expression would be evaluated again for every element).
MACROS = [
    f"CREATE OR REPLACE TEMP MACRO fa_strip(s) AS trim(s, {_quote(_WHITESPACE)})",
    "CREATE OR REPLACE TEMP MACRO fa_is_str(j) AS coalesce(left(j, 1) = '\"', false)",
    # a JSON string's value: DuckDB writes JSON minified, with a backslash only for escapes
    "CREATE OR REPLACE TEMP MACRO fa_str(j) AS CASE WHEN left(j, 1) = '\"' THEN "
    "CASE WHEN contains(j::VARCHAR, '\\') THEN json_extract_string(j, '$') "
    "ELSE (j::VARCHAR)[2:-2] END END",
    "CREATE OR REPLACE TEMP MACRO fa_text(j) AS coalesce(fa_strip(fa_str(j)), '')",
    # _unique: non-empty values, first occurrence first
    "CREATE OR REPLACE TEMP MACRO fa_uniq(l) AS list_filter(l, lambda fa_x, fa_i: "
    "fa_x IS NOT NULL AND fa_x <> '' AND list_position(l, fa_x) = fa_i)",
    "CREATE OR REPLACE TEMP MACRO fa_int(j) AS CASE "
    "WHEN regexp_full_match(j::VARCHAR, '-?[0-9]+') THEN TRY_CAST(j::VARCHAR AS BIGINT) "
    "WHEN regexp_full_match(fa_strip(fa_str(j)), '[0-9]+') "
    "THEN TRY_CAST(fa_strip(fa_str(j)) AS BIGINT) END",
    "CREATE OR REPLACE TEMP MACRO fa_float(j) AS CASE "
    "WHEN j IS NULL OR j::VARCHAR IN ('true', 'false', '\"\"') OR left(j, 1) IN ('{', '[') "
    "THEN NULL WHEN left(j, 1) = '\"' THEN TRY_CAST(fa_strip(fa_str(j)) AS DOUBLE) "
    "ELSE TRY_CAST(j::VARCHAR AS DOUBLE) END",
    "CREATE OR REPLACE TEMP MACRO fa_bool(j) AS CASE WHEN j::VARCHAR = 'true' THEN true "
    "WHEN j::VARCHAR = 'false' THEN false WHEN lower(fa_text(j)) = 'true' THEN true "
    "WHEN lower(fa_text(j)) = 'false' THEN false END",
    "CREATE OR REPLACE TEMP MACRO fa_unprefix(s, p) AS "
    "CASE WHEN starts_with(s, p) THEN s[length(p) + 1:] ELSE s END",
    # normalize_doi, on `_text(doi) or _text(ids.doi)`
    "CREATE OR REPLACE TEMP MACRO fa_doi_text(t) AS lower(rtrim(fa_strip(regexp_replace("
    "fa_strip(t), '(?i)^(?:https?://(?:dx\\.)?doi\\.org/|doi:\\s*)', '')), '.'))",
    "CREATE OR REPLACE TEMP MACRO fa_doi(t) AS CASE WHEN t <> '' AND regexp_full_match("
    "fa_doi_text(t), '10\\.[0-9]{4,9}/\\S+') THEN fa_doi_text(t) END",
    # normalize_pmid: str(value) is the text of a JSON string or the digits of a JSON integer
    "CREATE OR REPLACE TEMP MACRO fa_pmid_text(j) AS trim(fa_unprefix(fa_strip(CASE "
    "WHEN left(j, 1) = '\"' THEN fa_str(j) "
    "WHEN regexp_full_match(j::VARCHAR, '-?[0-9]+') THEN j::VARCHAR "
    "ELSE '' END), 'https://pubmed.ncbi.nlm.nih.gov/'), '/')",
    "CREATE OR REPLACE TEMP MACRO fa_pmid(j) AS CASE WHEN regexp_full_match(fa_pmid_text(j), "
    "'[0-9]+') AND fa_pmid_text(j) <> '0' THEN fa_pmid_text(j) END",
    # normalize_orcid_url, on _text(author.orcid)
    "CREATE OR REPLACE TEMP MACRO fa_orcid_text(t) AS fa_unprefix(fa_unprefix(upper("
    "fa_strip(t)), 'HTTPS://ORCID.ORG/'), 'HTTP://ORCID.ORG/')",
    "CREATE OR REPLACE TEMP MACRO fa_orcid(t) AS CASE WHEN t <> '' AND regexp_full_match("
    "fa_orcid_text(t), '[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]') THEN fa_orcid_text(t) END",
    # normalize_ror_url, on a JSON value (a record with a ROR value that is not a string goes
    # to Python)
    "CREATE OR REPLACE TEMP MACRO fa_ror_text(j) AS fa_unprefix(fa_unprefix(lower(fa_strip("
    "fa_str(j))), 'https://ror.org/'), 'http://ror.org/')",
    "CREATE OR REPLACE TEMP MACRO fa_ror_check(t) AS "
    "CASE WHEN regexp_full_match(t, '0[a-z0-9]{6}[0-9]{2}') THEN t END",
    "CREATE OR REPLACE TEMP MACRO fa_ror(j) AS list_transform([fa_ror_text(j)], "
    "lambda t: fa_ror_check(t))[1]",
    # an institution's id when it is a non-empty string (what `if i.get("id")` keeps), else NULL
    "CREATE OR REPLACE TEMP MACRO fa_id(j) AS CASE WHEN left(j, 1) = '\"' AND j::VARCHAR <> '\"\"'"
    " THEN fa_str(j) END",
    f"CREATE OR REPLACE TEMP MACRO fa_type(x) AS {_TYPES_SQL}",
]

# What is read of a work: containers typed (a value of another type reads as NULL or as an
# object without keys, as the reader's _list and _dict make it), scalars as JSON.
_NAMED = {"display_name": "JSON"}
_TOPIC = {"display_name": "JSON", "subfield": _NAMED, "field": _NAMED}
WORK_STRUCTURE = {
    "id": "JSON", "doi": "JSON", "title": "JSON", "display_name": "JSON",
    "publication_year": "JSON", "ids": {"doi": "JSON", "pmid": "JSON"}, "language": "JSON",
    "primary_location": {"source": _NAMED}, "host_venue": _NAMED, "type": "JSON",
    "type_crossref": "JSON", "open_access": {"is_oa": "JSON"},
    "authorships": [{
        "author": {"display_name": "JSON", "orcid": "JSON"}, "raw_author_name": "JSON",
        "institutions": [{"id": "JSON", "display_name": "JSON", "ror": "JSON",
                          "country_code": "JSON"}],
        "raw_affiliation_strings": ["JSON"], "raw_affiliation_string": "JSON",
        "affiliations": [{"raw_affiliation_string": "JSON", "institution_ids": ["JSON"]}],
        "countries": ["JSON"], "is_corresponding": "JSON"}],
    "cited_by_count": "JSON", "fwci": "JSON", "topics": [_TOPIC], "primary_topic": _TOPIC,
    "mesh": [{"descriptor_name": "JSON"}], "keywords": ["JSON"],
    "abstract_inverted_index": "JSON", "results": "JSON",
}

# 1. Lines -> parsed records, each with the reason, if any, to hand it to the Python reader.
PARSE = f"""
CREATE OR REPLACE TEMP TABLE fa_records AS
WITH lines AS (
    SELECT ordinality AS line,
           CASE WHEN ordinality = 1 THEN regexp_replace(text, '^\\x{{FEFF}}', '') ELSE text END
               AS text
    FROM read_csv($path, columns = {{'text': 'VARCHAR'}}, header = false, delim = $delim,
                  quote = '', escape = '', auto_detect = false, compression = $compression,
                  max_line_size = {MAX_LINE_BYTES})
         WITH ORDINALITY
), parsed AS (
    SELECT line, text, try(from_json(text, {_quote(json.dumps(WORK_STRUCTURE))})) AS w
    FROM lines WHERE text IS NOT NULL  -- blank lines: skipped below, as the reader does
), keyed AS (
    SELECT line, text, w,
           upper(regexp_extract(fa_strip(fa_str(w.id)),
                                '(?i)^(?:https?://openalex\\.org/)?(w[0-9]+)$', 1)) AS source_id,
           CASE WHEN left(w.abstract_inverted_index, 1) = '{{'
                THEN try_cast(w.abstract_inverted_index AS MAP(VARCHAR, BIGINT[])) END
               AS abstract_map,
           flatten(list_transform(coalesce(w.authorships, []),
                                  lambda a: coalesce(a.institutions, []))) AS all_insts
    FROM parsed
), checked AS (
    SELECT *, flatten(map_values(abstract_map)) AS places FROM keyed
), flagged AS (
SELECT line, text, w, source_id, abstract_map, coalesce(
       -- not an object, or not what DuckDB parses
       w IS NULL OR NOT regexp_matches(text, '^[ \\t\\r\\n]*\\{{')
       -- an API page on one line
       OR left(w.results, 1) = '['
       -- no usable id: the reader's issue
       OR source_id IS NULL OR source_id = ''
       -- an institution id or ROR value that is not a string
       OR list_bool_or(list_transform(all_insts, lambda i:
              (i.id IS NOT NULL AND NOT fa_is_str(i.id))
              OR (i.ror IS NOT NULL AND NOT fa_is_str(i.ror))))
       -- raw_affiliation_strings absent or not a list: the old key decides only when absent
       OR (contains(text, '"raw_affiliation_strings"')
           AND list_bool_or(list_transform(w.authorships, lambda a:
                   a.raw_affiliation_strings IS NULL
                   AND fa_text(a.raw_affiliation_string) <> '')))
       -- abstract positions other than 0…n-1, each once
       OR (left(w.abstract_inverted_index, 1) = '{{' AND (
               abstract_map IS NULL
               OR len(list_filter(places, lambda p: p IS NULL OR p < 0 OR p >= len(places))) > 0
               OR len(list_distinct(places)) <> len(places))), false) AS python
FROM checked
)
-- the text is kept only for the lines the Python reader will read
SELECT line, CASE WHEN python THEN text END AS text, w, source_id, abstract_map, python
FROM flagged
"""

# 2. Authorships of the records SQL maps, with their affiliations (reader: _affiliations).
ENTRIES = """
CREATE OR REPLACE TEMP TABLE fa_entries AS
WITH entries AS (
    SELECT line, source_id, unnest(w.authorships) AS e,
           generate_subscripts(w.authorships, 1) AS position
    FROM fa_records WHERE NOT python AND w.authorships IS NOT NULL
), base AS (
    SELECT line, source_id, position, e,
           coalesce(e.institutions, []) AS insts,
           list_transform(coalesce(e.institutions, []), lambda i: fa_id(i.id)) AS inst_ids,
           CASE WHEN e.raw_affiliation_strings IS NOT NULL
                THEN list_transform(list_filter(e.raw_affiliation_strings,
                                                lambda r: fa_text(r) <> ''),
                                    lambda r: fa_str(r))
                WHEN fa_text(e.raw_affiliation_string) <> ''
                THEN [fa_str(e.raw_affiliation_string)]
                ELSE [] END AS raw_list,
           list_transform(
               list_filter(coalesce(e.affiliations, []),
                           lambda l: fa_is_str(l.raw_affiliation_string)),
               lambda l: {'raw': fa_str(l.raw_affiliation_string),
                          'ids': list_transform(list_filter(coalesce(l.institution_ids, []),
                                                            lambda x: fa_is_str(x)),
                                                lambda x: fa_str(x))}) AS links,
           list_filter(coalesce(e.countries, []), lambda c: fa_is_str(c)) AS countries
    FROM entries
), uniq AS (
    SELECT *, fa_uniq(raw_list) AS raws,
           list_transform(countries, lambda c: upper(fa_str(c))) AS countries_upper
    FROM base
), per_raw AS (
    SELECT line, position, unnest(raws) AS raw, generate_subscripts(raws, 1) AS seq,
           len(raws) AS n_raws, insts, inst_ids, links, countries
    FROM uniq
), linked AS (
    SELECT *,
           CASE WHEN len(links) > 0 THEN list_transform(
                    list_filter(flatten(list_transform(list_filter(links, lambda l: l.raw = raw),
                                                       lambda l: l.ids)),
                                lambda x: list_contains(inst_ids, x)),
                    -- the reader's by_id: the last institution with that id
                    lambda x: insts[len(inst_ids) + 1 - list_position(list_reverse(inst_ids), x)])
                ELSE insts END AS linked
    FROM per_raw
), found AS (
    SELECT line, position, seq, raw,
           list_transform(list_transform(linked, lambda i: fa_ror_text(i.ror)),
                          lambda t: fa_ror_check(t)) AS rors,
           list_transform(list_concat(list_transform(linked, lambda i: i.country_code),
                                      CASE WHEN n_raws = 1 THEN countries ELSE [] END),
                          lambda c: upper(fa_str(c))) AS codes,
           list_transform(linked, lambda i: fa_id(i.id)) AS claimed
    FROM linked
), by_raw AS (
    SELECT line, position,
           list({'raw': raw, 'ror_ids': fa_uniq(rors), 'country_codes': fa_uniq(codes)}
                ORDER BY seq) AS affiliations,
           flatten(list(claimed)) AS claimed
    FROM found GROUP BY line, position
), joined AS (
    SELECT u.*, coalesce(b.affiliations, []) AS from_strings, coalesce(b.claimed, []) AS claimed
    FROM uniq u LEFT JOIN by_raw b USING (line, position)
), complete AS (
    SELECT *, list_concat(from_strings, list_transform(
               list_filter(insts, lambda i: NOT coalesce(list_contains(claimed, fa_id(i.id)), false)
                                            AND fa_text(i.display_name) <> ''),
               lambda i: {'raw': fa_text(i.display_name),
                          'ror_ids': list_filter([fa_ror(i.ror)], lambda r: r IS NOT NULL),
                          'country_codes': CASE WHEN fa_str(i.country_code) <> ''
                                                THEN [upper(fa_str(i.country_code))]
                                                ELSE []::VARCHAR[] END})) AS found
    FROM joined
)
SELECT line, source_id, position,
       CASE WHEN fa_text(e.author.display_name) <> '' THEN fa_text(e.author.display_name)
            ELSE fa_text(e.raw_author_name) END AS name,
       fa_orcid(fa_text(e.author.orcid)) AS orcid,
       coalesce(e.is_corresponding::VARCHAR = 'true', false) AS is_corresponding,
       CASE WHEN len(found) = 0 AND len(countries) > 0
            THEN [{'raw': '', 'ror_ids': []::VARCHAR[],
                   'country_codes': fa_uniq(countries_upper)}]
            ELSE found END AS affiliations
FROM complete
"""

INSERT_WORKS = """
INSERT INTO works
SELECT 'openalex', source_id, $file, $file || ':' || line,
       CASE WHEN fa_text(w.title) <> '' THEN fa_text(w.title) ELSE fa_text(w.display_name) END,
       fa_int(w.publication_year),
       CASE WHEN w.type_crossref::VARCHAR = '"proceedings-article"'
                 AND (w.type IS NULL OR w.type::VARCHAR IN ('"article"', '""'))
            THEN 'conference-paper'
            ELSE coalesce(fa_type(lower(fa_text(w.type))),
                          fa_type(lower(fa_text(w.type_crossref))), 'other') END,
       fa_doi(CASE WHEN fa_text(w.doi) <> '' THEN fa_text(w.doi) ELSE fa_text(w.ids.doi) END),
       fa_pmid(w.ids.pmid),
       CASE WHEN fa_text(w.primary_location.source.display_name) <> ''
            THEN fa_text(w.primary_location.source.display_name)
            ELSE fa_text(w.host_venue.display_name) END,
       fa_text(w.language),
       fa_int(w.cited_by_count),
       fa_float(w.fwci),
       fa_bool(w.open_access.is_oa),
       fa_uniq(topic_names), fa_uniq(mesh_names), fa_uniq(keyword_names),
       len(coalesce(w.authorships, []))
FROM (
    SELECT *,
           list_concat(list_transform(topics, lambda t: fa_text(t.display_name)),
                       list_transform(topics, lambda t: fa_text(t.subfield.display_name)),
                       list_transform(topics, lambda t: fa_text(t.field.display_name)))
               AS topic_names,
           list_transform(coalesce(w.mesh, []), lambda m: fa_text(m.descriptor_name))
               AS mesh_names,
           list_transform(coalesce(w.keywords, []), lambda k: CASE
               WHEN left(k, 1) = '"' THEN fa_strip(fa_str(k))
               WHEN fa_text(json_extract(k, '$.display_name')) <> ''
               THEN fa_text(json_extract(k, '$.display_name'))
               ELSE fa_text(json_extract(k, '$.keyword')) END) AS keyword_names
    FROM (SELECT *, CASE WHEN len(coalesce(w.topics, [])) > 0 THEN w.topics
                         WHEN w.primary_topic IS NOT NULL THEN [w.primary_topic]
                         ELSE [] END AS topics
          FROM fa_records WHERE NOT python)
)
"""

INSERT_AUTHORSHIPS = """
INSERT INTO authorships
SELECT 'openalex', source_id, position, name, orcid, is_corresponding, len(affiliations)
FROM fa_entries
"""

INSERT_AFFILIATIONS = """
INSERT INTO affiliations
SELECT 'openalex', source_id, position, seq, a.raw, a.ror_ids, a.country_codes
FROM (SELECT source_id, position, unnest(affiliations) AS a,
             generate_subscripts(affiliations, 1) AS seq
      FROM fa_entries)
"""

INSERT_ABSTRACTS = """
INSERT INTO abstracts
SELECT 'openalex', source_id, abstract FROM (
    SELECT source_id, array_to_string(list_transform(list_sort(flatten(list_transform(
               map_entries(abstract_map),
               lambda e: list_transform(e.value, lambda p: {'p': p, 'w': e.key})))),
           lambda x: x.w), ' ') AS abstract
    FROM fa_records WHERE NOT python AND abstract_map IS NOT NULL
) WHERE abstract <> ''
"""


@dataclass
class FastIngestReport(IngestReport):
    """`IngestReport`, and how each record was read."""

    sql_works: int = 0  # works mapped in SQL
    python_lines: int = 0  # lines handed to the Python reader inside fast files
    python_files: list[str] = field(default_factory=list)  # files read wholly by Python


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    for statement in MACROS:
        con.execute(statement)


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def _json_lines(path: Path) -> bool:
    """True when the Python reader would read the file line by line (not as one document)."""
    if path.suffix.lower() == ".csv":
        return False
    first = _first_line(path)
    if first.startswith(b"[") or first == b"{":
        return False
    if first:
        try:
            json.loads(first)
        except ValueError:
            return False  # a document laid out on several lines, or a cut first line
    return True


def _python_line(path: Path, line: int, text: str) -> Iterator[Work | ReadIssue]:
    """What read_openalex yields for one line (the same functions, in the same order)."""
    try:
        value = json.loads(text)
    except ValueError as exc:
        yield ReadIssue(path=str(path), line=line, code="bad_json", params={"error": str(exc)})
        return
    for item in _unwrapped(path, value, line, _openalex_page):
        if isinstance(item, ReadIssue):
            yield item
            continue
        record, line_number, index = item
        try:
            yield openalex_work(record, location=_location(path, line_number, index))
        except UnusableRecord as exc:
            yield ReadIssue(path=str(path), line=line_number, index=index, code=exc.code,
                            params=exc.params)
        except (AttributeError, TypeError, ValueError) as exc:
            yield ReadIssue(path=str(path), line=line_number, index=index, code="not_a_record",
                            params={"source": "usable OpenAlex",
                                    "detail": f"{type(exc).__name__}: {exc}"})


def _load_python(store: Store, path: Path, report: FastIngestReport) -> FileOutcome:
    outcome = FileOutcome(path=str(path))
    with store.loading(path=path, source=SOURCE) as load:
        for record in _read_openalex(path):
            load.add(record)
            if isinstance(record, ReadIssue):
                report.issues.append(record)
    outcome.works, outcome.issues = load.works, load.issues
    report.python_files.append(str(path))
    return outcome


def _load_sql(store: Store, path: Path, report: FastIngestReport) -> FileOutcome:
    con = store.con
    outcome = FileOutcome(path=str(path))
    with store.loading(path=path, source=SOURCE) as load:
        con.execute(PARSE, {"path": str(path), "delim": "\x01",
                            "compression": "gzip" if _is_gzip(path) else "none"})
        con.execute(ENTRIES)
        keys = "(SELECT 'openalex', source_id FROM fa_records WHERE NOT python)"
        for table in RECORD_TABLES:
            # A newer version of a record replaces the one loaded before.
            con.execute(f"DELETE FROM {table} WHERE (source, source_id) IN {keys}")
        con.execute(INSERT_WORKS, {"file": str(path)})
        con.execute(INSERT_AUTHORSHIPS)
        con.execute(INSERT_AFFILIATIONS)
        con.execute(INSERT_ABSTRACTS)
        sql_works = con.execute("SELECT count(*) FROM fa_records WHERE NOT python").fetchone()[0]
        # The lines SQL left to the Python reader, in line order.
        for line, text in con.execute(
                "SELECT line, text FROM fa_records WHERE python ORDER BY line").fetchall():
            if not text.strip():
                continue  # a blank line
            report.python_lines += 1
            for record in _python_line(path, line, text):
                load.add(record)
                if isinstance(record, ReadIssue):
                    report.issues.append(record)
        for table in ("fa_entries", "fa_records"):
            con.execute(f"DROP TABLE IF EXISTS {table}")
        load.works += sql_works
        report.sql_works += sql_works
    outcome.works, outcome.issues = load.works, load.issues
    return outcome


def ingest_fast(*, store: Store, paths: Iterable[Path | str],
                on_file: Callable[[FileOutcome], None] | None = None) -> FastIngestReport:
    """`ingest(store=store, source="openalex", paths=paths)`, with the mapping done in DuckDB."""
    prepare(store.con)
    report = FastIngestReport(source=SOURCE)
    for item in expand_paths(source=SOURCE, paths=[Path(p) for p in paths]):
        if isinstance(item, ReadIssue):
            report.issues.append(item)
            continue
        if store.is_loaded(item):
            outcome = FileOutcome(path=str(item), skipped=True)
        elif not _json_lines(item):
            outcome = _load_python(store, item, report)
        else:
            try:
                outcome = _load_sql(store, item, report)
            except duckdb.Error:
                # DuckDB could not read it (corrupt gzip, not UTF-8, a huge line): the Python
                # reader reports what it can and reads what it can.
                outcome = _load_python(store, item, report)
        report.files.append(outcome)
        if on_file is not None:
            on_file(outcome)
    return report
