"""Call set-up pages: the public list and page of a call, the forms that prepare a draft call,
the two-key approval and the call's dashboard, for each of the nine kinds of visitor."""

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.urls import reverse

from jumelage.calls import services
from jumelage.calls.models import Call, CallApproval, Criterion, Envelope
from jumelage.calls.services.setup import approval_fingerprint
from jumelage.core.models import AuditEntry
from tests.calls.conftest import ACTORS, DURING, actor_user, client_as, signed_in
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db

NBSP = "\xa0"
DRAFT_TITLE = "Secret draft call 2028"
DRAFT_TITLE_FR = "Appel brouillon secret 2028"
DRAFT_SECRET = "Budget still under negotiation"
MANAGERS = {"staff_clara", "staff_quebec", "admin"}
FUNDING_STAFF = {"staff_clara", "staff_quebec"}


@pytest.fixture
def draft(world):
    call = Call.objects.create(
        title_fr=DRAFT_TITLE_FR,
        title_en=DRAFT_TITLE,
        summary_en=DRAFT_SECRET,
        summary_fr="Budget encore en négociation",
        opens_at=dt.datetime(2028, 1, 10, 9, 0, tzinfo=dt.UTC),
        closes_at=dt.datetime(2028, 3, 31, 21, 59, tzinfo=dt.UTC),
    )
    Envelope.objects.create(
        call=call,
        pole=world.clara,
        amount=Decimal("200000"),
        max_request=Decimal("40000"),
        exchange_rate=Decimal("1"),
    )
    Envelope.objects.create(
        call=call,
        pole=world.quebec,
        amount=Decimal("300000"),
        max_request=Decimal("60000"),
        exchange_rate=Decimal("0.68"),
    )
    Criterion.objects.create(
        call=call, name_fr="Excellence", name_en="Excellence", weight=Decimal("3"), position=1
    )
    return call


def visit(client, world, name, url, method="get", data=None):
    return getattr(client_as(client, world, name), method)(url, data or {})


def text_of(response) -> str:
    """The page's text without tags, spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.S)
    text = unescape(re.sub(r"<[^>]+>", " ", html))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def form_data(world, **overrides) -> dict:
    data = {
        "title_fr": "Appel conjoint 2028",
        "title_en": "Joint call 2028",
        "summary_fr": "Projets conjoints.",
        "summary_en": "Joint projects.",
        "description_fr": "",
        "description_en": "",
        "themes": [world.genomics.pk],
        "opens_at": "2028-01-10T10:00",
        "closes_at": "2028-03-31T23:59",
        "intent_closes_at": "",
        "time_zone": "Europe/Paris",
        "min_duration_months": "12",
        "max_duration_months": "36",
        "eligible_positions": ["early_career", "established"],
        "third_country_allowed": "on",
        "required_documents": ["proposal", "cv"],
        "abstract_word_limit": "300",
        "description_word_limit": "3000",
        "max_attachment_mb": "10",
        "score_min": "1",
        "score_max": "5",
        "disagreement_threshold": "1.5",
        "consolidation_currency": "EUR",
        "reviewers_per_application": "3",
        "max_reviewer_load": "8",
        "envelope-clara-funds": "on",
        "envelope-clara-amount": "200000",
        "envelope-clara-max_request": "40000",
        "envelope-clara-exchange_rate": "1",
        "envelope-oncopole-funds": "on",
        "envelope-oncopole-amount": "300000",
        "envelope-oncopole-max_request": "60000",
        "envelope-oncopole-exchange_rate": "0.68",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
        "criteria-0-name_fr": "Excellence scientifique",
        "criteria-0-name_en": "Scientific excellence",
        "criteria-0-weight": "2",
        "criteria-1-name_fr": "",
        "criteria-1-name_en": "",
        "criteria-1-weight": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_new_call(client, world, language="en", **overrides):
    """CLARA's staff member sends the new-call form: `form_data` with `overrides`."""
    signed_in(client, world.staff_clara)
    return client.post(f"/{language}/calls/new/", form_data(world, **overrides))


