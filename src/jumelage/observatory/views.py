"""The observatory's report pages: headline figures, charts beside their tables, the works
behind the figures, and every table as CSV and XLSX.

The figures are public: they describe publications. Co-author names are personal information
of real researchers: they are shown to pole staff and site administrators only.
"""

import dataclasses
from dataclasses import dataclass, field
from urllib.parse import urlencode

from babel.numbers import format_percent
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from jumelage.core.formatting import babel_locale, format_number
from jumelage.directory.models import Institution, Theme
from jumelage.observatory import charts, exports, report_selectors
from jumelage.observatory.engine.indicators import Scope
from jumelage.observatory.forms import SCOPE_PARAMETERS, ScopeForm, scope_query
from jumelage.observatory.report_selectors import StoreUnavailable

# Who may read co-author names and the store's location on the server.

PAGE_SIZE = 25
MATRIX_SIZE = 15  # institutions of each side in the matrix; the export lists every pair
EXPORT_TABLES = ("sides", "by-year", "by-theme", "institution-pairs", "citations",
                 "coauthors", "works")
SOURCE_NAMES = {"openalex": "OpenAlex", "pubmed": "PubMed", "crossref": "Crossref",
                "scopus": "Scopus", "wos": "Web of Science", "lens": "Lens"}
NO_VALUE = "—"


# --- display -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    href: str = ""
    badge: str = ""  # a label shown after the text ("synthetic")


@dataclass
class DisplayTable:
    key: str
    title: str
    headers: list[Cell]
    rows: list[list[Cell]]
    exports: list[tuple[str, str]] = field(default_factory=list)  # (format label, url)


def format_value(value, kind: str) -> str:
    """A value of an exports.Table for the reader's locale."""
    if value is None or value == "":
        return NO_VALUE
    if kind == exports.PERCENT:
        return format_percent(value, locale=babel_locale())
    if kind in (exports.INTEGER, exports.DECIMAL):
        return format_number(value)
    return str(value)


NUMERIC = {exports.INTEGER, exports.DECIMAL, exports.PERCENT}


def _display(table: exports.Table, *, query: str) -> DisplayTable:
    """The table formatted for the reader, with its rows' drill-down links and its exports.
    The first column names the rows; numbers are aligned right."""
    rows = []
    for index, row in enumerate(table.rows):
        cells = []
        for column_index, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            href = ""
            if column_index == 0 and index < len(table.links):
                href = table.links[index]
            elif column.kind == exports.URL and value:
                href = value
            cells.append(Cell(format_value(value, column.kind), href=href,
                              numeric=column.kind in NUMERIC and column_index > 0))
        rows.append(cells)
    return DisplayTable(
        key=table.key, title=table.title,
        headers=[Cell(column.label, numeric=column.kind in NUMERIC and index > 0)
                 for index, column in enumerate(table.columns)],
        rows=rows,
        exports=[(fmt.upper(), _export_url(table.key, fmt, query)) for fmt in exports.FORMATS])


def _export_url(table: str, fmt: str, query: str) -> str:
    url = reverse("observatory:export", kwargs={"table": table, "fmt": fmt})
    return f"{url}?{query}" if query else url


def _query(scope: Scope, **changes) -> str:
    return urlencode(scope_query(dataclasses.replace(scope, **changes)))


# --- reads from the directory -----------------------------------------------------------------

def _directory_themes() -> dict[str, str]:
    return {theme.code: theme.name for theme in Theme.objects.all()}


def _institution_names(ror_ids) -> dict[str, str]:
    ror_ids = sorted(set(ror_ids))
    if not ror_ids:
        return {}
    return {inst.ror_id: inst.name
            for inst in Institution.objects.filter(ror_id__in=ror_ids).only(
                "ror_id", "name_fr", "name_en")}


def _scope_form(request, *, themes: dict[str, str]
                ) -> tuple[ScopeForm, Scope | None, StoreUnavailable | None]:
    """The scope editor, the scope it selects (None when invalid), and what prevents reading
    the store, if anything."""
    problem = None
    try:
        found = report_selectors.theme_codes()
    except StoreUnavailable as exc:
        found, problem = [], exc
    choices = list(themes.items()) + [(code, code) for code in found if code not in themes]
    if any(name in request.GET for name in SCOPE_PARAMETERS):
        form = ScopeForm(request.GET, theme_choices=choices)
        scope = form.scope() if form.is_valid() else None
    else:
        form, scope = ScopeForm(theme_choices=choices), Scope()
    return form, scope, problem


