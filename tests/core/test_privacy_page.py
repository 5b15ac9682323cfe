import pytest

pytestmark = pytest.mark.django_db


def test_privacy_page_states_retention_from_settings(client, settings):
    settings.JUMELAGE_RETENTION = {**settings.JUMELAGE_RETENTION,
                                   "unconfirmed_accounts_days": 7, "task_results_days": 30}
    body = client.get("/en/privacy/").content.decode()
    assert "is deleted after 7 days." in body
    assert "are deleted after 30 days." in body


def test_privacy_page_names_both_privacy_officers_in_french(client):
    body = client.get("/fr/privacy/").content.decode()
    assert "responsable de la protection des renseignements personnels" in body
    assert "délégué·e à la protection des données" in body


def test_every_page_links_to_the_privacy_page(client):
    body = client.get("/en/").content.decode()
    assert '<a href="/en/privacy/">Privacy and personal information</a>' in body
