"""Crossref REST API works: a single work response (`"message-type": "work"`), a works list page
(`"message-type": "work-list"`, `message.items`), a public data file chunk (`{"items": […]}`) or
JSON Lines of works (each line a work or one of those responses), plain or gzip.

Crossref gives no PMID, no country codes and no open-access flag; affiliations are the
`affiliation[].name` strings as deposited, with the ROR ids the publisher asserted
(`affiliation[].id[]` of `id-type` "ROR"). `subject` (journal subject categories) goes to
`topics`.
"""

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from jumelage.observatory.engine.readers.openalex import (
    UnusableRecord,
    iter_json_records,
)
from jumelage.observatory.engine.schema import (
    Affiliation,
    Authorship,
    ReadIssue,
    Work,
    normalize_doi,
    normalize_orcid_url,
    normalize_ror_url,
)

SOURCE = "crossref"

# Crossref `type` (https://api.crossref.org/types) -> schema.DOC_TYPES; the rest is "other".
CROSSREF_TYPES = {
    "journal-article": "article",
    "proceedings-article": "conference-paper",
    "book-chapter": "book-chapter", "book-section": "book-chapter", "book-part": "book-chapter",
    "book": "book", "monograph": "book", "edited-book": "book", "reference-book": "book",
    "posted-content": "preprint",
}

# Dates in order of preference for the publication year.
_DATE_FIELDS = ("published", "issued", "published-print", "published-online")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _first(value: Any) -> str:
    """The first non-blank string of a Crossref list field ("title", "container-title")."""
    if isinstance(value, str):
        return _text(value)
    return next((_text(v) for v in _list(value) if _text(v)), "")


def _crossref_records(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if not isinstance(value, dict):
        return None
    if "message" in value:  # an API response
        message = value["message"]
        if value.get("message-type") == "work-list" and isinstance(
                _dict(message).get("items"), list):
            return message["items"]
        if value.get("message-type") == "work" and isinstance(message, dict):
            return [message]
        return None  # another kind of response: reported by crossref_work
    if isinstance(value.get("items"), list):  # a public data file chunk
        return value["items"]
    return None


def read_crossref(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Works from a Crossref REST API response, a public data file chunk or JSON Lines."""
    path = Path(path)
    for item in iter_json_records(path, unwrap=_crossref_records):
        if isinstance(item, ReadIssue):
            yield item
            continue
        record, line, index = item
        where = str(path) if line is None else f"{path}:{line}"
        try:
            yield crossref_work(record, location=where if index is None else f"{where}[{index}]")
        except UnusableRecord as exc:
            yield ReadIssue(path=str(path), line=line, index=index, code=exc.code,
                            params=exc.params)
        except (AttributeError, TypeError, ValueError) as exc:
            yield ReadIssue(path=str(path), line=line, index=index, code="not_a_record",
                            params={"source": "usable Crossref",
                                    "detail": f"{type(exc).__name__}: {exc}"})


def crossref_work(record: dict[str, Any], *, location: str = "") -> Work:
    """One Crossref work (the `message` of a work response) as a Work."""
    if "message-type" in record:
        raise UnusableRecord("not_a_record", source="Crossref work", detail=(
            f"a {record.get('message-type')!r} response with status {record.get('status')!r}"))
    if not record.get("DOI"):
        raise UnusableRecord("missing_field", field="DOI")
    doi = normalize_doi(str(record["DOI"]))
    if doi is None:
        raise UnusableRecord("bad_value", field="DOI", value=record["DOI"])
    count = record.get("is-referenced-by-count")
    return Work(
        source=SOURCE,
        source_id=doi,
        title=_first(record.get("title")),
        year=crossref_year(record),
        doc_type=CROSSREF_TYPES.get(_text(record.get("type")).lower(), "other"),
        doi=doi,
        authorships=tuple(_authorship(position, _dict(author)) for position, author
                          in enumerate(_list(record.get("author")), start=1)),
        topics=tuple(dict.fromkeys(_text(s) for s in _list(record.get("subject")) if _text(s))),
        venue=_first(record.get("container-title")),
        language=_text(record.get("language")),
        cited_by_count=count if isinstance(count, int) and not isinstance(count, bool) else None,
        abstract=jats_to_text(record.get("abstract")),
        location=location,
    )


def crossref_year(record: dict[str, Any]) -> int | None:
    """The year of the first of `published`, `issued`, `published-print`, `published-online`
    that has one (`date-parts` is `[[2021, 3, 4]]`, or `[[null]]` when unknown)."""
    for name in _DATE_FIELDS:
        parts = _list(_dict(record.get(name)).get("date-parts"))
        first = _list(parts[0]) if parts else []
        year = first[0] if first else None
        if isinstance(year, int) and not isinstance(year, bool):
            return year
        if isinstance(year, str) and year.strip().isdigit():
            return int(year)
    return None


def _authorship(position: int, author: dict[str, Any]) -> Authorship:
    given, family = _text(author.get("given")), _text(author.get("family"))
    name = f"{given} {family}".strip() or _text(author.get("name"))
    affiliations = []
    for entry in (_dict(a) for a in _list(author.get("affiliation"))):
        raw = entry.get("name") if isinstance(entry.get("name"), str) else ""
        rors = tuple(dict.fromkeys(
            ror for ror in (normalize_ror_url(_text(_dict(i).get("id"))) for i
                            in _list(entry.get("id"))
                            if _text(_dict(i).get("id-type")).upper() == "ROR") if ror))
        if raw.strip() or rors:
            affiliations.append(Affiliation(raw=raw, ror_ids=rors))
    return Authorship(
        position=position,
        name=name,
        orcid=normalize_orcid_url(_text(author.get("ORCID"))),
        affiliations=tuple(affiliations),
    )


_JATS_TITLE = re.compile(r"<(jats:)?title\b[^>]*>.*?</(jats:)?title>", re.DOTALL)
_INLINE_TAG = re.compile(
    r"</?(?:jats:)?(?:italic|bold|sup|sub|sc|underline|monospace|roman|ext-link|uri)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def jats_to_text(value: Any) -> str:
    """A Crossref abstract (a JATS XML snippet) as plain text, without its "Abstract" title."""
    if not isinstance(value, str):
        return ""
    text = _TAG.sub(" ", _INLINE_TAG.sub("", _JATS_TITLE.sub(" ", value)))
    return " ".join(html.unescape(text).split())