def _problem(exc: StoreUnavailable, user) -> dict:
    staff = user.has_perm("observatory.review_affiliations")  # the file path is for staff only
    return {"reason": exc.reason, "path": str(exc.path) if staff else "",
            "detail": exc.detail if staff else ""}


RETRY_AFTER_SECONDS = 120  # how long a load or an index step usually holds the store


def _page_status(problem: dict | None) -> int:
    return 503 if problem and problem["reason"] == "busy" else 200


def _render(request, template: str, context: dict):
    """The page; while the command line writes the store, a 503 that says when to retry."""
    response = render(request, template, context, status=_page_status(context["problem"]))
    if response.status_code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- pages -------------------------------------------------------------------------------------

def report(request):
    themes = _directory_themes()
    form, scope, problem = _scope_form(request, themes=themes)
    context = {"form": form, "scope": scope, "problem": None}
    if problem is not None:
        context["problem"] = _problem(problem, request.user)
    elif scope is not None:
        try:
            data = report_selectors.report(scope=scope)
        except StoreUnavailable as exc:
            context["problem"] = _problem(exc, request.user)
        else:
            context.update(_report_context(request, scope, data, themes))
    return _render(request, "observatory/report.html", context)


def _report_context(request, scope: Scope, data: report_selectors.ReportData,
                    themes: dict[str, str]) -> dict:
    result = data.report
    side_a, side_b = scope.sides
    pairs = result.institution_pairs
    names = exports.Names(themes=themes, institutions=_institution_names(
        [p["a"] for p in pairs] + [p["b"] for p in pairs]))
    query = _query(scope)
    works_url = reverse("observatory:works")

    def year_link(year: str) -> str:
        return f"{works_url}?{_query(scope, since=int(year), until=int(year))}"

    def theme_link(code: str) -> str:
        return f"{works_url}?{_query(scope, themes=(code,))}"

    by_year = exports.by_year_table(result, link=year_link, synthetic=data.synthetic)
    by_theme = exports.by_theme_table(result, names, link=theme_link)
    tables = {
        "sides": _display(exports.sides_table(result), query=query),
        "by_year": _display(by_year, query=query),
        "by_theme": _display(by_theme, query=query),
        "citations": _display(exports.citations_table(result), query=query),
    }
    show_coauthors = request.user.has_perm("observatory.view_coauthors")
    if show_coauthors:
        tables["coauthors"] = _display(exports.coauthors_table(result, data.orcid_names),
                                       query=query)
    pairs_table = exports.institution_pairs_table(result, names)
    context = {
        "report": result,
        "sentence": exports.scope_sentence(scope=scope, report=result, names=names),
        "synthetic_notice": exports.synthetic_notice(synthetic=data.synthetic, report=result,
                                                     works=data.works_in_scope),
        "sources": ", ".join(SOURCE_NAMES.get(s, s) for s in result.scope["sources"]),
        "unresolved": format_number(result.unresolved_affiliations),
        "side_a": exports.side_name(side_a), "side_b": exports.side_name(side_b),
        "tables": tables,
        "pairs_exports": [(fmt.upper(), _export_url(pairs_table.key, fmt, query))
                          for fmt in exports.FORMATS],
        "matrix": _matrix(pairs, names),
        "show_coauthors": show_coauthors,
        "works_url": f"{works_url}?{query}",
        "network_links": _network_links(scope, "institutions"),
        "author_network_links": _network_links(scope, "authors") if show_coauthors else [],
        "charts": {},
    }
    if result.copublications:
        context["charts"] = {
            "by_year": charts.by_year(result.copublications_by_year),
            "by_theme": charts.by_theme([(row[0], row[1]) for row in by_theme.rows])
            if by_theme.rows else None,
            "network": charts.network(pairs, name_a=names.institution,
                                      name_b=names.institution,
                                      side_a=context["side_a"], side_b=context["side_b"])
            if pairs else None,
        }
    return context


