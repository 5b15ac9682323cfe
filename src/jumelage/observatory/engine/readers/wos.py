"""Web of Science exports -> `Work` records.

Two formats are read, told apart by their first line:

- plain text: an `FN`/`VR` header, then records of two-letter tags ("AU Toh, ML"), continuation
  lines indented three spaces, `ER` ending each record and `EF` the file (several exports pasted
  together are fine);
- tab-delimited: a header row of the same tags, one record per line, multi-valued fields
  separated by "; " (UTF-8, or UTF-16 as the "Windows" export writes it).

Affiliations come from `C1`: "[Martin, Camille; Dupont, Anne] Ctr Leon Berard, Lyon, France." gives
the address to the bracketed authors (matched with their `AF` full names); an address without
brackets (records before 2008) belongs to every author. `RP` marks the corresponding author and
gives them their address when `C1` gave them none; `OI` ("Name/0000-…") gives ORCIDs.
"""

import codecs
import io
import re
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from jumelage.observatory.engine.io import iter_text_lines, open_binary
from jumelage.observatory.engine.readers.scopus import (
    affiliation_of,
    language_code,
    name_key,
    split_list,
    unique,
)
from jumelage.observatory.engine.schema import (
    Authorship,
    ReadIssue,
    Work,
    normalize_doi,
    normalize_orcid_url,
    normalize_pmid,
)

SOURCE_LABEL = "Web of Science"

# Tags a tab-delimited export must have; the plain-text format is checked record by record.
REQUIRED_TAGS = ("PT", "AU", "TI", "SO", "PY", "UT")

# Web of Science "DT" (its first type when there are several) -> schema.DOC_TYPES; else "other".
DOC_TYPES: dict[str, str] = {
    "article": "article",
    "review": "review",
    "letter": "letter",
    "editorial material": "editorial",
    "proceedings paper": "conference-paper",
    "book chapter": "book-chapter",
    "book": "book",
    "correction": "erratum",
    "correction, addition": "erratum",
}

# Fields that are lists: one item a line in plain text, items separated by "; " in the
# tab-delimited export. The lines of any other field are one text that the export wrapped.
LINE_ITEM_TAGS = {"AU", "AF", "CA", "C1", "CR", "EM"}

_TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_CORRESPONDING = re.compile(r"\s*\((?:corresponding|reprint) author\),?\s*")

Fields = dict[str, list[str]]


