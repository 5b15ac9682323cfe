"""The permission rules of joint calls, for each of the nine kinds of visitor, with the data
that could leak present (tests/calls/conftest.py `submitted`)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.calls.conftest import ACTORS, actor_user

pytestmark = pytest.mark.django_db

EXPECTED = {
    "calls.view_application": {"applicant", "coapplicant", "reviewer", "staff_clara",
                               "staff_quebec", "admin"},
    "calls.change_application": set(),  # submitted: nobody edits it any more
    "calls.review_application": {"reviewer"},
    "calls.view_outcome": {"applicant", "coapplicant", "staff_clara", "staff_quebec", "admin"},
    "calls.manage_call": {"staff_clara", "staff_quebec", "admin"},
    "calls.decide": {"staff_clara", "staff_quebec"},
}


@pytest.mark.parametrize("perm", sorted(EXPECTED))
@pytest.mark.parametrize("name", ACTORS)
def test_rule_on_the_submitted_application(world, submitted, perm, name):
    user = actor_user(world, name) or AnonymousUser()
    target = submitted.application if "application" in perm or "outcome" in perm else world.call
    assert user.has_perm(perm, target) is (name in EXPECTED[perm])


@pytest.mark.parametrize("name", ACTORS)
def test_only_its_author_may_edit_a_draft(world, submitted, name):
    user = actor_user(world, name) or AnonymousUser()
    assert user.has_perm("calls.change_application", submitted.other) is (
        name == "other_applicant")


@pytest.mark.parametrize("name", ACTORS)
def test_only_its_author_may_read_a_draft(world, submitted, name):
    user = actor_user(world, name) or AnonymousUser()
    assert user.has_perm("calls.view_application", submitted.other) is (
        name == "other_applicant")
