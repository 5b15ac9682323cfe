import pytest


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read English unless they ask for French; the project's default is French."""
    settings.LANGUAGE_CODE = "en"