def read_wos(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Each record of a Web of Science export as a Work, or as a ReadIssue saying why it cannot
    be; reading goes on after a bad record."""
    path = Path(path)
    lines = _iter_lines(path)
    unreadable = False
    for item in lines:
        if isinstance(item, ReadIssue):
            unreadable = unreadable or item.code in {"unreadable", "bad_gzip"}
            yield item
            continue
        number, text = item
        if not text.strip():
            continue
        rest = chain([item], lines)
        first_tag = _TAG_LINE.match(text.rstrip())
        if "\t" in text:
            yield from _read_tabbed(path, rest)
        elif first_tag and first_tag.group(1) in {"FN", "VR", "PT"}:
            yield from _read_plain(path, rest)
        else:
            yield ReadIssue(path=str(path), line=number, code="not_a_record",
                            params={"source": SOURCE_LABEL,
                                    "detail": "the first line is neither an FN header nor a "
                                              f"tab-delimited header row: {text[:60]!r}"})
        return
    if not unreadable:
        yield ReadIssue(path=str(path), code="not_a_record",
                        params={"source": SOURCE_LABEL, "detail": "the file is empty"})


def _iter_lines(path: Path) -> Iterator[tuple[int, str] | ReadIssue]:
    """Numbered lines; UTF-16 (with its byte-order mark) as well as UTF-8."""
    try:
        with open_binary(path) as binary:
            head = binary.read(2)
    except OSError:
        head = b""  # iter_text_lines reports the unreadable file
    if head not in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        yield from iter_text_lines(path)
        return
    number = 0
    with io.TextIOWrapper(open_binary(path), encoding="utf-16", newline=None) as text:
        try:
            for number, line in enumerate(text, start=1):
                yield number, line.rstrip("\r\n")
        except UnicodeDecodeError as exc:
            yield ReadIssue(path=str(path), line=number + 1, code="bad_encoding",
                            params={"encoding": "UTF-16", "error": str(exc)})


# --- plain text ------------------------------------------------------------------------------


def _read_plain(path: Path, lines: Iterator[tuple[int, str] | ReadIssue]) -> Iterator[
        Work | ReadIssue]:
    fields: Fields | None = None  # the open record's fields
    start = 0  # the line of its first tag
    bad_line: tuple[int, str] | None = None  # its first line that is neither tag nor continuation
    undecodable = False  # one of its lines could not be decoded (already reported)
    tag: str | None = None

    def unterminated() -> ReadIssue:
        return ReadIssue(path=str(path), line=start, code="missing_field",
                         params={"field": "ER (end of record)"})

    for item in lines:
        if isinstance(item, ReadIssue):
            yield item
            undecodable = fields is not None
            continue
        number, raw = item
        raw = raw.removeprefix("\ufeff")  # exports pasted together with `cat` keep their BOMs
        text = raw.rstrip()
        if not text:
            continue
        if raw.startswith("   "):
            if fields is None:
                yield _stray_line(path, number, raw)
            elif tag is not None:
                fields[tag].append(raw[3:].strip())
            elif bad_line is None:
                bad_line = (number, raw)
            continue
        match = _TAG_LINE.match(text)
        if match is None:
            if fields is None:
                yield _stray_line(path, number, raw)
            elif bad_line is None:
                bad_line = (number, raw)
            tag = None  # the continuation lines that follow belong to no known field
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag in {"FN", "VR", "EF"}:
            if fields is not None:
                yield unterminated()
                fields = None
            tag = None
            continue
        if tag == "ER":
            if fields is not None and bad_line is not None:
                yield _bad_record(path, *bad_line)
            elif fields is not None and not undecodable:
                yield _work_from_fields(fields, path=path, line=start)
            fields, tag = None, None
            continue
        if tag == "PT" and fields is not None:
            yield unterminated()
            fields = None
        if fields is None:
            fields, start, bad_line, undecodable = {}, number, None, False
        fields.setdefault(tag, []).append(value)
    if fields is not None:
        yield unterminated()


def _stray_line(path: Path, number: int, raw: str) -> ReadIssue:
    return ReadIssue(path=str(path), line=number, code="not_a_record",
                     params={"source": SOURCE_LABEL,
                             "detail": f"the line is outside any record: {raw[:60]!r}"})


def _bad_record(path: Path, number: int, raw: str) -> ReadIssue:
    return ReadIssue(path=str(path), line=number, code="not_a_record",
                     params={"source": SOURCE_LABEL,
                             "detail": "the line is neither a two-letter field tag nor an "
                                       f"indented continuation: {raw[:60]!r}"})


# --- tab-delimited ---------------------------------------------------------------------------


def _read_tabbed(path: Path, lines: Iterator[tuple[int, str] | ReadIssue]) -> Iterator[
        Work | ReadIssue]:
    header: list[str] | None = None
    for item in lines:
        if isinstance(item, ReadIssue):
            yield item
            continue
        number, text = item
        if not text.strip():
            continue
        cells = text.split("\t")
        if header is None:
            header = [cell.strip() for cell in cells]
            while header and not header[-1]:
                header.pop()
            missing = [tag for tag in REQUIRED_TAGS if tag not in header]
            if missing:
                yield ReadIssue(path=str(path), line=number, code="bad_columns",
                                params={"source": f"{SOURCE_LABEL} tab-delimited",
                                        "missing": ", ".join(missing),
                                        "found": ", ".join(header)})
                return
            continue
        while len(cells) > len(header) and not cells[-1].strip():
            cells.pop()  # the export ends each row with a tab
        if len(cells) != len(header):
            yield ReadIssue(path=str(path), line=number, code="not_a_record",
                            params={"source": SOURCE_LABEL,
                                    "detail": f"the row has {len(cells)} fields where the "
                                              f"header has {len(header)}"})
            continue
        fields: Fields = {}
        for tag, cell in zip(header, cells, strict=True):
            value = cell.strip()
            if not value:
                fields[tag] = []  # an empty OA cell says "not open access"
            elif tag == "C1":
                fields[tag] = _split_addresses(value)
            elif tag in LINE_ITEM_TAGS:
                fields[tag] = split_list(value)
            else:
                fields[tag] = [value]
        yield _work_from_fields(fields, path=path, line=number)


def _split_addresses(value: str) -> list[str]:
    """"[A; B] Addr 1; [C] Addr 2" -> ["[A; B] Addr 1", "[C] Addr 2"]: "; " outside brackets."""
    items, depth, current = [], 0, []
    for char in value:
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        if char == ";" and depth == 0:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return [item for item in items if item]


# --- one record ------------------------------------------------------------------------------


def _work_from_fields(fields: Fields, *, path: Path, line: int) -> Work | ReadIssue:
    def text(tag: str) -> str:
        return " ".join(fields.get(tag, [])).strip()

    def issue(code: str, **params: str) -> ReadIssue:
        return ReadIssue(path=str(path), line=line, code=code, params=params)

    title, accession = text("TI"), text("UT")
    if not title and not accession:
        return issue("missing_field", field="UT (accession number) or TI (title)")
    year_text = text("PY") or text("EY")  # EY: the early-access year, before an issue has one
    if year_text and not year_text.isdigit():
        return issue("bad_value", field="PY", value=year_text)
    cited_tag = "TC" if text("TC") else "Z9"  # Z9 counts citations from all WoS databases
    cited_text = text(cited_tag)
    if cited_text and not cited_text.isdigit():
        return issue("bad_value", field=cited_tag, value=cited_text)
    return Work(
        source="wos",
        source_id=accession,
        title=title,
        year=int(year_text) if year_text else None,
        doc_type=_doc_type(text("DT"), text("PT")),
        doi=normalize_doi(text("DI")),
        pmid=normalize_pmid(text("PM")),
        authorships=_authorships(fields),
        keywords=unique([*split_list(text("DE")), *split_list(text("ID"))]),
        venue=text("SO"),
        language=language_code(text("LA")),
        cited_by_count=int(cited_text) if cited_text else None,
        is_open_access=True if text("OA") else (False if "OA" in fields else None),
        abstract=text("AB"),
        location=f"{path}:{line}",
    )


def _doc_type(value: str, publication_type: str) -> str:
    for part in split_list(value):
        if part.casefold() != "early access":
            return DOC_TYPES.get(part.casefold(), "other")
    return "book" if publication_type == "B" else "other"


def _authorships(fields: Fields) -> tuple[Authorship, ...]:
    short = fields.get("AU", [])
    full = fields.get("AF", []) or short
    if not full:
        return ()
    matcher = _AuthorMatcher(full, short if len(short) == len(full) else [])
    addresses: list[list[str]] = [[] for _ in full]
    for entry in fields.get("C1", []):
        names, address = _bracketed(entry)
        if not address:
            continue
        targets = (range(len(full)) if names is None
                   else _unique_indices(matcher.find(name, several=True) for name in names))
        for index in targets:
            if address not in addresses[index]:
                addresses[index].append(address)

    corresponding: set[int] = set()
    for names, address in _reprints(fields.get("RP", [])):
        for name in names:
            for index in matcher.find(name):
                corresponding.add(index)
                if address and not addresses[index]:
                    addresses[index].append(address)

    orcids: dict[int, str] = {}
    for entry in split_list(" ".join(fields.get("OI", []))):
        name, _, value = entry.rpartition("/")
        orcid = normalize_orcid_url(value)
        if orcid and name:
            for index in matcher.find(name):
                orcids.setdefault(index, orcid)

    return tuple(
        Authorship(position=index + 1, name=name, orcid=orcids.get(index),
                   affiliations=tuple(affiliation_of(raw) for raw in addresses[index]),
                   is_corresponding=index in corresponding)
        for index, name in enumerate(full))


def _unique_indices(groups: Iterable[list[int]]) -> list[int]:
    return list(dict.fromkeys(index for group in groups for index in group))


def _bracketed(entry: str) -> tuple[list[str] | None, str]:
    """"[A; B] Address." -> (["A", "B"], "Address."); "Address." -> (None, "Address.")."""
    if entry.startswith("[") and "]" in entry:
        names, _, address = entry[1:].partition("]")
        return split_list(names), address.strip()
    return None, entry.strip()


def _reprints(lines: list[str]) -> list[tuple[list[str], str]]:
    """"Toh, ML (corresponding author), Univ X, Sibu, Malaysia." -> [(["Toh, ML"], "Univ X, …")].
    Several groups follow one another ("….; Roy, M (corresponding author), …", on one line or
    the next), and one group may name several authors ("Roy, M; Li, X (corresponding author)")."""
    text = " ".join(lines)
    matches = list(_CORRESPONDING.finditer(text))
    groups: list[tuple[list[str], str]] = []
    names_start = 0
    for position, match in enumerate(matches):
        names = text[names_start:match.start()]
        if position == len(matches) - 1:
            groups.append((split_list(names), text[match.end():].strip()))
            break
        segment = text[match.end():matches[position + 1].start()]
        separator = ".; " if ".; " in segment else ". "
        cut = segment.rfind(separator)
        address = segment[:cut + 1] if cut >= 0 else ""  # no address: the names run on
        names_start = match.end() + (cut + len(separator) if cut >= 0 else 0)
        groups.append((split_list(names), address.strip()))
    return groups


class _AuthorMatcher:
    """Finds an author from a name as C1, RP or OI write it: the full name (AF), the short one
    (AU), the surname and first initial, or the surname's words among the full name's words."""

    def __init__(self, full: list[str], short: list[str]) -> None:
        self.keys = [name_key(name) for name in full]
        short_keys = [name_key(name) for name in short]
        # exact lookups stay fast for the thousands of names of a large collaboration
        self.exact: list[dict[str, list[int]]] = [{}, {}]
        for table, keys in zip(self.exact, (self.keys, short_keys), strict=True):
            for index, key in enumerate(keys):
                table.setdefault(key, []).append(index)
        # short names, when given, are as many as the full ones: position % len(full) is the author
        self.parts = [_surname_and_given(key) for key in (*self.keys, *short_keys)]

    def find(self, name: str, *, several: bool = False) -> list[int]:
        """The matching authors' indices: all of those with this exact name when `several`,
        otherwise only a single, unambiguous one."""
        key = name_key(name)
        for table in self.exact:
            exact = table.get(key)
            if exact:
                return exact if several or len(exact) == 1 else []
        surname, given = _surname_and_given(key)
        if not surname:
            return []
        count = len(self.keys)
        by_initial = {position % count for position, (other_surname, other_given)
                      in enumerate(self.parts)
                      if other_surname == surname and other_given[:1] == given[:1]}
        if len(by_initial) == 1:
            return list(by_initial)
        if by_initial:
            return []
        words = set(surname.split())
        by_words = [index for index, key_ in enumerate(self.keys)
                    if words <= set(key_.replace(",", " ").split())]
        return by_words if len(by_words) == 1 else []


def _surname_and_given(key: str) -> tuple[str, str]:
    surname, _, given = key.partition(",")
    return surname.strip(), given.strip()

