"""OpenAlex works: snapshot JSON Lines (plain or gzip), API result pages, JSON arrays, and the
web-UI CSV export. Every record becomes a `Work`; a record that cannot be read becomes a
`ReadIssue` and reading goes on.

Affiliations: one `Affiliation` per raw affiliation string of an authorship, with the ROR ids
and country codes of the institutions OpenAlex linked to that string (the authorship's
`affiliations` list) or, in records that do not say which, of all the authorship's
institutions. An institution that OpenAlex gives without any raw string becomes an Affiliation
named by the institution's display name; countries OpenAlex found with neither a string nor an
institution become an Affiliation with an empty `raw`.
"""

import csv
import io
import json
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jumelage.observatory.engine.io import iter_text_lines, open_binary
from jumelage.observatory.engine.schema import (
    Affiliation,
    Authorship,
    ReadIssue,
    Work,
    normalize_doi,
    normalize_orcid_url,
    normalize_pmid,
    normalize_ror_url,
)

SOURCE = "openalex"

# A JSON document (an API page, an array of works) is read whole only under this size;
# larger collections must come as JSON Lines, one work per line.
MAX_JSON_DOCUMENT_BYTES = 50 * 1024 * 1024

# OpenAlex `type` (and the Crossref-style types older records carry) -> schema.DOC_TYPES.
OPENALEX_TYPES = {
    "article": "article", "journal-article": "article", "review": "review",
    "letter": "letter", "editorial": "editorial", "erratum": "erratum",
    "book-chapter": "book-chapter", "book-section": "book-chapter", "book-part": "book-chapter",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "preprint": "preprint", "posted-content": "preprint",
    "proceedings-article": "conference-paper",
}

Raw = tuple[dict[str, Any], int | None, int | None]  # record, line, index


class UnusableRecord(Exception):
    """Raised by a record mapper: the record becomes a ReadIssue with this code and params."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _unique(values: Iterable[str | None]) -> tuple[str, ...]:
    """Non-empty values, first occurrence first."""
    return tuple(dict.fromkeys(value for value in values if value))


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = str(value).strip() if value is not None else ""
    return int(text) if text.isdigit() else None


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _location(path: Path, line: int | None, index: int | None) -> str:
    where = str(path) if line is None else f"{path}:{line}"
    return where if index is None else f"{where}[{index}]"


# --- JSON input, shared with the Crossref reader -------------------------------------------


def _first_line(path: Path) -> bytes:
    """The first non-blank line of the (decompressed) file, stripped; b"" if there is none or
    it cannot be read. A first line longer than a document may be is cut at that size."""
    try:
        with open_binary(path) as binary:
            while raw := binary.readline(MAX_JSON_DOCUMENT_BYTES + 1):
                if raw.strip():
                    return raw.strip().removeprefix(b"\xef\xbb\xbf")
    except (EOFError, OSError, zlib.error):
        pass
    return b""


def _read_document(path: Path) -> Any | ReadIssue:
    """The whole file parsed as one JSON value, if it is small enough."""
    try:
        with open_binary(path) as binary:
            data = binary.read(MAX_JSON_DOCUMENT_BYTES + 1)
    except (EOFError, OSError, zlib.error) as exc:
        return ReadIssue(path=str(path), code="unreadable", params={"error": str(exc)})
    if len(data) > MAX_JSON_DOCUMENT_BYTES:
        return ReadIssue(path=str(path), code="unreadable", params={
            "error": f"a single JSON document over {MAX_JSON_DOCUMENT_BYTES // 2**20} MB is not "
                     "read whole; give it as JSON Lines, one work per line"})
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadIssue(path=str(path), code="bad_encoding",
                         params={"encoding": "UTF-8", "error": str(exc)})
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        return ReadIssue(path=str(path), line=exc.lineno, code="bad_json",
                         params={"error": str(exc)})


def iter_json_records(
    path: Path, *, unwrap: Callable[[Any], list[Any] | None]
) -> Iterator[Raw | ReadIssue]:
    """(record, line, index) for every JSON object in a file of JSON Lines or in one JSON
    document. `unwrap(value)` returns the records a container holds (an API page, an array) or
    None when the value is itself a record. A line that is not JSON becomes a ReadIssue."""
    first = _first_line(path)
    value: Any = None
    if first.startswith(b"[") or first == b"{":
        value = _read_document(path)
        if isinstance(value, ReadIssue):
            yield value
            return
    elif first:
        try:
            json.loads(first)
        except ValueError:
            # A truncated first line of JSON Lines, or a document laid out on several lines:
            # a file that parses whole is a document.
            value = _read_document(path)
            if isinstance(value, ReadIssue):
                value = None
    if value is not None:
        yield from _unwrapped(path, value, None, unwrap)
        return
    for item in iter_text_lines(path):
        if isinstance(item, ReadIssue):
            yield item
            continue
        number, text = item
        if not text.strip():
            continue
        try:
            value = json.loads(text)
        except ValueError as exc:
            yield ReadIssue(path=str(path), line=number, code="bad_json",
                            params={"error": str(exc)})
            continue
        yield from _unwrapped(path, value, number, unwrap)


def _unwrapped(path: Path, value: Any, line: int | None,
               unwrap: Callable[[Any], list[Any] | None]) -> Iterator[Raw | ReadIssue]:
    records = unwrap(value)
    numbered = records is not None
    for position, record in enumerate(records if numbered else [value]):
        index = position if numbered else None
        if isinstance(record, dict):
            yield record, line, index
        else:
            yield _not_an_object(path, line, index, record)


_JSON_TYPES = {"str": "string", "int": "number", "float": "number", "bool": "boolean",
               "list": "array", "NoneType": "null"}


def _not_an_object(path: Path, line: int | None, index: int | None, value: Any) -> ReadIssue:
    kind = _JSON_TYPES.get(type(value).__name__, type(value).__name__)
    return ReadIssue(path=str(path), line=line, index=index, code="not_a_record",
                     params={"source": "JSON work", "detail": f"a JSON {kind}, not an object"})


# --- OpenAlex JSON ---------------------------------------------------------------------------


def _openalex_page(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict) and isinstance(value.get("results"), list):
        return value["results"]
    return None


def read_openalex(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Works from an OpenAlex snapshot part (JSON Lines, gzip or not), an API `/works` page
    (`{"meta": …, "results": […]}`), a JSON array of works or a single work."""
    path = Path(path)
    for item in iter_json_records(path, unwrap=_openalex_page):
        if isinstance(item, ReadIssue):
            yield item
            continue
        record, line, index = item
        try:
            yield openalex_work(record, location=_location(path, line, index))
        except UnusableRecord as exc:
            yield ReadIssue(path=str(path), line=line, index=index, code=exc.code,
                            params=exc.params)
        except (AttributeError, TypeError, ValueError) as exc:
            yield ReadIssue(path=str(path), line=line, index=index, code="not_a_record",
                            params={"source": "usable OpenAlex",
                                    "detail": f"{type(exc).__name__}: {exc}"})


