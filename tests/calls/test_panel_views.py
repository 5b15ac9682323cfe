"""Panel and decision pages: who sees what (the nine kinds of visitor, with the reviewer's
name, his confidential comment and a panel note present), what the pages show and do, and a
query-count bound on the ranking."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jumelage.calls.models import Application, Decision, Envelope, FundingScenario, PanelNote
from jumelage.calls.services import panel
from tests.calls.conftest import ACTORS, client_as, signed_in
from tests.calls.conftest import assert_refused as refused_without
from tests.calls.test_panel import add_application

pytestmark = pytest.mark.django_db

STAFF = {"staff_clara", "staff_quebec", "admin"}
APPLICANTS = {"applicant", "coapplicant"}
SECRETS = ("Lefebvre", "CONFIDENTIAL", "PANEL-ONLY")


@pytest.fixture
def panelled(world, submitted):
    """The submitted application with a panel note and a computed scenario."""
    PanelNote.objects.create(
        application=submitted.application,
        author=world.staff_clara,
        text="PANEL-ONLY: fund if the envelope allows.",
    )
    scenario = panel.compute_scenario(
        call=world.call, method="line", keep_rank_order=True, actor=world.staff_clara
    )
    return scenario


def decide(world, application, clara=None, quebec=None, clara_note=""):
    """Each pole's staff record their pole's decision, when one is given."""
    if clara:
        panel.record_decision(
            application=application, outcome=clara, note=clara_note, actor=world.staff_clara
        )
    if quebec:
        panel.record_decision(
            application=application, outcome=quebec, note="", actor=world.staff_quebec
        )


def released(world, submitted):
    decide(
        world,
        submitted.application,
        clara="fund",
        quebec="fund",
        clara_note="Welcome to the programme.",
    )
    panel.release_decisions(call=world.call, actor=world.staff_clara)


def visit(client, world, name, url, method="get", **data):
    request = getattr(client_as(client, world, name), method)
    return request(url, data) if data else request(url)


def assert_refused(response, name):
    refused_without(response, name, (*SECRETS, "JC27-001"))


# -- who may see what -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_ranking_page_for_each_visitor(client, world, submitted, panelled, name):
    response = visit(client, world, name, reverse("calls:ranking", args=[world.call.pk]))
    if name in STAFF:
        body = response.content.decode()
        assert (
            response.status_code,
            "JC27-001" in body,
            "4.25" in body,
            "CONFIDENTIAL" in body,
        ) == (200, True, True, False)
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_panel_page_for_each_visitor(client, world, submitted, panelled, name):
    url = reverse("calls:panel_notes", args=[submitted.application.pk])
    response = visit(client, world, name, url)
    if name in STAFF:
        body = response.content.decode()
        assert (response.status_code, [secret in body for secret in SECRETS]) == (
            200,
            [True, True, True],
        )
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_adopting_a_scenario_for_each_visitor(client, world, submitted, panelled, name):
    url = reverse("calls:scenario_adopt", args=[panelled.pk])
    response = visit(client, world, name, url, method="post")
    panelled.refresh_from_db()
    if name in STAFF:
        assert (response.status_code, panelled.adopted) == (302, True)
    else:
        assert_refused(response, name)
        assert panelled.adopted is False


@pytest.mark.parametrize("name", ACTORS)
def test_decisions_page_for_each_visitor(client, world, submitted, panelled, name):
    response = visit(client, world, name, reverse("calls:decisions", args=[world.call.pk]))
    if name in STAFF:
        body = response.content.decode()
        assert (
            response.status_code,
            "JC27-001" in body,
            [secret in body for secret in SECRETS],
        ) == (200, True, [False] * 3)
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_letter_before_release_for_each_visitor(client, world, submitted, panelled, name):
    response = visit(client, world, name, reverse("calls:letter", args=[submitted.application.pk]))
    if name in STAFF:
        assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_letter_after_release_for_each_visitor(client, world, submitted, panelled, name):
    released(world, submitted)
    response = visit(client, world, name, reverse("calls:letter", args=[submitted.application.pk]))
    if name in STAFF | APPLICANTS:
        assert (response.status_code, response.content[:5], response["Cache-Control"],
                response["X-Content-Type-Options"], response["Content-Disposition"]) == (
            200, b"%PDF-", "private, no-store", "nosniff",
            'attachment; filename="JC27-001-decision.pdf"')
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_outcome_page_after_release_for_each_visitor(client, world, submitted, panelled, name):
    released(world, submitted)
    url = reverse("calls:outcome", args=[submitted.application.pk])
    response = visit(client, world, name, url)
    if name in STAFF | APPLICANTS:
        body = response.content.decode()
        assert (
            response.status_code,
            "Solid design; widen the cohort." in body,
            "Reviewer 1" in body,
            "Welcome to the programme." in body,
            [secret in body for secret in SECRETS],
        ) == (200, True, True, True, [False] * 3)
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_outcome_page_before_release_for_each_visitor(client, world, submitted, panelled, name):
    decide(world, submitted.application, clara="decline")
    url = reverse("calls:outcome", args=[submitted.application.pk])
    response = visit(client, world, name, url)
    if name in APPLICANTS:
        body = response.content.decode()
        assert (
            response.status_code,
            "has not been released yet" in body,
            "Solid design" in body,
            "do not fund" in body,
            [secret in body for secret in SECRETS],
        ) == (200, True, False, False, [False] * 3)
    elif name in STAFF:
        assert (response.status_code, "Preview" in response.content.decode()) == (200, True)
    else:
        assert_refused(response, name)


# -- what the pages show and do -------------------------------------------------------------


def test_ranking_page_flags_reviewers_who_disagree(client, world, submitted):
    # 5 and (2·1 + 1 + 1)/4 = 1: spread 4 above the threshold of 1.5.
    add_application(world, "JC27-030", reviews=[(5, 5, 5), (1, 1, 1)])
    body = (
        signed_in(client, world.staff_clara)
        .get(reverse("calls:ranking", args=[world.call.pk]))
        .content.decode()
    )
    assert body.count("reviewers disagree") == 1


def test_ranking_page_shows_requested_and_consolidated_amounts(client, world, submitted):
    body = (
        signed_in(client, world.staff_clara)
        .get(reverse("calls:ranking", args=[world.call.pk]))
        .content.decode()
    )
    assert (
        "CLARA: €42,000.00" in body,
        "Oncopole: CA$58,000.00" in body,
        "€81,440.00" in body,
    ) == (True, True, True)


def test_ranking_post_computes_an_optimal_scenario_without_rank_order(client, world, submitted):
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:ranking", args=[world.call.pk]), {"method": "optimal"}
    )
    scenario = FundingScenario.objects.get()
    assert (
        response.status_code,
        scenario.method,
        scenario.keep_rank_order,
        scenario.selected,
        scenario.proven_optimal,
    ) == (302, "optimal", False, [submitted.application.pk], True)


def test_ranking_post_with_an_unknown_method_names_it(client, world, submitted):
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:ranking", args=[world.call.pk]),
        {"method": "lottery", "keep_rank_order": "on"},
    )
    body = response.content.decode()
    assert (
        response.status_code,
        "“lottery” is not a method" in body,
        FundingScenario.objects.count(),
    ) == (200, True, 0)


def test_ranking_page_shows_what_each_scenario_spends(client, world, submitted, panelled):
    body = (
        signed_in(client, world.staff_clara)
        .get(reverse("calls:ranking", args=[world.call.pk]))
        .content.decode()
    )
    assert ("€42,000.00" in body, "€258,000.00" in body, "CA$392,000.00" in body) == (
        True,
        True,
        True,
    )


def count_ranking_page_queries(client, world) -> int:
    url = reverse("calls:ranking", args=[world.call.pk])
    client.get(url)  # the session and the sign-in settle on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_ranking_page_query_count_does_not_grow_with_applications(client, world, submitted):
    signed_in(client, world.staff_clara)
    panel.compute_scenario(
        call=world.call, method="line", keep_rank_order=True, actor=world.staff_clara
    )
    for i in range(2):
        add_application(world, f"JC27-1{i:02d}", reviews=[(3, 4, 5), (4, 4, 2)])
    few = count_ranking_page_queries(client, world)
    for i in range(2, 11):
        add_application(world, f"JC27-1{i:02d}", reviews=[(3, 4, 5), (4, 4, 2)])
    assert Application.objects.filter(status="submitted").count() == 12
    assert count_ranking_page_queries(client, world) == few


def test_ranking_page_query_count_bound(client, world, submitted, django_assert_max_num_queries):
    signed_in(client, world.staff_clara)
    url = reverse("calls:ranking", args=[world.call.pk])
    client.get(url)
    with django_assert_max_num_queries(20):
        client.get(url)


def test_panel_note_added_from_the_page(client, world, submitted):
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:panel_notes", args=[submitted.application.pk]),
        {"text": "Check the Montréal budget."},
    )
    assert (response.status_code, list(PanelNote.objects.values_list("text", flat=True))) == (
        302,
        ["Check the Montréal budget."],
    )


def test_empty_panel_note_gets_a_message(client, world, submitted):
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:panel_notes", args=[submitted.application.pk]), {"text": ""}
    )
    assert (
        response.status_code,
        "an empty panel note is not kept" in response.content.decode(),
        PanelNote.objects.count(),
    ) == (200, True, 0)


def test_decisions_page_offers_a_form_for_the_own_pole_only(client, world, submitted):
    body = (
        signed_in(client, world.staff_clara)
        .get(reverse("calls:decisions", args=[world.call.pk]))
        .content.decode()
    )
    assert ("Decision of CLARA" in body, "Decision of Oncopole" in body) == (True, False)


def test_site_admin_gets_no_decision_form(client, world, submitted):
    body = (
        signed_in(client, world.admin)
        .get(reverse("calls:decisions", args=[world.call.pk]))
        .content.decode()
    )
    assert "Record the decision" not in body


def test_decision_recorded_from_the_page(client, world, submitted):
    application = submitted.application
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:decisions", args=[world.call.pk]),
        {
            "application": application.pk,
            f"app-{application.pk}-outcome": "decline",
            f"app-{application.pk}-note": "Budget too high.",
        },
    )
    decision = Decision.objects.get()
    assert (response.status_code, decision.pole, decision.outcome, decision.note) == (
        302,
        world.quebec,
        "decline",
        "Budget too high.",
    )


def test_decision_without_choice_keeps_the_note_typed(client, world, submitted):
    application = submitted.application
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:decisions", args=[world.call.pk]),
        {"application": application.pk, f"app-{application.pk}-note": "Typed note kept."},
    )
    body = response.content.decode()
    assert (
        response.status_code,
        "Choose a decision" in body,
        "Typed note kept." in body,
        Decision.objects.count(),
    ) == (200, True, True, 0)


def test_release_from_the_page(client, world, submitted, django_capture_on_commit_callbacks):
    decide(world, submitted.application, clara="fund", quebec="decline")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(client, world.staff_clara).post(
            reverse("calls:decisions", args=[world.call.pk]), {"release": "1"}
        )
    submitted.application.refresh_from_db()
    assert (
        response.status_code,
        submitted.application.outcome,
        submitted.application.outcome_released_at is not None,
    ) == (302, "not_funded", True)


def test_release_refused_from_the_page_while_a_pole_has_not_decided(client, world, submitted):
    signed_in(client, world.staff_clara)
    response = client.post(
        reverse("calls:decisions", args=[world.call.pk]), {"release": "1"}, follow=True
    )
    submitted.application.refresh_from_db()
    assert ("JC27-001" in response.content.decode(), submitted.application.outcome_released_at) == (
        True,
        None,
    )


def test_not_funded_outcome_page_shows_no_amount(client, world, submitted):
    decide(world, submitted.application, clara="fund", quebec="decline")
    panel.release_decisions(call=world.call, actor=world.staff_clara)
    body = (
        signed_in(client, world.applicant)
        .get(reverse("calls:outcome", args=[submitted.application.pk]))
        .content.decode()
    )
    assert ("Outcome: not funded" in body, "42,000" in body) == (True, False)


def test_outcome_page_in_french(client, world, submitted):
    released(world, submitted)
    body = (
        signed_in(client, world.applicant)
        .get(f"/fr/calls/applications/{submitted.application.pk}/outcome/")
        .content.decode()
    )
    assert ("Résultat\u00a0: financé" in body, "Évaluateur·rice 1" in body) == (True, True)


def test_ranking_page_formats_numbers_for_french_readers(client, world, submitted):
    body = (
        signed_in(client, world.staff_clara)
        .get(f"/fr/calls/{world.call.pk}/ranking/")
        .content.decode()
    )
    assert ("4,25" in body, "42\u202f000,00\u00a0€" in body) == (True, True)


# -- the envelopes on the decisions page -----------------------------------------------------


def page_text(response) -> str:
    """The page's text without tags, spaces collapsed."""
    text = unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def test_decisions_page_shows_envelope_committed_and_remaining_per_pole(client, world, submitted):
    decide(world, submitted.application, clara="fund", quebec="decline")
    text = page_text(
        signed_in(client, world.staff_quebec).get(reverse("calls:decisions", args=[world.call.pk]))
    )
    assert (
        "Envelopes and decisions to fund Funding pole Envelope Committed by its decisions to fund "
        "Remaining CLARA €300,000.00 €42,000.00 €258,000.00 "
        "Oncopole CA$450,000.00 CA$0.00 CA$450,000.00"
    ) in text


