"""Two-key publication of a joint call: each funding pole approves; a change takes the keys
back; only staff of a funding pole may change or approve it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from jumelage.calls import services
from jumelage.calls.models import Call, CallApproval, Envelope
from jumelage.core.models import AuditEntry
from tests.factories import PoleFactory, UserFactory, oncopole

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 3, 31, 21, 59, tzinfo=dt.UTC)


@pytest.fixture
def call():
    clara, quebec = PoleFactory(), oncopole()
    call = Call.objects.create(title_fr="Appel conjoint 2027", title_en="Joint call 2027",
                               opens_at=OPENS, closes_at=CLOSES)
    Envelope.objects.create(call=call, pole=clara, amount=Decimal("300000"),
                            max_request=Decimal("50000"))
    Envelope.objects.create(call=call, pole=quebec, amount=Decimal("450000"),
                            max_request=Decimal("75000"))
    return call


def staff(pole):
    return UserFactory(role="pole_staff", pole=pole)


def test_the_call_is_published_when_both_funding_poles_have_approved(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    call.refresh_from_db()
    assert (call.status, call.published_at) == ("draft", None)
    services.approve_call(call=call, actor=staff(quebec))
    call.refresh_from_db()
    assert call.status == "published"
    assert call.published_at is not None
    assert list(AuditEntry.objects.filter(object_id=str(call.pk)).order_by("pk").values_list(
        "action", "changes")) == [
        ("calls.approve", {"approved_by_pole": [None, "clara"]}),
        ("calls.approve", {"approved_by_pole": [None, "oncopole"]}),
        ("calls.publish", {"status": ["draft", "published"]})]


def test_one_pole_approving_twice_does_not_publish(call):
    clara = PoleFactory()
    services.approve_call(call=call, actor=staff(clara))
    services.approve_call(call=call, actor=staff(clara))
    call.refresh_from_db()
    assert (call.status, CallApproval.objects.filter(call=call).count()) == ("draft", 1)


def test_a_change_takes_the_approvals_back(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    services.update_call(call=call, changes={"title_en": "Joint call 2027 (cancer)"},
                         actor=staff(quebec))
    assert CallApproval.objects.filter(call=call).count() == 0
    entry = AuditEntry.objects.get(action="calls.update")
    assert entry.changes == {"approvals": [["clara"], []],
                             "title_en": ["Joint call 2027", "Joint call 2027 (cancer)"]}
    services.approve_call(call=call, actor=staff(quebec))
    call.refresh_from_db()
    assert call.status == "draft"


def test_a_published_call_cannot_change(call):
    for pole in (PoleFactory(), oncopole()):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError) as refused:
        services.update_call(call=Call.objects.get(pk=call.pk),
                             changes={"title_fr": "Autre"}, actor=staff(PoleFactory()))
    assert refused.value.messages == ["The call is published: it can no longer be changed."]


def test_closing_before_opening_is_refused(call):
    with pytest.raises(ValidationError) as refused:
        services.update_call(call=call, changes={"closes_at": OPENS - dt.timedelta(days=1)},
                             actor=staff(PoleFactory()))
    assert refused.value.messages == [
        "The call must close after it opens: give a closing time later than the opening time."]
    assert Call.objects.get(pk=call.pk).closes_at == CLOSES


@pytest.mark.parametrize("role", ["researcher", "site_admin"])
def test_only_funding_pole_staff_approve(call, role):
    with pytest.raises(PermissionDenied):
        services.approve_call(call=call, actor=UserFactory(role=role))
    assert CallApproval.objects.count() == 0


def test_staff_of_a_pole_that_does_not_fund_the_call_cannot_approve(call):
    Envelope.objects.filter(call=call, pole__code="oncopole").delete()
    with pytest.raises(PermissionDenied):
        services.approve_call(call=call, actor=staff(oncopole()))
    assert CallApproval.objects.count() == 0


def test_request_cap_above_the_envelope_is_refused(call):
    with pytest.raises(IntegrityError):
        Envelope.objects.filter(call=call, pole__code="clara").update(
            max_request=Decimal("400000"))


def test_envelope_currency_is_the_poles(call):
    assert sorted((e.pole.code, e.currency) for e in call.envelopes.all()) == [
        ("clara", "EUR"), ("oncopole", "CAD")]