_WORK_ID = re.compile(r"^(?:https?://openalex\.org/)?(W\d+)$", re.IGNORECASE)


def _work_id(value: Any) -> str:
    if value is None or value == "":
        raise UnusableRecord("missing_field", field="id")
    match = _WORK_ID.match(str(value).strip())
    if not match:
        raise UnusableRecord("bad_value", field="id", value=value)
    return match.group(1).upper()


def openalex_doc_type(work_type: Any, type_crossref: Any = None) -> str:
    if type_crossref == "proceedings-article" and work_type in ("article", None, ""):
        return "conference-paper"
    return OPENALEX_TYPES.get(_text(work_type).lower()) or OPENALEX_TYPES.get(
        _text(type_crossref).lower(), "other")


def openalex_work(record: dict[str, Any], *, location: str = "") -> Work:
    """One OpenAlex work object (API or snapshot schema) as a Work."""
    ids = _dict(record.get("ids"))
    source = _dict(_dict(record.get("primary_location")).get("source"))
    venue = _text(source.get("display_name")) or _text(
        _dict(record.get("host_venue")).get("display_name"))
    return Work(
        source=SOURCE,
        source_id=_work_id(record.get("id")),
        title=_text(record.get("title")) or _text(record.get("display_name")),
        year=_int(record.get("publication_year")),
        doc_type=openalex_doc_type(record.get("type"), record.get("type_crossref")),
        doi=normalize_doi(_text(record.get("doi")) or _text(ids.get("doi"))),
        pmid=normalize_pmid(ids.get("pmid")),
        authorships=tuple(_authorship(position, _dict(entry)) for position, entry
                          in enumerate(_list(record.get("authorships")), start=1)),
        topics=_topics(record),
        mesh_terms=_unique(_text(_dict(m).get("descriptor_name"))
                           for m in _list(record.get("mesh"))),
        keywords=_unique(_keyword(k) for k in _list(record.get("keywords"))),
        venue=venue,
        language=_text(record.get("language")),
        cited_by_count=_int(record.get("cited_by_count")),
        fwci=_float(record.get("fwci")),
        is_open_access=_bool(_dict(record.get("open_access")).get("is_oa")),
        abstract=abstract_from_inverted_index(record.get("abstract_inverted_index")),
        location=location,
    )


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    return {"true": True, "false": False}.get(text)


