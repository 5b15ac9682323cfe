"""The observatory's report pages, works list and exports, on a real DuckDB store.

The store holds the corpus of tests/observatory/engine/test_indicators.py, whose every figure
is counted by hand there: 3 co-publications between Auvergne-Rhône-Alpes and Québec (W1 2019,
W2 2020, W5 2021), 4 with all of Canada (W3 2020, Lyon with Toronto, counts too).
"""

import csv
import io
import re
import subprocess
import sys
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from jumelage.observatory import charts, exports, views
from jumelage.observatory.engine.schema import DOC_TYPES
from jumelage.observatory.forms import DOC_TYPE_NAMES
from tests.factories import UserFactory, oncopole
from tests.observatory.conftest import CHUM, CLB, HCL, MCGILL, UDEM, fill_store

pytestmark = pytest.mark.django_db

SENTENCE = ("3 co-publications between Auvergne-Rhône-Alpes and Québec, 2019–2021, all "
            "document types, full counting (at least one address on each side); duplicates "
            "across sources merged.")


# --- fixtures ----------------------------------------------------------------------------------

def pole_staff():
    from allauth.mfa.models import Authenticator

    user = UserFactory(role="pole_staff", pole=oncopole())
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(f"observatory:{name}", kwargs=kwargs or None)


# --- reading the HTML --------------------------------------------------------------------------

class _Tables(HTMLParser):
    """The text of every cell of the table with a given id, row by row."""

    def __init__(self, table_id: str):
        super().__init__()
        self.table_id, self.depth, self.rows, self.cell = table_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self.depth or dict(attrs).get("id") == self.table_id):
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            # Collapse ASCII white space only: French figures keep their no-break spaces.
            self.rows[-1].append(re.sub(r"[ \t\r\n]+", " ", "".join(self.cell)).strip())
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def table(response, table_id: str) -> list[list[str]]:
    parser = _Tables(table_id)
    parser.feed(response.content.decode())
    assert parser.rows, f"no table #{table_id} on the page"
    return parser.rows


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_sheets(response) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


# --- the report page ---------------------------------------------------------------------------

def test_report_states_its_scope_in_one_sentence(client, store, directory):
    response = client.get(url("report"))

    assert response.status_code == 200
    assert f'<p class="headline" id="scope-sentence"><strong>{SENTENCE}</strong></p>' in (
        response.content.decode())
    assert "Sources: Crossref, OpenAlex. 2 affiliations not matched to an institution yet." in (
        text(response))


def test_report_sentence_names_the_sides_years_types_and_themes_chosen(client, store,
                                                                        directory):
    response = client.get(url("report"), {"sides": ["ARA", "CA"], "since": "2020",
                                          "types": ["article", "review"],
                                          "themes": "cell-therapy"})

    # Only W1 is in the cell-therapy theme, and it is from 2019: nothing is left.
    assert ("0 co-publications between Auvergne-Rhône-Alpes and Canada, from 2020, document "
            "types: article, review, theme: Cell therapy, full counting (at least one address "
            "on each side); duplicates across sources merged.") in text(response)
    assert table(response, "table-by-year")[1:] == [["No co-publication in this scope."]]
    assert "<svg" not in response.content.decode()


def test_report_with_a_whole_country_counts_toronto(client, store, directory):
    response = client.get(url("report"), {"sides": ["ARA", "CA"], "since": "", "until": ""})

    assert ("4 co-publications between Auvergne-Rhône-Alpes and Canada, 2019–2021, all "
            "document types") in text(response)
    assert table(response, "table-by-year")[1:] == [
        ["2019", "1", "1", "—"], ["2020", "2", "3", "100%"], ["2021", "1", "4", "-50%"]]


def test_report_gives_output_share_and_fractional_count_of_each_side(client, store, directory):
    response = client.get(url("report"))

    assert table(response, "table-sides") == [
        ["Side", "Publications of the side",
         "Share of its publications that are co-publications",
         "Fractional count of the co-publications"],
        ["Auvergne-Rhône-Alpes", "5", "60%", "1.333"],
        ["Québec", "3", "100%", "1.667"],
    ]


def test_report_formats_numbers_for_french_readers(client, store, directory):
    response = client.get(url("report", lang="fr"))

    assert '<html lang="fr">' in response.content.decode()
    rows = table(response, "table-sides")[1:]
    assert [row[1:] for row in rows] == [["5", "60\u00a0%", "1,333"],
                                        ["3", "100\u00a0%", "1,667"]]
    assert table(response, "table-by-theme")[1:] == [["Thérapie cellulaire", "1"],
                                                      ["oncology", "1"]]


