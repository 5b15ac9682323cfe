"""The preferences page: language and display time zone, audited, and used to show times."""

import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator

from jumelage.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PREFERENCES = "/en/accounts/preferences/"


def _researcher(**kwargs):
    defaults = {"email": "aline@example.org", "first_name": "Aline", "last_name": "Roche",
                "language": "fr", "time_zone": "Europe/Paris"}
    return UserFactory(**{**defaults, **kwargs})


def _site_admin(**kwargs):
    admin = _researcher(role="site_admin", **kwargs)
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return admin


def _form(**changes):
    data = {"first_name": "Aline", "last_name": "Roche", "language": "fr",
            "time_zone": "Europe/Paris"}
    return {**data, **changes}


def test_preferences_require_sign_in(client):
    response = client.get(PREFERENCES)

    assert response["Location"] == "/en/accounts/login/?next=/en/accounts/preferences/"


def test_preferences_form_shows_the_saved_values(client):
    client.force_login(_researcher(time_zone="America/Toronto"))

    form = client.get(PREFERENCES).context["form"]

    assert {name: form[name].value() for name in form.fields} == {
        "first_name": "Aline", "last_name": "Roche", "language": "fr",
        "time_zone": "America/Toronto"}


def test_preferences_save_language_and_time_zone(client):
    user = _researcher()
    client.force_login(user)

    client.post(PREFERENCES, _form(language="en", time_zone="America/Toronto"))

    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("en", "America/Toronto")


def test_preferences_save_answers_in_the_chosen_language(client):
    client.force_login(_researcher(language="en"))

    response = client.post(PREFERENCES, _form(language="fr"))

    assert response["Location"] == "/fr/accounts/preferences/"
    assert response.cookies["django_language"].value == "fr"


def test_preferences_save_records_the_exact_field_diff(client):
    user = _researcher()
    client.force_login(user)

    client.post(PREFERENCES, _form(language="en", time_zone="America/Toronto",
                                   last_name="  Roche-Tremblay "))

    [entry] = AuditEntry.objects.all()
    assert (entry.actor, entry.actor_label, entry.action, entry.object_id) == (
        user, "aline@example.org", "accounts.user.preferences", str(user.pk))
    assert entry.changes == {
        "language": ["fr", "en"],
        "last_name": ["Roche", "Roche-Tremblay"],
        "time_zone": ["Europe/Paris", "America/Toronto"],
    }
    assert entry.ip_address == "127.0.0.1"


def test_preferences_saved_unchanged_record_nothing(client):
    client.force_login(_researcher())

    client.post(PREFERENCES, _form())

    assert AuditEntry.objects.count() == 0


def test_preferences_reject_an_unknown_time_zone_and_keep_the_input(client):
    user = _researcher()
    client.force_login(user)

    response = client.post(PREFERENCES, _form(time_zone="Mars/Olympus", last_name="Tremblay"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"time_zone": [
        "Select a valid choice. Mars/Olympus is not one of the available choices."]}
    assert response.context["form"]["last_name"].value() == "Tremblay"
    user.refresh_from_db()
    assert (user.time_zone, user.last_name) == ("Europe/Paris", "Roche")
    assert AuditEntry.objects.count() == 0


def test_pages_use_the_display_time_zone_of_the_signed_in_user(client):
    client.force_login(_researcher(time_zone="America/Toronto"))

    assert client.get("/en/").context["TIME_ZONE"] == "America/Toronto"


def test_pages_use_the_default_display_time_zone_for_visitors(client, settings):
    settings.JUMELAGE_DEFAULT_DISPLAY_TIME_ZONE = "America/Toronto"

    assert client.get("/en/").context["TIME_ZONE"] == "America/Toronto"


@pytest.mark.parametrize(("time_zone", "shown"), [
    ("Europe/Paris", "1 March 2026, 1:00 pm"),
    ("America/Toronto", "March 1, 2026, 7:00 am"),
    ("UTC", "1 March 2026, 12:00 pm"),
])
def test_times_are_rendered_in_the_display_time_zone_saved_in_preferences(
        client, time_zone, shown):
    admin = _site_admin()
    client.force_login(admin)
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        client.post(PREFERENCES, _form(time_zone=time_zone, first_name="Line"))

    page = client.get("/en/audit/")

    assert f"<tr><td>{shown}</td><td>aline@example.org</td>" in page.content.decode()
