"""The "find a partner" page in a real browser: no axe violation, in French and in English,
with results and with an input error; a need submitted with the keyboard alone."""

import pytest
from django.core.cache import cache
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.support import (
    assert_no_axe_violations,
    assert_site_stylesheet_applied,
    require_chromium,
    sign_in,
)

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partners(settings, tmp_path):
    """The directory of tests/matching/test_partners.py, without an observatory store."""
    from tests.matching.test_partners import build_network

    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "missing.duckdb"
    cache.clear()
    yield build_network()
    cache.clear()


def open_page(page, live_server, lang: str, query: str = "") -> None:
    response = page.goto(f"{live_server.url}/{lang}/matching/partners/{query}")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_site_stylesheet_applied(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_results_have_no_axe_violations(page, live_server, partners, lang):
    sign_in(page, live_server, partners["user"])
    open_page(page, live_server, lang)

    expect(page.locator("ol.results > li.candidate a")).to_have_text(
        ["Charles Tremblay", "Béatrice Gagnon", "Étienne Roy"])
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_input_error_has_no_axe_violations(page, live_server, partners, lang):
    sign_in(page, live_server, partners["user"])
    open_page(page, live_server, lang, "?match=need&need=+")

    with translation.override(lang):
        message = translation.gettext(
            "Describe your need in a few words, in French or English.")
    expect(page.locator("#id_need_error")).to_have_text(message)
    expect(page.locator("#id_need")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)


def test_need_submitted_with_the_keyboard_finds_the_other_side(page, live_server, partners):
    sign_in(page, live_server, partners["user"])
    open_page(page, live_server, "en")

    page.get_by_label("A need described in words").check()
    page.get_by_label("Your need").fill("la radiothérapie")
    page.get_by_label("Your need").press("Tab")
    for _ in range(20):  # to the submit button, through the filters
        if page.evaluate("document.activeElement.type") == "submit":
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.locator("ol.results > li.candidate a")).to_have_text(["Étienne Roy"])
    expect(page.locator("ol.results .reasons li")).to_have_text(
        ["shared terms: radiotherapy"])
    expect(page.locator("#id_need")).to_have_value("la radiothérapie")
