"""Editing one's own directory entry: creation, validation that keeps the input, audit."""

import pytest
from allauth.mfa.models import Authenticator

from jumelage.core.models import AuditEntry
from jumelage.directory.models import Person
from tests.factories import PersonFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT = "/en/directory/my-profile/"


@pytest.fixture
def user():
    return UserFactory(email="aline.roche@example.org", first_name="Aline", last_name="Roche")


@pytest.fixture
def themes():
    return {
        "cell": ThemeFactory(code="therapie-cellulaire", name_fr="Thérapie cellulaire",
                             name_en="Cell therapy"),
        "imaging": ThemeFactory(code="imagerie", name_fr="Imagerie médicale",
                                name_en="Medical imaging"),
    }


def _form(**changes):
    data = {"given_name": "Aline", "family_name": "Roche", "orcid": "", "career_stage": "",
            "keywords": "", "languages": [], "bio_fr": "", "bio_en": "", "themes": []}
    return {**data, **changes}


def test_edit_profile_requires_sign_in(client):
    response = client.get(EDIT)

    assert response["Location"] == "/en/accounts/login/?next=/en/directory/my-profile/"


def test_edit_profile_offers_the_account_names_to_a_user_without_entry(client, user):
    client.force_login(user)

    form = client.get(EDIT).context["form"]

    assert (form["given_name"].value(), form["family_name"].value()) == ("Aline", "Roche")
    assert Person.objects.count() == 0


def test_edit_profile_creates_the_entry_of_a_user_without_one(client, user, themes):
    client.force_login(user)

    response = client.post(EDIT, _form(
        orcid="https://orcid.org/0000-0002-1825-0097", career_stage="postdoc",
        keywords="CAR-T, lymphome, , CAR-T", languages=["fr", "en"], bio_fr="Chercheuse.",
        themes=[themes["cell"].pk], public_profile="on"))

    person = Person.objects.get()
    assert response["Location"] == f"/en/directory/people/{person.pk}/"
    assert (person.user, person.given_name, person.family_name, person.email) == (
        user, "Aline", "Roche", "aline.roche@example.org")
    assert (person.orcid, person.career_stage, person.keywords, person.languages) == (
        "0000-0002-1825-0097", "postdoc", ["CAR-T", "lymphome"], ["fr", "en"])
    assert (person.bio_fr, person.public_profile, person.show_email) == (
        "Chercheuse.", True, False)
    assert list(person.themes.all()) == [themes["cell"]]


def test_edit_profile_creation_is_audited_with_the_exact_diff(client, user, themes):
    client.force_login(user)

    client.post(EDIT, _form(orcid="0000-0002-1694-233x", keywords="CAR-T",
                            themes=[themes["imaging"].pk]))

    person = Person.objects.get()
    [entry] = AuditEntry.objects.all()
    assert (entry.actor, entry.action, entry.object_id, entry.object_label) == (
        user, "directory.person.create", str(person.pk), "Aline Roche")
    assert entry.changes == {
        "bio_en": [None, ""],
        "bio_fr": [None, ""],
        "career_stage": [None, ""],
        "family_name": [None, "Roche"],
        "given_name": [None, "Aline"],
        "keywords": [None, ["CAR-T"]],
        "languages": [None, []],
        "orcid": [None, "0000-0002-1694-233X"],
        "public_profile": [None, False],
        "show_email": [None, False],
        "themes": [None, [themes["imaging"].pk]],
    }


def test_edit_profile_update_is_audited_with_the_exact_diff(client, user, themes):
    person = PersonFactory(user=user, given_name="Aline", family_name="Roche",
                           keywords=["CAR-T"], public_profile=False)
    person.themes.add(themes["cell"])
    client.force_login(user)

    client.post(EDIT, _form(family_name="Roche-Tremblay", keywords="CAR-T",
                            themes=[themes["cell"].pk, themes["imaging"].pk],
                            public_profile="on"))

    [entry] = AuditEntry.objects.all()
    assert (entry.actor, entry.action, entry.object_id) == (
        user, "directory.person.update", str(person.pk))
    assert entry.changes == {
        "family_name": ["Roche", "Roche-Tremblay"],
        "public_profile": [False, True],
        "themes": [[themes["cell"].pk], sorted([themes["cell"].pk, themes["imaging"].pk])],
    }


def test_edit_profile_updates_the_existing_entry_without_creating_another(client, user):
    person = PersonFactory(user=user, given_name="Aline", family_name="Roche")
    client.force_login(user)

    client.post(EDIT, _form(given_name="Aline-Marie"))

    assert list(Person.objects.values_list("pk", "given_name")) == [(person.pk, "Aline-Marie")]


