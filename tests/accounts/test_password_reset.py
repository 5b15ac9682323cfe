"""Password reset: the same answer for every address, mail only to an account's owner."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RESET_LINK = re.compile(r"http://testserver(/en/accounts/password/reset/key/[^\s]+/)")


def _request_reset(client, captured, email):
    with captured(execute=True):
        return client.post(reverse("account_reset_password"), {"email": email}, follow=True)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
        client, django_capture_on_commit_callbacks):
    UserFactory(email="aline@example.org")

    known = _request_reset(client, django_capture_on_commit_callbacks, "aline@example.org")
    unknown = _request_reset(client, django_capture_on_commit_callbacks, "nobody@example.org")

    assert known.redirect_chain == unknown.redirect_chain == [
        ("/en/accounts/password/reset/done/", 302)]
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode() == unknown.content.decode()


def test_password_reset_mails_only_the_known_address(client, django_capture_on_commit_callbacks):
    UserFactory(email="aline@example.org")

    _request_reset(client, django_capture_on_commit_callbacks, "aline@example.org")
    _request_reset(client, django_capture_on_commit_callbacks, "nobody@example.org")

    [message] = mail.outbox
    assert message.to == ["aline@example.org"]
    assert message.subject == "[Jumelage] Password Reset Email"
    assert len(RESET_LINK.findall(message.body)) == 1


def test_password_reset_link_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="aline@example.org")
    _request_reset(client, django_capture_on_commit_callbacks, "aline@example.org")
    [link] = RESET_LINK.findall(mail.outbox[0].body)

    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"password1": "new kettle 2024 blue", "password2": "new kettle 2024 blue"})

    user.refresh_from_db()
    assert user.check_password("new kettle 2024 blue") is True