def edit_data(world, call, **overrides) -> dict:
    criteria = list(call.criteria.order_by("position"))
    data = form_data(
        world,
        **{
            "title_fr": call.title_fr,
            "title_en": call.title_en,
            "summary_fr": call.summary_fr,
            "summary_en": call.summary_en,
            "criteria-TOTAL_FORMS": str(len(criteria) + 1),
            "criteria-INITIAL_FORMS": str(len(criteria)),
        },
    )
    for i, criterion in enumerate(criteria):
        data.update(
            {
                f"criteria-{i}-id": str(criterion.pk),
                f"criteria-{i}-name_fr": criterion.name_fr,
                f"criteria-{i}-name_en": criterion.name_en,
                f"criteria-{i}-weight": str(criterion.weight),
            }
        )
    n = len(criteria)
    data.update(
        {f"criteria-{n}-name_fr": "", f"criteria-{n}-name_en": "", f"criteria-{n}-weight": ""}
    )
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def field_errors(response, form_name="form") -> dict:
    form = response.context[form_name]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


# --- The list of calls -------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_list_shows_the_published_call_and_drafts_only_to_managers(client, world, draft, name):
    with time_machine.travel(DURING):
        response = visit(client, world, name, "/en/calls/")
    assert response.status_code == 200
    text = text_of(response)
    assert "CLARA–Oncopole joint call 2027" in text
    assert (DRAFT_TITLE in text) is (name in MANAGERS)


def test_list_sorts_calls_by_state_with_closing_time_in_both_cities(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get("/en/calls/"))
    assert (
        "Open calls Title Themes Closes CLARA–Oncopole joint call 2027 Genomics and "
        "precision medicine 31 March 2027, 11:59 pm (Paris) · March 31, 2027, 5:59 pm "
        "(Montréal) Upcoming calls None at the moment. Closed calls None at the moment."
    ) in text


def test_list_in_french_shows_french_titles_and_times(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get("/fr/calls/"))
    assert (
        f"Appel conjoint CLARA–Oncopole 2027 Génomique et médecine de précision 31 mars "
        f"2027 à 23{NBSP}h{NBSP}59 (Paris) · 31 mars 2027 à 17{NBSP}h{NBSP}59 (Montréal)"
    ) in text


def test_list_after_the_deadline_puts_the_call_among_closed_ones(client, world):
    with time_machine.travel(dt.datetime(2027, 4, 1, tzinfo=dt.UTC)):
        text = text_of(client.get("/en/calls/"))
    assert "Open calls None at the moment." in text
    assert "Closed calls Title Themes Closes CLARA–Oncopole joint call 2027" in text


def test_list_query_count_is_bounded(client, world, draft, django_assert_max_num_queries):
    for i in range(5):
        call = Call.objects.create(
            title_fr=f"Appel {i}",
            title_en=f"Call {i}",
            opens_at=world.call.opens_at,
            closes_at=world.call.closes_at,
            status="published",
        )
        Envelope.objects.create(call=call, pole=world.clara, amount=1000, max_request=100)
        Envelope.objects.create(call=call, pole=world.quebec, amount=1000, max_request=100)
        call.themes.add(world.genomics)
    signed_in(client, world.staff_clara)
    with time_machine.travel(DURING), django_assert_max_num_queries(12):
        response = client.get("/en/calls/")
    assert text_of(response).count("Call 4") == 1


def test_nav_links_to_the_calls_as_current_page(client, world):
    html = client.get("/fr/calls/").content.decode()
    assert '<a href="/fr/calls/" aria-current="page">Appels à projets</a>' in html


# --- The page of a call ------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_draft_page_is_hidden_from_all_but_its_managers(client, world, draft, name):
    response = visit(client, world, name, f"/en/calls/{draft.pk}/")
    if name in MANAGERS:
        assert response.status_code == 200
        assert DRAFT_SECRET in text_of(response)
    else:
        assert response.status_code == 404
        assert DRAFT_SECRET not in response.content.decode()
        assert DRAFT_TITLE not in response.content.decode()


