"""Account events handled inside allauth leave an audit entry with the request's IP."""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from django.core import mail
from django.urls import reverse

from jumelage.accounts.models import User
from jumelage.core.models import AuditEntry
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "plum orchard 1987"
CONFIRM_LINK = re.compile(r"http://testserver(/en/accounts/confirm-email/[^/\s]+/)")


def _entries(user):
    return [(e.action, e.changes, e.actor_id, e.ip_address)
            for e in AuditEntry.objects.filter(object_id=str(user.pk)).order_by("pk")]


def test_sign_up_and_confirmation_are_audited(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {"email": "aline@example.org",
                                                "password1": PASSWORD, "password2": PASSWORD})
    [link] = CONFIRM_LINK.findall(mail.outbox[0].body)
    client.post(link)
    user = User.objects.get()
    assert _entries(user) == [
        ("accounts.user.sign_up", {"email": [None, "aline@example.org"]}, user.pk, "127.0.0.1"),
        ("accounts.email.confirm",
         {"verified": [False, True], "email": ["aline@example.org", "aline@example.org"]},
         user.pk, "127.0.0.1"),
    ]


def test_password_change_is_audited_without_the_password(client):
    user = UserFactory(email="camille@example.org")
    client.force_login(user)
    client.post(reverse("account_change_password"), {
        "oldpassword": "correct horse battery staple",
        "password1": PASSWORD, "password2": PASSWORD})
    assert _entries(user) == [("accounts.password.change", {}, user.pk, "127.0.0.1")]
    assert PASSWORD not in str(AuditEntry.objects.values_list("changes", flat=True))


def test_totp_activation_is_audited(client, django_capture_on_commit_callbacks):
    staff = UserFactory(role="pole_staff", pole=PoleFactory())
    client.post(reverse("account_login"), {"login": staff.email,
                                           "password": "correct horse battery staple"})
    client.post(reverse("account_reauthenticate") + "?next=" + reverse("mfa_activate_totp"),
                {"password": "correct horse battery staple"})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[totp_auth.SECRET_SESSION_KEY]
    code = totp_auth.format_hotp_value(
        totp_auth.hotp_value(secret, int(time.time()) // mfa_settings.TOTP_PERIOD))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code})

    assert Authenticator.objects.filter(user=staff, type="totp").count() == 1
    assert [a for a, *_ in _entries(staff)] == ["accounts.mfa.add", "accounts.mfa.add"]
    assert sorted(c["authenticator"][1] for _, c, *_ in _entries(staff)) == [
        "recovery_codes", "totp"]
