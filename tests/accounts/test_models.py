"""The custom user model: the email address is the login."""

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from jumelage.accounts.models import User
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_model_signs_in_by_email():
    assert (User.USERNAME_FIELD, User.EMAIL_FIELD, User.REQUIRED_FIELDS) == (
        "email", "email", [])
    assert not hasattr(User, "username")


def test_create_user_stores_the_email_in_lower_case():
    user = User.objects.create_user("Aline.Roche@Example.ORG", password="plum orchard 1987")

    assert user.email == "aline.roche@example.org"
    assert (user.role, user.is_staff, user.is_superuser) == ("researcher", False, False)


def test_create_user_requires_an_email():
    with pytest.raises(ValueError) as excinfo:
        User.objects.create_user("", password="plum orchard 1987")

    assert str(excinfo.value) == "An email address is required."


def test_create_superuser_is_a_site_admin():
    admin = User.objects.create_superuser("root@example.org", password="plum orchard 1987")

    assert (admin.role, admin.is_staff, admin.is_superuser, admin.is_site_admin) == (
        "site_admin", True, True, True)


def test_authenticate_accepts_email_and_password():
    user = UserFactory(email="aline@example.org")

    assert authenticate(email="aline@example.org", password="correct horse battery staple") \
        == user
    assert authenticate(email="aline@example.org", password="wrong") is None


def test_user_email_is_unique():
    UserFactory(email="aline@example.org")

    with pytest.raises(IntegrityError):
        User.objects.create_user("aline@example.org", password="plum orchard 1987")


def test_pole_staff_without_a_pole_is_rejected():
    user = User(email="staff@example.org", role=User.Role.POLE_STAFF)

    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])

    assert excinfo.value.messages == ["Pole staff must belong to a pole."]


@pytest.mark.parametrize(("attrs", "needs_mfa"), [
    ({"role": "researcher"}, False),
    ({"role": "student"}, False),
    ({"role": "pole_staff", "pole": "clara"}, True),
    ({"role": "site_admin"}, True),
    ({"role": "researcher", "is_superuser": True}, True),
    ({"role": "researcher", "is_staff": True}, True),
])
def test_user_needs_mfa_for_staff_roles_only(attrs, needs_mfa):
    if attrs.get("pole"):
        attrs = {**attrs, "pole": PoleFactory()}

    assert UserFactory(**attrs).needs_mfa is needs_mfa


def test_user_display_names():
    user = UserFactory.build(email="aline@example.org", first_name="Aline", last_name="Roche")
    nameless = UserFactory.build(email="anon@example.org", first_name="", last_name="")

    assert (str(user), user.get_short_name()) == ("Aline Roche", "Aline")
    assert (str(nameless), nameless.get_short_name()) == ("anon@example.org", "anon@example.org")
