"""Read organisations from a ROR dump: plain Python, no Django import.

Two file layouts are read, plain or compressed with gzip or zip:

* the registry's schema v2 dump, one JSON array of records (read as a stream, record by record);
* JSON Lines, one record a line: real v2 records, or the flattened records of
  ../shared/data/ror/ror_fr_ca_subset.jsonl (``country_code``, ``city``, ``subdivision_name`` and
  ``links`` as a list of strings at the top level).

Every record becomes a `RorRecord`, or a `BadRecord` that says where it is and what is wrong with
it; a bad record never stops the reading. Messages are English templates marked with ``_`` so
that the Django side can translate them (``gettext(issue.template) % issue.params``).
"""

from __future__ import annotations

import codecs
import gzip
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from jumelage.directory.identifiers import ROR_RE, normalize_ror, ror_checksum


def _(message: str) -> str:
    """Mark a message for translation; the Django side translates it when it shows it."""
    return message


# Institution.Type values (the model is not imported here: engines never import Django).
UNIVERSITY = "university"
HOSPITAL = "hospital"
CANCER_CENTRE = "cancer_centre"
RESEARCH_INSTITUTE = "research_institute"
COMPANY = "company"
OTHER = "other"

# Longest values that fit Institution's columns; tests check them against the model.
MAX_LENGTHS = {"name_fr": 255, "name_en": 255, "acronym": 40, "city": 120, "region": 120,
               "website": 200}

CHUNK_SIZE = 1 << 20
MAX_RECORD_CHARS = 16 << 20  # a JSON array element longer than this is taken as a broken file

_CANCER_RE = re.compile(r"cancer|canc[ée]rolog|oncolog", re.IGNORECASE)
_RESEARCH_RE = re.compile(r"research|recherche|institut|laborato", re.IGNORECASE)
_ROR_PREFIXES = ("https://ror.org/", "http://ror.org/", "ror.org/")

REASONS = {
    "invalid_json": _("invalid JSON (%(error)s)"),
    "truncated": _("invalid JSON (%(error)s); the rest of the file cannot be read"),
    "not_utf8": _("the text is not UTF-8; the rest of the file cannot be read"),
    "line_not_utf8": _("the line is not UTF-8 text"),
    "not_object": _("not a JSON object"),
    "no_id": _("no id"),
    "malformed_id": _("“%(value)s” is not a ROR id: a ROR id is a 0, six letters or digits and "
                      "two check digits, such as https://ror.org/0161xgx34"),
    "bad_checksum": _("“%(value)s” is not a valid ROR id: its check digits should be "
                      "%(expected)s"),
    "schema_v1": _("ROR schema v1 record; only schema v2 records (with “names”) are read"),
    "no_name": _("no name"),
    "no_country": _("no country code"),
    "duplicate": _("%(ror_id)s is already at %(first)s; this copy is ignored"),
}

FILE_ERRORS = {
    "not_json": _("%(path)s is neither a JSON array nor JSON Lines: it does not start with "
                  "“[” or “{”."),
    "bad_zip": _("%(path)s is not a readable zip archive."),
    "zip_member": _("%(path)s holds no single JSON file to read (its files: %(members)s)."),
}


class RorFileError(Exception):
    """The file as a whole cannot be read: not JSON, a broken zip, several candidate members."""

    def __init__(self, *, code: str, params: dict[str, Any]):
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def template(self) -> str:
        return FILE_ERRORS[self.code]

    @property
    def message(self) -> str:
        return self.template % self.params


