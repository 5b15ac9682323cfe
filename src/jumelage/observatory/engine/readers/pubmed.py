"""PubMed / MEDLINE readers: the XML of NLM's MEDLINE files and E-utilities, and the MEDLINE text
("nbib") that PubMed exports.

`read_pubmed_xml` reads both the 2016 `MedlineCitationSet` (a `MedlineCitation` per record) and
the current `PubmedArticleSet` (`PubmedArticle` = `MedlineCitation` + `PubmedData`, and
`PubmedBookArticle`), plain or gzip, streaming. `read_medline_text` reads the tagged text format.

Choices, the same in both readers:
- `name` is "LastName, ForeName" as the MEDLINE `FAU` field writes it; authors marked
  `ValidYN="N"` (a name NLM keeps only for indexing) are left out; a group author
  (`CollectiveName`, `CN`) is an authorship with the group's name.
- Affiliation `raw` is the text as written, only trimmed (the MEDLINE text reader joins wrapped
  lines with one space); "Electronic address: …" stays, the matcher cleans it.
- A record-level affiliation (before 2014 NLM kept one `Affiliation` under `Article`, or one `AD`
  line before the authors, and it describes the first author) is given to the first author only:
  the observatory counts a paper for an institution when any author has it, and giving it to
  every author would invent authors there.
- `doc_type` is taken from the publication types by priority: erratum, preprint, book chapter,
  book, review (Review, Systematic Review, Meta-Analysis), letter, editorial, conference paper,
  article; "other" when none of them is there (News, Biography…).
- `year` is the year of the issue (`PubDate/Year`, else the first year of `MedlineDate` such as
  "2015 Dec-2016 Jan", else the electronic `ArticleDate`); `DP` in the text format.
- DOI: PubMed's `ArticleIdList` (text `AID … [doi]`), else the publisher's `ELocationID`
  (`LID … [doi]`); never a DOI of a cited reference.
- XML records have no line number (iterparse does not give one): a record's location is
  `file[n]`, n its rank among the file's records counted from 0 (as the JSON readers count
  the records of a page); `DeleteCitation` blocks are not counted. Text records are located
  by the line of their first field.
"""

import gzip
import re
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element

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

SOURCE = "pubmed"

# --- shared by both readers ------------------------------------------------------------------

_DOC_TYPE_BY_PUBLICATION_TYPE = {
    "published erratum": "erratum",
    "preprint": "preprint",
    "book chapter": "book-chapter",
    "book": "book",
    "review": "review",
    "systematic review": "review",
    "scoping review": "review",
    "meta-analysis": "review",
    "letter": "letter",
    "editorial": "editorial",
    "congress": "conference-paper",
    "clinical conference": "conference-paper",
    "consensus development conference": "conference-paper",
    "consensus development conference, nih": "conference-paper",
}
_DOC_TYPE_PRIORITY = ("erratum", "preprint", "book-chapter", "book", "review", "letter",
                      "editorial", "conference-paper")
# Publication types that make a record a research article when no type above is there. Types
# that say how the work was funded ("Research Support, …") or that an English abstract exists
# say nothing of its genre: a News item with them stays "other".
_ARTICLE_TYPES = frozenset({
    "journal article", "introductory journal article", "case reports", "comparative study",
    "multicenter study", "observational study", "evaluation study", "validation study",
    "randomized controlled trial", "controlled clinical trial", "pragmatic clinical trial",
    "equivalence trial", "adaptive clinical trial", "twin study", "clinical study",
    "technical report", "historical article", "practice guideline", "guideline",
    "retracted publication", "corrected and republished article",
})
_ARTICLE_TYPE_PREFIXES = ("clinical trial", "randomized controlled trial")