def test_report_time_series_chart_and_its_table(client, store, directory):
    response = client.get(url("report"))
    body = response.content.decode()

    assert table(response, "table-by-year") == [
        ["Year", "Co-publications", "Cumulative", "Growth on the year before"],
        ["2019", "1", "1", "—"], ["2020", "1", "2", "0%"], ["2021", "1", "3", "0%"]]
    assert ('role="img" aria-labelledby="chart-by-year-title chart-by-year-desc"' in body)
    assert '<title id="chart-by-year-title">Co-publications per year</title>' in body
    assert ('<desc id="chart-by-year-desc">Bar chart of the number of co-publications each '
            'year from 2019 to 2021; the table that follows gives the figures.</desc>') in body
    # Vega's own ARIA attributes are gone: the chart is one image beside its table.
    chart = body[body.index('<svg'):body.index('</svg>')]
    assert "aria-roledescription" not in chart and "graphics-symbol" not in chart


def test_chart_text_is_escaped():
    chart = charts.by_theme([("<script>alert(1)</script>", 2)])

    assert "<script>" not in chart.svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in chart.svg


def test_report_year_rows_drill_down_to_the_works_of_that_year(client, store, directory):
    response = client.get(url("report"))

    assert (f'<a href="{url("works")}?sides=ARA&amp;sides=QC&amp;since=2020&amp;until=2020">'
            '2020</a>') in response.content.decode()


def test_report_themes_named_from_the_directory_or_by_their_code(client, store, directory):
    response = client.get(url("report"))

    assert table(response, "table-by-theme") == [
        ["Theme", "Co-publications"], ["Cell therapy", "1"], ["oncology", "1"]]
    assert '<title id="chart-by-theme-title">Co-publications per theme</title>' in (
        response.content.decode())


def test_report_institution_pair_matrix(client, store, directory):
    response = client.get(url("report"))

    # CLB–CHUM 2 (W1, W5), CLB–UdeM 1 (W1), HCL–McGill 1 (W2); McGill is not in the
    # directory, so its ROR id stands for its name.
    assert table(response, "table-matrix") == [
        ["", "University of Montreal Hospital Centre", MCGILL, "University of Montreal"],
        ["Centre Léon Bérard", "2", "0", "1"],
        ["Hospices Civils de Lyon", "0", "1", "0"],
    ]
    body = response.content.decode()
    assert '<title id="chart-network-title">Network of institution pairs</title>' in body


def test_report_citations_and_open_access(client, store, directory):
    response = client.get(url("report"))

    assert table(response, "table-citations") == [
        ["Co-publications", "Mean citations per co-publication",
         "Mean field-weighted citation impact (FWCI)", "Share in open access"],
        ["3", "5", "2", "50%"]]


NAMES = ["Alice Martin", "Bruno Roy", "Chloé Côté", "David Tremblay", "Gaëlle Morel",
         "Hugo Gagnon", "0000-0002-1825-0097"]


@pytest.mark.parametrize("who", ["anonymous", "researcher"])
def test_coauthor_names_are_hidden_from_the_public(client, store, directory, who):
    if who == "researcher":
        client.force_login(UserFactory())

    for page in (client.get(url("report")), client.get(url("works"))):
        assert page.status_code == 200
        assert [name for name in NAMES if name in page.content.decode()] == []
    assert "they are shown to the poles' staff, once signed in" in text(
        client.get(url("report")))


def test_coauthors_export_is_refused_to_the_public(client, store, directory):
    anonymous = client.get(url("export", table="coauthors", fmt="csv"))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/en/accounts/login/?next=")

    client.force_login(UserFactory())
    refused = client.get(url("export", table="coauthors", fmt="csv"))
    assert refused.status_code == 403
    assert "Alice Martin" not in refused.content.decode()


@pytest.mark.parametrize("role", ["pole_staff", "site_admin"])
def test_coauthors_are_shown_to_pole_staff_and_site_admins(client, store, directory, role):
    if role == "pole_staff":
        user = pole_staff()
    else:
        from allauth.mfa.models import Authenticator

        user = UserFactory(role="site_admin")
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                     data={"secret": "x"})
    client.force_login(user)

    response = client.get(url("report"))

    assert table(response, "table-coauthors") == [
        ["Author", "ORCID iD", "Co-publications"],
        ["Alice Martin", "0000-0002-1825-0097", "2"],
        ["Bruno Roy", "—", "1"], ["Chloé Côté", "—", "1"], ["David Tremblay", "—", "1"],
        ["Gaëlle Morel", "—", "1"], ["Hugo Gagnon", "—", "1"]]
    assert csv_rows(client.get(url("export", table="coauthors", fmt="csv")))[:2] == [
        ["Author", "ORCID iD", "Co-publications"],
        ["Alice Martin", "0000-0002-1825-0097", "2"]]