@dataclass(frozen=True, slots=True)
class BadRecord:
    """A record that was not read, with its place in the file (a line or an array index)."""

    source: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    index: int | None = None

    @property
    def location(self) -> str:
        return location(source=self.source, line=self.line, index=self.index)

    @property
    def template(self) -> str:
        return REASONS[self.code]

    @property
    def reason(self) -> str:
        return self.template % self.params

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True)
class RorRecord:
    """One organisation as ROR describes it, whatever layout it was read from."""

    ror_id: str
    name: str
    name_lang: str
    names: dict[str, tuple[str, ...]]
    acronyms: tuple[str, ...]
    aliases: tuple[str, ...]
    types: tuple[str, ...]
    status: str
    city: str
    region: str
    country_code: str
    parent_ids: tuple[str, ...]
    website: str
    source: str = ""
    line: int | None = None
    index: int | None = None

    @property
    def location(self) -> str:
        return location(source=self.source, line=self.line, index=self.index)

    @property
    def name_fr(self) -> str:
        return self._name_in("fr") or self.name

    @property
    def name_en(self) -> str:
        return self._name_in("en")

    @property
    def acronym(self) -> str:
        return next((a for a in self.acronyms if len(a) <= MAX_LENGTHS["acronym"]), "")

    @property
    def other_names(self) -> list[str]:
        """Every name but the two kept as name_fr, name_en and the acronym, in ROR's order."""
        kept = {self.name_fr, self.name_en, self.acronym}
        every = [self.name, *(n for labels in self.names.values() for n in labels),
                 *self.aliases, *self.acronyms]
        result: list[str] = []
        for value in every:
            if value and value not in kept and value not in result:
                result.append(value)
        return result

    @property
    def institution_type(self) -> str:
        return institution_type(types=self.types, names=[self.name, *self.other_names])

    @property
    def active(self) -> bool:
        return self.status == "active"

    def institution_fields(self) -> dict[str, Any]:
        """The values of the ROR-sourced fields of Institution, cut to fit their columns."""
        return {
            "name_fr": _fit(self.name_fr, "name_fr"),
            "name_en": _fit(self.name_en, "name_en"),
            "acronym": self.acronym,
            "aliases": self.other_names,
            "type": self.institution_type,
            "city": _fit(self.city, "city"),
            "region": _fit(self.region, "region"),
            "country": self.country_code,
            "website": self.website,
            "active": self.active,
        }

    def _name_in(self, lang: str) -> str:
        if self.name_lang == lang:
            return self.name
        labels = self.names.get(lang, ())
        # ROR sometimes repeats the display name as a label with other capitals or apostrophes.
        for label in labels:
            if _same_text(label, self.name):
                return self.name
        return labels[0] if labels else ""


