"""Private entries: who may find and open them, and what a public profile shows."""

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    PoleFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
    oncopole,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/directory/"


@pytest.fixture
def network():
    """A private person at a CLARA institution, and a public colleague in the same team."""
    clara, quebec = PoleFactory(), oncopole()
    theme = ThemeFactory(code="therapie-cellulaire", name_fr="Thérapie cellulaire",
                         name_en="Cell therapy")
    clb = InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard",
                             pole=clara)
    team = TeamFactory(name_fr="Immunothérapie", name_en="Immunotherapy", institution=clb)
    owner = UserFactory(email="ines.roy@example.org", first_name="Inès", last_name="Roy")
    private = PersonFactory(user=owner, given_name="Inès", family_name="Roy",
                            email="ines.roy@example.org", keywords=["lymphome"],
                            public_profile=False)
    private.themes.add(theme)
    AffiliationFactory(person=private, institution=clb, team=team)
    public = PersonFactory(given_name="Hugo", family_name="Bernard", public_profile=True,
                           email="hugo.bernard@example.org", keywords=["lymphome"])
    public.themes.add(theme)
    AffiliationFactory(person=public, institution=clb, team=team)
    return {"clara": clara, "quebec": quebec, "clb": clb, "team": team, "theme": theme,
            "owner": owner, "private": private, "public": public}


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def _sign_in(client, network, who):
    users = {
        "anonymous": lambda: None,
        "researcher": lambda: UserFactory(email="other@example.org"),
        "other_pole_staff": lambda: _with_totp(
            UserFactory(role="pole_staff", pole=network["quebec"])),
        "own_pole_staff": lambda: _with_totp(
            UserFactory(role="pole_staff", pole=network["clara"])),
        "site_admin": lambda: _with_totp(UserFactory(role="site_admin")),
        "themself": lambda: network["owner"],
    }
    user = users[who]()
    if user is not None:
        client.force_login(user)


OUTSIDERS = ["anonymous", "researcher", "other_pole_staff"]
INSIDERS = ["themself", "own_pole_staff", "site_admin"]


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("params", [{}, {"q": "roy"}, {"q": "lymphome"}, {"pole": "clara"},
                                    {"theme": "therapie-cellulaire"}])
def test_private_person_is_absent_from_search_for_outsiders(client, network, who, params):
    _sign_in(client, network, who)

    response = client.get(DIRECTORY, params)

    assert [p.full_name for p in response.context["page"].object_list] == (
        [] if params.get("q") == "roy" else ["Hugo Bernard"])
    assert "Roy" not in response.content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_person_is_not_counted_for_outsiders(client, network, who):
    _sign_in(client, network, who)

    everyone = client.get(DIRECTORY)
    by_name = client.get(DIRECTORY, {"q": "Inès Roy"})

    assert everyone.context["counts"]["people"] == 1
    assert by_name.context["counts"]["people"] == 0
    assert "0 results" in by_name.content.decode()
    assert "People (0)" in by_name.content.decode()


def test_private_person_is_absent_from_the_institution_filter_for_outsiders(client, network):
    response = client.get(DIRECTORY, {"institution": network["clb"].pk})

    assert [p.full_name for p in response.context["page"].object_list] == ["Hugo Bernard"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_profile_is_not_found_for_outsiders(client, network, who):
    _sign_in(client, network, who)

    response = client.get(network["private"].get_absolute_url())

    assert response.status_code == 404
    assert "Roy" not in response.content.decode()


def test_private_profile_answers_like_a_missing_one(client, network):
    pk = network["private"].pk
    private = client.get(f"/en/directory/people/{pk}/")
    missing = client.get("/en/directory/people/999999/")

    # The pages differ only by the id in the language switch's link to the same page.
    assert private.status_code == missing.status_code == 404
    assert private.content.decode().replace(f"/people/{pk}/", "/people/999999/") == \
        missing.content.decode()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_private_person_is_not_listed_among_team_members_for_outsiders(client, network, who):
    _sign_in(client, network, who)

    response = client.get(network["team"].get_absolute_url())

    assert [m.full_name for m in response.context["members"]] == ["Hugo Bernard"]
    assert "Roy" not in response.content.decode()


@pytest.mark.parametrize("who", INSIDERS)
def test_private_person_is_found_by_themself_their_pole_staff_and_admins(client, network, who):
    _sign_in(client, network, who)

    response = client.get(DIRECTORY, {"q": "roy"})

    assert [p.full_name for p in response.context["page"].object_list] == ["Inès Roy"]
    assert response.context["counts"]["people"] == 1


@pytest.mark.parametrize("who", INSIDERS)
def test_private_profile_opens_for_themself_their_pole_staff_and_admins(client, network, who):
    _sign_in(client, network, who)

    response = client.get(network["private"].get_absolute_url())

    assert response.status_code == 200
    assert response.context["person"] == network["private"]
    assert ("This profile is private: only you, your pole's staff and site administrators "
            "can see it.") in response.content.decode()


def test_private_person_of_both_poles_is_visible_to_staff_of_either(client, network):
    AffiliationFactory(person=network["private"],
                       institution=InstitutionFactory(pole=network["quebec"]))
    _sign_in(client, network, "other_pole_staff")

    assert client.get(network["private"].get_absolute_url()).status_code == 200


def test_inactive_site_admin_sees_no_private_profile(client, network):
    admin = _with_totp(UserFactory(role="site_admin"))
    admin.is_active = False
    admin.save()
    client.force_login(admin)

    assert client.get(network["private"].get_absolute_url()).status_code == 404


def test_public_profile_hides_the_email_by_default(client, network):
    response = client.get(network["public"].get_absolute_url())

    assert response.status_code == 200
    assert "hugo.bernard@example.org" not in response.content.decode()


def test_public_profile_shows_the_email_when_the_person_allows_it(client, network):
    network["public"].show_email = True
    network["public"].save()

    response = client.get(network["public"].get_absolute_url())

    assert ('<a href="mailto:hugo.bernard@example.org">hugo.bernard@example.org</a>'
            in response.content.decode())


@pytest.mark.parametrize("who", ["researcher", "other_pole_staff", "own_pole_staff"])
def test_public_profile_hides_the_email_from_signed_in_readers_too(client, network, who):
    _sign_in(client, network, who)

    response = client.get(network["public"].get_absolute_url())

    assert "hugo.bernard@example.org" not in response.content.decode()


def test_private_profile_shows_its_owner_their_own_email(client, network):
    _sign_in(client, network, "themself")

    response = client.get(network["private"].get_absolute_url())

    assert "ines.roy@example.org" in response.content.decode()
