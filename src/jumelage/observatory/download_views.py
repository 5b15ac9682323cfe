"""The observatory's downloads: every table as CSV or XLSX, and the networks as Gephi, Pajek
or VOSviewer files; each one states its scope and marks synthetic demo records."""

import io
import zipfile

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header

from jumelage.core.spreadsheets import CONTENT_TYPES
from jumelage.observatory import exports, report_selectors
from jumelage.observatory.engine import networks
from jumelage.observatory.report_selectors import StoreUnavailable
from jumelage.observatory.views import (
    EXPORT_TABLES,
    _directory_themes,
    _institution_names,
    _scope_errors,
    _scope_form,
    _text_response,
    _unavailable_response,
)


def _scoped(request, *, names_people: bool):
    """(scope, themes, report data) of a download, or the response that refuses it: sign-in
    or 403 for a file that names people (staff only), 400 for a bad scope, 503 or 404 when
    the store cannot answer."""
    if names_people and not request.user.has_perm("observatory.view_coauthors"):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    themes = _directory_themes()
    form, scope, problem = _scope_form(request, themes=themes)
    if problem is None and scope is None:
        return _text_response(_scope_errors(form), status=400)
    try:
        if problem is not None:
            raise problem
        return scope, themes, report_selectors.report(scope=scope)
    except StoreUnavailable as exc:
        return _unavailable_response(exc)


# --- exports -----------------------------------------------------------------------------------

def export(request, table: str, fmt: str):
    if table not in EXPORT_TABLES or fmt not in exports.FORMATS:
        raise Http404
    found = _scoped(request, names_people=table == "coauthors")
    if isinstance(found, HttpResponse):
        return found
    scope, themes, data = found
    try:
        works = report_selectors.all_works(scope=scope) if table == "works" else []
    except StoreUnavailable as exc:
        return _unavailable_response(exc)
    result = data.report
    ror_ids = ([p["a"] for p in result.institution_pairs]
               + [p["b"] for p in result.institution_pairs]
               + [ror for row in works for ids in row.institutions.values() for ror in ids])
    names = exports.Names(themes=themes, institutions=_institution_names(ror_ids))
    built = {
        "sides": lambda: exports.sides_table(result),
        "by-year": lambda: exports.by_year_table(result, synthetic=data.synthetic),
        "by-theme": lambda: exports.by_theme_table(result, names),
        "institution-pairs": lambda: exports.institution_pairs_table(result, names),
        "citations": lambda: exports.citations_table(result),
        "coauthors": lambda: exports.coauthors_table(result, data.orcid_names),
        "works": lambda: exports.works_table(works, scope, names),
    }[table]()
    if fmt == "csv":
        content = exports.to_csv(built)
    else:
        content = exports.to_xlsx(built, sentence=exports.scope_sentence(
            scope=scope, report=result, names=names), notice=exports.synthetic_notice(
            synthetic=data.synthetic, report=result, works=data.works_in_scope))
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(
        True, exports.filename(scope=scope, table=table, fmt=fmt))
    return response


# Network downloads: the URL's suffix -> (engine format, content type).
NETWORK_FORMATS = {
    "gexf": ("gexf", "application/gexf+xml"),
    "graphml": ("graphml", "application/graphml+xml"),
    "net": ("pajek", "text/plain; charset=utf-8"),
    "vosviewer.zip": ("vosviewer", "application/zip"),
}
def network_export(request, kind: str, fmt: str):
    """The network of the scope's co-publications as Gephi, Pajek or VOSviewer files.
    The authors' network names people: pole staff and site administrators only."""
    found = _scoped(request, names_people=kind == "authors")
    if isinstance(found, HttpResponse):
        return found
    scope, _themes, data = found
    try:
        graph = report_selectors.network(scope=scope, kind=kind)
    except StoreUnavailable as exc:
        return _unavailable_response(exc)
    engine_format, content_type = NETWORK_FORMATS[fmt]
    files = networks.serialize(graph, engine_format)
    notice = exports.synthetic_notice(synthetic=data.synthetic, report=data.report,
                                      works=data.works_in_scope)
    name = exports.filename(scope=scope, table=f"{kind}-network", fmt=fmt)
    if notice:  # the file's name says it holds synthetic demo records
        name = name.replace(f"_{kind}-network.", f"_{kind}-network_synthetic-demo.")
    if engine_format == "vosviewer":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("map.txt", files["map"])
            archive.writestr("network.txt", files["network"])
            if notice:
                archive.writestr("SYNTHETIC.txt", notice + "\n")
        content = buffer.getvalue()
    else:
        content = files[""]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
