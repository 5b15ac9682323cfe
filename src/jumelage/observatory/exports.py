"""The observatory's tables, once: shown on the pages and exported as CSV and XLSX.

Each table holds raw values (numbers stay numbers, shares stay fractions); the pages format
them for the reader's locale, CSV writes them as machine-readable text and XLSX as typed cells.
Headers are in the interface language, so that a spreadsheet reads like the page it came from.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font

from jumelage.core.formatting import format_number
from jumelage.core.spreadsheets import csv_cell, sheet_title
from jumelage.observatory.engine.indicators import Report, Scope
from jumelage.observatory.forms import DOC_TYPE_NAMES, SIDE_NAMES
from jumelage.observatory.report_selectors import SyntheticCounts, WorkRow

# Kinds of column: how a value is shown and typed. "percent" values are fractions (0.6).
TEXT, INTEGER, DECIMAL, PERCENT, URL = "text", "integer", "decimal", "percent", "url"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str  # the export's name: by-year, by-theme, ...
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    # Per row, an optional link for the first cell (drill-down to the works).
    links: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Names:
    """How codes read in the interface language: themes and institutions from the directory,
    falling back to their code."""

    themes: dict[str, str]
    institutions: dict[str, str]

    def theme(self, code: str) -> str:
        return self.themes.get(code) or code

    def institution(self, ror_id: str) -> str:
        return self.institutions.get(ror_id) or ror_id


def side_name(code: str) -> str:
    return str(SIDE_NAMES.get(code, code))


# --- the scope, in words -----------------------------------------------------------------------

def _years(since: int | None, until: int | None) -> str:
    if since is not None and until is not None:
        return str(since) if since == until else f"{since}–{until}"
    if since is not None:
        return _("from %(year)s") % {"year": since}
    if until is not None:
        return _("until %(year)s") % {"year": until}
    return _("all years")


def scope_sentence(*, scope: Scope, report: Report, names: Names) -> str:
    """"3 co-publications between Auvergne-Rhône-Alpes and Québec, 2019–2021, all document
    types, full counting (at least one address on each side); duplicates across sources
    merged." The years are those asked for, else those of the co-publications found."""
    years = report.scope.get("years") or {}
    parts = [_years(scope.since if scope.since is not None else years.get("from"),
                    scope.until if scope.until is not None else years.get("to"))]
    if scope.doc_types:
        parts.append(_("document types: %(types)s") % {
            "types": ", ".join(str(DOC_TYPE_NAMES.get(c, c)) for c in scope.doc_types)})
    else:
        parts.append(_("all document types"))
    if scope.themes:
        parts.append(ngettext("theme: %(themes)s", "themes: %(themes)s", len(scope.themes)) % {
            "themes": ", ".join(names.theme(code) for code in scope.themes)})
    side_a, side_b = scope.sides
    return ngettext(
        "%(count)s co-publication between %(a)s and %(b)s, %(filters)s, full counting (at "
        "least one address on each side); duplicates across sources merged.",
        "%(count)s co-publications between %(a)s and %(b)s, %(filters)s, full counting (at "
        "least one address on each side); duplicates across sources merged.",
        report.copublications,
    ) % {"count": format_number(report.copublications), "a": side_name(side_a),
         "b": side_name(side_b), "filters": ", ".join(parts)}


def synthetic_notice(*, synthetic: SyntheticCounts, report: Report, works: int) -> str:
    """"Demo data: 95 of these 100 co-publications (1,900 of the 2,488 works in the scope)
    are synthetic …" ("" when no work of the scope is synthetic)."""
    if not synthetic.any:
        return ""
    return ngettext(
        "Demo data: %(synthetic)s of these %(count)s co-publications (%(synthetic_works)s of "
        "the %(works)s works in the scope) is a synthetic record, made up to demonstrate the "
        "observatory; it is marked as such in the list of works and in the exports.",
        "Demo data: %(synthetic)s of these %(count)s co-publications (%(synthetic_works)s of "
        "the %(works)s works in the scope) are synthetic records, made up to demonstrate the "
        "observatory; they are marked as such in the list of works and in the exports.",
        synthetic.copublications,
    ) % {"synthetic": format_number(synthetic.copublications),
         "count": format_number(report.copublications),
         "synthetic_works": format_number(synthetic.works), "works": format_number(works)}


def filename(*, scope: Scope, table: str, fmt: str) -> str:
    """"observatory_ARA-QC_2019-2021_by-year.csv": the scope travels with the file."""
    if scope.since is not None and scope.until is not None:
        years = f"{scope.since}-{scope.until}"
    elif scope.since is not None:
        years = f"from-{scope.since}"
    elif scope.until is not None:
        years = f"to-{scope.until}"
    else:
        years = "all-years"
    parts = ["observatory", "-".join(scope.sides), years]
    if scope.doc_types:
        parts.append("+".join(scope.doc_types))
    if scope.themes:
        parts.append("+".join(scope.themes))
    return "_".join([*parts, table]) + f".{fmt}"


# --- the tables --------------------------------------------------------------------------------

def sides_table(report: Report) -> Table:
    table = Table("sides", _("Each side"), [
        Column(_("Side")), Column(_("Publications of the side"), INTEGER),
        Column(_("Share of its publications that are co-publications"), PERCENT),
        Column(_("Fractional count of the co-publications"), DECIMAL)])
    for code in (side["code"] for side in report.scope["sides"]):
        table.rows.append([side_name(code), report.output.get(code),
                           report.share_of_output.get(code), report.fractional.get(code)])
    return table