def doc_type_of(publication_types: Iterable[str]) -> str:
    """The normalised doc_type for a record's MEDLINE publication types (any letter case)."""
    found = set()
    article = False
    for value in publication_types:
        key = value.strip().casefold()
        if key in _DOC_TYPE_BY_PUBLICATION_TYPE:
            found.add(_DOC_TYPE_BY_PUBLICATION_TYPE[key])
        elif key in _ARTICLE_TYPES or key.startswith(_ARTICLE_TYPE_PREFIXES):
            article = True
    for doc_type in _DOC_TYPE_PRIORITY:
        if doc_type in found:
            return doc_type
    return "article" if article else "other"


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def year_of(text: str | None) -> int | None:
    """The first year in a MEDLINE date: "2016 Jan-Feb" -> 2016, "2015 Dec-2016 Jan" -> 2015."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


# MEDLINE writes ISO 639-2/B codes; the schema wants ISO 639-1.
_LANGUAGES = {
    "eng": "en", "fre": "fr", "ger": "de", "spa": "es", "ita": "it", "por": "pt", "dut": "nl",
    "rus": "ru", "chi": "zh", "jpn": "ja", "kor": "ko", "pol": "pl", "cze": "cs", "slo": "sk",
    "slv": "sl", "hun": "hu", "rum": "ro", "bul": "bg", "hrv": "hr", "srp": "sr", "ukr": "uk",
    "gre": "el", "tur": "tr", "heb": "he", "ara": "ar", "per": "fa", "dan": "da", "swe": "sv",
    "nor": "no", "fin": "fi", "ice": "is", "est": "et", "lav": "lv", "lit": "lt", "ind": "id",
    "may": "ms", "tha": "th", "vie": "vi", "hin": "hi", "cat": "ca", "baq": "eu", "glg": "gl",
    "wel": "cy", "gle": "ga", "afr": "af", "lat": "la", "epo": "eo",
}


def language_of(code: str | None) -> str:
    return _LANGUAGES.get((code or "").strip().lower(), "")


def orcid_of(value: str | None) -> str | None:
    """An ORCID as PubMed writes it (bare, as a URL, without hyphens, after "ORCID:") ->
    "0000-0002-1825-0097"; None when it is not one."""
    text = (value or "").strip().upper().removeprefix("ORCID:").strip()
    text = re.sub(r"^(?:HTTPS?://)?(?:WWW\.)?ORCID\.ORG/", "", text)
    if re.fullmatch(r"\d{15}[\dX]", text):
        text = "-".join(text[i:i + 4] for i in range(0, 16, 4))
    return normalize_orcid_url(text)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value for value in values if value))


# --- XML -------------------------------------------------------------------------------------

_SETS = ("MedlineCitationSet", "PubmedArticleSet")
_RECORDS = ("MedlineCitation", "PubmedArticle", "PubmedBookArticle")


class _CountingReader:
    """Hands the parser the file's bytes and counts the lines it has handed over.

    It reads with `read1`: a buffered `read(n)` that meets the end of a truncated gzip raises
    and drops the bytes it had gathered, `read1` hands them over first."""

    __slots__ = ("_binary", "lines")

    def __init__(self, binary) -> None:
        self._binary = binary
        self.lines = 0

    def read(self, size: int = -1) -> bytes:
        data = self._binary.read1(size)
        self.lines += data.count(b"\n")
        return data


def read_pubmed_xml(path: Path | str, *,
                    deleted_pmids: set[str] | None = None) -> Iterator[Work | ReadIssue]:
    """Each record of a PubMed/MEDLINE XML file (plain or gzip) as a Work, or a ReadIssue.

    `DeleteCitation` blocks of update files are not works: their PMIDs are added to
    `deleted_pmids` when a set is given. XML that is not well formed, a wrong encoding or a
    truncated gzip ends the reading with a ReadIssue; the records read before it are kept.
    """
    path = Path(path)
    name = str(path)
    try:
        binary = open_binary(path)
    except OSError as exc:
        yield ReadIssue(path=name, code="unreadable", params={"error": str(exc)})
        return
    with binary:
        reader = _CountingReader(binary)
        depth = 0
        index = 0
        root: Element | None = None
        try:
            # S314: ElementTree never loads external entities or DTDs, and the expat it runs
            # on (2.4.1 and later) refuses entity-expansion bombs.
            for event, element in ET.iterparse(reader, events=("start", "end")):  # noqa: S314
                if event == "start":
                    if depth == 0 and element.tag not in _SETS + _RECORDS:
                        yield ReadIssue(path=name, code="not_a_record", params={
                            "source": "PubMed XML",
                            "detail": f"the root element is <{element.tag}>, expected "
                                      "<PubmedArticleSet> or <MedlineCitationSet>"})
                        return
                    if depth == 0:
                        root = element
                    depth += 1
                    continue
                depth -= 1
                if depth > 1 or (depth == 1 and root is not None and root.tag in _RECORDS):
                    continue
                if element.tag == "DeleteCitation":
                    if deleted_pmids is not None:
                        deleted_pmids.update(
                            pmid for pmid in (normalize_pmid(item.text)
                                              for item in element.iter("PMID")) if pmid)
                elif depth == 1 or element.tag in _RECORDS:
                    yield _record(element, name, index)
                    index += 1
                if root is not None and depth == 1:
                    root.clear()
        except ET.ParseError as exc:
            yield _parse_issue(path, exc)
        except (EOFError, OSError, zlib.error) as exc:
            code = "bad_gzip" if isinstance(binary, gzip.GzipFile) else "unreadable"
            yield ReadIssue(path=name, code=code, line=reader.lines + 1,
                            params={"error": str(exc) or type(exc).__name__})


def _parse_issue(path: Path, exc: ET.ParseError) -> ReadIssue:
    """bad_encoding when the line the parser stopped at is not UTF-8, else bad_xml."""
    line = exc.position[0]
    declared = b""
    try:
        with open_binary(path) as binary:
            for number, raw in enumerate(binary, start=1):
                if number == 1:
                    found = re.search(rb'encoding=["\']([\w.-]+)', raw)
                    declared = found.group(1).lower() if found else b""
                if number == line:
                    if declared in (b"", b"utf-8", b"utf8"):
                        raw.decode("utf-8")
                    break
    except UnicodeDecodeError as error:
        return ReadIssue(path=str(path), code="bad_encoding", line=line,
                         params={"encoding": "UTF-8", "error": str(error)})
    except (EOFError, OSError, zlib.error):
        pass
    return ReadIssue(path=str(path), code="bad_xml", line=line, params={"error": str(exc)})


def _record(element: Element, name: str, index: int) -> Work | ReadIssue:
    if element.tag == "MedlineCitation":
        return _work(element, None, name, index)
    if element.tag == "PubmedArticle":
        citation = element.find("MedlineCitation")
        if citation is not None:
            return _work(citation, element.find("PubmedData"), name, index)
        return ReadIssue(path=name, index=index, code="missing_field",
                         params={"field": "MedlineCitation"})
    if element.tag == "PubmedBookArticle":
        document = element.find("BookDocument")
        if document is not None:
            return _book(document, element.find("PubmedBookData"), name, index)
        return ReadIssue(path=name, index=index, code="missing_field",
                         params={"field": "BookDocument"})
    return ReadIssue(path=name, index=index, code="not_a_record", params={
        "source": "PubMed", "detail": f"<{element.tag}> is not a citation"})


def _text(element: Element | None) -> str:
    return _collapse("".join(element.itertext())) if element is not None else ""


def _texts(element: Element, path: str) -> list[str]:
    return [_text(item) for item in element.iterfind(path)]


def _pmid(element: Element, name: str, index: int) -> str | ReadIssue:
    found = element.find("PMID")
    if found is None or not (found.text or "").strip():
        return ReadIssue(path=name, index=index, code="missing_field", params={"field": "PMID"})
    pmid = normalize_pmid(found.text)
    if pmid is None:
        return ReadIssue(path=name, index=index, code="bad_value",
                         params={"field": "PMID", "value": found.text})
    return pmid


def _xml_doi(*holders: Element | None) -> str | None:
    """The first DOI in the holders' own `ArticleIdList`, then `ELocationID` (not in the
    `ArticleIdList` of a cited reference, which lies deeper)."""
    candidates = [
        *(item.text for holder in holders if holder is not None
          for item in holder.iterfind("ArticleIdList/ArticleId[@IdType='doi']")),
        *(item.text for holder in holders if holder is not None
          for item in holder.iterfind("ELocationID[@EIdType='doi']")
          if item.get("ValidYN") != "N"),
    ]
    return next(filter(None, map(normalize_doi, candidates)), None)


def _authorships(author_list: Element | None, shared_affiliation: str) -> tuple[Authorship, ...]:
    result: list[Authorship] = []
    for author in author_list.iterfind("Author") if author_list is not None else ():
        if author.get("ValidYN") == "N":
            continue
        affiliations = []
        for info in author.iterfind("AffiliationInfo"):
            raw = _raw(info.find("Affiliation"))
            if raw:
                rors = _unique(normalize_ror_url(item.text) or ""
                               for item in info.iterfind("Identifier[@Source='ROR']"))
                affiliations.append(Affiliation(raw=raw, ror_ids=rors))
        if shared_affiliation and not result:
            affiliations.insert(0, Affiliation(raw=shared_affiliation))
        orcid = next(filter(None, (orcid_of(item.text)
                                   for item in author.iterfind("Identifier[@Source='ORCID']"))),
                     None)
        result.append(Authorship(position=len(result) + 1, name=_author_name(author),
                                 orcid=orcid, affiliations=tuple(affiliations)))
    return tuple(result)


def _raw(element: Element | None) -> str:
    """An affiliation as written: its text, trimmed, inner spacing and line breaks kept."""
    return "".join(element.itertext()).strip() if element is not None else ""


def _author_name(author: Element) -> str:
    collective = _text(author.find("CollectiveName"))
    if collective:
        return collective
    last = _text(author.find("LastName"))
    first = " ".join(filter(None, (_text(author.find("ForeName")) or
                                   _text(author.find("Initials")),
                                   _text(author.find("Suffix")))))
    return f"{last}, {first}" if last and first else last or first


def _abstract(abstract: Element | None) -> str:
    if abstract is None:
        return ""
    parts = []
    for part in abstract.iterfind("AbstractText"):
        text = _text(part)
        label = part.get("Label", "")
        parts.append(f"{label}: {text}" if text and label not in ("", "UNLABELLED") else text)
    return "\n".join(filter(None, parts))


def _year(pub_date: Element | None, *fallbacks: Element | None) -> int | None:
    for date in (pub_date, *fallbacks):
        if date is not None:
            year = year_of(date.findtext("Year")) or year_of(date.findtext("MedlineDate"))
            if year:
                return year
    return None


def _work(citation: Element, pubmed_data: Element | None, name: str,
          index: int) -> Work | ReadIssue:
    pmid = _pmid(citation, name, index)
    if isinstance(pmid, ReadIssue):
        return pmid
    article = citation.find("Article")
    if article is None:
        return ReadIssue(path=name, index=index, code="missing_field", params={"field": "Article"})
    venue = (_text(article.find("Journal/Title")) or _text(article.find("Journal/ISOAbbreviation"))
             or _text(citation.find("MedlineJournalInfo/MedlineTA")))
    return Work(
        source=SOURCE, source_id=pmid, pmid=pmid,
        title=_text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle")),
        year=_year(article.find("Journal/JournalIssue/PubDate"), article.find("ArticleDate")),
        doc_type=doc_type_of(_texts(article, "PublicationTypeList/PublicationType")),
        doi=_xml_doi(pubmed_data, article),
        authorships=_authorships(article.find("AuthorList"), _raw(article.find("Affiliation"))),
        mesh_terms=_unique(_texts(citation, "MeshHeadingList/MeshHeading/DescriptorName")),
        keywords=_unique(_texts(citation, "KeywordList/Keyword")),
        venue=venue,
        language=language_of(article.findtext("Language")),
        abstract=_abstract(article.find("Abstract")),
        location=f"{name}[{index}]",
    )


def _book(document: Element, book_data: Element | None, name: str,
          index: int) -> Work | ReadIssue:
    pmid = _pmid(document, name, index)
    if isinstance(pmid, ReadIssue):
        return pmid
    chapter = _text(document.find("ArticleTitle"))
    book_title = _text(document.find("Book/BookTitle"))
    author_list = next((found for found in document.iterfind("AuthorList")
                        if found.get("Type", "authors") == "authors"), None)
    if author_list is None:
        author_list = next((found for found in document.iterfind("Book/AuthorList")
                            if found.get("Type", "authors") == "authors"), None)
    return Work(
        source=SOURCE, source_id=pmid, pmid=pmid,
        title=chapter or book_title,
        year=_year(document.find("Book/PubDate"), document.find("ContributionDate")),
        doc_type="book-chapter" if chapter else "book",
        doi=_xml_doi(document, book_data),
        authorships=_authorships(author_list, ""),
        keywords=_unique(_texts(document, "KeywordList/Keyword")),
        venue=book_title if chapter else _text(document.find("Book/Publisher/PublisherName")),
        language=language_of(document.findtext("Language")),
        abstract=_abstract(document.find("Abstract")),
        location=f"{name}[{index}]",
    )


# --- MEDLINE text ----------------------------------------------------------------------------

_TAG_LINE = re.compile(r"([A-Z][A-Z0-9 ]{0,3})-(?: (.*))?$")
_CONTINUATION = "      "

Field = tuple[str, str, int]  # tag, value, line number


def read_medline_text(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Each record of a MEDLINE text file (PubMed's "nbib"/MEDLINE export) as a Work, or a
    ReadIssue located at the line where the record went wrong; reading goes on at the next
    record (records are separated by blank lines; a `PMID-` line also starts one)."""
    path = Path(path)
    name = str(path)
    fields: list[Field] = []
    broken: ReadIssue | None = None  # the record's first fault; the rest of it is skipped
    for item in iter_text_lines(path):
        if isinstance(item, ReadIssue):
            if item.code != "bad_encoding":
                yield item  # unreadable file or corrupt gzip: nothing more can be read
                return
            broken = broken or item
            continue
        number, line = item
        if not line.strip():
            if fields or broken:
                yield broken or _text_record(fields, name)
            fields, broken = [], None
            continue
        if line.startswith(_CONTINUATION):
            if fields:
                tag, value, start = fields[-1]
                fields[-1] = (tag, f"{value.rstrip()} {line.strip()}".strip(), start)
            elif not broken:
                broken = ReadIssue(path=name, line=number, code="not_a_record", params={
                    "source": "MEDLINE", "detail": "a continuation line starts the record"})
            continue
        match = _TAG_LINE.match(line)
        if match is None or (len(line) > 4 and line[4] != "-"):
            broken = broken or ReadIssue(path=name, line=number, code="not_a_record", params={
                "source": "MEDLINE", "detail": f"{line[:40]!r} is not a 'TAG - value' line"})
            continue
        tag = match.group(1).rstrip()
        if tag == "PMID" and (fields or broken):
            yield broken or _text_record(fields, name)
            fields, broken = [], None
        fields.append((tag, (match.group(2) or "").strip(), number))
    if fields or broken:
        yield broken or _text_record(fields, name)