@dataclass(slots=True)
class ImportReport:
    """What an import did: counts, and the records that could not be read."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    parents_linked: int = 0
    parents_missing: int = 0
    issues: list[BadRecord] = field(default_factory=list)

    @property
    def invalid(self) -> int:
        return len(self.issues)

    @property
    def read(self) -> int:
        """Valid records read, whether imported or skipped for their country."""
        return self.created + self.updated + self.unchanged + self.skipped

    def counts(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "skipped": self.skipped, "invalid": self.invalid,
                "parents_linked": self.parents_linked, "parents_missing": self.parents_missing}


def location(*, source: str, line: int | None = None, index: int | None = None) -> str:
    """"dump.jsonl:12" for a line, "dump.json[3]" for an element of a JSON array."""
    if line is not None:
        return f"{source}:{line}"
    if index is not None:
        return f"{source}[{index}]"
    return source


def institution_type(*, types: tuple[str, ...] | list[str], names: list[str]) -> str:
    """Institution.Type value of a ROR organisation, from its ROR types (and names)."""
    kinds = set(types)
    if "education" in kinds:
        return UNIVERSITY
    if "healthcare" in kinds:
        return CANCER_CENTRE if any(_CANCER_RE.search(n) for n in names) else HOSPITAL
    if "facility" in kinds:
        return RESEARCH_INSTITUTE
    if "government" in kinds and any(_RESEARCH_RE.search(n) for n in names):
        return RESEARCH_INSTITUTE
    if "company" in kinds:
        return COMPANY
    return OTHER


def parse_record(*, data: Any, source: str = "", line: int | None = None,
                 index: int | None = None) -> RorRecord | BadRecord:
    """One decoded JSON value -> a record, or the reason it cannot be one."""
    where = {"source": source, "line": line, "index": index}
    if not isinstance(data, dict):
        return BadRecord(code="not_object", **where)
    raw_id = data.get("id")
    if not isinstance(raw_id, str) or not raw_id.strip():
        return BadRecord(code="no_id", **where)
    ror_id = normalize_ror(raw_id)
    if ror_id is None:
        bare = _bare_ror(raw_id)
        if ROR_RE.match(bare):
            return BadRecord(code="bad_checksum", params={
                "value": raw_id.strip(), "expected": ror_checksum(bare[1:7])}, **where)
        return BadRecord(code="malformed_id", params={"value": raw_id.strip()}, **where)
    if "names" not in data and ("labels" in data or "addresses" in data):
        return BadRecord(code="schema_v1", **where)

    name, name_lang, names, acronyms, aliases = _names(data)
    if not name:
        return BadRecord(code="no_name", **where)
    country, city, region = _place(data)
    if not country:
        return BadRecord(code="no_country", **where)
    return RorRecord(
        ror_id=ror_id, name=name, name_lang=name_lang, names=names, acronyms=acronyms,
        aliases=aliases, types=tuple(_strings(data.get("types"))),
        status=str(data.get("status") or "active").lower(), city=city, region=region,
        country_code=country, parent_ids=_parents(data), website=_website(data.get("links")),
        **where,
    )


def read_ror_file(*, path: Path, chunk_size: int = CHUNK_SIZE
                  ) -> Iterator[RorRecord | BadRecord]:
    """Records of a ROR file in file order. File-level problems raise now, not while iterating.

    Raises OSError (no such file, ...) and RorFileError (not JSON, unusable zip).
    """
    source = str(path)
    with _open_binary(path) as stream:
        first = _first_char(stream.read(4096))
    if first == "[":
        return _read_array(path=path, source=source, chunk_size=chunk_size)
    if first in ("{", ""):  # an empty file is empty JSON Lines
        return _read_lines(path=path, source=source)
    raise RorFileError(code="not_json", params={"path": source})


# --- file layouts ---

def _read_lines(*, path: Path, source: str) -> Iterator[RorRecord | BadRecord]:
    with _open_binary(path) as stream:
        for number, raw in enumerate(stream, start=1):
            try:
                text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError:
                yield BadRecord(source=source, line=number, code="line_not_utf8")
                continue
            if not text.strip():
                continue
            try:
                data = json.loads(text.rstrip("\r\n"))
            except json.JSONDecodeError as exc:
                yield BadRecord(source=source, line=number, code="invalid_json",
                                params={"error": f"{exc.msg}, column {exc.colno}"})
                continue
            yield parse_record(data=data, source=source, line=number)


def _read_array(*, path: Path, source: str, chunk_size: int
                ) -> Iterator[RorRecord | BadRecord]:
    """Stream the elements of a top-level JSON array without loading the whole file."""
    decoder = json.JSONDecoder()
    with _open_binary(path) as stream:
        text = _Text(stream, chunk_size=chunk_size)
        index = 0
        try:
            if text.next_char() != "[":  # pragma: no cover - checked by read_ror_file
                raise RorFileError(code="not_json", params={"path": source})
            text.pos += 1
            if text.next_char() == "]":
                return
            while True:
                char = text.next_char()
                if char == "":
                    yield BadRecord(source=source, index=index, code="truncated",
                                    params={"error": "the file ends inside the array"})
                    return
                try:
                    value = text.decode_value(decoder)
                except json.JSONDecodeError as exc:
                    yield BadRecord(source=source, index=index, code="truncated",
                                    params={"error": exc.msg})
                    return
                yield parse_record(data=value, source=source, index=index)
                char = text.next_char()
                if char == "]":
                    return
                if char != ",":
                    error = ("Expecting ',' delimiter" if char
                             else "the file ends inside the array")
                    yield BadRecord(source=source, index=index + 1, code="truncated",
                                    params={"error": error})
                    return
                text.pos += 1
                index += 1
        except UnicodeDecodeError:
            yield BadRecord(source=source, index=index, code="not_utf8")


class _Text:
    """Decoded text of a binary stream, read in chunks; `pos` is the reading position."""

    def __init__(self, stream: IO[bytes], *, chunk_size: int):
        self.stream = stream
        self.chunk_size = chunk_size
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.buffer = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append the next chunk; False at the end of the stream."""
        if self.eof:
            return False
        chunk = self.stream.read(self.chunk_size)
        self.eof = not chunk
        self.buffer = self.buffer[self.pos:] + self.decoder.decode(chunk, final=self.eof)
        self.pos = 0
        return True

    def next_char(self) -> str:
        """Skip white space; the next character, or "" at the end of the stream."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def decode_value(self, decoder: json.JSONDecoder) -> Any:
        while True:
            try:
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if len(self.buffer) - self.pos > MAX_RECORD_CHARS or not self.more():
                    raise
                continue
            if end == len(self.buffer) and not self.eof:
                self.more()  # a number cut at the chunk's end: decode it again with what follows
                continue
            self.pos = end
            return value


@contextmanager
def _open_binary(path: Path) -> Iterator[IO[bytes]]:
    """The file's bytes, through gzip or zip when it is compressed (told by its first bytes)."""
    with open(path, "rb") as raw:
        magic = raw.read(4)
    if magic[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as stream:
            yield stream
        return
    if magic == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise RorFileError(code="bad_zip", params={"path": str(path)}) from exc
        with archive, archive.open(_zip_member(archive, path=path)) as stream:
            yield stream
        return
    with open(path, "rb") as stream:
        yield stream


def _zip_member(archive: zipfile.ZipFile, *, path: Path) -> str:
    """The JSON member of a zip; in ROR's own zips (v1 and v2 side by side), the v2 one."""
    names = [n for n in archive.namelist() if not n.endswith("/")]
    candidates = [n for n in names if n.lower().endswith((".json", ".jsonl"))]
    v2 = [n for n in candidates if "schema_v2" in n.lower()]
    if len(v2) == 1:
        return v2[0]
    if len(candidates) == 1:
        return candidates[0]
    raise RorFileError(code="zip_member",
                       params={"path": str(path), "members": ", ".join(names) or "-"})


def _first_char(head: bytes) -> str:
    text = head.decode("utf-8-sig", errors="ignore").lstrip(" \t\r\n")
    return text[:1]


# --- fields ---

def _names(data: dict[str, Any]) -> tuple[str, str, dict[str, tuple[str, ...]],
                                          tuple[str, ...], tuple[str, ...]]:
    """Display name and its language, labels by language ("" = none), acronyms, aliases."""
    display, display_lang = "", ""
    labels: dict[str, list[str]] = {}
    acronyms: list[str] = []
    aliases: list[str] = []
    for entry in data.get("names") or []:
        if not isinstance(entry, dict):
            continue
        value = _text(entry.get("value"))
        if not value:
            continue
        lang = _text(entry.get("lang")).lower()
        kinds = set(_strings(entry.get("types")))
        if "ror_display" in kinds and not display:
            display, display_lang = value, lang
        if kinds & {"ror_display", "label"}:
            _add(labels.setdefault(lang, []), value)
        if "acronym" in kinds:
            _add(acronyms, value)
        if "alias" in kinds:
            _add(aliases, value)
    if not display:
        display = _text(data.get("name"))
        display_lang = next((lang for lang, values in labels.items() if display in values), "")
    if not display:
        display_lang, first = next(((lang, v[0]) for lang, v in labels.items() if v), ("", ""))
        display = first
    return (display, display_lang, {lang: tuple(v) for lang, v in labels.items()},
            tuple(acronyms), tuple(aliases))


def _place(data: dict[str, Any]) -> tuple[str, str, str]:
    """(country code, city, region) from v2 `locations` or from the flattened top-level fields."""
    locations = data.get("locations")
    if isinstance(locations, list) and locations and isinstance(locations[0], dict):
        details = locations[0].get("geonames_details") or {}
        return (_text(details.get("country_code")).upper(), _text(details.get("name")),
                _text(details.get("country_subdivision_name")))
    return (_text(data.get("country_code")).upper(), _text(data.get("city")),
            _text(data.get("subdivision_name")))


def _parents(data: dict[str, Any]) -> tuple[str, ...]:
    parents: list[str] = []
    for relation in data.get("relationships") or []:
        if not isinstance(relation, dict) or _text(relation.get("type")).lower() != "parent":
            continue
        ror_id = normalize_ror(_text(relation.get("id")))
        if ror_id:
            _add(parents, ror_id)
    return tuple(parents)


def _website(links: Any) -> str:
    """The first website link that fits the column: v2 {type, value} or a plain string."""
    for link in links or []:
        if isinstance(link, dict):
            if _text(link.get("type")).lower() != "website":
                continue
            url = _text(link.get("value"))
        else:
            url = _text(link)
            if "wikipedia.org/" in url.lower():
                continue
        if url.lower().startswith(("http://", "https://")) and len(url) <= MAX_LENGTHS["website"]:
            return url
    return ""


def _bare_ror(value: str) -> str:
    text = value.strip().lower()
    for prefix in _ROR_PREFIXES:
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def _same_text(a: str, b: str) -> bool:
    """Equal but for case and typographic apostrophes (U+2019)."""
    return a.replace("\u2019", "'").casefold() == b.replace("\u2019", "'").casefold()


def _fit(value: str, column: str) -> str:
    limit = MAX_LENGTHS[column]
    return value if len(value) <= limit else value[:limit - 1].rstrip() + "…"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [v.strip().lower() for v in values if isinstance(v, str) and v.strip()]


def _add(values: list[str], value: str) -> None:
    if value not in values:
        values.append(value)