@pytest.mark.parametrize("name", ACTORS)
def test_published_page_is_public(client, world, name):
    with time_machine.travel(DURING):
        response = visit(client, world, name, f"/en/calls/{world.call.pk}/")
    assert response.status_code == 200
    assert ("Manage this call" in text_of(response)) is (name in MANAGERS)


def test_detail_shows_envelopes_in_each_currency_and_the_consolidated_total(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get(f"/en/calls/{world.call.pk}/"))
    assert (
        "Cancéropôle Lyon Auvergne-Rhône-Alpes €300,000.00 €50,000.00 1 €300,000.00 "
        "Oncopole CA$450,000.00 CA$75,000.00 0.68 €306,000.00 "
        "Total of the envelopes €606,000.00"
    ) in text


def test_detail_in_french_formats_money_and_rates_in_french(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get(f"/fr/calls/{world.call.pk}/"))
    assert (
        f"Oncopole 450{NBSP}000,00{NBSP}$CA 75{NBSP}000,00{NBSP}$CA 0,68 306{NBSP}000,00{NBSP}€"
    ) in text.replace("\u202f", NBSP)


def test_detail_shows_opening_and_closing_in_both_cities(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get(f"/fr/calls/{world.call.pk}/"))
    assert (
        f"1 janvier 2027 à 10{NBSP}h{NBSP}00 (Paris) · 1 janvier 2027 à 4{NBSP}h (Montréal)"
    ) in text
    assert (
        f"31 mars 2027 à 23{NBSP}h{NBSP}59 (Paris) · 31 mars 2027 à 17{NBSP}h{NBSP}59 (Montréal)"
    ) in text


def test_detail_states_rules_criteria_and_scale(client, world):
    with time_machine.travel(DURING):
        text = text_of(client.get(f"/en/calls/{world.call.pk}/"))
    assert "Projects last from 12 to 36 months." in text
    assert "At least one lead team on each side: CLARA, Oncopole." in text
    assert (
        "holds one of these positions at a member institution of that side’s pole: "
        "Early-career researcher, Established researcher, Clinician-researcher."
    ) in text
    assert "Collaborators from outside both poles are welcome; they are not funded." in text
    assert "What to submit Project description (PDF) CVs of the leads (PDF)" in text
    assert "An abstract of at most 300 words." in text
    assert "A project description of at most 3000 words." in text
    assert "Reviewers score each criterion from 1 (lowest) to 5 (highest)" in text
    assert ("Scientific excellence 2 Feasibility 1 Value of the partnership 1") in text
    assert "Each application is read by 2 reviewers." in text


def test_detail_of_a_two_stage_call_gives_the_intent_deadline(client, world):
    Call.objects.filter(pk=world.call.pk).update(
        two_stage=True, intent_closes_at=dt.datetime(2027, 2, 1, 16, 0, tzinfo=dt.UTC)
    )
    with time_machine.travel(DURING):
        text = text_of(client.get(f"/en/calls/{world.call.pk}/"))
    assert (
        "Letters of intent close 1 February 2027, 5:00 pm (Paris) · February 1, 2027, "
        "11:00 am (Montréal) Full proposals close"
    ) in text
    assert "This call has two stages: first a letter of intent" in text


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (dt.datetime(2026, 12, 31, 12, 0, tzinfo=dt.UTC), False),
        (DURING, True),
        (dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC), False),
    ],
)
def test_apply_link_only_while_the_call_is_open(client, world, moment, shown):
    try:
        apply_url = reverse("calls:apply", args=[world.call.pk])
    except Exception:  # the application part is not there yet
        pytest.skip("calls:apply is defined by the application pages")
    with time_machine.travel(moment):
        html = client.get(f"/en/calls/{world.call.pk}/").content.decode()
    assert (f'href="{apply_url}"' in html) is shown