def _text_record(fields: list[Field], name: str) -> Work | ReadIssue:
    start = fields[0][2]
    first: dict[str, str] = {}
    for tag, value, _line in fields:
        first.setdefault(tag, value)
    if not first.get("PMID"):
        return ReadIssue(path=name, line=start, code="missing_field", params={"field": "PMID"})
    pmid = normalize_pmid(first["PMID"])
    if pmid is None:
        return ReadIssue(path=name, line=start, code="bad_value",
                         params={"field": "PMID", "value": first["PMID"]})

    def values(*tags: str) -> list[str]:
        return [value for tag, value, _line in fields if tag in tags]

    ids = [value.removesuffix("[doi]") for value in values("AID") + values("LID")
           if value.endswith("[doi]")]
    return Work(
        source=SOURCE, source_id=pmid, pmid=pmid,
        title=first.get("TI") or first.get("BTI") or first.get("TT", ""),
        year=year_of(first.get("DP")),
        doc_type=doc_type_of(values("PT")),
        doi=next(filter(None, map(normalize_doi, ids)), None),
        authorships=_text_authorships(fields),
        mesh_terms=_unique(value.split("/")[0].lstrip("*").strip() for value in values("MH")),
        keywords=_unique(values("OT")),
        venue=first.get("JT") or first.get("TA", ""),
        language=language_of(first.get("LA")),
        abstract=first.get("AB", ""),
        location=f"{name}:{start}",
    )


