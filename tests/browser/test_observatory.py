"""The observatory's report pages in a real browser: axe-core finds no WCAG 2.2 A/AA
violation, in French and in English, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    assert_no_axe_violations,
    assert_site_stylesheet_applied,
    require_chromium,
)
from tests.observatory.test_views import fill_store

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fr", "en"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(scope="module")
def store_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("observatory") / "observatory.duckdb"
    fill_store(path)
    return path


@pytest.fixture
def store(store_file, settings, db):
    from tests.factories import InstitutionFactory, ThemeFactory
    from tests.observatory.engine.test_indicators import CHUM, CLB

    InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard", ror_id=CLB)
    InstitutionFactory(name_fr="Centre hospitalier de l'Université de Montréal",
                       name_en="University of Montreal Hospital Centre", ror_id=CHUM,
                       country="CA")
    ThemeFactory(code="cell-therapy", name_fr="Thérapie cellulaire", name_en="Cell therapy")
    settings.JUMELAGE_OBSERVATORY_DB = store_file
    return store_file


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def open_page(page, live_server, path: str, lang: str, status: int = 200):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == status, f"{path} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_site_stylesheet_applied(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_page_has_no_axe_violations(screen, live_server, store, lang):
    open_page(screen, live_server, f"/{lang}/observatory/", lang)
    expect(screen.locator("#scope-sentence")).to_contain_text("Auvergne-Rhône-Alpes")
    expect(screen.locator("svg[role=img]")).to_have_count(3)
    expect(screen.locator("#table-by-year tbody tr")).to_have_count(3)
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_page_with_a_bad_scope_has_no_axe_violations(screen, live_server, store, lang):
    open_page(screen, live_server, f"/{lang}/observatory/?sides=XX&since=abc", lang)
    expect(screen.locator(".scope-editor .errorlist")).to_have_count(2)
    expect(screen.locator(".scope-editor .errorlist").first).to_contain_text("XX")
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_works_page_has_no_axe_violations(screen, live_server, store, lang):
    open_page(screen, live_server, f"/{lang}/observatory/works/", lang)
    expect(screen.locator("#table-works tbody tr")).to_have_count(3)
    expect(screen.locator("#table-works a[href='https://doi.org/10.1000/w1']")).to_have_count(1)
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_store_page_has_no_axe_violations(screen, live_server, settings, db, tmp_path,
                                                  lang):
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "absent.duckdb"
    open_page(screen, live_server, f"/{lang}/observatory/", lang)
    expect(screen.locator("#store-problem")).to_contain_text("jumelage observatory index")
    assert_no_axe_violations(screen)


def test_scope_editor_submits_the_chosen_scope(page, live_server, store):
    page.goto(f"{live_server.url}/en/observatory/")
    page.locator(".scope-editor summary").click()
    page.get_by_role("checkbox", name="Québec", exact=True).uncheck()
    page.get_by_role("checkbox", name="Canada", exact=True).check()
    page.get_by_role("textbox", name="From year").fill("2020")
    with page.expect_navigation():
        page.get_by_role("button", name="Show the figures").click()
    expect(page.locator("#scope-sentence")).to_have_text(
        "3 co-publications between Auvergne-Rhône-Alpes and Canada, 2020–2021, all document "
        "types, full counting (at least one address on each side); duplicates across sources "
        "merged.")

