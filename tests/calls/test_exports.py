"""Downloads of a joint call (jumelage.calls.exports through the `export` view): exact headers
and values for the `submitted` fixture in XLSX and CSV, the anonymised set, query counts."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jumelage.calls.exports import pseudonym
from jumelage.calls.models import Application, BudgetLine, Participant, Review, ReviewScore
from tests.calls.conftest import signed_in

pytestmark = pytest.mark.django_db

APPLICATIONS_HEADER = [
    "Reference",
    "Title",
    "Language",
    "Themes",
    "Lead (CLARA)",
    "Institution of the lead (CLARA)",
    "Requested by CLARA (EUR)",
    "Lead (Oncopole)",
    "Institution of the lead (Oncopole)",
    "Requested by Oncopole (CAD)",
    "Consolidated total requested (EUR)",
    "Status",
    "Eligibility",
    "Outcome",
]
REVIEWS_HEADER = [
    "Reference",
    "Reviewer",
    "Score: Scientific excellence",
    "Score: Feasibility",
    "Score: Value of the partnership",
    "Weighted score",
    "Comments for the applicants",
    "Confidential comments for the panel",
]
DECISIONS_HEADER = [
    "Reference",
    "Title",
    "Pole",
    "Decision",
    "Note for the applicants",
    "Decided on",
    "Outcome of the project",
]
ANONYMISED_HEADER = [
    "Pseudonymous id",
    "Call",
    "Year",
    "Themes",
    "Poles of the sides",
    "Institution types of the participants",
    "Poles of the participants",
    "Career stage of the lead (clara)",
    "Requested by clara (EUR)",
    "Awarded to clara (EUR)",
    "Career stage of the lead (oncopole)",
    "Requested by oncopole (CAD)",
    "Awarded to oncopole (CAD)",
    "Mean weighted score",
    "Number of reviews",
    "Outcome",
]


def _download(client, world, what, fmt, user=None):
    signed_in(client, user or world.staff_clara)
    response = client.get(reverse("calls:export", args=[world.call.pk, what, fmt]))
    assert response.status_code == 200
    if response.streaming:
        return response, b"".join(response.streaming_content)
    return response, response.content


def _xlsx_rows(content: bytes) -> list[list]:
    book = load_workbook(io.BytesIO(content))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_applications_xlsx(client, world, submitted):
    response, content = _download(client, world, "applications", "xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert _xlsx_rows(content) == [
        APPLICATIONS_HEADER,
        [
            "JC27-001",
            "Biopsies liquides et immunothérapie",
            "French",
            "Genomics and precision medicine",
            "Élise Garnier",
            "Claude Bernard University Lyon 1",
            42000,
            "Mathieu Tremblay",
            "Université de Montréal",
            58000,
            81440,
            "submitted",
            "eligible",
            "no decision yet",
        ],
    ]


def test_applications_xlsx_has_an_about_sheet(client, world, submitted):
    _response, content = _download(client, world, "applications", "xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Applications", "About"]
    assert book["About"]["A1"].value == "Call: CLARA–Oncopole joint call 2027"


def test_applications_csv(client, world, submitted):
    response, content = _download(client, world, "applications", "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert _csv_rows(content) == [
        APPLICATIONS_HEADER,
        [
            "JC27-001",
            "Biopsies liquides et immunothérapie",
            "French",
            "Genomics and precision medicine",
            "Élise Garnier",
            "Claude Bernard University Lyon 1",
            "42000.00",
            "Mathieu Tremblay",
            "Université de Montréal",
            "58000.00",
            "81440.00",
            "submitted",
            "eligible",
            "no decision yet",
        ],
    ]


def test_applications_csv_file_name(client, world, submitted):
    response, _content = _download(client, world, "applications", "csv")
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="joint-call-{world.call.pk}_applications_'
    )


def test_applications_csv_in_french(client, world, submitted):
    signed_in(client, world.staff_clara)
    response = client.get(f"/fr/calls/{world.call.pk}/exports/applications.csv")
    rows = _csv_rows(b"".join(response.streaming_content))
    assert rows[0][:3] == ["Référence", "Titre", "Langue"]


def test_csv_neutralises_formulas(client, world, submitted):
    submitted.application.title = '=HYPERLINK("http://evil")'
    submitted.application.save()
    _response, content = _download(client, world, "applications", "csv")
    assert _csv_rows(content)[1][1] == '\'=HYPERLINK("http://evil")'


def test_reviews_xlsx(client, world, submitted):
    _response, content = _download(client, world, "reviews", "xlsx")
    assert _xlsx_rows(content) == [
        REVIEWS_HEADER,
        [
            "JC27-001",
            "Hugo Lefebvre",
            5,
            4,
            3,
            4.25,
            "Solid design; widen the cohort.",
            "CONFIDENTIAL: the Lyon side looks overstretched.",
        ],
    ]


def test_reviews_csv(client, world, submitted):
    _response, content = _download(client, world, "reviews", "csv")
    assert _csv_rows(content) == [
        REVIEWS_HEADER,
        [
            "JC27-001",
            "Hugo Lefebvre",
            "5",
            "4",
            "3",
            "4.25",
            "Solid design; widen the cohort.",
            "CONFIDENTIAL: the Lyon side looks overstretched.",
        ],
    ]


def test_reviews_leave_out_a_conflicted_reviewer(client, world, submitted):
    review = Review.objects.create(
        application=submitted.application,
        reviewer=world.conflicted_person,
        status=Review.Status.SUBMITTED,
        comments_for_applicants="From a conflicted reviewer.",
    )
    for criterion in world.criteria:
        ReviewScore.objects.create(review=review, criterion=criterion, score=1)
    _response, content = _download(client, world, "reviews", "csv")
    assert [row[1] for row in _csv_rows(content)[1:]] == ["Hugo Lefebvre"]
    assert b"conflicted" not in content


def test_decisions_xlsx(client, world, submitted):
    from jumelage.calls.models import Decision

    Decision.objects.create(
        application=submitted.application,
        pole=world.quebec,
        outcome="fund",
        note="Bravo.",
        decided_by=world.staff_quebec,
    )
    Decision.objects.create(
        application=submitted.application,
        pole=world.clara,
        outcome="decline",
        decided_by=world.staff_clara,
    )
    _response, content = _download(client, world, "decisions", "xlsx")
    rows = _xlsx_rows(content)
    assert rows[0] == DECISIONS_HEADER
    assert [row[:5] + row[6:] for row in rows[1:]] == [
        [
            "JC27-001",
            "Biopsies liquides et immunothérapie",
            "CLARA",
            "do not fund",
            None,
            "no decision yet",
        ],
        [
            "JC27-001",
            "Biopsies liquides et immunothérapie",
            "Oncopole",
            "fund",
            "Bravo.",
            "no decision yet",
        ],
    ]


def _anonymised_row(client, world, fmt="csv"):
    _response, content = _download(client, world, "anonymised", fmt)
    return content, _csv_rows(content) if fmt == "csv" else _xlsx_rows(content)


def test_anonymised_csv(client, world, submitted):
    _content, rows = _anonymised_row(client, world)
    assert rows == [
        ANONYMISED_HEADER,
        [
            pseudonym(submitted.application.pk),
            str(world.call.pk),
            "2027",
            "genomics",
            "clara; oncopole",
            "university; university",
            "clara; oncopole",
            "established",
            "42000.00",
            "",
            "established",
            "58000.00",
            "",
            "4.25",
            "1",
            "pending",
        ],
    ]


def test_anonymised_holds_no_name_email_title_or_comment(client, world, submitted):
    app = submitted.application
    for fmt in ("csv", "xlsx"):
        _content, rows = _anonymised_row(client, world, fmt)
        text = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
        for leaked in [
            "Élise",
            "Garnier",
            "Mathieu",
            "Tremblay",
            "Hugo",
            "Lefebvre",
            "Chloé",
            "Bertrand",
            "Nadia",
            "Roy",
            world.applicant.email,
            world.coapplicant.email,
            "example.org",
            app.title,
            app.acronym,
            app.abstract,
            "Solid design",
            "CONFIDENTIAL",
            "biopsie",
            "Claude Bernard",
            "Montréal",
            "JC27-001",
            world.call.title_en,
        ]:
            assert leaked not in text, (fmt, leaked)


def test_anonymised_pseudonym_is_stable_across_exports(client, world, submitted):
    _content, first = _anonymised_row(client, world, "csv")
    _content, second = _anonymised_row(client, world, "xlsx")
    assert first[1][0] == second[1][0] == pseudonym(submitted.application.pk)
    assert len(first[1][0]) == 16 and first[1][0] != str(submitted.application.pk)


def test_pseudonym_depends_on_the_secret_key(settings, submitted):
    before = pseudonym(submitted.application.pk)
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert pseudonym(submitted.application.pk) != before


def _more_applications(world, count: int) -> None:
    for n in range(count):
        app = Application.objects.create(
            call=world.call,
            reference=f"JC27-1{n:02d}",
            title=f"Projet {n}",
            created_by=world.applicant,
            status=Application.Status.SUBMITTED,
            duration_months=24,
        )
        app.themes.add(world.genomics)
        for pole, institution, person in (
            (world.clara, world.lyon1, world.applicant_person),
            (world.quebec, world.udem, world.coapplicant_person),
        ):
            Participant.objects.create(
                application=app,
                person=person,
                name=person.full_name,
                email=f"{n}-{pole.code}@example.org",
                pole=pole,
                institution=institution,
                role="lead",
                status="confirmed",
            )
            BudgetLine.objects.create(
                application=app, pole=pole, category="personnel", amount=Decimal("1000")
            )
        review = Review.objects.create(
            application=app, reviewer=world.reviewer_person, status=Review.Status.SUBMITTED
        )
        for criterion in world.criteria:
            ReviewScore.objects.create(review=review, criterion=criterion, score=3)


def _queries_and_rows(client, url, fmt) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = _csv_rows(content) if fmt == "csv" else _xlsx_rows(content)
    return len(queries), len(rows) - 1


@pytest.mark.parametrize("what", ["applications", "reviews", "anonymised"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_queries_do_not_grow_with_the_applications(
    client, world, submitted, django_assert_max_num_queries, what, fmt
):
    signed_in(client, world.staff_clara)
    url = reverse("calls:export", args=[world.call.pk, what, fmt])
    queries_for_one, rows = _queries_and_rows(client, url, fmt)
    assert rows == 1
    _more_applications(world, 12)
    with django_assert_max_num_queries(queries_for_one):
        _queries, rows = _queries_and_rows(client, url, fmt)
    assert rows == 13


def test_anonymised_rows_follow_the_pseudonyms_not_the_references(client, world, submitted):
    _more_applications(world, 6)
    _content, rows = _anonymised_row(client, world)
    by_reference = [pseudonym(pk) for pk in Application.objects.filter(
        call=world.call).exclude(status="draft").order_by("reference").values_list(
            "pk", flat=True)]
    assert [row[0] for row in rows[1:]] == sorted(by_reference)
    assert sorted(by_reference) != by_reference  # the two orders differ on this data
