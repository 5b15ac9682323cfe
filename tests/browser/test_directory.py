"""The directory in a real browser: accent-insensitive search and the language switcher."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.support import require_chromium

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def search(page, live_server, lang: str, text: str) -> None:
    """Type the words into the directory's search box and submit with Enter."""
    page.goto(f"{live_server.url}/{lang}/directory/")
    with translation.override(lang):
        label = translation.gettext("Search")
    box = page.get_by_role("searchbox", name=label)
    box.fill(text)
    with page.expect_navigation():
        box.press("Enter")


@pytest.mark.parametrize(("lang", "theme_name"), [("fr", "Thérapie cellulaire"),
                                                   ("en", "Cell therapy")])
def test_search_without_accents_finds_person_with_accented_theme(page, live_server, network,
                                                                 lang, theme_name):
    search(page, live_server, lang, "therapie cellulaire")

    url = urlsplit(page.url)
    assert (url.path, parse_qs(url.query)["q"]) == (f"/{lang}/directory/",
                                                    ["therapie cellulaire"])
    results = page.locator("ul.results > li")
    # The private person on the same theme is not listed for an anonymous visitor.
    expect(results.locator("> a")).to_have_text(["Élodie Gagnon"])
    expect(results.locator(".tag")).to_have_text([theme_name])
    expect(results.locator(".meta")).to_contain_text("Université de Montréal")
    results.get_by_role("link", name="Élodie Gagnon").click()
    assert page.url == f"{live_server.url}/{lang}/directory/people/{network['therapist'].pk}/"
    expect(page.locator("h1")).to_have_text("Élodie Gagnon")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_search_montreal_without_accent_finds_universite_de_montreal(page, live_server, network,
                                                                      lang):
    search(page, live_server, lang, "Montreal")
    with translation.override(lang):
        tab_name = f"{translation.gettext('Institutions')} (1)"
        tabs_name = translation.gettext("Kind of result")
    page.get_by_role("navigation", name=tabs_name).get_by_role("link", name=tab_name).click()

    url = urlsplit(page.url)
    assert (url.path, parse_qs(url.query)["q"], parse_qs(url.query)["kind"]) == (
        f"/{lang}/directory/", ["Montreal"], ["institutions"])
    expect(page.get_by_role("link", name=tab_name)).to_have_attribute("aria-current", "page")
    expect(page.locator("ul.results > li > a")).to_have_text(["Université de Montréal"])
    expect(page.locator("ul.results > li > a")).to_have_attribute(
        "href", f"/{lang}/directory/institutions/{network['montreal'].pk}/")


@pytest.mark.parametrize(("current", "target", "target_name"), [("fr", "en", "English"),
                                                                ("en", "fr", "Français")])
def test_language_switch_keeps_directory_page_and_query(page, live_server, network, current,
                                                        target, target_name):
    page.goto(f"{live_server.url}/{current}/directory/?q=x")
    expect(page.locator("html")).to_have_attribute("lang", current)
    with translation.override(current):
        nav_name = translation.gettext("Language")
    page.get_by_role("navigation", name=nav_name).get_by_role(
        "link", name=target_name).click()

    assert page.url == f"{live_server.url}/{target}/directory/?q=x"
    expect(page.locator("html")).to_have_attribute("lang", target)
    expect(page.locator("input[name=q]")).to_have_value("x")
    with translation.override(target):
        expect(page.locator("h1")).to_have_text(translation.gettext("Directory of the network"))