# --- Creating a call ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_create_is_for_pole_staff(client, world, name):
    response = visit(client, world, name, "/en/calls/new/")
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif name in FUNDING_STAFF:
        assert response.status_code == 200
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(set(ACTORS) - FUNDING_STAFF))
def test_create_post_by_others_creates_nothing(client, world, name):
    visit(client, world, name, "/en/calls/new/", "post", form_data(world))
    assert Call.objects.count() == 1


def test_create_form_shows_the_currency_next_to_each_amount(client, world):
    signed_in(client, world.staff_clara)
    text = text_of(client.get("/en/calls/new/"))
    assert (
        "Oncopole (CAD) Oncopole funds this call: Envelope in CAD: Maximum request per "
        "project side in CAD:"
    ) in text


def test_create_saves_a_draft_in_utc_with_envelopes_and_criteria(client, world):
    response = post_new_call(client, world)
    call = Call.objects.get(title_en="Joint call 2028")
    assert response["Location"] == f"/en/calls/{call.pk}/manage/"
    assert (call.status, call.opens_at, call.closes_at, call.created_by) == (
        "draft",
        dt.datetime(2028, 1, 10, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2028, 3, 31, 21, 59, tzinfo=dt.UTC),
        world.staff_clara,
    )
    assert sorted(
        (e.pole.code, e.amount, e.max_request, e.exchange_rate) for e in call.envelopes.all()
    ) == [
        ("clara", Decimal("200000.00"), Decimal("40000.00"), Decimal("1.000000")),
        ("oncopole", Decimal("300000.00"), Decimal("60000.00"), Decimal("0.680000")),
    ]
    assert list(call.criteria.values_list("name_en", "weight", "position")) == [
        ("Scientific excellence", Decimal("2.00"), 1)
    ]
    assert list(call.themes.all()) == [world.genomics]


def test_create_reads_times_in_montreal_when_asked(client, world):
    signed_in(client, world.staff_quebec)
    client.post(
        "/en/calls/new/",
        form_data(
            world,
            time_zone="America/Toronto",
            opens_at="2028-01-10T04:00",
            closes_at="2028-03-31T17:59",
        ),
    )
    call = Call.objects.get(title_en="Joint call 2028")
    assert (call.opens_at, call.closes_at) == (
        dt.datetime(2028, 1, 10, 9, 0, tzinfo=dt.UTC),
        dt.datetime(2028, 3, 31, 21, 59, tzinfo=dt.UTC),
    )


def test_create_form_of_oncopole_staff_defaults_to_montreal_time(client, world):
    signed_in(client, world.staff_quebec)
    response = client.get("/en/calls/new/")
    assert response.context["form"]["time_zone"].value() == "America/Toronto"


def test_create_is_audited(client, world):
    post_new_call(client, world)
    entry = AuditEntry.objects.get(action="calls.create")
    assert entry.changes["envelopes"] == [
        None,
        {
            "clara": {
                "amount": "200000.00",
                "max_request": "40000.00",
                "exchange_rate": "1.000000",
            },
            "oncopole": {
                "amount": "300000.00",
                "max_request": "60000.00",
                "exchange_rate": "0.680000",
            },
        },
    ]
    assert entry.changes["title_en"] == [None, "Joint call 2028"]


def test_create_refuses_closing_before_opening_and_keeps_what_was_typed(client, world):
    response = post_new_call(client, world, closes_at="2028-01-09T10:00")
    assert response.status_code == 200
    assert field_errors(response) == {
        "closes_at": [
            "The call closes on 9 January 2028, 10:00 am, before it opens (10 January 2028, "
            "10:00 am): give a closing time later than the opening time."
        ]
    }
    html = response.content.decode()
    assert 'value="2028-01-09T10:00"' in html
    assert 'value="Joint call 2028"' in html
    assert Call.objects.count() == 1


def test_create_refusal_in_french(client, world):
    response = post_new_call(client, world, language="fr", closes_at="2028-01-09T10:00")
    assert field_errors(response)["closes_at"] == [
        f"L’appel se clôt le 9 janvier 2028 à 10{NBSP}h{NBSP}00, avant son ouverture "
        f"(10 janvier 2028 à 10{NBSP}h{NBSP}00){NBSP}: donnez une clôture postérieure à "
        f"l’ouverture."
    ]


