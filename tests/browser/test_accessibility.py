"""axe-core finds no WCAG 2.2 A/AA violation on the public pages, in French and in English.

Each page is first checked to be the page it claims to be, so that an audit of an error page
cannot pass for an audit of the real one.
"""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.support import (
    assert_no_axe_violations,
    assert_site_stylesheet_applied,
    axe_violations,
    require_chromium,
)

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fr", "en"]
# Target sizes and spacing (WCAG 2.5.8) change when the header wraps on a phone.
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}
WRONG_PASSWORD_MESSAGE = {
    "fr": "L\u2019adresse e-mail ou le mot de passe sont incorrects.",
    "en": "The email address and/or password you specified are not correct.",
}


def open_page(page, live_server, path: str, lang: str):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_site_stylesheet_applied(page)
    return response


@pytest.fixture(params=list(VIEWPORTS))
def screen(request, browser):
    """A fresh page at each of the audited viewport sizes."""
    context = browser.new_context(viewport=VIEWPORTS[request.param])
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_site_stylesheet_is_served(page, live_server):
    response = page.request.get(f"{live_server.url}/static/jumelage/site.css")
    assert (response.status, response.headers["content-type"].split(";")[0]) == (
        200, "text/css"), "the pages' stylesheet is not served, so they are audited unstyled"


def test_axe_audit_reports_known_violations(page):
    """The audit is not vacuous: the tags select rules, and violations come back."""
    page.set_content(
        "<!DOCTYPE html><html><head><title>Broken</title></head><body><main>"
        "<img src='data:image/gif;base64,R0lGODlhAQABAAAAACw='>"
        "<input type='text' name='q'>"
        "<p style='color:#aaaaaa;background:#ffffff'>Faint text</p>"
        "</main></body></html>")
    assert sorted(v["id"] for v in axe_violations(page)) == [
        "color-contrast", "html-has-lang", "image-alt", "label"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_has_no_axe_violations(screen, live_server, network, lang):
    open_page(screen, live_server, f"/{lang}/", lang)
    expect(screen.locator("#poles-title + .cards > li h3")).to_have_text(
        ["Cancéropôle Lyon Auvergne-Rhône-Alpes", "Oncopole"])
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_search_with_results_has_no_axe_violations(screen, live_server, network, lang):
    open_page(screen, live_server, f"/{lang}/directory/?q=therapie+cellulaire", lang)
    expect(screen.locator(".results > li > a")).to_have_text(["Élodie Gagnon"])
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_search_without_results_has_no_axe_violations(screen, live_server, network,
                                                                lang):
    open_page(screen, live_server, f"/{lang}/directory/?q=xylophone", lang)
    with translation.override(lang):
        count = translation.ngettext("%(n)s result", "%(n)s results", 0) % {"n": 0}
        nothing = translation.gettext(
            "Nothing matches your search. Try fewer words or remove a filter.")
    expect(screen.locator(".results")).to_have_count(0)
    expect(screen.locator("#results-title + [role=status]")).to_have_text(count)
    expect(screen.locator("main")).to_contain_text(nothing)
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_profile_has_no_axe_violations(screen, live_server, network, lang):
    therapist = network["therapist"]
    open_page(screen, live_server, f"/{lang}/directory/people/{therapist.pk}/", lang)
    expect(screen.locator("h1")).to_have_text("Élodie Gagnon")
    montreal_link = f"main a[href='/{lang}/directory/institutions/{network['montreal'].pk}/']"
    expect(screen.locator(montreal_link)).to_have_text("Université de Montréal")
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_has_no_axe_violations(screen, live_server, lang):
    open_page(screen, live_server, f"/{lang}/accounts/login/", lang)
    expect(screen.locator("main form input[name=login]")).to_have_count(1)
    expect(screen.locator("main form input[name=password]")).to_have_count(1)
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_with_wrong_password_has_no_axe_violations(screen, live_server, researcher,
                                                           lang):
    open_page(screen, live_server, f"/{lang}/accounts/login/", lang)
    screen.locator("main form input[name=login]").fill(researcher.email)
    screen.locator("main form input[name=password]").fill("not the password")
    with screen.expect_navigation():
        screen.locator("main form [type=submit]").click()
    expect(screen.locator("html")).to_have_attribute("lang", lang)
    assert screen.url == f"{live_server.url}/{lang}/accounts/login/"
    expect(screen.locator("main")).to_contain_text(WRONG_PASSWORD_MESSAGE[lang])
    # What was typed in the email field is kept.
    expect(screen.locator("main form input[name=login]")).to_have_value(researcher.email)
    assert_no_axe_violations(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_privacy_page_has_no_axe_violations(screen, live_server, network, lang):
    open_page(screen, live_server, f"/{lang}/privacy/", lang)
    expect(screen.locator("main h1")).to_have_text(
        {"fr": "Confidentialité et données personnelles",
         "en": "Privacy and personal information"}[lang])
    assert_no_axe_violations(screen)
