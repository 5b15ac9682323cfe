"""Scopus CSV exports -> `Work` records.

Two column layouts are read: the 2016 one (41 columns; "Authors" separated by commas, "Authors with
affiliations" as "Surname, I., Dept, Institution, City, Country; …") and the current one (45
columns; "Authors" separated by semicolons, "Author full names" with Scopus author ids, "Authors
with affiliations" as "Surname I., Dept, Institution, City, Country; …"). Either way Scopus joins
the several affiliations of one author with commas, so they are told apart again with the
record's "Affiliations" column, which lists each distinct affiliation once.

The small country and language tables here are shared with the Web of Science reader.
"""

import csv
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from jumelage.observatory.engine.io import iter_text_lines
from jumelage.observatory.engine.schema import (
    Affiliation,
    Authorship,
    ReadIssue,
    Work,
    normalize_doi,
    normalize_pmid,
)

SOURCE_LABEL = "Scopus CSV"

# Columns without which a row cannot become a Work; every other column is optional.
REQUIRED_COLUMNS = ("Authors", "Title", "Year", "Source title", "DOI", "Affiliations",
                    "Document Type", "EID")

# Country names as Scopus and Web of Science write them (case-insensitive) -> ISO 3166-1 alpha-2.
# Anything else gives no country code: the affiliation matcher resolves it later.
COUNTRY_CODES: dict[str, str] = {
    "france": "FR",
    "canada": "CA",
    "united states": "US", "united states of america": "US", "usa": "US", "u.s.a.": "US",
    "united kingdom": "GB", "uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "north ireland": "GB", "northern ireland": "GB",
    "germany": "DE", "fed rep ger": "DE",
    "italy": "IT",
    "spain": "ES",
    "switzerland": "CH",
    "belgium": "BE",
    "netherlands": "NL", "the netherlands": "NL",
    "china": "CN", "peoples r china": "CN", "people's republic of china": "CN",
    "pr china": "CN", "p.r. china": "CN",
    "japan": "JP",
    "australia": "AU",
    "austria": "AT", "denmark": "DK", "finland": "FI", "ireland": "IE", "luxembourg": "LU",
    "norway": "NO", "portugal": "PT", "sweden": "SE", "poland": "PL", "greece": "GR",
    "israel": "IL", "india": "IN", "brazil": "BR", "mexico": "MX", "south korea": "KR",
    "republic of korea": "KR", "taiwan": "TW", "singapore": "SG", "new zealand": "NZ",
    "russia": "RU", "russian federation": "RU", "turkey": "TR", "turkiye": "TR",
    "morocco": "MA", "tunisia": "TN", "algeria": "DZ", "lebanon": "LB", "senegal": "SN",
}

LANGUAGE_CODES: dict[str, str] = {
    "english": "en", "french": "fr", "german": "de", "spanish": "es", "italian": "it",
    "portuguese": "pt", "dutch": "nl", "chinese": "zh", "japanese": "ja", "russian": "ru",
    "polish": "pl", "turkish": "tr", "korean": "ko", "czech": "cs", "swedish": "sv",
}

# Scopus "Document Type" -> schema.DOC_TYPES; a type not listed here becomes "other".
DOC_TYPES: dict[str, str] = {
    "article": "article",
    "article in press": "article",
    "review": "review",
    "short survey": "review",
    "letter": "letter",
    "editorial": "editorial",
    "conference paper": "conference-paper",
    "book chapter": "book-chapter",
    "book": "book",
    "erratum": "erratum",
}

NO_AUTHOR = {"[no author name available]", "anon"}


def country_code(address: str) -> str | None:
    """The ISO code of the address's last comma-separated part when that part is a known country;
    "…, Atlanta, GA 30303 USA." (Web of Science's way with US addresses) counts as well."""
    last = address.rsplit(",", 1)[-1].strip().rstrip(".").strip()
    key = " ".join(last.casefold().split())
    code = COUNTRY_CODES.get(key)
    if code is None and key.endswith(" usa"):
        code = "US"
    return code


def language_code(value: str) -> str:
    """"English" -> "en"; the first language when several are given; "" when unknown."""
    first = value.replace(",", ";").split(";", 1)[0].strip().casefold()
    return LANGUAGE_CODES.get(first, "")


def affiliation_of(raw: str) -> Affiliation:
    code = country_code(raw)
    return Affiliation(raw=raw, country_codes=(code,) if code else ())


