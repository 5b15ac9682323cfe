"""Sign-up by email, with a confirmation mail that leaves through the task queue."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks.signals import task_finished

from jumelage.accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "plum orchard 1987"
CONFIRM_LINK = re.compile(r"http://testserver(/en/accounts/confirm-email/[^/\s]+/)")


def _sign_up(client, email):
    return client.post(reverse("account_signup"),
                       {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_signup_creates_one_unconfirmed_user_with_the_email_as_login(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = _sign_up(client, "Aline.Roche@Example.org")

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get()
    assert user.email == "aline.roche@example.org"
    assert user.check_password(PASSWORD)
    assert list(EmailAddress.objects.values_list("user", "email", "primary", "verified")) == [
        (user.pk, "aline.roche@example.org", True, False)]
    assert "_auth_user_id" not in client.session


def test_signup_confirmation_mail_is_sent_through_the_task_queue_after_commit(
        client, django_capture_on_commit_callbacks):
    finished = []

    def on_finished(sender, task_result, **kwargs):
        finished.append((task_result.task.name, task_result.status.name))

    task_finished.connect(on_finished)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            _sign_up(client, "aline@example.org")
        assert mail.outbox == []  # nothing leaves before the transaction commits
        for callback in callbacks:
            callback()
    finally:
        task_finished.disconnect(on_finished)

    assert finished == [("send_email", "SUCCESSFUL")]
    assert [m.to for m in mail.outbox] == [["aline@example.org"]]


def test_signup_confirmation_mail_contains_the_confirmation_link(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "aline@example.org")

    [message] = mail.outbox
    assert message.to == ["aline@example.org"]
    assert message.subject == "[Jumelage] Please Confirm Your Email Address"
    assert message.from_email == "Jumelage <no-reply@jumelage.invalid>"
    assert len(CONFIRM_LINK.findall(message.body)) == 1
    assert "register an account on testserver" in message.body


def test_signup_confirmation_link_confirms_the_address_and_allows_sign_in(
        client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "aline@example.org")
    [link] = CONFIRM_LINK.findall(mail.outbox[0].body)

    confirm_page = client.get(link)
    assert confirm_page.status_code == 200
    assert "aline@example.org" in confirm_page.content.decode()
    confirmed = client.post(link)
    signed_in = client.post(reverse("account_login"),
                            {"login": "aline@example.org", "password": PASSWORD})

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="aline@example.org").verified is True
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/en/"
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_sign_in_before_confirmation_is_refused(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "aline@example.org")

    response = client.post(reverse("account_login"),
                           {"login": "aline@example.org", "password": PASSWORD})

    assert response["Location"] == "/en/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_signup_with_a_taken_email_creates_no_second_user(
        client, django_capture_on_commit_callbacks):
    existing = UserFactory(email="aline@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "ALINE@example.org")

    assert list(User.objects.values_list("pk", flat=True)) == [existing.pk]
    assert EmailAddress.objects.filter(email__iexact="aline@example.org").count() == 1


def test_signup_with_a_taken_email_answers_like_a_new_signup(
        client, django_capture_on_commit_callbacks):
    """No enumeration: the page does not tell a stranger that the address has an account."""
    UserFactory(email="aline@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("account_signup"), {
            "email": "aline@example.org", "password1": PASSWORD, "password2": PASSWORD},
            follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = Client().post(reverse("account_signup"), {
            "email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
            follow=True)

    assert taken.redirect_chain == fresh.redirect_chain == [("/en/accounts/confirm-email/", 302)]
    assert [str(m) for m in taken.context["messages"]] == [
        "Confirmation email sent to aline@example.org."]
    assert taken.content.decode().replace("aline@", "new@") == fresh.content.decode()


def test_signup_with_a_taken_email_mails_the_owner_a_clear_message(
        client, django_capture_on_commit_callbacks):
    UserFactory(email="aline@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        _sign_up(client, "aline@example.org")

    [message] = mail.outbox
    assert message.to == ["aline@example.org"]
    assert message.subject == "[Jumelage] Account Already Exists"
    assert ("an account using that email address already exists" in message.body)
    assert "http://testserver/en/accounts/password/reset/" in message.body
    assert CONFIRM_LINK.findall(message.body) == []


@pytest.mark.parametrize(("path", "language"), [
    ("/en/accounts/signup/", "en"), ("/fr/accounts/signup/", "fr")])
def test_signup_keeps_the_language_the_person_signed_up_in(client, path, language):
    client.post(path, {"email": "aline@example.org", "password1": PASSWORD,
                       "password2": PASSWORD})

    assert User.objects.get().language == language
