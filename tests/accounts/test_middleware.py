"""Staff must enrol a TOTP authenticator before they can use anything else."""

import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth

from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIVATE_TOTP = "/en/accounts/2fa/totp/activate/"
REAUTHENTICATE_FOR_TOTP = (
    "/en/accounts/reauthenticate/?next=%2Fen%2Faccounts%2F2fa%2Ftotp%2Factivate%2F")
PAGES = ["/en/", "/en/directory/", "/en/directory/my-profile/", "/en/accounts/preferences/"]


def _pole_staff(**kwargs):
    return UserFactory(role="pole_staff", pole=PoleFactory(), **kwargs)


def _site_admin(**kwargs):
    return UserFactory(role="site_admin", **kwargs)


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.mark.parametrize("path", PAGES)
def test_pole_staff_without_totp_are_sent_to_totp_activation(client, path):
    client.force_login(_pole_staff())

    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_TOTP)


@pytest.mark.parametrize("path", PAGES)
def test_site_admins_without_totp_are_sent_to_totp_activation(client, path):
    client.force_login(_site_admin())

    response = client.get(path)

    assert (response.status_code, response["Location"]) == (302, ACTIVATE_TOTP)


def test_superusers_without_totp_are_sent_to_totp_activation(client):
    client.force_login(UserFactory(role="researcher", is_superuser=True, is_staff=True))

    assert client.get("/en/")["Location"] == ACTIVATE_TOTP


def _sign_in(client, user):
    response = client.post("/en/accounts/login/",
                           {"login": user.email, "password": "correct horse battery staple"})
    assert response["Location"] == "/en/"


def test_staff_signing_in_are_sent_to_totp_activation_with_the_reason(client):
    _sign_in(client, _pole_staff(first_name="Aline", last_name="Roche"))

    page = client.get("/en/", follow=True)

    # allauth asks for the password again before an authenticator is added.
    assert page.redirect_chain == [(ACTIVATE_TOTP, 302), (REAUTHENTICATE_FOR_TOTP, 302)]
    assert page.status_code == 200
    assert [str(m) for m in page.context["messages"]] == [
        "Successfully signed in as Aline Roche.",
        "Your role gives access to confidential data: set up two-factor authentication "
        "with an authenticator app to continue."]


def test_staff_who_reauthenticate_can_open_the_totp_activation_page(client):
    _sign_in(client, _pole_staff())

    reauthenticated = client.post(REAUTHENTICATE_FOR_TOTP,
                                  {"password": "correct horse battery staple"})
    page = client.get(ACTIVATE_TOTP)

    assert reauthenticated["Location"] == ACTIVATE_TOTP
    assert page.status_code == 200
    assert type(page.context["form"]).__name__ == "ActivateTOTPForm"


def test_staff_who_activate_totp_are_no_longer_redirected(client):
    staff = _pole_staff()
    _sign_in(client, staff)
    client.post(REAUTHENTICATE_FOR_TOTP, {"password": "correct horse battery staple"})
    client.get(ACTIVATE_TOTP)
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    code = totp_auth.format_hotp_value(
        totp_auth.hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))

    client.post(ACTIVATE_TOTP, {"code": code})

    assert list(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == [
        Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    assert client.get("/en/directory/").status_code == 200


def test_staff_without_totp_can_sign_out(client):
    client.force_login(_pole_staff())

    response = client.post("/en/accounts/logout/")

    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("path", PAGES)
def test_researchers_without_totp_are_not_redirected(client, path):
    client.force_login(UserFactory(role="researcher"))

    assert client.get(path).status_code == 200


def test_students_without_totp_are_not_redirected(client):
    client.force_login(UserFactory(role="student"))

    assert client.get("/en/directory/").status_code == 200


@pytest.mark.parametrize("make_staff", [_pole_staff, _site_admin], ids=["pole_staff", "admin"])
@pytest.mark.parametrize("path", PAGES)
def test_staff_with_totp_are_not_redirected(client, make_staff, path):
    client.force_login(_with_totp(make_staff()))

    assert client.get(path).status_code == 200


def test_staff_with_only_recovery_codes_are_still_sent_to_totp_activation(client):
    staff = _pole_staff()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.RECOVERY_CODES,
                                 data={"seed": "x"})
    client.force_login(staff)

    assert client.get("/en/")["Location"] == ACTIVATE_TOTP


def test_staff_mfa_requirement_can_be_switched_off(client, settings):
    settings.JUMELAGE_REQUIRE_STAFF_MFA = False
    client.force_login(_pole_staff())

    assert client.get("/en/").status_code == 200


def test_anonymous_visitors_are_not_redirected(client):
    assert client.get("/en/directory/").status_code == 200


def test_staff_without_totp_are_redirected_from_unknown_urls_too(client):
    client.force_login(_pole_staff())

    assert client.get("/en/no-such-page/")["Location"] == ACTIVATE_TOTP