def name_key(name: str) -> str:
    """A name for comparisons: no accents, no case, no punctuation but the surname comma."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    text = "".join(char if char.isalnum() or char == "," else " " for char in text)
    return " ".join(text.split()).replace(" ,", ",")


def split_list(value: str, separator: str = ";") -> list[str]:
    return [item.strip() for item in value.split(separator) if item.strip()]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def read_scopus_csv(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Each row of a Scopus CSV export as a Work, or as a ReadIssue saying why it cannot be."""
    path = Path(path)
    # References and abstracts of long reviews pass the csv module's default 128 KiB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    feeder = _LineFeeder(path)
    reader = csv.reader(feeder)
    header: list[str] | None = None
    while True:
        try:
            row = next(reader)
        except StopIteration:
            yield from feeder.end_row()[1]
            break
        except csv.Error as exc:
            line, issues = feeder.end_row()
            yield from issues
            yield ReadIssue(path=str(path), line=line, code="not_a_record",
                            params={"source": SOURCE_LABEL, "detail": str(exc)})
            continue
        line, issues = feeder.end_row()
        yield from issues
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [cell.strip() for cell in row]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                yield ReadIssue(path=str(path), line=line, code="bad_columns",
                                params={"source": SOURCE_LABEL, "missing": ", ".join(missing),
                                        "found": ", ".join(header)})
                return
            continue
        if len(row) != len(header):
            yield ReadIssue(path=str(path), line=line, code="not_a_record",
                            params={"source": SOURCE_LABEL,
                                    "detail": f"the row has {len(row)} fields where the header "
                                              f"has {len(header)}"})
            continue
        yield _work_from_row(dict(zip(header, row, strict=True)), path=path, line=line)
    if header is None and not feeder.unreadable:
        yield ReadIssue(path=str(path), line=1, code="bad_columns",
                        params={"source": SOURCE_LABEL, "missing": ", ".join(REQUIRED_COLUMNS),
                                "found": "nothing (the file is empty)"})


class _LineFeeder:
    """Feeds decoded lines to csv.reader and remembers which file lines each row came from, and
    the lines that could not be decoded."""

    def __init__(self, path: Path) -> None:
        self._lines = iter_text_lines(path)
        self._consumed: list[int] = []
        self._issues: list[ReadIssue] = []
        self._last = 0
        self.unreadable = False

    def __iter__(self) -> Iterator[str]:
        for item in self._lines:
            if isinstance(item, ReadIssue):
                self.unreadable = self.unreadable or item.code in {"unreadable", "bad_gzip"}
                self._issues.append(item)
                continue
            number, text = item
            self._last = number
            self._consumed.append(number)
            yield text + "\n"

    def end_row(self) -> tuple[int, list[ReadIssue]]:
        """The first file line of the row csv.reader just read, and the lines it could not
        decode; then starts afresh for the next row."""
        line = self._consumed[0] if self._consumed else self._last
        issues = self._issues
        self._consumed, self._issues = [], []
        return line, issues


def _clean(value: str | None) -> str:
    """The cell's text; "NA" (how R-written exports mark a missing value) counts as empty."""
    text = (value or "").strip()
    return "" if text == "NA" else text


def _work_from_row(row: dict[str, str], *, path: Path, line: int) -> Work | ReadIssue:
    def cell(name: str) -> str:
        return _clean(row.get(name))

    def issue(code: str, **params: str) -> ReadIssue:
        return ReadIssue(path=str(path), line=line, code=code, params=params)

    title, eid = cell("Title"), cell("EID")
    if not title and not eid:
        return issue("missing_field", field="Title or EID")
    year_text = cell("Year")
    if year_text and not year_text.isdigit():
        return issue("bad_value", field="Year", value=year_text)
    cited_text = cell("Cited by")
    if cited_text and not cited_text.isdigit():
        return issue("bad_value", field="Cited by", value=cited_text)
    open_access = None
    if "Open Access" in row:
        open_access = bool(cell("Open Access"))
    abstract = cell("Abstract")
    if abstract.casefold() == "[no abstract available]":
        abstract = ""
    return Work(
        source="scopus",
        source_id=eid,
        title=title,
        year=int(year_text) if year_text else None,
        doc_type=DOC_TYPES.get(cell("Document Type").casefold(), "other"),
        doi=normalize_doi(cell("DOI")),
        pmid=normalize_pmid(cell("PubMed ID")),
        authorships=_authorships(row),
        keywords=unique([*split_list(cell("Author Keywords")),
                         *split_list(cell("Index Keywords"))]),
        venue=cell("Source title"),
        language=language_code(cell("Language of Original Document")),
        cited_by_count=int(cited_text) if cited_text else None,
        is_open_access=open_access,
        abstract=abstract,
        location=f"{path}:{line}",
    )


