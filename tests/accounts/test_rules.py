"""Role predicates shared by every app."""

import pytest
from django.contrib.auth.models import AnonymousUser

from jumelage.accounts import rules as account_rules
from tests.factories import InstitutionFactory, PoleFactory, UserFactory, oncopole

pytestmark = pytest.mark.django_db


def test_is_site_admin_for_role_and_superuser_only():
    assert account_rules.is_site_admin(UserFactory(role="site_admin")) is True
    assert account_rules.is_site_admin(UserFactory(is_superuser=True)) is True
    assert account_rules.is_site_admin(UserFactory(role="pole_staff", pole=PoleFactory())) \
        is False
    assert account_rules.is_site_admin(AnonymousUser()) is False


def test_is_site_admin_false_when_inactive():
    assert account_rules.is_site_admin(UserFactory(role="site_admin", is_active=False)) is False


def test_is_pole_staff_of_own_pole_only():
    clara, quebec = PoleFactory(), oncopole()
    staff = UserFactory(role="pole_staff", pole=clara)

    assert account_rules.is_pole_staff_of(staff, clara) is True
    assert account_rules.is_pole_staff_of(staff, quebec) is False
    assert account_rules.is_pole_staff_of(staff, None) is False


def test_is_pole_staff_of_accepts_objects_with_a_pole():
    clara, quebec = PoleFactory(), oncopole()
    staff = UserFactory(role="pole_staff", pole=clara)

    assert account_rules.is_pole_staff_of(staff, InstitutionFactory(pole=clara)) is True
    assert account_rules.is_pole_staff_of(staff, InstitutionFactory(pole=quebec)) is False


def test_is_pole_staff_of_is_false_for_an_object_without_a_pole():
    """An institution outside every pole belongs to no staff, whatever its id happens to be."""
    clara = PoleFactory()
    staff = UserFactory(role="pole_staff", pole=clara)
    institution = InstitutionFactory(pole=None)
    # An institution whose primary key equals the staff's pole id.
    institution.pk = clara.pk

    assert account_rules.is_pole_staff_of(staff, institution) is False


def test_is_pole_staff_of_is_false_for_researchers():
    clara = PoleFactory()

    assert account_rules.is_pole_staff_of(UserFactory(pole=clara), clara) is False
