import datetime as dt

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from tests.factories import PersonFactory, UserFactory

from jumelage.core import audit

pytestmark = pytest.mark.django_db


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_audit_log_is_refused_to_researchers(client):
    client.force_login(UserFactory(role="researcher"))
    response = client.get("/en/audit/")
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_audit_log_is_refused_to_pole_staff(client):
    from tests.factories import PoleFactory

    client.force_login(_with_totp(UserFactory(role="pole_staff", pole=PoleFactory())))
    assert client.get("/en/audit/").status_code == 403


def test_audit_log_lists_and_filters_entries_for_site_admins(client):
    admin = _with_totp(UserFactory(email="admin@example.org", role="site_admin",
                                   is_superuser=True))
    person = PersonFactory(given_name="Aline", family_name="Roche")
    with time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False):
        audit.record(actor=admin, action="directory.person.update", obj=person,
                     changes={"family_name": ["Rocher", "Roche"]})
    with time_machine.travel(dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC), tick=False):
        audit.record(actor=None, action="demo.seed", obj=None, label="seed_demo")
    client.force_login(admin)

    everything = client.get("/en/audit/")
    assert [e.action for e in everything.context["page"].object_list] == [
        "demo.seed", "directory.person.update"]

    by_type = client.get("/en/audit/", {"object_type": "person"})
    entries = list(by_type.context["page"].object_list)
    assert [(e.actor_label, e.object_label, e.changes) for e in entries] == [
        ("admin@example.org", "Aline Roche", {"family_name": ["Rocher", "Roche"]})]
    assert "Rocher → Roche" in by_type.content.decode()

    by_date = client.get("/en/audit/", {"since": "2026-03-15"})
    assert [e.action for e in by_date.context["page"].object_list] == ["demo.seed"]

    by_actor = client.get("/en/audit/", {"actor": "system"})
    assert [e.action for e in by_actor.context["page"].object_list] == ["demo.seed"]


def test_audit_log_rejects_reversed_dates_with_a_message(client):
    admin = _with_totp(UserFactory(role="site_admin", is_superuser=True))
    client.force_login(admin)
    response = client.get("/en/audit/", {"since": "2026-05-01", "until": "2026-04-01"})
    assert response.context["form"].errors == {
        "until": ["The end date must be on or after the start date."]}
