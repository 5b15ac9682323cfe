"""The observatory's normalised record: one shape for every bibliographic source.

Plain dataclasses, no Django import. Readers yield `Work` for each record they could read and
`ReadIssue` for each one they could not; neither ever stops a run.
"""

import re
from dataclasses import dataclass, field
from typing import Any

SOURCES = ("openalex", "pubmed", "crossref", "scopus", "wos", "lens")

# Normalised document types (the value of Work.doc_type).
DOC_TYPES = ("article", "review", "letter", "editorial", "conference-paper", "book-chapter",
             "book", "preprint", "erratum", "other")


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


# Reasons a record could not be read. `%(name)s` placeholders are filled from ReadIssue.params.
REASONS: dict[str, str] = {
    "bad_json": _("the line is not valid JSON (%(error)s)"),
    "bad_xml": _("the XML is not well formed (%(error)s)"),
    "bad_encoding": _("the text is not valid %(encoding)s (%(error)s); save the file as UTF-8"),
    "bad_gzip": _("the gzip file is corrupt or truncated (%(error)s)"),
    "not_a_record": _("this is not a %(source)s record (%(detail)s)"),
    "missing_field": _("the record has no %(field)s"),
    "bad_value": _("the field %(field)s has an unusable value %(value)r"),
    "bad_columns": _("the file's columns are not those of a %(source)s export: missing "
                     "%(missing)s; found %(found)s"),
    "unreadable": _("the file cannot be read (%(error)s)"),
}


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """A record (or a whole file) that could not be read, and where."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None
    index: int | None = None

    @property
    def location(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.index is not None:
            return f"{self.path}[{self.index}]"
        return self.path

    @property
    def reason(self) -> str:
        return REASONS[self.code] % self.params

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Affiliation:
    """One affiliation of one author as the source wrote it, with the ids the source gave."""

    raw: str
    ror_ids: tuple[str, ...] = ()  # bare ROR ids ("0161xgx34"), when the source resolved them
    country_codes: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, when the source gives them


@dataclass(frozen=True, slots=True)
class Authorship:
    position: int  # 1-based rank in the author list
    name: str  # as displayed: "Camille Martin" or "Martin, Camille"
    orcid: str | None = None  # "0000-0002-1825-0097"
    affiliations: tuple[Affiliation, ...] = ()
    is_corresponding: bool = False


@dataclass(frozen=True, slots=True)
class Work:
    source: str  # one of SOURCES
    source_id: str  # the source's own id: OpenAlex W…, PMID, DOI, EID, UT, Lens id
    title: str
    year: int | None
    doc_type: str  # one of DOC_TYPES
    doi: str | None = None  # normalised by normalize_doi
    pmid: str | None = None
    authorships: tuple[Authorship, ...] = ()
    topics: tuple[str, ...] = ()  # OpenAlex topics, subfields and fields (display names)
    mesh_terms: tuple[str, ...] = ()  # MeSH descriptor names
    keywords: tuple[str, ...] = ()  # author keywords and index keywords
    venue: str = ""
    language: str = ""  # ISO 639-1 when known
    cited_by_count: int | None = None
    fwci: float | None = None  # field-weighted citation impact, where OpenAlex gives it
    is_open_access: bool | None = None
    abstract: str = ""  # kept for matching; never republished in bulk
    location: str = ""  # file:line or file[index] of the record, for messages


_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalize_doi(value: str | None) -> str | None:
    """"https://doi.org/10.1056/NEJMoa1800000" -> "10.1056/nejmoa1800000"; None if not a DOI."""
    if not value:
        return None
    text = _DOI_PREFIX.sub("", value.strip()).strip().rstrip(".").lower()
    return text if _DOI_SHAPE.match(text) else None


def normalize_pmid(value: str | int | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    text = text.removeprefix("https://pubmed.ncbi.nlm.nih.gov/").strip("/")
    return text if text.isdigit() and text != "0" else None


def normalize_orcid_url(value: str | None) -> str | None:
    """An ORCID as OpenAlex and Scopus give it ("https://orcid.org/…") -> "0000-…"."""
    if not value:
        return None
    text = value.strip().upper()
    for prefix in ("HTTPS://ORCID.ORG/", "HTTP://ORCID.ORG/"):
        text = text.removeprefix(prefix)
    return text if re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", text) else None


def normalize_ror_url(value: str | None) -> str | None:
    if not value:
        return None
    text = value.strip().lower().removeprefix("https://ror.org/").removeprefix("http://ror.org/")
    return text if re.fullmatch(r"0[a-z0-9]{6}\d{2}", text) else None
