"""The publications a funded project reports, as the observatory knows them: the link between
what the programme funded and the co-publications between the two regions."""

import datetime as dt
from decimal import Decimal

import pytest

from jumelage.calls.models import Application, Report
from jumelage.calls.services.followup import create_awards, submit_report
from tests.calls.conftest import signed_in
from tests.observatory.conftest import fill_store

pytestmark = pytest.mark.django_db

DOIS = ["10.1000/w1", "10.1000/w3", "10.9999/not-in-the-store"]


@pytest.fixture
def report(world, submitted):
    world.clara.region_code, world.quebec.region_code = "ARA", "QC"
    world.clara.save()
    world.quebec.save()
    application = submitted.application
    Application.objects.filter(pk=application.pk).update(
        outcome="funded", outcome_released_at=dt.datetime(2027, 7, 1, tzinfo=dt.UTC))
    application.refresh_from_db()
    create_awards(application=application, starts_on=dt.date(2027, 9, 1),
                  actor=world.staff_clara)
    return submit_report(
        report=Report.objects.get(application=application, kind="annual"),
        narrative="Première année.", spending={(world.clara.pk, "personnel"): Decimal("1")},
        publications=["https://doi.org/10.1000/W1", *DOIS[1:]], students_trained=0,
        mobilities=0, actor=world.applicant)


def _items(client, report) -> list[str]:
    import re

    html = client.get(f"/en/calls/reports/{report.pk}/").content.decode()
    block = html.split('<ul class="publications">', 1)[1].split("</ul>", 1)[0]
    return [re.sub(r"<[^>]+>", "", item).strip() for item in block.split("<li>")[1:]]


def test_report_says_which_publications_are_copublications_between_the_regions(
        client, world, report, settings, tmp_path):
    fill_store(tmp_path / "observatory.duckdb")
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "observatory.duckdb"
    assert report.publications == DOIS
    signed_in(client, world.staff_clara)
    assert _items(client, report) == [
        "10.1000/w1 — Work W1 (2019). A co-publication between ARA and QC in the observatory.",
        "10.1000/w3 — Work W3 (2020). In the observatory, without addresses in both ARA and QC.",
        "10.9999/not-in-the-store — not in the observatory yet.",
    ]


def test_report_without_the_observatory_lists_the_dois_and_says_so(client, world, report):
    signed_in(client, world.staff_quebec)
    assert _items(client, report) == DOIS
    html = client.get(f"/en/calls/reports/{report.pk}/").content.decode()
    assert ("The observatory cannot be read at the moment: whether these are co-publications "
            "between the two regions is not shown.") in html