def _keyword(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    value = _dict(value)
    return _text(value.get("display_name")) or _text(value.get("keyword"))


def _topics(record: dict[str, Any]) -> tuple[str, ...]:
    """Topic names, then their subfields, then their fields."""
    topics = [_dict(t) for t in _list(record.get("topics"))] or (
        [_dict(record["primary_topic"])] if _dict(record.get("primary_topic")) else [])
    names = [_text(t.get("display_name")) for t in topics]
    names += [_text(_dict(t.get("subfield")).get("display_name")) for t in topics]
    names += [_text(_dict(t.get("field")).get("display_name")) for t in topics]
    return _unique(names)


def abstract_from_inverted_index(index: Any) -> str:
    """{"Cancer": [0], "cells": [1, 4], "divide": [2], "and": [3]} ->
    "Cancer cells divide and cells"."""
    if not isinstance(index, dict) or not index:
        return ""
    try:
        words: list[str | None] = [None] * sum(map(len, index.values()))
        for word, positions in index.items():
            for position in positions:
                words[position] = word
    except (IndexError, TypeError):  # gaps or repeats in the positions, or odd values
        placed = {position: word for word, positions in index.items()
                  for position in _list(positions) if isinstance(position, int)}
        words = [placed[position] for position in sorted(placed)]
    return " ".join(word for word in words if word is not None)


def _authorship(position: int, entry: dict[str, Any]) -> Authorship:
    author = _dict(entry.get("author"))
    return Authorship(
        position=position,
        name=_text(author.get("display_name")) or _text(entry.get("raw_author_name")),
        orcid=normalize_orcid_url(_text(author.get("orcid"))),
        affiliations=_affiliations(entry),
        is_corresponding=entry.get("is_corresponding") is True,
    )


def _affiliations(entry: dict[str, Any]) -> tuple[Affiliation, ...]:
    institutions = [_dict(i) for i in _list(entry.get("institutions"))]
    by_id = {i.get("id"): i for i in institutions if i.get("id")}
    if "raw_affiliation_strings" in entry:
        raws = _unique(r for r in _list(entry.get("raw_affiliation_strings")) if _text(r))
    else:  # the schema before 2023: one string
        raws = _unique([entry["raw_affiliation_string"]] if _text(
            entry.get("raw_affiliation_string")) else [])
    links: dict[str, list[str]] = {}
    for link in (_dict(x) for x in _list(entry.get("affiliations"))):
        raw = link.get("raw_affiliation_string")
        if isinstance(raw, str):
            links.setdefault(raw, []).extend(
                i for i in _list(link.get("institution_ids")) if isinstance(i, str))
    countries = [c for c in _list(entry.get("countries")) if isinstance(c, str)]

    affiliations = []
    claimed: set[str] = set()
    for raw in raws:
        linked = [by_id[i] for i in links.get(raw, []) if i in by_id] if links else institutions
        claimed.update(i.get("id") for i in linked if i.get("id"))
        codes = [i.get("country_code") for i in linked] + (countries if len(raws) == 1 else [])
        affiliations.append(Affiliation(
            raw=raw,
            ror_ids=_unique(normalize_ror_url(i.get("ror")) for i in linked),
            country_codes=_unique(c.upper() for c in codes if isinstance(c, str))))
    for institution in institutions:
        if institution.get("id") in claimed or not _text(institution.get("display_name")):
            continue
        code = institution.get("country_code")
        affiliations.append(Affiliation(
            raw=_text(institution.get("display_name")),
            ror_ids=_unique([normalize_ror_url(institution.get("ror"))]),
            country_codes=(code.upper(),) if isinstance(code, str) and code else ()))
    if not affiliations and countries:
        affiliations.append(Affiliation(raw="",
                                        country_codes=_unique(c.upper() for c in countries)))
    return tuple(affiliations)


# --- Snapshot folders ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SnapshotPart:
    """One data file of an OpenAlex works snapshot, with what the manifest says of it."""

    path: Path
    updated_date: str  # "2024-01-15"
    record_count: int | None = None  # from the manifest, when there is one


_PARTITION = re.compile(r"^updated_date=(\d{4}-\d{2}-\d{2})$")


def _works_folder(root: Path) -> Path | None:
    for folder in (root, root / "works", root / "data" / "works",
                   root / "data" / "jsonl" / "works", root / "jsonl" / "works"):
        if folder.is_dir() and any(_PARTITION.match(p.name) for p in folder.iterdir()):
            return folder
    return None


def _natural(name: str) -> tuple[Any, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name))


