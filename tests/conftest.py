from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[1] / "src" / "jumelage" / "locale"


def pytest_sessionstart(session):
    """Compile the catalogues as `make messages` does, so that a bare `pytest` reads French."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source:
                catalog = read_po(source)
            with mo.open("wb") as target:
                write_mo(target, catalog)


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English unless they ask for French; the project's default is French."""
    settings.LANGUAGE_CODE = "en"