def test_create_refuses_a_time_skipped_by_the_clock_change(client, world):
    response = post_new_call(client, world, opens_at="2028-03-26T02:30")
    assert field_errors(response) == {
        "opens_at": [
            "2028-03-26 02:30 does not exist in Paris time (the clocks go forward that night): "
            "give another time."
        ]
    }


def test_create_refuses_a_request_cap_above_the_envelope(client, world):
    response = post_new_call(client, world, **{"envelope-oncopole-max_request": "350000"})
    errors = response.context["envelope_rows"].forms[1].errors
    assert errors == {
        "max_request": [
            "The maximum request (CA$350,000.00) is above the envelope (CA$300,000.00): give at "
            "most CA$300,000.00."
        ]
    }
    assert 'value="350000"' in response.content.decode()


def test_create_refuses_a_zero_exchange_rate(client, world):
    response = post_new_call(client, world, **{"envelope-oncopole-exchange_rate": "0"})
    assert response.context["envelope_rows"].forms[1].errors == {
        "exchange_rate": [
            "The exchange rate 0 is not above zero: give the value of one CAD in the currency "
            "of consolidated views, such as 0.68."
        ]
    }


def test_create_needs_two_funding_poles(client, world):
    response = post_new_call(client, world, **{"envelope-oncopole-funds": None})
    assert response.context["envelope_rows"].errors == [
        "A joint call needs at least two funding poles; 1 chosen: tick “funds this call” "
        "for each pole that funds it."
    ]
    assert Call.objects.count() == 1


def test_create_needs_the_actor_pole_among_the_funders(client, world):
    PoleFactory(code="bretagne", short_name="CGO", currency="EUR")
    response = post_new_call(
        client,
        world,
        **{
            "envelope-clara-funds": None,
            "envelope-bretagne-funds": "on",
            "envelope-bretagne-amount": "1000",
            "envelope-bretagne-max_request": "100",
            "envelope-bretagne-exchange_rate": "1",
        },
    )
    assert response.context["envelope_rows"].errors == [
        "Your pole must be one of the funding poles of the call: tick “funds this call” for CLARA."
    ]


def test_create_refuses_a_reversed_duration_range(client, world):
    response = post_new_call(client, world, max_duration_months="6")
    assert field_errors(response) == {
        "max_duration_months": [
            "The longest project (6 months) is shorter than the shortest one (12 months): give "
            "12 months or more."
        ]
    }


def test_create_refuses_a_zero_weight(client, world):
    response = post_new_call(client, world, **{"criteria-0-weight": "0"})
    assert response.context["criteria"].errors[0] == {
        "weight": ["The weight 0 is not above zero: give a weight such as 1 or 2."]
    }


def test_create_needs_a_criterion(client, world):
    response = post_new_call(
        client,
        world,
        **{"criteria-0-name_fr": "", "criteria-0-name_en": "", "criteria-0-weight": ""},
    )
    assert list(response.context["criteria"].non_form_errors()) == [
        "Give at least one evaluation criterion, with its name in French and English and its "
        "weight."
    ]


def test_two_stage_call_needs_an_intent_deadline(client, world):
    response = post_new_call(client, world, two_stage="on")
    assert field_errors(response) == {
        "intent_closes_at": ["A two-stage call needs a deadline for the letters of intent."]
    }


def test_intent_deadline_must_come_before_the_closing(client, world):
    response = post_new_call(client, world, two_stage="on", intent_closes_at="2028-04-15T12:00")
    assert field_errors(response) == {
        "intent_closes_at": [
            "The letters of intent close on 15 April 2028, 12:00 pm, not before the call closes "
            "(31 March 2028, 11:59 pm): give an earlier deadline."
        ]
    }


# --- Changing a draft call -----------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_edit_is_for_funding_pole_staff(client, world, draft, name):
    response = visit(client, world, name, f"/en/calls/{draft.pk}/edit/")
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif name in FUNDING_STAFF:
        assert response.status_code == 200
        assert DRAFT_TITLE in response.content.decode()
    else:
        assert response.status_code == 403
        assert DRAFT_TITLE not in response.content.decode()