def _manifest_counts(folder: Path) -> tuple[dict[str, int | None], ReadIssue | None]:
    """{"updated_date=…/part_000.gz": record_count} from the works manifest, if present."""
    candidates = (folder / "manifest", folder / "manifest.json", folder.parent / "manifest.json")
    for manifest in candidates:
        if not manifest.is_file():
            continue
        try:
            entries = _list(json.loads(manifest.read_text(encoding="utf-8")).get("entries"))
        except (OSError, ValueError, AttributeError) as exc:
            return {}, ReadIssue(path=str(manifest), code="unreadable", params={"error": str(exc)})
        counts: dict[str, int | None] = {}
        for entry in (_dict(e) for e in entries):
            url = _text(entry.get("url"))
            if "/works/updated_date=" in url:
                key = "updated_date=" + url.split("/works/updated_date=", 1)[1]
                counts[key] = _int(_dict(entry.get("meta")).get("record_count"))
        return counts, None
    return {}, None


def iter_openalex_paths(root: Path | str) -> Iterator[SnapshotPart | ReadIssue]:
    """The works files of an OpenAlex snapshot, partition by partition (oldest first) and part by
    part, so an ingest can record each finished file and resume after it. `root` is the
    snapshot folder, its `data/works` (or `data/jsonl/works`) folder, or anything between. A
    file the manifest lists but that is not on disk becomes a ReadIssue."""
    root = Path(root)
    folder = _works_folder(root)
    if folder is None:
        yield ReadIssue(path=str(root), code="unreadable", params={
            "error": "no updated_date=YYYY-MM-DD folder of an OpenAlex works snapshot here"})
        return
    counts, issue = _manifest_counts(folder)
    if issue:
        yield issue
    found = set()
    partitions = sorted(p for p in folder.iterdir() if p.is_dir() and _PARTITION.match(p.name))
    for partition in partitions:
        date = _PARTITION.match(partition.name).group(1)  # type: ignore[union-attr]
        for part in sorted(partition.glob("*.gz"), key=lambda p: _natural(p.name)):
            key = f"{partition.name}/{part.name}"
            found.add(key)
            yield SnapshotPart(path=part, updated_date=date, record_count=counts.get(key))
    for key in sorted(set(counts) - found):
        yield ReadIssue(path=str(folder / key), code="unreadable",
                        params={"error": "listed in the manifest but not on disk"})


# --- Web-UI CSV export -----------------------------------------------------------------------

CSV_REQUIRED = ("id", "display_name", "publication_year", "type", "doi",
                "authorships.author.display_name")