def _text_authorships(fields: list[Field]) -> tuple[Authorship, ...]:
    """FAU/AU/CN start an author (an AU right after its FAU is the same one); AD and AUID lines
    belong to the author above them; an AD before any author is the record's (first author's)."""
    authors: list[dict] = []
    shared: list[str] = []
    previous = ""
    current: dict | None = None
    for tag, value, _line in fields:
        if tag in ("FAU", "CN") or (tag == "AU" and previous != "FAU"):
            current = {"name": value, "orcid": None, "affiliations": []}
            authors.append(current)
        elif tag in ("IR", "FIR"):
            current = None  # investigators are not authors; their lines are skipped
        elif tag == "AD" and value and current is not None:
            current["affiliations"].append(value)
        elif tag == "AD" and value and not authors:
            shared.append(value)  # the pre-2014 layout: one address, before the authors
        elif tag == "AUID" and current is not None and value.upper().startswith("ORCID"):
            current["orcid"] = current["orcid"] or orcid_of(value)
        previous = tag
    if authors and shared:
        authors[0]["affiliations"][:0] = shared
    return tuple(
        Authorship(position=position, name=author["name"], orcid=author["orcid"],
                   affiliations=tuple(Affiliation(raw=raw) for raw in author["affiliations"]))
        for position, author in enumerate(authors, start=1))