@pytest.mark.parametrize("name", sorted(set(ACTORS) - FUNDING_STAFF))
def test_edit_post_by_others_changes_nothing(client, world, draft, name):
    visit(
        client,
        world,
        name,
        f"/en/calls/{draft.pk}/edit/",
        "post",
        edit_data(world, draft, title_en="Hijacked"),
    )
    assert Call.objects.get(pk=draft.pk).title_en == DRAFT_TITLE


def test_edit_by_staff_of_a_pole_that_does_not_fund_is_forbidden(client, world, draft):
    other = PoleFactory(code="bretagne", short_name="CGO")
    response = signed_in(client, UserFactory(role="pole_staff", pole=other)).get(
        f"/en/calls/{draft.pk}/edit/"
    )
    assert response.status_code == 403
    assert DRAFT_SECRET not in response.content.decode()


def test_edit_form_shows_times_in_the_staff_pole_zone(client, world, draft):
    signed_in(client, world.staff_quebec)
    html = client.get(f"/en/calls/{draft.pk}/edit/").content.decode()
    assert 'name="opens_at" value="2028-01-10T04:00"' in html
    assert 'name="closes_at" value="2028-03-31T17:59"' in html


def test_edit_warns_that_approvals_are_taken_back(client, world, draft):
    CallApproval.objects.create(call=draft, pole=world.clara, approved_by=world.staff_clara)
    signed_in(client, world.staff_quebec)
    text = text_of(client.get(f"/en/calls/{draft.pk}/edit/"))
    assert (
        "Saving a change takes back the approvals already given: each funding pole will "
        "have to approve the call again. Approved so far by: CLARA."
    ) in text


def test_edit_saves_and_takes_the_approvals_back(client, world, draft):
    CallApproval.objects.create(call=draft, pole=world.clara, approved_by=world.staff_clara)
    signed_in(client, world.staff_quebec)
    response = client.post(
        f"/en/calls/{draft.pk}/edit/",
        edit_data(world, draft, title_en="Joint call 2028 (oncology)"),
        follow=True,
    )
    assert "The call is saved. The approvals given before this change are taken back" in (
        text_of(response)
    )
    draft.refresh_from_db()
    assert draft.title_en == "Joint call 2028 (oncology)"
    assert CallApproval.objects.filter(call=draft).count() == 0
    assert AuditEntry.objects.get(action="calls.update").changes["approvals"] == [["clara"], []]


def test_edit_changes_envelopes_and_criteria(client, world, draft):
    signed_in(client, world.staff_clara)
    client.post(
        f"/en/calls/{draft.pk}/edit/",
        edit_data(
            world,
            draft,
            **{
                "envelope-oncopole-amount": "310000",
                "criteria-1-name_fr": "Faisabilité",
                "criteria-1-name_en": "Feasibility",
                "criteria-1-weight": "1",
            },
        ),
    )
    assert Envelope.objects.get(call=draft, pole=world.quebec).amount == Decimal("310000")
    assert list(draft.criteria.values_list("name_en", "weight")) == [
        ("Excellence", Decimal("3.00")),
        ("Feasibility", Decimal("1.00")),
    ]


def test_edit_removes_a_criterion_ticked_for_removal(client, world, draft):
    signed_in(client, world.staff_clara)
    client.post(
        f"/en/calls/{draft.pk}/edit/",
        edit_data(
            world,
            draft,
            **{
                "criteria-0-DELETE": "on",
                "criteria-1-name_fr": "Faisabilité",
                "criteria-1-name_en": "Feasibility",
                "criteria-1-weight": "1",
            },
        ),
    )
    assert list(draft.criteria.values_list("name_en", flat=True)) == ["Feasibility"]