def test_decisions_page_shows_the_envelopes_in_french(client, world, submitted):
    decide(world, submitted.application, quebec="fund")
    text = page_text(
        signed_in(client, world.staff_clara).get(f"/fr/calls/{world.call.pk}/decisions/")
    )
    assert (
        "CLARA 300\u202f000,00\u00a0€ 0,00\u00a0€ 300\u202f000,00\u00a0€ "
        "Oncopole 450\u202f000,00\u00a0$CA 58\u202f000,00\u00a0$CA 392\u202f000,00\u00a0$CA"
    ) in text


def test_decision_beyond_the_envelope_is_refused_on_the_page(client, world, submitted):
    application = submitted.application
    Envelope.objects.filter(call=world.call, pole=world.quebec).update(
        amount=Decimal("50000"), max_request=Decimal("50000")
    )
    response = signed_in(client, world.staff_quebec).post(
        reverse("calls:decisions", args=[world.call.pk]),
        {
            "application": application.pk,
            f"app-{application.pk}-outcome": "fund",
            f"app-{application.pk}-note": "Typed note kept.",
        },
    )
    text = page_text(response)
    assert (
        response.status_code,
        "Oncopole cannot fund JC27-001: its decisions to fund already commit CA$0.00, this "
        "project asks for CA$58,000.00 and the envelope is CA$50,000.00." in text,
        "Typed note kept." in text,
        Decision.objects.count(),
    ) == (200, True, True, 0)


def count_decisions_page_queries(client, world) -> int:
    url = reverse("calls:decisions", args=[world.call.pk])
    client.get(url)  # the session and the sign-in settle on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_decisions_page_query_count_does_not_grow_with_decisions_to_fund(client, world, submitted):
    Envelope.objects.filter(call=world.call).update(amount=Decimal("5000000"))
    signed_in(client, world.staff_clara)
    for i in range(2):
        decide(world, add_application(world, f"JC27-1{i:02d}", reviews=[(3, 4, 5)]), "fund", "fund")
    few = count_decisions_page_queries(client, world)
    for i in range(2, 11):
        decide(world, add_application(world, f"JC27-1{i:02d}", reviews=[(3, 4, 5)]), "fund", "fund")
    assert (
        Decision.objects.filter(outcome="fund").count(),
        count_decisions_page_queries(client, world),
    ) == (22, few)
