"""axe-core finds no WCAG 2.2 A/AA violation on the public pages, in French and in English.

Each page is first checked to be the page it claims to be, so that an audit of an error page
cannot pass for an audit of the real one.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import assert_no_axe_violations, require_chromium

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["fr", "en"]
WRONG_PASSWORD_MESSAGE = {
    "fr": "L’adresse e-mail ou le mot de passe sont incorrects.",
    "en": "The email address and/or password you specified are not correct.",
}


def open_page(page, live_server, path: str, lang: str):
    response = page.goto(f"{live_server.url}{path}")
    assert response.status == 200, f"{path} answered {response.status}"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    return response


@pytest.mark.parametrize("lang", LANGUAGES)
def test_home_has_no_axe_violations(page, live_server, network, lang):
    open_page(page, live_server, f"/{lang}/", lang)
    expect(page.locator("#poles-title + .cards > li h3")).to_have_text(
        ["Cancéropôle Lyon Auvergne-Rhône-Alpes", "Oncopole"])
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_search_with_results_has_no_axe_violations(page, live_server, network, lang):
    open_page(page, live_server, f"/{lang}/directory/?q=therapie+cellulaire", lang)
    expect(page.locator(".results > li > a")).to_have_text(["Élodie Gagnon"])
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_directory_search_without_results_has_no_axe_violations(page, live_server, network,
                                                                lang):
    open_page(page, live_server, f"/{lang}/directory/?q=xylophone", lang)
    expect(page.locator(".results")).to_have_count(0)
    expect(page.locator("#results-title + [role=status]")).to_have_text(re.compile(r"^0\b"))
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_profile_has_no_axe_violations(page, live_server, network, lang):
    therapist = network["therapist"]
    open_page(page, live_server, f"/{lang}/directory/people/{therapist.pk}/", lang)
    expect(page.locator("h1")).to_have_text("Élodie Gagnon")
    expect(page.locator("main a[href$='/directory/institutions/%d/']"
                        % network["montreal"].pk)).to_have_text("Université de Montréal")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_has_no_axe_violations(page, live_server, lang):
    open_page(page, live_server, f"/{lang}/accounts/login/", lang)
    expect(page.locator("main form input[name=login]")).to_have_count(1)
    expect(page.locator("main form input[name=password]")).to_have_count(1)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_sign_in_with_wrong_password_has_no_axe_violations(page, live_server, researcher,
                                                           lang):
    open_page(page, live_server, f"/{lang}/accounts/login/", lang)
    page.locator("main form input[name=login]").fill(researcher.email)
    page.locator("main form input[name=password]").fill("not the password")
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert page.url == f"{live_server.url}/{lang}/accounts/login/"
    expect(page.locator("main")).to_contain_text(WRONG_PASSWORD_MESSAGE[lang])
    # What was typed in the email field is kept.
    expect(page.locator("main form input[name=login]")).to_have_value(researcher.email)
    assert_no_axe_violations(page)