def test_edit_of_a_published_call_is_refused(client, world):
    signed_in(client, world.staff_clara)
    response = client.post(
        f"/en/calls/{world.call.pk}/edit/",
        edit_data(world, world.call, title_en="Changed"),
        follow=True,
    )
    assert "The call is published: it can no longer be changed." in text_of(response)
    assert Call.objects.get(pk=world.call.pk).title_en == "CLARA–Oncopole joint call 2027"


# --- Approval ----------------------------------------------------------------------------


def fingerprint_on_page(client, call) -> str:
    """The fingerprint the manage page's approval form carries."""
    html = client.get(f"/en/calls/{call.pk}/manage/").content.decode()
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


@pytest.mark.parametrize("name", ACTORS)
def test_approve_is_for_funding_pole_staff(client, world, draft, name):
    response = visit(
        client,
        world,
        name,
        f"/en/calls/{draft.pk}/approve/",
        "post",
        {"fingerprint": approval_fingerprint(draft)},
    )
    approved = list(CallApproval.objects.filter(call=draft).values_list("pole__code", flat=True))
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert approved == []
    elif name in FUNDING_STAFF:
        assert response["Location"] == f"/en/calls/{draft.pk}/manage/"
        assert approved == [actor_user(world, name).pole.code]
    else:
        assert response.status_code == 403
        assert approved == []


def test_approve_by_get_is_not_allowed(client, world, draft):
    signed_in(client, world.staff_clara)
    assert client.get(f"/en/calls/{draft.pk}/approve/").status_code == 405
    assert CallApproval.objects.count() == 0


def test_approve_by_both_poles_publishes(client, world, draft):
    signed_in(client, world.staff_clara)
    client.post(
        f"/en/calls/{draft.pk}/approve/", {"fingerprint": fingerprint_on_page(client, draft)}
    )
    signed_in(client, world.staff_quebec)
    response = client.post(
        f"/en/calls/{draft.pk}/approve/",
        {"fingerprint": fingerprint_on_page(client, draft)},
        follow=True,
    )
    assert "Every funding pole has approved the call: it is published." in text_of(response)
    assert Call.objects.get(pk=draft.pk).status == "published"


def test_manage_page_approval_form_carries_the_fingerprint_of_the_call(client, world, draft):
    signed_in(client, world.staff_quebec)
    assert fingerprint_on_page(client, draft) == approval_fingerprint(draft)


def test_approval_of_a_call_changed_since_the_page_was_opened_is_refused(client, world, draft):
    signed_in(client, world.staff_quebec)
    read = fingerprint_on_page(client, draft)
    services.update_call(
        call=Call.objects.get(pk=draft.pk),
        changes={"summary_en": "Budget cut by half"},
        actor=world.staff_clara,
    )
    response = client.post(f"/en/calls/{draft.pk}/approve/", {"fingerprint": read}, follow=True)
    text = text_of(response)
    assert (
        response.redirect_chain,
        "The call changed since you opened it: read it again before approving." in text,
        "Approve the call for Oncopole" in text,
        CallApproval.objects.filter(call=draft).count(),
        Call.objects.get(pk=draft.pk).status,
    ) == ([(f"/en/calls/{draft.pk}/manage/", 302)], True, True, 0, "draft")


def test_refusal_of_a_changed_call_in_french(client, world, draft):
    signed_in(client, world.staff_quebec)
    read = fingerprint_on_page(client, draft)
    services.set_criteria(
        call=Call.objects.get(pk=draft.pk),
        criteria=[{"name_fr": "Faisabilité", "name_en": "Feasibility", "weight": Decimal("1")}],
        actor=world.staff_clara,
    )
    response = client.post(f"/fr/calls/{draft.pk}/approve/", {"fingerprint": read}, follow=True)
    assert (
        "L’appel à projets a changé depuis que vous l’avez ouvert : relisez-le avant de "
        "l’approuver."
    ) in text_of(response)
    assert CallApproval.objects.filter(call=draft).count() == 0


def test_approval_without_the_fingerprint_is_refused(client, world, draft):
    signed_in(client, world.staff_clara)
    response = client.post(f"/en/calls/{draft.pk}/approve/", follow=True)
    assert (
        "The call changed since you opened it: read it again before approving."
        in text_of(response),
        CallApproval.objects.filter(call=draft).count(),
    ) == (True, 0)