def test_edit_profile_saved_unchanged_records_nothing(client, user):
    PersonFactory(user=user, given_name="Aline", family_name="Roche")
    client.force_login(user)

    client.post(EDIT, _form())

    assert AuditEntry.objects.count() == 0


def test_edit_profile_shows_the_saved_keywords_as_typed(client, user):
    PersonFactory(user=user, given_name="Aline", family_name="Roche",
                  keywords=["CAR-T", "lymphome"])
    client.force_login(user)

    form = client.get(EDIT).context["form"]

    assert form["keywords"].value() == "CAR-T, lymphome"


def test_edit_profile_rejects_a_bad_orcid_with_a_message_naming_it(client, user):
    client.force_login(user)

    response = client.post(EDIT, _form(orcid="0000-0002-1825-0098"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"orcid": [
        "“0000-0002-1825-0098” is not a valid ORCID iD. An ORCID iD has 16 characters in four "
        "groups, such as 0000-0002-1825-0097, and its last character is a check digit (0–9 "
        "or X); please copy it from your ORCID record."]}
    assert "“0000-0002-1825-0098” is not a valid ORCID iD." in response.content.decode()
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_edit_profile_keeps_everything_typed_when_the_orcid_is_bad(client, user, themes):
    client.force_login(user)
    typed = _form(given_name="Aline-Marie", family_name="Roche-Tremblay",
                  orcid="0000-0002-1825-0098", career_stage="postdoc",
                  keywords="CAR-T, lymphome", languages=["fr", "es"],
                  bio_fr="Chercheuse en immunothérapie.", bio_en="Immunotherapy researcher.",
                  themes=[themes["imaging"].pk], public_profile="on", show_email="on")

    form = client.post(EDIT, typed).context["form"]

    assert {name: form[name].value() for name in form.fields} == {
        "given_name": "Aline-Marie", "family_name": "Roche-Tremblay",
        "orcid": "0000-0002-1825-0098", "career_stage": "postdoc",
        "keywords": "CAR-T, lymphome", "languages": ["fr", "es"],
        "bio_fr": "Chercheuse en immunothérapie.", "bio_en": "Immunotherapy researcher.",
        "themes": [str(themes["imaging"].pk)], "public_profile": True, "show_email": True,
    }


def test_edit_profile_rejects_an_orcid_already_on_another_profile(client, user):
    PersonFactory(orcid="0000-0002-1825-0097")
    client.force_login(user)

    response = client.post(EDIT, _form(orcid="https://orcid.org/0000-0002-1825-0097"))

    assert response.context["form"].errors == {"orcid": [
        "The ORCID iD 0000-0002-1825-0097 is already on another profile. If it is yours, "
        "contact your pole's staff."]}
    assert list(Person.objects.values_list("orcid", flat=True)) == ["0000-0002-1825-0097"]
    assert AuditEntry.objects.count() == 0


def test_edit_profile_keeps_the_persons_own_orcid(client, user):
    person = PersonFactory(user=user, given_name="Aline", family_name="Roche",
                           orcid="0000-0002-1825-0097")
    client.force_login(user)

    response = client.post(EDIT, _form(orcid="0000-0002-1825-0097", bio_en="Hello."))

    assert response["Location"] == f"/en/directory/people/{person.pk}/"
    person.refresh_from_db()
    assert (person.orcid, person.bio_en) == ("0000-0002-1825-0097", "Hello.")


def test_edit_profile_drops_show_email_on_a_private_profile(client, user):
    client.force_login(user)

    client.post(EDIT, _form(show_email="on"))

    assert Person.objects.get().show_email is False


def test_edit_profile_edits_only_the_users_own_entry(client, user):
    other = PersonFactory(given_name="Hugo", family_name="Bernard")
    client.force_login(user)

    client.post(EDIT, _form())

    other.refresh_from_db()
    assert (other.given_name, other.user) == ("Hugo", None)
    assert Person.objects.get(user=user).full_name == "Aline Roche"


def test_edit_profile_confirms_the_save(client, user):
    client.force_login(user)

    page = client.post(EDIT, _form(), follow=True)

    assert [str(m) for m in page.context["messages"]] == ["Your profile has been saved."]


def test_profile_page_links_its_owner_to_the_edit_form(client, user):
    person = PersonFactory(user=user, given_name="Aline", family_name="Roche")
    client.force_login(user)

    response = client.get(person.get_absolute_url())

    assert '<a href="/en/directory/my-profile/">Edit my profile</a>' in response.content.decode()


def test_profile_page_offers_no_edit_link_to_an_administrator_of_someone_else(client, user):
    person = PersonFactory(user=user, given_name="Aline", family_name="Roche")
    admin = UserFactory(role="site_admin")
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(admin)

    response = client.get(person.get_absolute_url())

    assert response.status_code == 200
    assert "Edit my profile" not in response.content.decode()