def read_openalex_csv(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Works from the CSV that the OpenAlex web interface exports (multi-values joined by "|").

    The export flattens each authorship list: an author contributes one entry per institution
    (an empty entry when it has none), so institutions and countries are given to authors only
    when every author has at most one (as many entries as authors); otherwise the authors are
    left without affiliations. The export has no raw affiliation strings and no ROR ids: an
    Affiliation is named by the institution's display name, with its country."""
    path = Path(path)
    for item in iter_csv_rows(path, source="web OpenAlex CSV", required=CSV_REQUIRED):
        if isinstance(item, ReadIssue):
            yield item
            continue
        line, row = item
        try:
            yield _csv_work(row, location=f"{path}:{line}")
        except UnusableRecord as exc:
            yield ReadIssue(path=str(path), line=line, code=exc.code, params=exc.params)


def _split(value: str | None, separator: str = "|") -> list[str]:
    return [part.strip() for part in value.split(separator)] if value else []


def _csv_work(row: dict[str, str], *, location: str) -> Work:
    names = _split(row.get("authorships.author.display_name"))
    orcids = _split(row.get("authorships.author.orcid"))
    corresponding = _split(row.get("authorships.is_corresponding"))
    institutions = _split(row.get("authorships.institutions.display_name"))
    countries = _split(row.get("authorships.countries"))
    aligned_institutions = len(institutions) == len(names)
    aligned_countries = len(countries) == len(names)
    authorships = []
    for index, name in enumerate(names):
        institution = institutions[index] if aligned_institutions else ""
        country = countries[index].upper() if aligned_countries else ""
        affiliations = (Affiliation(raw=institution, country_codes=(country,) if country else ()),
                        ) if institution or country else ()
        authorships.append(Authorship(
            position=index + 1, name=name,
            orcid=normalize_orcid_url(orcids[index]) if len(orcids) == len(names) else None,
            affiliations=affiliations,
            is_corresponding=(len(corresponding) == len(names)
                              and corresponding[index].lower() == "true")))
    topic = (row.get("primary_topic.display_name") or "").strip()
    return Work(
        source=SOURCE,
        source_id=_work_id(row.get("id")),
        title=(row.get("display_name") or row.get("title") or "").strip(),
        year=_int(row.get("publication_year")),
        doc_type=openalex_doc_type(row.get("type"), row.get("type_crossref")),
        doi=normalize_doi(row.get("doi")),
        pmid=normalize_pmid(row.get("ids.pmid")),
        authorships=tuple(authorships),
        topics=(topic,) if topic else (),
        venue=(row.get("primary_location.source.display_name") or "").strip(),
        language=(row.get("language") or "").strip(),
        cited_by_count=_int(row.get("cited_by_count")),
        fwci=_float(row.get("fwci")),
        is_open_access=_bool(row.get("open_access.is_oa")),
        abstract=(row.get("abstract") or "").strip(),
        location=location,
    )


_UNDECODED = re.compile("[\udc80-\udcff]")


def _undecoded(fields: list[str], header: list[str]) -> str | None:
    """Where a field holds a byte that was not UTF-8 (decoded with surrogateescape), if any."""
    for position, value in enumerate(fields):
        if match := _UNDECODED.search(value):
            column = header[position] if position < len(header) else f"#{position + 1}"
            return f"byte 0x{ord(match.group()) - 0xDC00:02x} in column {column}"
    return None


def iter_csv_rows(
    path: Path, *, source: str, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]] | ReadIssue]:
    """(first line of the row, {column: value}) for each row of a UTF-8 CSV export, plain or
    gzip. A header without the `required` columns is one ReadIssue (bad_columns) and nothing
    is read; a row with the wrong number of fields or bytes that are not UTF-8 is a ReadIssue
    and reading goes on."""
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 2**20))  # long abstracts, references
    try:
        binary = open_binary(path)
    except OSError as exc:
        yield ReadIssue(path=str(path), code="unreadable", params={"error": str(exc)})
        return
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    with text:
        reader = csv.reader(text)
        line = 1
        try:
            header = [name.strip() for name in next(reader, [])]
            if not header:
                yield ReadIssue(path=str(path), code="bad_columns", params={
                    "source": source, "missing": ", ".join(required), "found": "(empty file)"})
                return
            if undecoded := _undecoded(header, header):
                yield ReadIssue(path=str(path), line=1, code="bad_encoding",
                                params={"encoding": "UTF-8", "error": undecoded})
                return
            missing = [name for name in required if name not in header]
            if missing:
                yield ReadIssue(path=str(path), line=1, code="bad_columns", params={
                    "source": source, "missing": ", ".join(missing),
                    "found": ", ".join(header[:12]) + (", …" if len(header) > 12 else "")})
                return
            while True:
                line = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    yield ReadIssue(path=str(path), line=line, code="not_a_record",
                                    params={"source": source, "detail": str(exc)})
                    continue
                if not any(field.strip() for field in row):
                    continue
                if undecoded := _undecoded(row, header):
                    yield ReadIssue(path=str(path), line=line, code="bad_encoding",
                                    params={"encoding": "UTF-8", "error": undecoded})
                    continue
                if len(row) != len(header):
                    yield ReadIssue(path=str(path), line=line, code="not_a_record", params={
                        "source": source,
                        "detail": f"the row has {len(row)} fields, the header {len(header)}"})
                    continue
                yield line, dict(zip(header, row, strict=True))
        except csv.Error as exc:  # in the header
            yield ReadIssue(path=str(path), line=line, code="unreadable",
                            params={"error": str(exc)})
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadIssue(path=str(path), line=line, code="bad_gzip",
                            params={"error": str(exc) or type(exc).__name__})