# --- the works ---------------------------------------------------------------------------------

def test_works_list_gives_each_copublication_with_its_doi_and_institutions(client, store,
                                                                          directory):
    response = client.get(url("works"))

    assert "3 co-publications, newest first." in text(response)
    assert table(response, "table-works") == [
        ["Title", "Year", "Document type", "DOI", "Venue",
         "Institutions in Auvergne-Rhône-Alpes", "Institutions in Québec"],
        ["Work 10.1000/w5", "2021", "article", "https://doi.org/10.1000/w5", "—",
         "Centre Léon Bérard", "University of Montreal Hospital Centre"],
        ["Work W2", "2020", "article", "https://doi.org/10.1000/w2", "—",
         "Hospices Civils de Lyon", MCGILL],
        ["Work W1", "2019", "article", "https://doi.org/10.1000/w1", "—",
         "Centre Léon Bérard", "University of Montreal; University of Montreal Hospital Centre"],
    ]
    assert ('<a href="https://doi.org/10.1000/w2">https://doi.org/10.1000/w2</a>'
            in response.content.decode())


def test_works_list_is_paginated(client, store, directory, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)

    second = client.get(url("works"), {"sides": ["ARA", "QC"], "page": "2"})

    assert [row[0] for row in table(second, "table-works")[1:]] == ["Work W1"]
    assert "Page 2 of 2" in text(second)
    assert 'href="?sides=ARA&amp;sides=QC&amp;page=1" rel="prev"' in second.content.decode()


def test_works_of_one_year(client, store, directory):
    response = client.get(url("works"), {"sides": ["ARA", "QC"], "since": "2020",
                                         "until": "2020"})

    assert [row[0] for row in table(response, "table-works")[1:]] == ["Work W2"]
    assert ("1 co-publication between Auvergne-Rhône-Alpes and Québec, 2020, all document "
            "types") in text(response)


# --- exports -----------------------------------------------------------------------------------

def test_csv_exports_hold_the_tables_of_the_page(client, store, directory):
    def get(name):
        response = client.get(url("export", table=name, fmt="csv"))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        return response

    by_year = get("by-year")
    assert by_year["Content-Disposition"] == (
        'attachment; filename="observatory_ARA-QC_all-years_by-year.csv"')
    assert csv_rows(by_year) == [
        ["Year", "Co-publications", "Cumulative", "Growth on the year before"],
        ["2019", "1", "1", ""], ["2020", "1", "2", "0.0"], ["2021", "1", "3", "0.0"]]
    assert csv_rows(get("by-theme")) == [
        ["Theme", "Co-publications"], ["Cell therapy", "1"], ["oncology", "1"]]
    assert csv_rows(get("institution-pairs")) == [
        ["Institution in Auvergne-Rhône-Alpes", "ROR id in Auvergne-Rhône-Alpes",
         "Institution in Québec", "ROR id in Québec", "Co-publications"],
        ["Centre Léon Bérard", CLB, "University of Montreal Hospital Centre", CHUM, "2"],
        ["Hospices Civils de Lyon", HCL, MCGILL, MCGILL, "1"],
        ["Centre Léon Bérard", CLB, "University of Montreal", UDEM, "1"]]
    assert csv_rows(get("sides")) == [
        ["Side", "Publications of the side",
         "Share of its publications that are co-publications",
         "Fractional count of the co-publications"],
        ["Auvergne-Rhône-Alpes", "5", "0.6", "1.3333"], ["Québec", "3", "1.0", "1.6667"]]
    assert csv_rows(get("citations")) == [
        ["Co-publications", "Mean citations per co-publication",
         "Mean field-weighted citation impact (FWCI)", "Share in open access"],
        ["3", "5.0", "2.0", "0.5"]]
    assert csv_rows(get("works")) == [
        ["Title", "Year", "Document type", "DOI", "Venue",
         "Institutions in Auvergne-Rhône-Alpes", "Institutions in Québec",
         "Synthetic demo record"],
        ["Work 10.1000/w5", "2021", "article", "https://doi.org/10.1000/w5", "",
         "Centre Léon Bérard", "University of Montreal Hospital Centre", ""],
        ["Work W2", "2020", "article", "https://doi.org/10.1000/w2", "",
         "Hospices Civils de Lyon", MCGILL, ""],
        ["Work W1", "2019", "article", "https://doi.org/10.1000/w1", "",
         "Centre Léon Bérard", "University of Montreal; University of Montreal Hospital Centre",
         ""]]


