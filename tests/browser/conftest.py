"""Fixtures for the real-browser tests: Debian's Chromium driven by Playwright's sync API.

Playwright's sync API runs an event loop in the test thread; Django refuses database access
from a thread with a running loop unless told that it is safe, which it is here (one thread,
no concurrent coroutines touch the ORM).
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except BaseException:
        playwright.stop()
        raise
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def page(browser):
    """A fresh page in its own context: no cookies carried over from another test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def network(db):
    """A small directory: two poles, accented institutions, two public people, one private."""
    from jumelage.directory.models import Theme
    from tests.factories import (
        AffiliationFactory,
        InstitutionFactory,
        PersonFactory,
        PoleFactory,
        ThemeFactory,
        oncopole,
    )

    clara = PoleFactory()
    quebec = oncopole()
    cell_therapy = ThemeFactory(code="therapie-cellulaire", name_fr="Thérapie cellulaire",
                                name_en="Cell therapy", kind=Theme.Kind.THEME)
    imaging = ThemeFactory(code="imagerie", name_fr="Imagerie médicale",
                           name_en="Medical imaging", kind=Theme.Kind.THEME)
    montreal = InstitutionFactory(name_fr="Université de Montréal",
                                  name_en="Université de Montréal", city="Montréal",
                                  country="CA", pole=quebec)
    lyon = InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard",
                              type="cancer_centre", city="Lyon", country="FR", pole=clara)
    therapist = PersonFactory(given_name="Élodie", family_name="Gagnon", public_profile=True,
                              career_stage="postdoc")
    therapist.themes.add(cell_therapy)
    AffiliationFactory(person=therapist, institution=montreal)
    imager = PersonFactory(given_name="Hugo", family_name="Bernard", public_profile=True)
    imager.themes.add(imaging)
    AffiliationFactory(person=imager, institution=lyon)
    # Private, on the searched theme: must never show up for an anonymous visitor.
    hidden = PersonFactory(given_name="Inès", family_name="Roy", public_profile=False)
    hidden.themes.add(cell_therapy)
    AffiliationFactory(person=hidden, institution=montreal)
    return {"therapist": therapist, "imager": imager, "hidden": hidden,
            "montreal": montreal, "lyon": lyon, "cell_therapy": cell_therapy}


@pytest.fixture
def researcher(db):
    from tests.factories import UserFactory

    return UserFactory(email="camille.martin@example.org", first_name="Camille",
                       last_name="Martin")