def by_year_table(report: Report, *, link: Callable[[str], str] | None = None,
                  synthetic: SyntheticCounts | None = None) -> Table:
    """One row per year; with a column of the synthetic demo records among them when the
    scope has any."""
    table = Table("by-year", _("Co-publications per year"), [
        Column(_("Year")), Column(_("Co-publications"), INTEGER),
        Column(_("Cumulative"), INTEGER), Column(_("Growth on the year before"), PERCENT)])
    demo = synthetic is not None and synthetic.any
    if demo:
        table.columns.append(Column(_("Of which synthetic demo records"), INTEGER))
    for year, count in report.copublications_by_year.items():
        table.rows.append([int(year), count, report.cumulative_by_year.get(year),
                           report.growth_by_year.get(year)])
        if demo:
            table.rows[-1].append((synthetic.copublications_by_year or {}).get(year, 0))
        if link:
            table.links.append(link(year))
    return table


def by_theme_table(report: Report, names: Names, *,
                   link: Callable[[str], str] | None = None) -> Table:
    table = Table("by-theme", _("Co-publications per theme"), [
        Column(_("Theme")), Column(_("Co-publications"), INTEGER)])
    ordered = sorted(report.by_theme.items(), key=lambda item: (-item[1], names.theme(item[0])))
    for code, count in ordered:
        table.rows.append([names.theme(code), count])
        if link:
            table.links.append(link(code))
    return table


def institution_pairs_table(report: Report, names: Names) -> Table:
    side_a, side_b = (side["code"] for side in report.scope["sides"])
    table = Table("institution-pairs", _("Institution pairs"), [
        Column(_("Institution in %(side)s") % {"side": side_name(side_a)}),
        Column(_("ROR id in %(side)s") % {"side": side_name(side_a)}),
        Column(_("Institution in %(side)s") % {"side": side_name(side_b)}),
        Column(_("ROR id in %(side)s") % {"side": side_name(side_b)}),
        Column(_("Co-publications"), INTEGER)])
    for pair in report.institution_pairs:
        table.rows.append([names.institution(pair["a"]), pair["a"],
                           names.institution(pair["b"]), pair["b"], pair["count"]])
    return table


def citations_table(report: Report) -> Table:
    table = Table("citations", _("Citations and open access"), [
        Column(_("Co-publications"), INTEGER),
        Column(_("Mean citations per co-publication"), DECIMAL),
        Column(_("Mean field-weighted citation impact (FWCI)"), DECIMAL),
        Column(_("Share in open access"), PERCENT)])
    table.rows.append([report.copublications, report.citations.get("mean"),
                       report.citations.get("mean_fwci"), report.open_access_share])
    return table


def coauthors_table(report: Report, orcid_names: dict[str, str]) -> Table:
    table = Table("coauthors", _("Most frequent co-authors"), [
        Column(_("Author")), Column(_("ORCID iD")), Column(_("Co-publications"), INTEGER)])
    for row in report.top_coauthors:
        key = row["author"]
        if key in orcid_names:
            table.rows.append([orcid_names[key], key, row["copublications"]])
        else:
            table.rows.append([key, "", row["copublications"]])
    return table


def works_table(rows: list[WorkRow], scope: Scope, names: Names) -> Table:
    """The co-publications; the last column says which are synthetic demo records."""
    columns = [Column(_("Title")), Column(_("Year")), Column(_("Document type")),
               Column(_("DOI"), URL), Column(_("Venue"))]
    columns += [Column(_("Institutions in %(side)s") % {"side": side_name(code)})
                for code in scope.sides]
    columns.append(Column(_("Synthetic demo record")))
    table = Table("works", _("Co-publications"), columns)
    for row in rows:
        table.rows.append([
            row.title, row.year, str(DOC_TYPE_NAMES.get(row.doc_type, row.doc_type or "")),
            row.doi_url, row.venue or "",
            *("; ".join(names.institution(r) for r in row.institutions[code])
              for code in scope.sides),
            _("yes") if row.synthetic else ""])
    return table


# --- files -------------------------------------------------------------------------------------

# Text that a spreadsheet would run as a formula (titles and names come from the sources).
def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.label for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(value, is_text=column.kind in (TEXT, URL))
                         for value, column in zip(row, table.columns, strict=True)])
    return buffer.getvalue().encode("utf-8-sig")


XLSX_FORMATS = {INTEGER: "0", DECIMAL: "0.####", PERCENT: "0.0%"}


def to_xlsx(table: Table, *, sentence: str, notice: str = "") -> bytes:
    """One sheet with the table, one with the scope it counts (and the demo notice, if
    any)."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(table.title)
    sheet.append([column.label for column in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_index, row in enumerate(table.rows):
        sheet.append(row)
        for column_index, value in enumerate(row):
            cell = sheet.cell(row=row_index + 2, column=column_index + 1)
            kind = table.columns[column_index].kind
            if kind in XLSX_FORMATS and value is not None:
                cell.number_format = XLSX_FORMATS[kind]
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text as written, never a formula
            if kind == URL and value:
                cell.hyperlink = value
    sheet.freeze_panes = "A2"
    about = book.create_sheet(sheet_title(_("Scope")))
    about.append([sentence])
    if notice:
        about.append([notice])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
