"""Review exercise pages in a real browser: the solver run from the page leaves out the
conflicted reviewer; no axe violation in French or English; a swap with the keyboard."""

import pytest
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
def world(settings, tmp_path):
    from tests.matching.test_exercises import build_world

    settings.JUMELAGE_OBSERVATORY_DB = str(tmp_path / "missing.duckdb")
    return build_world()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_run_the_solver_then_read_the_conflicts(page, live_server, world, lang):
    sign_in(page, live_server, world["staff"])
    exercise = world["exercise"]
    response = page.goto(f"{live_server.url}/{lang}/matching/exercises/{exercise.pk}/")
    assert response.status == 200
    assert_site_stylesheet_applied(page)
    assert_no_axe_violations(page)

    page.locator("form[action$='/run/'] button").click()
    expect(page.locator(".message-success")).to_have_count(1)
    rows = page.locator("section[aria-labelledby='items-title'] tbody tr")
    expect(rows.nth(0).locator("td").nth(0)).to_have_text("Alex Chevalier")
    expect(rows.nth(1).locator("td").nth(0)).to_have_text("Alex Bernard")
    assert_no_axe_violations(page)

    rows.nth(0).locator("th a").click()
    expect(page.locator("h1")).to_have_text("P-001 CAR-T cell therapy for lymphoma")
    conflicted = page.locator("tr.conflict th")
    expect(conflicted).to_have_text(["Alex Roy", "Alex Girard"])
    assert_no_axe_violations(page)


def test_swap_with_the_keyboard(page, live_server, world):
    from jumelage.matching import services
    from jumelage.matching.models import Assignment

    world["exercise"].max_load = 2
    world["exercise"].save()
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    sign_in(page, live_server, world["staff"])
    page.goto(f"{live_server.url}/en/matching/exercises/{world['exercise'].pk}/items/"
              f"{world['genome'].pk}/")
    page.get_by_label("Replace Alex Bernard by").select_option(label="Alex Chevalier")
    page.get_by_label("Replace Alex Bernard by").press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".message-success")).to_have_text(
        "Alex Chevalier replaces Alex Bernard on P-002.")
    assert list(Assignment.objects.filter(item=world["genome"]).values_list(
        "reviewer__family_name", "origin")) == [("Chevalier", "manual")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_rules_and_pool_pages_have_no_axe_violations(page, live_server, world, lang):
    sign_in(page, live_server, world["staff"])
    base = f"{live_server.url}/{lang}/matching/exercises/{world['exercise'].pk}"
    page.goto(f"{base}/settings/")
    page.locator("#id_min_load").fill("5")
    page.locator("form[method='post'] button[type='submit']").click()
    expect(page.locator("#id_min_load")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.goto(f"{base}/pool/?q=Chevalier")
    expect(page.locator("#members-title")).to_be_visible()
    assert_no_axe_violations(page)