def _authorships(row: dict[str, str]) -> tuple[Authorship, ...]:
    authors_text = _clean(row.get("Authors"))
    new_layout = "Author full names" in row
    separator = ";" if new_layout or ";" in authors_text else ","
    authors = [name for name in split_list(authors_text, separator)
               if name.casefold() not in NO_AUTHOR]
    if not authors:
        return ()
    full_names = [_strip_author_id(name)
                  for name in split_list(_clean(row.get("Author full names")))]
    display = full_names if len(full_names) == len(authors) else authors

    known = split_list(_clean(row.get("Affiliations")))
    with_affiliations = _clean(row.get("Authors with affiliations"))
    if with_affiliations:
        texts = _texts_per_author(authors, split_list(with_affiliations), new_layout=new_layout)
        known_set = set(known)
        per_author = [unique(part for text in author_texts
                             for part in _split_affiliations(text, known_set))
                      for author_texts in texts]
    else:  # no per-author column: every author gets every affiliation of the record
        per_author = [unique(known)] * len(authors)

    corresponding = _corresponding(_clean(row.get("Correspondence Address")), authors)
    return tuple(
        Authorship(position=index + 1, name=display[index],
                   affiliations=tuple(affiliation_of(raw) for raw in per_author[index]),
                   is_corresponding=index in corresponding)
        for index in range(len(authors)))


def _strip_author_id(name: str) -> str:
    """"Liu, Fengyuan (60410297700)" -> "Liu, Fengyuan"."""
    head, _, tail = name.rpartition(" (")
    return head.strip() if head and tail.rstrip(")").isdigit() else name


def _texts_per_author(authors: list[str], groups: list[str], *,
                      new_layout: bool) -> list[list[str]]:
    """Each "Name, affiliation text" group of "Authors with affiliations" given to its author,
    in order (two authors may share a name): the affiliation texts of each author."""
    texts: list[list[str]] = [[] for _ in authors]
    expected = 0
    for group in groups:
        index, rest = _match_group(group, authors, expected)
        if index is None:  # the name is not in "Authors": trust the order and the layout
            if expected >= len(authors):
                continue
            index = expected
            rest = ", ".join(group.split(", ")[1 if new_layout else 2:])
        if rest:
            texts[index].append(rest)
        expected = index + 1
    return texts


def _match_group(group: str, authors: list[str], expected: int) -> tuple[int | None, str]:
    """Which author a group starts with ("Liu F., …" or, in 2016, "Yagai, T., …" for "Yagai
    T."), and the text after the name. The expected author (the next one) is tried first."""
    order = [expected, *range(len(authors))] if expected < len(authors) else range(len(authors))
    forms = (group, group.replace(", ", " ", 1))
    for index in order:
        name = authors[index]
        for form in forms:
            if form == name:
                return index, ""
            if form.startswith(name + ","):
                return index, form[len(name) + 1:].strip()
    for index in order:  # "Burnett, R.T.University of Ottawa, …": a comma is missing
        for form in forms:
            if form.startswith(authors[index]):
                return index, form[len(authors[index]):].lstrip(", ")
    return None, ""


def _split_affiliations(text: str, known: set[str]) -> list[str]:
    """An author's affiliation text cut into the record's known affiliations, which Scopus joined
    with commas; the whole text when it cannot be cut that way."""
    if text in known or not known:
        return [text]
    parts = text.split(", ")
    # best[i]: the known affiliations that make up parts[:i] (longest first at each step)
    best: dict[int, list[str]] = {0: []}
    for start in range(len(parts)):
        if start not in best:
            continue
        for end in range(len(parts), start, -1):
            candidate = ", ".join(parts[start:end])
            if end not in best and candidate in known:
                best[end] = [*best[start], candidate]
    return best.get(len(parts)) or [text]


def _corresponding(value: str, authors: list[str]) -> set[int]:
    """Authors named in "Correspondence Address": "Jemal, A.; address; email: …" (2016) or
    "Y. Li; address; email: …; T. Cui; address; email: …" (current)."""
    if not value:
        return set()
    segments = [segment.strip() for segment in value.split(";")]
    names = [segments[0]]
    names += [segments[i + 1] for i in range(len(segments) - 1)
              if segments[i].casefold().startswith("email:")]
    keys = [name_key(author) for author in authors]
    found: set[int] = set()
    for name in names:
        candidates = {name_key(name.replace(",", " ", 1)), name_key(_surname_first(name))}
        matches = [index for index, key in enumerate(keys) if key in candidates]
        if len(matches) == 1:
            found.add(matches[0])
    return found


def _surname_first(name: str) -> str:
    """"S.M. Abdullah" -> "Abdullah S.M."; other shapes are returned unchanged."""
    initials, _, surname = name.strip().partition(" ")
    if surname and initials.endswith(".") and all(
            part[:1].isupper() for part in initials.replace("-", ".").split(".") if part):
        return f"{surname} {initials}"
    return name
