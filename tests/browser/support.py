"""Helpers shared by the browser test modules: the Chromium check and the axe-core audit."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# WCAG 2.0, 2.1 and 2.2 success criteria at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def require_chromium() -> None:
    """Skip the calling module when Chromium is missing, except in CI where it must be there."""
    if CHROMIUM.exists():
        return
    message = (f"Debian's Chromium is not installed at {CHROMIUM} "
               "(apt-get install chromium); the browser tests need it")
    if os.environ.get("CI"):
        pytest.fail(f"{message}, and CI is set: failing instead of skipping.",
                    pytrace=False)
    pytest.skip(message, allow_module_level=True)


def axe_violations(page) -> list[dict]:
    """Run axe-core on the page as it is now, limited to the WCAG A and AA rules."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
    })
    return results.response["violations"]


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}: "
                         f"{node.get('failureSummary', '').strip()}")
    return "\n".join(lines)


def assert_no_axe_violations(page) -> None:
    violations = axe_violations(page)
    if violations:
        report = format_violations(page.url, violations)
        print(report)
        pytest.fail(report, pytrace=False)


def assert_site_stylesheet_applied(page) -> None:
    """Audit pages as people see them: with site.css, whose rules hide the skip link."""
    position = page.evaluate(
        "getComputedStyle(document.querySelector('a.skip-link')).position")
    assert position == "absolute", (
        "site.css is not applied to the page (is /static/jumelage/site.css served?); "
        "auditing an unstyled page would not test the real contrast and target sizes")


def sign_in(page, live_server, user) -> None:
    """The browser carries a session of `user`, as after signing in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": session.session_key, "url": live_server.url}])