def _matrix(pairs: list[dict], names: exports.Names) -> dict:
    """Institutions of side A in rows, of side B in columns, co-publications in the cells;
    the institutions with the most co-publications first."""
    totals_a: dict[str, int] = {}
    totals_b: dict[str, int] = {}
    counts = {}
    for pair in pairs:
        totals_a[pair["a"]] = totals_a.get(pair["a"], 0) + pair["count"]
        totals_b[pair["b"]] = totals_b.get(pair["b"], 0) + pair["count"]
        counts[pair["a"], pair["b"]] = pair["count"]

    def ranked(totals):
        return sorted(totals, key=lambda k: (-totals[k], names.institution(k)))[:MATRIX_SIZE]

    rows_a, columns_b = ranked(totals_a), ranked(totals_b)
    return {
        "columns": [names.institution(b) for b in columns_b],
        "rows": [{"name": names.institution(a),
                  "cells": [format_number(counts.get((a, b), 0)) for b in columns_b]}
                 for a in rows_a],
        "cut": len(totals_a) > MATRIX_SIZE or len(totals_b) > MATRIX_SIZE,
        "size": MATRIX_SIZE,
    }


def works(request):
    themes = _directory_themes()
    form, scope, problem = _scope_form(request, themes=themes)
    context = {"form": form, "scope": scope, "problem": None}
    if problem is not None:
        context["problem"] = _problem(problem, request.user)
    elif scope is not None:
        try:
            data = report_selectors.report(scope=scope)
            with report_selectors.work_list(scope=scope,
                                            count=data.report.copublications) as found:
                page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        except StoreUnavailable as exc:
            context["problem"] = _problem(exc, request.user)
        else:
            context.update(_works_context(scope, data, page, themes))
    return _render(request, "observatory/works.html", context)


def _works_context(scope: Scope, data, page, themes: dict[str, str]) -> dict:
    rows = list(page.object_list)
    names = exports.Names(themes=themes, institutions=_institution_names(
        ror for row in rows for ids in row.institutions.values() for ror in ids))
    query = _query(scope)
    table = _with_badges(_display(exports.works_table(rows, scope, names), query=query),
                         synthetic=[row.synthetic for row in rows])
    return {
        "page": page, "table": table, "base_query": query,
        "total": format_number(page.paginator.count),
        "sentence": exports.scope_sentence(scope=scope, report=data.report, names=names),
        "synthetic_notice": exports.synthetic_notice(synthetic=data.synthetic,
                                                     report=data.report,
                                                     works=data.works_in_scope),
        "report_url": f"{reverse('observatory:report')}?{query}",
    }


def _with_badges(table: DisplayTable, *, synthetic: list[bool]) -> DisplayTable:
    """On the page, the works table's last column (synthetic or not) becomes a badge after
    the title; the exports keep it as a column."""
    table.headers = table.headers[:-1]
    rows = []
    for row, is_synthetic in zip(table.rows, synthetic, strict=True):
        title = dataclasses.replace(row[0], badge=_("synthetic") if is_synthetic else "")
        rows.append([title, *row[1:-1]])
    table.rows = rows
    return table


NETWORK_LABELS = {"gexf": "GEXF", "graphml": "GraphML", "net": "Pajek",
                  "vosviewer.zip": "VOSviewer"}


def _network_links(scope: Scope, kind: str) -> list[tuple[str, str]]:
    query = _query(scope)
    links = []
    for fmt, label in NETWORK_LABELS.items():
        url = reverse("observatory:network", kwargs={"kind": kind, "fmt": fmt})
        links.append((label, f"{url}?{query}" if query else url))
    return links


def _text_response(text: str, *, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


def _unavailable_response(exc: StoreUnavailable) -> HttpResponse:
    response = _text_response(_unavailable_text(exc),
                              status=503 if exc.reason == "busy" else 404)
    if exc.reason == "busy":
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _scope_errors(form: ScopeForm) -> str:
    lines = [_("The scope is not valid:")]
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            lines.append(f"- {label}: {error}" if label else f"- {error}")
    return "\n".join(lines) + "\n"


def _unavailable_text(exc: StoreUnavailable) -> str:
    return {
        "missing": _("The observatory has no figures yet: its database has not been filled."),
        "not_indexed": _("The observatory's records are loaded but not indexed yet."),
        "busy": _("The observatory's database is being updated: try again in a few minutes."),
        "unreadable": _("The observatory's database cannot be read."),
    }[exc.reason] + "\n"
