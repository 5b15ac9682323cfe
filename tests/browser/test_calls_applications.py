# ruff: noqa: F811 - the tests take the imported fixtures as arguments
"""Application pages in a real browser: no axe violation on the steps and the overview, in
French and English; calls-autosave.js saves as you type and keeps a copy in the browser that
is offered back after the page was closed before the server had it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.support import (
    assert_no_axe_violations,
    assert_site_stylesheet_applied,
    require_chromium,
    sign_in,
)

# The joint-call world of tests/calls/conftest.py (pytest sees conftest fixtures only in their
# own directory tree); its autouse fixtures apply to this module only.
from tests.calls.conftest import _no_observatory, _private_files, world  # noqa: F401

require_chromium()

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(world):
    """A draft of Élise Garnier's, in a call that stays open whatever today's date."""
    from jumelage.calls.models import Application, Call, Participant

    Call.objects.filter(pk=world.call.pk).update(
        opens_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        closes_at=dt.datetime(2099, 1, 1, tzinfo=dt.UTC),
    )
    application = Application.objects.create(
        call=world.call, reference="JC20-001", created_by=world.applicant, title="Projet"
    )
    Participant.objects.create(
        application=application,
        person=world.applicant_person,
        name="Élise Garnier",
        email=world.applicant.email,
        pole=world.clara,
        institution=world.lyon1,
        role="lead",
        status="confirmed",
    )
    return application


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "step", ["project", "consortium", "budget", "documents", "review-and-submit"]
)
def test_steps_have_no_axe_violation(page, live_server, world, draft, lang, step):
    sign_in(page, live_server, world.applicant)
    response = page.goto(f"{live_server.url}/{lang}/calls/applications/{draft.pk}/edit/{step}/")
    assert response.status == 200
    assert_site_stylesheet_applied(page)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_overview_and_list_have_no_axe_violation(
    page,
    live_server,
    world,
    draft,
    lang,
):
    sign_in(page, live_server, world.applicant)
    for path in (f"applications/{draft.pk}/", "mine/", f"{world.call.pk}/apply/"):
        response = page.goto(f"{live_server.url}/{lang}/calls/{path}")
        assert response.status == 200
        assert_no_axe_violations(page)


def test_validation_errors_have_no_axe_violation(page, live_server, world, draft):
    sign_in(page, live_server, world.applicant)
    page.goto(f"{live_server.url}/en/calls/applications/{draft.pk}/edit/budget/")
    page.get_by_label("Personnel (EUR)").fill("60000")
    page.get_by_role("button", name="Save the budget").click()
    expect(page.get_by_text("The CLARA side asks for €60,000.00 in total")).to_be_visible()
    expect(page.get_by_label("Personnel (EUR)")).to_have_value("60000")
    assert_no_axe_violations(page)


def test_autosave_saves_on_blur(page, live_server, world, draft):
    sign_in(page, live_server, world.applicant)
    page.goto(f"{live_server.url}/en/calls/applications/{draft.pk}/edit/project/")
    page.get_by_label("Abstract").fill("Saved without pressing the button.")
    page.get_by_label("Project description").focus()
    expect(page.locator(".autosave-status")).to_have_text("Draft saved.")
    draft.refresh_from_db()
    assert (draft.abstract, draft.version) == ("Saved without pressing the button.", 2)
    assert page.locator("input[name=version]").input_value() == "2"


def test_text_typed_before_the_tab_closed_is_offered_back(
    page,
    live_server,
    world,
    draft,
):
    sign_in(page, live_server, world.applicant)
    address = f"{live_server.url}/en/calls/applications/{draft.pk}/edit/project/"
    page.goto(address)
    page.context.set_offline(True)  # the server never gets it
    page.get_by_label("Abstract").fill("Typed, then the tab was closed.")
    page.get_by_label("Project description").focus()
    expect(page.locator(".autosave-status")).to_contain_text("Not saved on the server")
    page.context.set_offline(False)
    page.goto(address)
    expect(page.get_by_label("Abstract")).to_have_value("")
    page.get_by_role("button", name="Restore my text").click()
    expect(page.get_by_label("Abstract")).to_have_value("Typed, then the tab was closed.")
    page.get_by_label("Project description").focus()
    page.get_by_label("Project title").focus()
    expect(page.locator(".autosave-status")).to_have_text("Draft saved.")
    draft.refresh_from_db()
    assert draft.abstract == "Typed, then the tab was closed."  # saved once restored


def test_signing_out_forgets_the_copies_kept_in_the_browser(page, live_server, world, draft):
    sign_in(page, live_server, world.applicant)
    page.goto(f"{live_server.url}/en/calls/applications/{draft.pk}/edit/project/")
    page.context.set_offline(True)
    page.get_by_label("Abstract").fill("Typed on a shared computer.")
    page.get_by_label("Project description").focus()
    expect(page.locator(".autosave-status")).to_contain_text("Not saved on the server")
    page.context.set_offline(False)
    keys = "Object.keys(window.localStorage).filter(k => k.startsWith('jumelage-application-'))"
    assert page.evaluate(keys) == [f"jumelage-application-{draft.pk}-project"]
    page.goto(f"{live_server.url}/en/accounts/logout/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(f"{live_server.url}/en/")
    assert page.evaluate(keys) == []


@pytest.fixture
def two_stage_letters(world, draft):
    """The call made two-stage with one submitted letter of intent (JC20-002) and the draft
    amended once by CLARA staff after its submission."""
    from jumelage.calls.models import Application, Call, Participant
    from jumelage.calls.services import applications as services

    Call.objects.filter(pk=world.call.pk).update(
        two_stage=True, intent_closes_at=dt.datetime(2098, 1, 1, tzinfo=dt.UTC)
    )
    letter = Application.objects.create(
        call=world.call,
        reference="JC20-002",
        stage="intent",
        status="submitted",
        created_by=world.coapplicant,
        title="Lettre d’intention",
        submitted_at=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
    )
    Participant.objects.create(
        application=letter,
        person=world.coapplicant_person,
        name="Mathieu Tremblay",
        email=world.coapplicant.email,
        pole=world.quebec,
        institution=world.udem,
        role="lead",
        status="confirmed",
    )
    Application.objects.filter(pk=draft.pk).update(status="submitted")
    draft.refresh_from_db()
    services.amend_application(
        application=draft,
        version=draft.version,
        changes={"title": "Projet corrigé"},
        actor=world.staff_clara,
        justification="Coquille dans le titre.",
    )
    return letter


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_staff_pages_have_no_axe_violation(
    page, live_server, world, draft, two_stage_letters, lang
):
    sign_in(page, live_server, world.staff_clara)
    for path in (f"{world.call.pk}/intents/", f"applications/{draft.pk}/amend/"):
        response = page.goto(f"{live_server.url}/{lang}/calls/{path}")
        assert response.status == 200
        assert_no_axe_violations(page)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_withdraw_page_has_no_axe_violation(page, live_server, world, draft, lang):
    sign_in(page, live_server, world.applicant)
    response = page.goto(f"{live_server.url}/{lang}/calls/applications/{draft.pk}/withdraw/")
    assert response.status == 200
    assert_no_axe_violations(page)
