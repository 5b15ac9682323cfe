"""Two-key publication of a joint call: each funding pole approves; a change takes the keys
back; only staff of a funding pole may change or approve it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import translation

from jumelage.calls import services
from jumelage.calls.models import Call, CallApproval, Envelope
from jumelage.calls.services.setup import approval_fingerprint
from jumelage.core.models import AuditEntry
from tests.factories import PoleFactory, ThemeFactory, UserFactory, oncopole

pytestmark = pytest.mark.django_db

OPENS = dt.datetime(2027, 1, 15, 14, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 3, 31, 21, 59, tzinfo=dt.UTC)


@pytest.fixture
def call():
    clara, quebec = PoleFactory(), oncopole()
    call = Call.objects.create(
        title_fr="Appel conjoint 2027", title_en="Joint call 2027", opens_at=OPENS, closes_at=CLOSES
    )
    Envelope.objects.create(
        call=call, pole=clara, amount=Decimal("300000"), max_request=Decimal("50000")
    )
    Envelope.objects.create(
        call=call, pole=quebec, amount=Decimal("450000"), max_request=Decimal("75000")
    )
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
    assert list(
        AuditEntry.objects.filter(object_id=str(call.pk))
        .order_by("pk")
        .values_list("action", "changes")
    ) == [
        ("calls.approve", {"approved_by_pole": [None, "clara"]}),
        ("calls.approve", {"approved_by_pole": [None, "oncopole"]}),
        ("calls.publish", {"status": ["draft", "published"]}),
    ]


def test_one_pole_approving_twice_does_not_publish(call):
    clara = PoleFactory()
    services.approve_call(call=call, actor=staff(clara))
    services.approve_call(call=call, actor=staff(clara))
    call.refresh_from_db()
    assert (call.status, CallApproval.objects.filter(call=call).count()) == ("draft", 1)


def test_a_change_takes_the_approvals_back(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    services.update_call(
        call=call, changes={"title_en": "Joint call 2027 (cancer)"}, actor=staff(quebec)
    )
    assert CallApproval.objects.filter(call=call).count() == 0
    entry = AuditEntry.objects.get(action="calls.update")
    assert entry.changes == {
        "approvals": [["clara"], []],
        "title_en": ["Joint call 2027", "Joint call 2027 (cancer)"],
    }
    services.approve_call(call=call, actor=staff(quebec))
    call.refresh_from_db()
    assert call.status == "draft"


def test_a_published_call_cannot_change(call):
    for pole in (PoleFactory(), oncopole()):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError) as refused:
        services.update_call(
            call=Call.objects.get(pk=call.pk),
            changes={"title_fr": "Autre"},
            actor=staff(PoleFactory()),
        )
    assert refused.value.messages == ["The call is published: it can no longer be changed."]


def test_closing_before_opening_is_refused(call):
    with pytest.raises(ValidationError) as refused:
        services.update_call(
            call=call,
            changes={"closes_at": OPENS - dt.timedelta(days=1)},
            actor=staff(PoleFactory()),
        )
    assert refused.value.messages == [
        "The call must close after it opens: give a closing time later than the opening time."
    ]
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
        Envelope.objects.filter(call=call, pole__code="clara").update(max_request=Decimal("400000"))


def test_envelope_currency_is_the_poles(call):
    assert sorted((e.pole.code, e.currency) for e in call.envelopes.all()) == [
        ("clara", "EUR"),
        ("oncopole", "CAD"),
    ]


# --- create_call, set_envelopes, set_criteria --------------------------------------------

DATA = {"title_fr": "Appel 2028", "title_en": "Call 2028", "opens_at": OPENS, "closes_at": CLOSES}
CRITERIA = [
    {"name_fr": "Excellence", "name_en": "Excellence", "weight": Decimal("2")},
    {"name_fr": "Faisabilité", "name_en": "Feasibility", "weight": Decimal("1")},
]


def envelopes(clara, quebec, *, cap=Decimal("75000")):
    return [
        {
            "pole": clara,
            "amount": Decimal("300000"),
            "max_request": Decimal("50000"),
            "exchange_rate": Decimal("1"),
        },
        {
            "pole": quebec,
            "amount": Decimal("450000"),
            "max_request": cap,
            "exchange_rate": Decimal("0.68"),
        },
    ]


def test_create_call_makes_a_draft_with_its_envelopes_and_criteria():
    clara, quebec = PoleFactory(), oncopole()
    actor = staff(clara)
    call = services.create_call(
        data=DATA, envelopes=envelopes(clara, quebec), criteria=CRITERIA, actor=actor
    )
    assert (call.status, call.created_by, call.title_en) == ("draft", actor, "Call 2028")
    assert sorted((e.pole.code, e.amount, e.exchange_rate) for e in call.envelopes.all()) == [
        ("clara", Decimal("300000.00"), Decimal("1.000000")),
        ("oncopole", Decimal("450000.00"), Decimal("0.680000")),
    ]
    assert list(call.criteria.values_list("name_en", "weight", "position")) == [
        ("Excellence", Decimal("2.00"), 1),
        ("Feasibility", Decimal("1.00"), 2),
    ]


def test_create_call_is_audited_with_envelopes_and_criteria():
    clara, quebec = PoleFactory(), oncopole()
    call = services.create_call(
        data=DATA, envelopes=envelopes(clara, quebec), criteria=CRITERIA, actor=staff(clara)
    )
    changes = AuditEntry.objects.get(action="calls.create", object_id=str(call.pk)).changes
    assert changes["title_en"] == [None, "Call 2028"]
    assert changes["closes_at"] == [None, "2027-03-31T21:59:00+00:00"]
    assert changes["themes"] == [None, []]
    assert changes["envelopes"] == [
        None,
        {
            "clara": {
                "amount": "300000.00",
                "max_request": "50000.00",
                "exchange_rate": "1.000000",
            },
            "oncopole": {
                "amount": "450000.00",
                "max_request": "75000.00",
                "exchange_rate": "0.680000",
            },
        },
    ]
    assert changes["criteria"] == [
        None,
        [
            {
                "name_fr": "Excellence",
                "name_en": "Excellence",
                "description_fr": "",
                "description_en": "",
                "weight": "2.00",
            },
            {
                "name_fr": "Faisabilité",
                "name_en": "Feasibility",
                "description_fr": "",
                "description_en": "",
                "weight": "1.00",
            },
        ],
    ]


@pytest.mark.parametrize("role", ["researcher", "site_admin"])
def test_create_call_is_for_pole_staff(role):
    clara, quebec = PoleFactory(), oncopole()
    with pytest.raises(PermissionDenied):
        services.create_call(
            data=DATA,
            envelopes=envelopes(clara, quebec),
            criteria=CRITERIA,
            actor=UserFactory(role=role),
        )
    assert Call.objects.count() == 0


def test_create_call_needs_two_funding_poles():
    clara, quebec = PoleFactory(), oncopole()
    with pytest.raises(ValidationError) as refused:
        services.create_call(
            data=DATA, envelopes=envelopes(clara, quebec)[:1], criteria=CRITERIA, actor=staff(clara)
        )
    assert refused.value.messages == [
        "A joint call needs at least two funding poles, each with its envelope; 1 given."
    ]
    assert Call.objects.count() == 0


def test_create_call_refuses_a_cap_above_the_envelope():
    clara, quebec = PoleFactory(), oncopole()
    with pytest.raises(ValidationError) as refused:
        services.create_call(
            data=DATA,
            envelopes=envelopes(clara, quebec, cap=Decimal("500000")),
            criteria=CRITERIA,
            actor=staff(clara),
        )
    assert refused.value.message_dict == {
        "max_request": [
            "The maximum request of Oncopole (CA$500,000.00) is above its envelope "
            "(CA$450,000.00): give at most the envelope."
        ]
    }
    assert Call.objects.count() == 0


def test_create_call_needs_the_actor_pole_among_the_funders():
    clara, quebec = PoleFactory(), oncopole()
    other = PoleFactory(code="bretagne", short_name="CGO")
    with pytest.raises(ValidationError) as refused:
        services.create_call(
            data=DATA, envelopes=envelopes(clara, quebec), criteria=CRITERIA, actor=staff(other)
        )
    assert refused.value.messages == [
        "Your pole must be one of the funding poles of the call: keep its envelope."
    ]


def test_two_stage_call_needs_its_intent_deadline_before_closing(call):
    with pytest.raises(ValidationError) as refused:
        services.update_call(
            call=call,
            changes={"two_stage": True, "intent_closes_at": CLOSES},
            actor=staff(PoleFactory()),
        )
    assert refused.value.message_dict == {
        "intent_closes_at": [
            "The letters of intent must close before the call closes (31 March 2027, 9:59 pm): "
            "give an earlier deadline."
        ]
    }


def test_update_call_sets_themes_and_audits_them(call):
    theme = ThemeFactory(code="cell-therapy")
    services.update_call(call=call, changes={"themes": [theme]}, actor=staff(PoleFactory()))
    assert list(call.themes.all()) == [theme]
    assert AuditEntry.objects.get(action="calls.update").changes == {"themes": [[], [theme.pk]]}


def test_set_envelopes_takes_the_approvals_back_with_the_diff(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    services.set_envelopes(
        call=call,
        envelopes=[
            {
                "pole": clara,
                "amount": Decimal("300000"),
                "max_request": Decimal("50000"),
                "exchange_rate": Decimal("1"),
            },
            {
                "pole": quebec,
                "amount": Decimal("500000"),
                "max_request": Decimal("75000"),
                "exchange_rate": Decimal("0.68"),
            },
        ],
        actor=staff(quebec),
    )
    assert CallApproval.objects.filter(call=call).count() == 0
    assert AuditEntry.objects.get(action="calls.set_envelopes").changes == {
        "approvals": [["clara"], []],
        "envelopes": [
            {
                "clara": {
                    "amount": "300000.00",
                    "max_request": "50000.00",
                    "exchange_rate": "1.000000",
                },
                "oncopole": {
                    "amount": "450000.00",
                    "max_request": "75000.00",
                    "exchange_rate": "1.000000",
                },
            },
            {
                "clara": {
                    "amount": "300000.00",
                    "max_request": "50000.00",
                    "exchange_rate": "1.000000",
                },
                "oncopole": {
                    "amount": "500000.00",
                    "max_request": "75000.00",
                    "exchange_rate": "0.680000",
                },
            },
        ],
    }


def test_set_envelopes_without_change_keeps_the_approvals(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    services.set_envelopes(
        call=call,
        envelopes=[
            {
                "pole": e.pole,
                "amount": e.amount,
                "max_request": e.max_request,
                "exchange_rate": e.exchange_rate,
            }
            for e in call.envelopes.all()
        ],
        actor=staff(quebec),
    )
    assert CallApproval.objects.filter(call=call).count() == 1
    assert not AuditEntry.objects.filter(action="calls.set_envelopes").exists()


def test_set_envelopes_of_a_published_call_is_refused(call):
    clara, quebec = PoleFactory(), oncopole()
    for pole in (clara, quebec):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError) as refused:
        services.set_envelopes(
            call=Call.objects.get(pk=call.pk),
            envelopes=envelopes(clara, quebec),
            actor=staff(clara),
        )
    assert refused.value.messages == ["The call is published: it can no longer be changed."]
    assert Envelope.objects.get(call=call, pole=quebec).exchange_rate == Decimal("1")


def test_set_envelopes_by_staff_of_another_pole_is_refused(call):
    other = PoleFactory(code="bretagne", short_name="CGO")
    with pytest.raises(PermissionDenied):
        services.set_envelopes(
            call=call, envelopes=envelopes(PoleFactory(), oncopole()), actor=staff(other)
        )


def test_set_criteria_takes_the_approvals_back_with_the_diff(call):
    clara, quebec = PoleFactory(), oncopole()
    services.set_criteria(call=call, criteria=CRITERIA[:1], actor=staff(clara))
    services.approve_call(call=call, actor=staff(quebec))
    first = call.criteria.get()
    services.set_criteria(
        call=call,
        criteria=[
            {
                "id": first.pk,
                "name_fr": "Excellence",
                "name_en": "Excellence",
                "weight": Decimal("3"),
            },
            CRITERIA[1],
        ],
        actor=staff(clara),
    )
    assert call.criteria.get(pk=first.pk).weight == Decimal("3.00")
    assert CallApproval.objects.filter(call=call).count() == 0
    entry = AuditEntry.objects.filter(action="calls.set_criteria").latest("pk")
    assert entry.changes == {
        "approvals": [["oncopole"], []],
        "criteria": [
            [
                {
                    "name_fr": "Excellence",
                    "name_en": "Excellence",
                    "description_fr": "",
                    "description_en": "",
                    "weight": "2.00",
                }
            ],
            [
                {
                    "name_fr": "Excellence",
                    "name_en": "Excellence",
                    "description_fr": "",
                    "description_en": "",
                    "weight": "3.00",
                },
                {
                    "name_fr": "Faisabilité",
                    "name_en": "Feasibility",
                    "description_fr": "",
                    "description_en": "",
                    "weight": "1.00",
                },
            ],
        ],
    }


def test_set_criteria_removes_the_criteria_left_out(call):
    clara = PoleFactory()
    services.set_criteria(call=call, criteria=CRITERIA, actor=staff(clara))
    services.set_criteria(call=call, criteria=CRITERIA[1:], actor=staff(clara))
    assert list(call.criteria.values_list("name_en", "position")) == [("Feasibility", 1)]


def test_set_criteria_refuses_a_zero_weight(call):
    with pytest.raises(ValidationError) as refused:
        services.set_criteria(
            call=call,
            criteria=[{**CRITERIA[0], "weight": Decimal("0")}],
            actor=staff(PoleFactory()),
        )
    assert list(refused.value.message_dict) == ["weight"]
    assert call.criteria.count() == 0


# --- Approving the text that was read ------------------------------------------------------

CHANGED = "The call changed since you opened it: read it again before approving."


def change_title(call, actor):
    services.update_call(
        call=Call.objects.get(pk=call.pk), changes={"title_en": "Joint call 2027 (v2)"}, actor=actor
    )


def change_envelopes(call, actor):
    services.set_envelopes(
        call=Call.objects.get(pk=call.pk),
        envelopes=envelopes(PoleFactory(), oncopole(), cap=Decimal("60000")),
        actor=actor,
    )


def change_criteria(call, actor):
    services.set_criteria(call=Call.objects.get(pk=call.pk), criteria=CRITERIA[:1], actor=actor)


@pytest.mark.parametrize("change", [change_title, change_envelopes, change_criteria])
def test_approval_of_a_text_changed_since_it_was_read_is_refused(call, change):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara))
    read = approval_fingerprint(call)
    change(call, staff(clara))
    with pytest.raises(ValidationError) as refused:
        services.approve_call(call=call, actor=staff(quebec), fingerprint=read)
    call.refresh_from_db()
    assert (
        refused.value.messages,
        CallApproval.objects.filter(call=call).count(),
        call.status,
    ) == (
        [CHANGED],
        0,
        "draft",
    )


def test_refusal_of_a_changed_text_in_french(call):
    read = approval_fingerprint(call)
    change_title(call, staff(PoleFactory()))
    with translation.override("fr"), pytest.raises(ValidationError) as refused:
        services.approve_call(call=call, actor=staff(oncopole()), fingerprint=read)
    assert refused.value.messages == [
        "L’appel à projets a changé depuis que vous l’avez ouvert\u00a0: relisez-le avant de "
        "l’approuver."
    ]


def test_approvals_of_the_text_read_publish_the_call(call):
    clara, quebec = PoleFactory(), oncopole()
    services.approve_call(call=call, actor=staff(clara), fingerprint=approval_fingerprint(call))
    services.approve_call(call=call, actor=staff(quebec), fingerprint=approval_fingerprint(call))
    call.refresh_from_db()
    assert (call.status, sorted(call.approvals.values_list("pole__code", flat=True))) == (
        "published",
        ["clara", "oncopole"],
    )


def test_a_change_and_its_undoing_give_back_the_same_fingerprint(call):
    read = approval_fingerprint(call)
    change_title(call, staff(PoleFactory()))
    changed = approval_fingerprint(call)
    services.update_call(
        call=Call.objects.get(pk=call.pk),
        changes={"title_en": "Joint call 2027"},
        actor=staff(PoleFactory()),
    )
    assert changed != read
    assert approval_fingerprint(call) == read


def test_a_stale_copy_cannot_change_a_call_published_meanwhile(call):
    stale = Call.objects.get(pk=call.pk)
    for pole in (PoleFactory(), oncopole()):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError) as refused:
        services.update_call(call=stale, changes={"title_en": "Too late"}, actor=staff(oncopole()))
    assert (refused.value.messages, Call.objects.get(pk=call.pk).title_en) == (
        ["The call is published: it can no longer be changed."],
        "Joint call 2027",
    )


def test_a_stale_copy_cannot_change_the_envelopes_of_a_call_published_meanwhile(call):
    stale = Call.objects.get(pk=call.pk)
    for pole in (PoleFactory(), oncopole()):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError):
        services.set_envelopes(
            call=stale, envelopes=envelopes(PoleFactory(), oncopole()), actor=staff(oncopole())
        )
    assert Envelope.objects.get(call=call, pole__code="oncopole").exchange_rate == Decimal("1")


def test_a_stale_copy_cannot_change_the_criteria_of_a_call_published_meanwhile(call):
    stale = Call.objects.get(pk=call.pk)
    for pole in (PoleFactory(), oncopole()):
        services.approve_call(call=call, actor=staff(pole))
    with pytest.raises(ValidationError):
        services.set_criteria(call=stale, criteria=CRITERIA, actor=staff(oncopole()))
    assert call.criteria.count() == 0


def test_a_change_from_a_stale_copy_keeps_the_other_poles_change(call):
    stale = Call.objects.get(pk=call.pk)
    change_title(call, staff(PoleFactory()))
    services.update_call(
        call=stale, changes={"summary_en": "Cancer research."}, actor=staff(oncopole())
    )
    stored = Call.objects.get(pk=call.pk)
    assert (
        stored.title_en,
        stored.summary_en,
        AuditEntry.objects.filter(action="calls.update").latest("pk").changes,
    ) == ("Joint call 2027 (v2)", "Cancer research.", {"summary_en": ["", "Cancer research."]})


def test_approval_from_a_stale_copy_checks_the_stored_text(call):
    stale = Call.objects.get(pk=call.pk)
    read = approval_fingerprint(stale)
    change_title(call, staff(PoleFactory()))
    with pytest.raises(ValidationError):
        services.approve_call(call=stale, actor=staff(oncopole()), fingerprint=read)
    assert CallApproval.objects.filter(call=call).count() == 0