def test_csv_starts_with_a_byte_order_mark_for_spreadsheets(client, store, directory):
    response = client.get(url("export", table="by-theme", fmt="csv"))

    assert response.content.startswith("\ufeffTheme,Co-publications\r\n".encode())


def test_xlsx_export_holds_typed_cells_and_its_scope(client, store, directory):
    response = client.get(url("export", table="by-year", fmt="xlsx"),
                          {"sides": ["ARA", "QC"], "since": "2019", "until": "2021"})

    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"] == (
        'attachment; filename="observatory_ARA-QC_2019-2021_by-year.xlsx"')
    assert xlsx_sheets(response) == {
        "Co-publications per year": [
            ("Year", "Co-publications", "Cumulative", "Growth on the year before"),
            (2019, 1, 1, None), (2020, 1, 2, 0), (2021, 1, 3, 0)],
        "Scope": [(SENTENCE,)],
    }
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["D3"].number_format == "0.0%"


def test_xlsx_works_export_links_the_dois(client, store, directory):
    response = client.get(url("export", table="works", fmt="xlsx"),
                          {"sides": ["ARA", "QC"], "types": "article", "themes": "oncology"})

    assert response["Content-Disposition"] == (
        'attachment; filename="observatory_ARA-QC_all-years_article_oncology_works.xlsx"')
    sheets = xlsx_sheets(response)
    assert sheets["Co-publications"] == [
        ("Title", "Year", "Document type", "DOI", "Venue",
         "Institutions in Auvergne-Rhône-Alpes", "Institutions in Québec",
         "Synthetic demo record"),
        ("Work 10.1000/w5", 2021, "article", "https://doi.org/10.1000/w5", None,
         "Centre Léon Bérard", "University of Montreal Hospital Centre", None)]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]["D2"].hyperlink.target == "https://doi.org/10.1000/w5"
    assert sheets["Scope"] == [(
        "1 co-publication between Auvergne-Rhône-Alpes and Québec, 2021, document types: "
        "article, theme: oncology, full counting (at least one address on each side); "
        "duplicates across sources merged.",)]


def test_exported_text_never_runs_as_a_formula():
    table = exports.Table("works", "Co-publications", [
        exports.Column("Title"), exports.Column("Growth", exports.PERCENT)],
        rows=[["=HYPERLINK(\"http://example.org\")", -0.5], ["-Omics in oncology", 0.25]])

    assert list(csv.reader(io.StringIO(exports.to_csv(table).decode("utf-8-sig")))) == [
        ["Title", "Growth"], ["'=HYPERLINK(\"http://example.org\")", "-0.5"],
        ["'-Omics in oncology", "0.25"]]
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(table, sentence="")))
    cell = book.worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://example.org\")", "s")
    assert book.worksheets[0]["B2"].value == -0.5


def test_unknown_export_is_not_found(client, store, directory):
    assert client.get("/en/observatory/export/people.csv").status_code == 404
    assert client.get("/en/observatory/export/by-year.pdf").status_code == 404


# --- the scope editor --------------------------------------------------------------------------

@pytest.mark.parametrize(("params", "message"), [
    ({"since": "abc"},
     "“abc” is not a year: enter a year between 1900 and 2100, such as 2019."),
    ({"until": "20199"},
     "“20199” is not a year: enter a year between 1900 and 2100, such as 2019."),
    ({"sides": "XX"}, "“XX” is not a side: choose among ARA, QC, FR and CA."),
    ({"sides": ["ARA", "FR"]},
     "Choose one side in France (ARA or FR) and one in Canada (QC or CA); you chose: "
     "Auvergne-Rhône-Alpes, France."),
    ({"sides": "QC"},
     "Choose one side in France (ARA or FR) and one in Canada (QC or CA); you chose: Québec."),
    ({"types": "thesis"},
     "“thesis” is not a document type: choose among article, review, letter, editorial, "
     "conference-paper, book-chapter, book, preprint, erratum, other."),
    ({"themes": "astronomy"},
     "“astronomy” is not a theme of the observatory: choose among cell-therapy, oncology."),
    ({"since": "2021", "until": "2019"},
     "The last year (2019) is before the first year (2021)."),
])
def test_bad_scope_value_is_named_in_the_form(client, store, directory, params, message):
    response = client.get(url("report"), params)

    assert response.status_code == 200
    assert message in text(response)
    assert "scope-sentence" not in response.content.decode()  # no figures for a bad scope
    assert "<details class=\"scope-editor\" open>" in response.content.decode()


