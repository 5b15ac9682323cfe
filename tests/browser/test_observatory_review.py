"""The affiliation review queue in a real browser: no axe violation, in French and in English,
and a decision taken without JavaScript."""

import pytest
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
def review(tmp_path, settings):
    """The review tests' store and directory, and a pole staff member with a second factor."""
    from allauth.mfa.models import Authenticator

    from jumelage.observatory import review_selectors
    from tests.factories import PoleFactory, UserFactory
    from tests.observatory.test_review import build_store, make_directory

    path = tmp_path / "observatory.duckdb"
    build_store(path)
    settings.JUMELAGE_OBSERVATORY_DB = path
    review_selectors.clear_registry_cache()
    review_selectors.clear_queue_cache()
    institutions = make_directory()
    staff = UserFactory(email="gestion@clara.example.org", role="pole_staff",
                        pole=PoleFactory())
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP,
                                 data={"secret": "x"})
    yield {"staff": staff, "institutions": institutions}
    review_selectors.clear_registry_cache()
    review_selectors.clear_queue_cache()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_review_queue_has_no_axe_violations(page, live_server, review, lang):
    sign_in(page, live_server, review["staff"])
    response = page.goto(f"{live_server.url}/{lang}/observatory/review/")
    assert response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)
    assert_site_stylesheet_applied(page)
    expect(page.locator("h2.review-raw")).to_have_text([
        "Hospices Civils de Lyon, France", "Hospices Civils",
        "Hôpital Maisonneuve-Rosemont, Montréal, QC H1T 2M4", "University of Toronto, Canada"])
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_correction_page_with_an_error_has_no_axe_violations(page, live_server, review, lang):
    sign_in(page, live_server, review["staff"])
    page.goto(f"{live_server.url}/{lang}/observatory/review/correct/"
              "?raw=Hospices+Civils&search=montreal")
    with translation.override(lang):
        save = translation.gettext("Save the decision")
    page.get_by_role("button", name=save).click()  # nothing chosen
    expect(page.locator("[role=alert]")).to_be_visible()
    expect(page.locator("input[name=search][type=search]")).to_have_value("montreal")
    assert_no_axe_violations(page)


def test_staff_confirm_a_candidate_without_javascript(browser, live_server, review):
    from jumelage.observatory.models import AffiliationCorrection

    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, review["staff"])
        page.goto(f"{live_server.url}/en/observatory/review/")
        item = page.locator("ul.results > li").filter(
            has=page.get_by_role("heading", name="Hospices Civils", exact=True))
        item.get_by_label("Hospices Civils de Lyon (HCL)").check()
        item.get_by_role("button", name="Save the decision").click()
        expect(page.locator(".message-success")).to_contain_text(
            "“Hospices Civils” is attributed to Hospices Civils de Lyon (ROR 01502ca60).")
        expect(page.locator("h2.review-raw")).to_have_text([
            "Hospices Civils de Lyon, France",
            "Hôpital Maisonneuve-Rosemont, Montréal, QC H1T 2M4",
            "University of Toronto, Canada"])
    finally:
        context.close()
    assert list(AffiliationCorrection.objects.values_list("raw", "ror_id")) == [
        ("Hospices Civils", "01502ca60")]
