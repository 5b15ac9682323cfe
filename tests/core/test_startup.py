"""Bad configuration gives one clear line naming the problem, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _jumelage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "-m", "jumelage.manage", *args], env=env, cwd=ROOT,
        capture_output=True, text=True, timeout=120, check=False,
    )


def test_missing_secret_key_names_the_variable(tmp_path):
    result = _jumelage("check", DEBUG="false", JUMELAGE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("jumelage: configuration error: SECRET_KEY is not set.")
    assert "Traceback" not in result.stderr


def test_invalid_database_url_names_the_variable_and_the_accepted_forms(tmp_path):
    result = _jumelage("check", DEBUG="true", DATABASE_URL="mysqlx://user:secret@host/db",
                       JUMELAGE_VAR_DIR=str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "jumelage: configuration error: DATABASE_URL is not a valid database URL "
        "(scheme 'mysqlx'). Accepted forms: sqlite:////absolute/path.sqlite3 or "
        "postgres://USER:PASSWORD@HOST:PORT/NAME.")
    assert "secret" not in result.stderr


def test_database_that_does_not_answer_is_reported_without_traceback(tmp_path):
    # Nothing listens on port 9 of the loopback: the connection is refused at once.
    result = _jumelage("migrate", DEBUG="true",
                       DATABASE_URL="postgres://postgres@127.0.0.1:9/jumelage",
                       JUMELAGE_VAR_DIR=str(tmp_path))
    assert result.returncode == 3
    assert result.stderr.startswith(
        "jumelage: the database does not answer (postgresql at 127.0.0.1:9):")
    assert result.stderr.rstrip().endswith(
        "Check that the server is running and that DATABASE_URL points to it.")
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_healthz_reports_unavailable_database(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def refuse(self, sql, params=None):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", refuse)
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503, {"status": "error", "database": "unavailable"})


@pytest.mark.django_db
def test_server_error_page_shows_no_traceback(client, settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("internal detail that must not leak")

    settings.DEBUG = False
    urlconf = type("urls", (), {"urlpatterns": [path("boom", boom)],
                                "handler500": "django.views.defaults.server_error"})
    settings.ROOT_URLCONF = urlconf
    client.raise_request_exception = False
    response = client.get("/boom")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "internal detail" not in body and "Traceback" not in body