# --- The dashboard of a call -----------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_manage_is_for_managers(client, world, submitted, name):
    response = visit(client, world, name, f"/en/calls/{world.call.pk}/manage/")
    if name == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif name in MANAGERS:
        assert response.status_code == 200
        assert "2 applications in all." in text_of(response)
    else:
        assert response.status_code == 403
        assert "applications in all" not in response.content.decode()


def test_manage_counts_applications(client, world, submitted):
    signed_in(client, world.staff_clara)
    text = text_of(client.get(f"/en/calls/{world.call.pk}/manage/"))
    assert "By status Draft 1 Submitted 1 Withdrawn 0" in text
    assert "By eligibility Not checked yet 1 Eligible 1 Not eligible 0" in text
    assert (
        "By outcome No decision yet 2 Funded 0 Not funded 0 Invited to submit a full proposal 0"
    ) in text


def test_manage_shows_who_approved_and_who_is_still_to(client, world, draft):
    CallApproval.objects.create(call=draft, pole=world.clara, approved_by=world.staff_clara)
    signed_in(client, world.staff_quebec)
    text = text_of(client.get(f"/en/calls/{draft.pk}/manage/"))
    assert re.search(r"CLARA Approved by .+ on .+ Oncopole Still to approve", text)
    assert "Approve the call for Oncopole" in text


def test_manage_offers_no_approval_to_a_pole_that_approved(client, world, draft):
    CallApproval.objects.create(call=draft, pole=world.clara, approved_by=world.staff_clara)
    signed_in(client, world.staff_clara)
    assert "Approve the call for" not in text_of(client.get(f"/en/calls/{draft.pk}/manage/"))


def test_manage_by_the_site_admin_offers_neither_change_nor_approval(client, world, draft):
    signed_in(client, world.admin)
    text = text_of(client.get(f"/en/calls/{draft.pk}/manage/"))
    assert "Change the call" not in text
    assert "Approve the call for" not in text


def test_manage_in_french(client, world, draft):
    signed_in(client, world.staff_clara)
    text = text_of(client.get(f"/fr/calls/{draft.pk}/manage/"))
    assert f"Gérer {DRAFT_TITLE_FR}" in text
    assert "CLARA Approbation à donner Oncopole Approbation à donner" in text


@pytest.mark.parametrize(
    ("method", "suffix"), [("get", "manage/"), ("post", "approve/"), ("get", "edit/")]
)
def test_staff_of_a_pole_that_does_not_fund_the_call_are_forbidden(
    client, world, draft, method, suffix
):
    other = PoleFactory(code="bretagne", short_name="CGO")
    signed_in(client, UserFactory(role="pole_staff", pole=other))
    response = getattr(client, method)(f"/en/calls/{draft.pk}/{suffix}")
    assert response.status_code == 403
    assert DRAFT_TITLE not in response.content.decode()
    assert CallApproval.objects.count() == 0


def test_manage_links_to_every_part_of_the_call(client, world):
    pk = world.call.pk
    signed_in(client, world.staff_clara)
    html = client.get(f"/en/calls/{pk}/manage/").content.decode()
    parts = [
        f"/en/calls/{pk}/{part}/"
        for part in ("eligibility", "review", "ranking", "decisions", "follow-up", "exports")
    ]
    assert [url for url in parts if f'href="{url}"' in html] == parts
    assert f"/en/calls/{pk}/intents/" not in html


def test_manage_of_a_two_stage_call_links_to_the_letters_of_intent(client, world):
    world.call.two_stage = True
    world.call.intent_closes_at = world.call.opens_at + dt.timedelta(days=20)
    world.call.save()
    signed_in(client, world.staff_clara)
    html = client.get(f"/en/calls/{world.call.pk}/manage/").content.decode()
    assert f'href="/en/calls/{world.call.pk}/intents/">Letters of intent</a>' in html
