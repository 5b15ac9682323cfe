"""Signing in with the keyboard only, starting from the skip link."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import translation
from playwright.sync_api import expect

from tests.browser.support import require_chromium

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


def focused(page) -> dict:
    """What has the keyboard focus: tag, id, href and text of document.activeElement."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        return {tag: el.tagName.toLowerCase(), id: el.id,
                href: el.getAttribute("href"), text: el.textContent.trim()};
    }""")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_keyboard_only_sign_in_lands_signed_in(page, live_server, researcher, lang):
    with translation.override(lang):
        skip_text = translation.gettext("Skip to main content")
        sign_out_text = translation.gettext("Sign out")
    page.goto(f"{live_server.url}/{lang}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", lang)

    # The skip link is the first thing the keyboard reaches, and it moves focus to <main>.
    page.keyboard.press("Tab")
    assert focused(page) == {"tag": "a", "id": "", "href": "#main", "text": skip_text}
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    # Inside <main>: the sign-up link of the introduction, then the email field.
    page.keyboard.press("Tab")
    assert focused(page)["href"] == f"/{lang}/accounts/signup/"
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_login"
    page.keyboard.type(researcher.email)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{live_server.url}/{lang}/"
    expect(page.locator("html")).to_have_attribute("lang", lang)
    nav = page.locator("nav.main-nav")
    expect(nav.get_by_role("link", name=sign_out_text)).to_have_attribute(
        "href", f"/{lang}/accounts/logout/")
    expect(nav.locator(f"a[href='/{lang}/accounts/login/']")).to_have_count(0)
    # The browser's session cookie is the researcher's session on the server.
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    assert SessionStore(session_key=cookie["value"]).load()["_auth_user_id"] == str(
        researcher.pk)
