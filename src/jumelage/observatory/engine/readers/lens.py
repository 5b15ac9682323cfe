"""Lens.org scholarly CSV export (plain or gzip, UTF-8): one Work per row.

The export lists authors by name only ("Author/s", "; "-separated), without affiliations or
ORCIDs. "Fields of Study" (the MAG-derived subject terms) go to `topics`, "Keywords" to
`keywords`, "MeSH Terms" to `mesh_terms`. Lens writes "NA" for a missing PMID.
"""

from collections.abc import Iterator
from pathlib import Path

from jumelage.observatory.engine.readers.openalex import UnusableRecord, iter_csv_rows
from jumelage.observatory.engine.schema import (
    Authorship,
    ReadIssue,
    Work,
    normalize_doi,
    normalize_pmid,
)

SOURCE = "lens"

# The columns a file needs to be read as a Lens export; the others are read when present.
REQUIRED_COLUMNS = ("Lens ID", "Title", "Publication Year", "Publication Type", "Author/s",
                    "Source Title", "DOI", "PMID")

# Lens "Publication Type" -> schema.DOC_TYPES; the rest ("dataset", "news", …) is "other".
LENS_TYPES = {
    "journal article": "article",
    "review": "review",
    "letter": "letter",
    "editorial": "editorial",
    "erratum": "erratum",
    "conference proceedings article": "conference-paper",
    "book chapter": "book-chapter",
    "book": "book",
    "preprint": "preprint",
}


def _split(value: str | None) -> tuple[str, ...]:
    """"a; b; ; a" -> ("a", "b"): the "; "-separated values, each once."""
    if not value:
        return ()
    return tuple(dict.fromkeys(part.strip() for part in value.split(";") if part.strip()))


def _year(row: dict[str, str]) -> int | None:
    text = (row.get("Publication Year") or "").strip()
    if not text:
        text = (row.get("Date Published") or "").strip()[:4]
        return int(text) if text.isdigit() else None
    if not (text.isdigit() and len(text) == 4):
        raise UnusableRecord("bad_value", field="Publication Year", value=text)
    return int(text)


def _count(row: dict[str, str], column: str) -> int | None:
    """A count column; a value that is not a number means the row is shifted or corrupt."""
    text = (row.get(column) or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise UnusableRecord("bad_value", field=column, value=text)
    return int(text)


def read_lens_csv(path: Path | str) -> Iterator[Work | ReadIssue]:
    """Works from a Lens.org scholarly CSV export. A file without the Lens columns is one
    ReadIssue (bad_columns); a row that cannot be read is a ReadIssue and reading goes on."""
    path = Path(path)
    for item in iter_csv_rows(path, source="Lens.org", required=REQUIRED_COLUMNS):
        if isinstance(item, ReadIssue):
            yield item
            continue
        line, row = item
        try:
            yield lens_work(row, location=f"{path}:{line}")
        except UnusableRecord as exc:
            yield ReadIssue(path=str(path), line=line, code=exc.code, params=exc.params)


def lens_work(row: dict[str, str], *, location: str = "") -> Work:
    lens_id = (row.get("Lens ID") or "").strip()
    if not lens_id:
        raise UnusableRecord("missing_field", field="Lens ID")
    open_access = (row.get("Is Open Access") or "").strip().lower()
    return Work(
        source=SOURCE,
        source_id=lens_id,
        title=" ".join((row.get("Title") or "").split()),
        year=_year(row),
        doc_type=LENS_TYPES.get((row.get("Publication Type") or "").strip().lower(), "other"),
        doi=normalize_doi(row.get("DOI")),
        pmid=normalize_pmid(row.get("PMID")),
        authorships=tuple(  # two authors may share a name: not deduplicated
            Authorship(position=position, name=name) for position, name in enumerate(
                (n.strip() for n in (row.get("Author/s") or "").split(";") if n.strip()),
                start=1)),
        topics=_split(row.get("Fields of Study")),
        mesh_terms=_split(row.get("MeSH Terms")),
        keywords=_split(row.get("Keywords")),
        venue=(row.get("Source Title") or "").strip(),
        cited_by_count=_count(row, "Citing Works Count"),
        is_open_access={"true": True, "false": False}.get(open_access),
        abstract=(row.get("Abstract") or "").strip(),
        location=location,
    )
