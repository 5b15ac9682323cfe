"""Pages of the follow-up: the staff's board, a project's award, a report, the downloads;
for the nine kinds of visitor with the data that could leak present."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from jumelage.calls.models import (
    Application,
    Award,
    BudgetLine,
    Instalment,
    Participant,
    Report,
    ReportSpending,
)
from jumelage.calls.services.followup import create_awards, submit_report
from tests.calls.conftest import ACTORS, assert_refused, client_as, signed_in

pytestmark = pytest.mark.django_db

START = dt.date(2027, 9, 1)
NOW = dt.datetime(2028, 11, 1, 10, 0, tzinfo=dt.UTC)  # the annual report is overdue by now
NARRATIVE = "Year one: the cohort of 120 patients was recruited in Lyon and Montréal."
STAFF = {"staff_clara", "staff_quebec", "admin"}
APPLICANTS = {"applicant", "coapplicant"}


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awarded(world, submitted):
    application = submitted.application
    application.outcome = Application.Outcome.FUNDED
    application.outcome_released_at = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    application.save()
    create_awards(application=application, starts_on=START, actor=world.staff_clara)
    return application


@pytest.fixture
def final_report(awarded):
    return Report.objects.get(application=awarded, kind="final")


@pytest.fixture
def reported(world, awarded):
    """The annual report submitted by the co-applicant."""
    report = Report.objects.get(application=awarded, kind="annual")
    return submit_report(
        report=report,
        narrative=NARRATIVE,
        spending={(world.clara.pk, "personnel"): Decimal("15000")},
        publications=["10.1038/s41586-020-2649-2"],
        students_trained=2,
        mobilities=1,
        actor=world.coapplicant,
    )


def _get(client, world, name, url):
    return client_as(client, world, name).get(url)


def _assert_shown_only_to(allowed, response, name, leaks):
    """The page with the leaks in it for the allowed visitors; refused to the others."""
    if name in allowed:
        assert response.status_code == 200
        for leak in leaks:
            assert leak in response.content.decode()
    else:
        assert_refused(response, name, leaks)


# --- permissions over the nine visitors ---------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_board_shown_to_the_staff_only(client, world, reported, name):
    url = reverse("calls:followup", args=[world.call.pk])
    response = _get(client, world, name, url)
    leaks = ["Biopsies liquides", "€42,000.00", "CA$58,000.00"]
    _assert_shown_only_to(STAFF, response, name, leaks)


@pytest.mark.parametrize("name", ACTORS)
def test_award_shown_to_applicants_and_staff(client, world, reported, name):
    url = reverse("calls:award", args=[reported.application_id])
    response = _get(client, world, name, url)
    leaks = ["€42,000.00", "CA$58,000.00", "€21,000.00"]
    _assert_shown_only_to(STAFF | APPLICANTS, response, name, leaks)


@pytest.mark.parametrize("name", ACTORS)
def test_report_shown_to_applicants_and_staff(client, world, reported, name):
    url = reverse("calls:report", args=[reported.pk])
    response = _get(client, world, name, url)
    leaks = ["cohort of 120 patients", "10.1038/s41586-020-2649-2", "€15,000.00"]
    _assert_shown_only_to(STAFF | APPLICANTS, response, name, leaks)


@pytest.mark.parametrize("name", ACTORS)
def test_exports_page_shown_to_the_staff_only(client, world, submitted, name):
    url = reverse("calls:exports", args=[world.call.pk])
    response = _get(client, world, name, url)
    link = reverse("calls:export", args=[world.call.pk, "reviews", "xlsx"])
    if name in STAFF:
        assert response.status_code == 200
        assert link in response.content.decode()
    else:
        assert_refused(response, name, [link])


@pytest.mark.parametrize("what", ["applications", "reviews", "decisions", "anonymised"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("name", sorted(set(ACTORS) - STAFF))
def test_exports_refused_to_anyone_but_the_staff(client, world, submitted, name, what, fmt):
    url = reverse("calls:export", args=[world.call.pk, what, fmt])
    response = _get(client, world, name, url)
    assert_refused(response, name, ["CONFIDENTIAL", "Hugo Lefebvre", "JC27-001"])
    assert not response.streaming


@pytest.mark.parametrize("name", sorted(STAFF))
def test_reviews_export_given_to_the_staff(client, world, submitted, name):
    response = _get(
        client, world, name, reverse("calls:export", args=[world.call.pk, "reviews", "csv"])
    )
    assert b"CONFIDENTIAL: the Lyon side" in b"".join(response.streaming_content)


def test_export_of_an_unknown_table_is_not_found(client, world, submitted):
    signed_in(client, world.staff_clara)
    assert client.get(f"/en/calls/{world.call.pk}/exports/people.csv").status_code == 404
    assert client.get(f"/en/calls/{world.call.pk}/exports/reviews.pdf").status_code == 404


def test_award_hidden_from_applicants_until_the_decision_is_released(client, world, awarded):
    Application.objects.filter(pk=awarded.pk).update(outcome_released_at=None)
    signed_in(client, world.applicant)
    response = client.get(reverse("calls:award", args=[awarded.pk]))
    assert response.status_code == 403
    assert "€42,000.00" not in response.content.decode()


# --- the board ---------------------------------------------------------------------------------


def test_board_counts_overdue_reports(client, world, awarded):
    signed_in(client, world.staff_quebec)
    response = client.get(reverse("calls:followup", args=[world.call.pk]))
    assert dict(response.context["totals"]) == {"overdue": 1, "due": 1}


def test_board_makes_the_awards(client, world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(outcome="funded")
    signed_in(client, world.staff_quebec)
    prefix = f"award-{submitted.application.pk}"
    response = client.post(
        reverse("calls:followup", args=[world.call.pk]),
        {
            "application": submitted.application.pk,
            f"{prefix}-starts_on": "2027-09-01",
            f"{prefix}-instalments": "4",
        },
    )
    assert response.status_code == 302
    assert sorted(Award.objects.values_list("pole__code", "amount", "currency")) == [
        ("clara", Decimal("42000.00"), "EUR"),
        ("oncopole", Decimal("58000.00"), "CAD"),
    ]
    assert Instalment.objects.count() == 8


def test_board_keeps_what_was_typed_on_a_bad_date(client, world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(outcome="funded")
    signed_in(client, world.staff_quebec)
    prefix = f"award-{submitted.application.pk}"
    response = client.post(
        reverse("calls:followup", args=[world.call.pk]),
        {
            "application": submitted.application.pk,
            f"{prefix}-starts_on": "1 sept",
            f"{prefix}-instalments": "3",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Give the start as a date, such as 2027-09-01." in body
    assert 'value="1 sept"' in body and 'value="3"' in body
    assert not Award.objects.exists()


def test_board_refuses_a_second_set_of_awards(client, world, awarded):
    signed_in(client, world.staff_clara)
    prefix = f"award-{awarded.pk}"
    response = client.post(
        reverse("calls:followup", args=[world.call.pk]),
        {
            "application": awarded.pk,
            f"{prefix}-starts_on": "2028-01-01",
            f"{prefix}-instalments": "2",
        },
    )
    assert "JC27-001 already has its awards: they are made once." in response.content.decode()
    assert Award.objects.count() == 2


def _funded_project(world, n: int) -> None:
    app = Application.objects.create(
        call=world.call,
        reference=f"JC27-2{n:02d}",
        title=f"Projet {n}",
        created_by=world.applicant,
        status="submitted",
        outcome="funded",
        duration_months=24,
    )
    for pole in (world.clara, world.quebec):
        Participant.objects.create(
            application=app,
            name=f"Lead {n}",
            pole=pole,
            role="lead",
            email=f"{n}-{pole.code}@example.org",
            status="confirmed",
        )
        BudgetLine.objects.create(
            application=app, pole=pole, category="personnel", amount=Decimal("1000")
        )
    if n % 2:
        create_awards(application=app, starts_on=START, actor=world.staff_clara)


def test_board_queries_do_not_grow_with_the_projects(
    client, world, awarded, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in(client, world.staff_clara)
    url = reverse("calls:followup", args=[world.call.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(8):
        _funded_project(world, n)
    with django_assert_max_num_queries(len(one)):
        response = client.get(url)
    assert len(response.context["projects"]) == 9


# --- the award page ----------------------------------------------------------------------------


def test_award_page_offers_payments_to_the_staff_of_the_side_only(client, world, awarded):
    signed_in(client, world.staff_quebec)
    response = client.get(reverse("calls:award", args=[awarded.pk]))
    paying = {
        row["award"].pole.code: [i.form is not None for i in row["instalments"]]
        for row in response.context["awards"]
    }
    assert paying == {"clara": [False, False], "oncopole": [True, True]}


def test_award_page_records_a_payment(client, world, awarded):
    instalment = Instalment.objects.filter(award__pole=world.quebec).order_by("due_on").first()
    signed_in(client, world.staff_quebec)
    response = client.post(
        reverse("calls:award", args=[awarded.pk]),
        {"instalment": instalment.pk, f"pay-{instalment.pk}-paid_on": "2027-09-05"},
    )
    assert response.status_code == 302
    instalment.refresh_from_db()
    assert instalment.paid_on == dt.date(2027, 9, 5)


def test_award_page_refuses_a_payment_from_the_other_pole(client, world, awarded):
    instalment = Instalment.objects.filter(award__pole=world.quebec).first()
    signed_in(client, world.staff_clara)
    response = client.post(
        reverse("calls:award", args=[awarded.pk]),
        {"instalment": instalment.pk, f"pay-{instalment.pk}-paid_on": "2027-09-05"},
    )
    assert response.status_code == 403
    instalment.refresh_from_db()
    assert instalment.paid_on is None


# --- the report page ---------------------------------------------------------------------------


def _report_data(world, **changes):
    data = {
        "narrative": "Progress.",
        "publications": "10.1000/abc\n",
        "students_trained": "1",
        "mobilities": "0",
        "spent_clara_personnel": "12000.50",
        "spent_oncopole_travel": "900",
    }
    data.update(changes)
    return data


def test_report_submitted_from_the_page(client, world, final_report):
    signed_in(client, world.applicant)
    response = client.post(reverse("calls:report", args=[final_report.pk]), _report_data(world))
    assert response.status_code == 302
    final_report.refresh_from_db()
    assert (final_report.status, final_report.narrative, final_report.publications) == (
        "submitted",
        "Progress.",
        ["10.1000/abc"],
    )
    assert sorted(ReportSpending.objects.values_list("pole__code", "category", "amount")) == [
        ("clara", "personnel", Decimal("12000.50")),
        ("oncopole", "travel", Decimal("900.00")),
    ]


def test_report_page_names_bad_dois_and_keeps_the_input(client, world, final_report):
    signed_in(client, world.applicant)
    response = client.post(
        reverse("calls:report", args=[final_report.pk]),
        _report_data(
            world,
            publications="10.1000/abc\nhttps://example.org/paper\n",
            narrative="Kept narrative.",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "This is not a DOI: “https://example.org/paper”. A DOI starts with 10., then a "
        "number, a slash and the rest"
    ) in body.replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x27;", "'")
    assert "Kept narrative." in body and 'value="12000.50"' in body
    final_report.refresh_from_db()
    assert final_report.status == "due"


def test_report_page_shows_spending_against_the_budget(client, world, reported):
    signed_in(client, world.staff_clara)
    response = client.get(reverse("calls:report", args=[reported.pk]))
    clara = response.context["sides"][0]
    assert [(r["category"], r["budget_text"], r["spent_text"]) for r in clara["rows"]] == [
        ("personnel", "€30,000.00", "€15,000.00"),
        ("equipment", "", ""),
        ("consumables", "€12,000.00", ""),
        ("travel and mobility", "", ""),
        ("other costs", "", ""),
    ]
    assert (clara["budget_text"], clara["spent_text"]) == ("€42,000.00", "€15,000.00")


def test_report_read_only_for_the_staff_with_accept(client, world, reported):
    signed_in(client, world.staff_quebec)
    response = client.get(reverse("calls:report", args=[reported.pk]))
    assert response.context["form"] is None
    assert "Accept the report" in response.content.decode()
    response = client.post(reverse("calls:report", args=[reported.pk]), {"action": "accept"})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == "accepted"


def test_report_cannot_be_written_by_the_staff(client, world, final_report):
    signed_in(client, world.staff_quebec)
    response = client.post(reverse("calls:report", args=[final_report.pk]), _report_data(world))
    assert response.status_code == 403
    final_report.refresh_from_db()
    assert final_report.status == "due"


def test_report_cannot_be_accepted_by_applicants(client, world, reported):
    signed_in(client, world.applicant)
    response = client.post(reverse("calls:report", args=[reported.pk]), {"action": "accept"})
    assert response.status_code == 403
    reported.refresh_from_db()
    assert reported.status == "submitted"