def test_bad_scope_keeps_what_was_typed(client, store, directory):
    response = client.get(url("report"), {"sides": ["ARA", "QC"], "since": "abc",
                                          "until": "2020"})

    body = response.content.decode()
    assert 'name="since" value="abc"' in body
    assert 'name="until" value="2020"' in body
    assert 'value="ARA" id="id_sides_0" checked' in body


def test_bad_scope_on_an_export_is_a_plain_error(client, store, directory):
    response = client.get(url("export", table="by-year", fmt="csv"), {"sides": "XX"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "The scope is not valid:\n- Sides: “XX” is not a side: choose among ARA, QC, FR and "
        "CA.\n")


def test_every_document_type_has_a_label():
    assert list(DOC_TYPE_NAMES) == list(DOC_TYPES)


# --- without a store ---------------------------------------------------------------------------

def test_missing_store_says_so_and_how_to_fill_it(client, tmp_path, settings, directory):
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "absent.duckdb"

    response = client.get(url("report"))

    assert response.status_code == 200
    page = text(response)
    assert "The observatory has no figures yet: its database has not been filled." in page
    assert ("jumelage observatory ingest --source openalex FILE… jumelage observatory index"
            in page)
    assert str(tmp_path) not in page  # the server's paths are for staff
    assert not (tmp_path / "absent.duckdb").exists()  # reading never creates the file
    assert client.get(url("works")).status_code == 200
    export = client.get(url("export", table="by-year", fmt="csv"))
    assert (export.status_code, export.content.decode()) == (
        404, "The observatory has no figures yet: its database has not been filled.\n")


def test_missing_store_path_is_shown_to_staff(client, tmp_path, settings, directory):
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "absent.duckdb"
    client.force_login(pole_staff())

    response = client.get(url("report"))

    assert (f"Database file expected by the setting JUMELAGE_OBSERVATORY_DB: "
            f"{tmp_path / 'absent.duckdb'}") in text(response)


def test_store_loaded_but_not_indexed_says_to_index_it(client, tmp_path, settings, directory):
    path = tmp_path / "observatory.duckdb"
    fill_store(path, indexed=False)
    settings.JUMELAGE_OBSERVATORY_DB = path

    response = client.get(url("report"))

    assert "The observatory's records are loaded but not indexed yet." in text(response)
    assert "<pre><code>jumelage observatory index</code></pre>" in response.content.decode()


def test_a_file_that_is_not_a_store_is_reported(client, tmp_path, settings, directory):
    path = tmp_path / "observatory.duckdb"
    path.write_text("not a database", encoding="utf-8")
    settings.JUMELAGE_OBSERVATORY_DB = path

    response = client.get(url("report"))

    assert response.status_code == 200
    assert "The observatory's database cannot be read." in text(response)


def test_store_being_written_asks_to_come_back(client, tmp_path, settings, directory):
    """The command line holds DuckDB's write lock while it loads: pages answer 503, not 500."""
    path = tmp_path / "observatory.duckdb"
    fill_store(path)
    settings.JUMELAGE_OBSERVATORY_DB = path
    writer = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
         "print('locked', flush=True); sys.stdin.read()", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline() == "locked\n"
        response = client.get(url("report"))
        works = client.get(url("works"))
        export = client.get(url("export", table="by-year", fmt="csv"))
        network = client.get(url("network", kind="institutions", fmt="gexf"))
        with translation.override("fr"):
            french = client.get(url("report", lang="fr"))
    finally:
        writer.communicate("")

    for page in (response, works, export, network, french):
        assert (page.status_code, page["Retry-After"]) == (503, "120")
    assert ("The observatory's database is being updated: try again in a few minutes."
            in text(response))
    assert ("The observatory's database is being updated: try again in a few minutes."
            in text(works))
    assert export.content.decode() == (
        "The observatory's database is being updated: try again in a few minutes.\n")
    # (text() turns the no-break space before the colon into a space)
    assert ("La base de données de l’observatoire est en cours de mise à jour : "
            "réessayez dans quelques minutes." in text(french))
    # Once the command line lets go, the same page answers.
    assert client.get(url("report")).status_code == 200


# --- queries -----------------------------------------------------------------------------------

def test_report_page_query_count_is_bounded(client, store, directory,
                                            django_assert_max_num_queries):
    client.get(url("report"))  # fills the cache; the bound holds either way
    with django_assert_max_num_queries(2):  # themes; institution names
        client.get(url("report"))
    client.force_login(pole_staff())
    # + session, user, two-factor check, and the two permission reads of the site navigation
    with django_assert_max_num_queries(7):
        client.get(url("report"))


def test_works_page_query_count_is_bounded(client, store, directory,
                                           django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # themes; institution names
        client.get(url("works"))
