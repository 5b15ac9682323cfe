"""The French catalogue is complete: every source string translated, none fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

SRC = Path(__file__).resolve().parents[2] / "src" / "jumelage"
PO = SRC / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle, locale="fr")


def test_french_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalog = _catalog(PO)
    untranslated = [m.id for m in catalog if m.id and not (
        all(m.string) if isinstance(m.string, tuple) else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == []
    assert fuzzy == []


def test_french_catalogue_covers_every_source_string(tmp_path):
    if shutil.which("xgettext") is None:
        pytest.skip("GNU gettext (xgettext) is not installed; CI installs it")
    copy = tmp_path / "jumelage"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    (copy / "locale" / "fr" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy, check=True, capture_output=True,
        env={"DJANGO_SETTINGS_MODULE": "tests.settings", "PATH": "/usr/bin:/bin",
             "PYTHONPATH": str(SRC.parents[1])},
    )
    extracted = {m.id for m in _catalog(copy / "locale/fr/LC_MESSAGES/django.po") if m.id}
    committed = {m.id for m in _catalog(PO) if m.id}
    assert sorted(map(str, extracted - committed)) == []
