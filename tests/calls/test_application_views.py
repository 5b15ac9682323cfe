"""Pages of applications: the nine kinds of visitor on every view with the data that could leak
present, the step forms (nothing typed is lost), conflicts between co-applicants, the deadline,
submission and the list's query count."""

import datetime as dt
import json
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse

from jumelage.calls.models import Application, Attachment, Participant, Receipt
from jumelage.calls.services import applications as services
from tests.calls.conftest import ACTORS, DURING, client_as, invite_coapplicant, signed_in
from tests.calls.test_applications import (
    EXE,
    complete,
    pdf_bytes,
    started,
    upload,
)

pytestmark = pytest.mark.django_db

SECRET_PDF = pdf_bytes(1, text="SECRET-ATTACHMENT-BYTES")
ABSTRACT = "Un résumé confidentiel du projet BLIM."  # the `submitted` fixture's abstract
DRAFT_ABSTRACT = "Brouillon."  # Nadia Roy's draft
VIEWERS = {"applicant", "coapplicant", "reviewer", "staff_clara", "staff_quebec", "admin"}
OUTCOME_VIEWERS = {"applicant", "coapplicant", "staff_clara", "staff_quebec", "admin"}


def url(name, *args, lang="en"):
    return f"/{lang}" + reverse(name, args=args)[3:]


@pytest.fixture
def files(world, submitted):
    """A private attachment and a receipt on the submitted application."""
    attachment = Attachment(
        application=submitted.application,
        kind="proposal",
        original_name="projet-blim.pdf",
        size=len(SECRET_PDF),
        pages=1,
        sha256="0" * 64,
        uploaded_by=world.applicant,
    )
    attachment.file.save("x.pdf", ContentFile(SECRET_PDF), save=True)
    receipt = Receipt(
        application=submitted.application,
        stage="full",
        submitted_at=submitted.application.submitted_at,
        submitted_by=world.applicant,
        content_hash="a" * 64,
    )
    receipt.pdf.save("r.pdf", ContentFile(b"%PDF-1.7 RECEIPT-BYTES"), save=True)
    return attachment, receipt


def body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- Permissions over the nine kinds of visitor ----------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_overview_shows_the_application_only_to_those_allowed(
    client, world, submitted, files, name
):
    response = client_as(client, world, name).get(
        url("calls:application", submitted.application.pk)
    )
    content = body(response).decode()
    if name in VIEWERS:
        assert response.status_code == 200
        assert ABSTRACT in content
        assert "projet-blim.pdf" in content
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert ABSTRACT not in content
        assert "projet-blim.pdf" not in content
        assert "BLIM" not in content


@pytest.mark.parametrize("name", ACTORS)
def test_overview_shows_receipts_only_to_applicants_and_staff(
    client, world, submitted, files, name
):
    response = client_as(client, world, name).get(
        url("calls:application", submitted.application.pk)
    )
    assert ("a" * 64 in body(response).decode()) is (name in OUTCOME_VIEWERS)


@pytest.mark.parametrize("name", ACTORS)
def test_attachment_is_served_only_to_those_allowed(client, world, submitted, files, name):
    attachment, _receipt = files
    response = client_as(client, world, name).get(url("calls:attachment", attachment.pk))
    data = body(response)
    if name in VIEWERS:
        assert response.status_code == 200
        assert data == SECRET_PDF
        assert response["Content-Disposition"] == 'attachment; filename="projet-blim.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "application/pdf"
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert data != SECRET_PDF and b"SECRET" not in data


@pytest.mark.parametrize("name", ACTORS)
def test_receipt_is_served_only_to_applicants_and_staff(client, world, submitted, files, name):
    _attachment, receipt = files
    response = client_as(client, world, name).get(
        url("calls:receipt", submitted.application.pk, receipt.pk)
    )
    data = body(response)
    if name in OUTCOME_VIEWERS:
        assert response.status_code == 200
        assert data == b"%PDF-1.7 RECEIPT-BYTES"
        assert response["Content-Disposition"] == 'attachment; filename="JC27-001-receipt.pdf"'
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert b"RECEIPT-BYTES" not in data


@pytest.mark.parametrize("step", services.STEPS)
@pytest.mark.parametrize("name", ACTORS)
def test_steps_of_a_draft_only_for_its_applicants(client, world, submitted, name, step):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).get(
            url("calls:application_step", submitted.other.pk, step)
        )
    content = response.content.decode()
    if name == "other_applicant":
        assert response.status_code == 200
        assert "JC27-002" in content
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert DRAFT_ABSTRACT not in content
        assert "Projet de Nadia Roy" not in content


@pytest.mark.parametrize("name", ACTORS)
def test_steps_of_a_submitted_application_are_closed_to_everyone(client, world, submitted, name):
    response = client_as(client, world, name).get(
        url("calls:application_step", submitted.application.pk, "project")
    )
    content = response.content.decode()
    if name in VIEWERS:
        assert response.status_code == 302
        assert response["Location"] == url("calls:application", submitted.application.pk)
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert ABSTRACT not in content
    if name == "anonymous":
        assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("name", ACTORS)
def test_autosave_only_for_the_applicants_of_the_draft(client, world, submitted, name):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).post(
            url("calls:application_autosave", submitted.other.pk),
            {"version": 1, "abstract": "Écrasé ?"},
        )
    submitted.other.refresh_from_db()
    if name == "other_applicant":
        assert response.status_code == 200
        assert response.json()["version"] == 2
        assert submitted.other.abstract == "Écrasé ?"
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert submitted.other.abstract == DRAFT_ABSTRACT
        assert DRAFT_ABSTRACT not in response.content.decode()


@pytest.mark.parametrize("name", ACTORS)
def test_submit_only_by_the_applicants_of_the_draft(client, world, submitted, name):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).post(url("calls:submit", submitted.other.pk))
    content = response.content.decode()
    submitted.other.refresh_from_db()
    assert submitted.other.status == "draft"
    if name == "other_applicant":
        assert response.status_code == 400  # incomplete: the list of what is missing
        assert "The Oncopole side has no confirmed lead." in content
    elif name in ("staff_clara", "staff_quebec", "admin"):
        assert response.status_code == 403
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert DRAFT_ABSTRACT not in content


@pytest.mark.parametrize("name", ACTORS)
def test_my_applications_lists_only_ones_own(client, world, submitted, name):
    response = client_as(client, world, name).get(url("calls:my_applications"))
    content = response.content.decode()
    if name == "anonymous":
        assert response.status_code == 302
        return
    assert response.status_code == 200
    assert ("JC27-001" in content) is (name in ("applicant", "coapplicant"))
    assert ("JC27-002" in content) is (name == "other_applicant")
    assert ABSTRACT not in content


@pytest.mark.parametrize("name", ACTORS)
def test_apply_page_asks_for_confirmation(client, world, name):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).get(url("calls:apply", world.call.pk))
    if name == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == 200
        assert "Start an application" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("name", ACTORS)
def test_invitation_page_shows_no_content_of_the_application(client, world, submitted, name):
    participant = Participant.objects.create(
        application=submitted.application,
        name="Invitée",
        email="invitee@example.org",
        pole=world.clara,
        role="co_applicant",
    )
    response = client_as(client, world, name).get(url("calls:invitation", participant.token))
    content = response.content.decode()
    assert response.status_code == (302 if name == "anonymous" else 200)
    assert ABSTRACT not in content
    # Nobody here holds the invited address: not even the title or the creator shows.
    assert "Biopsies liquides" not in content
    assert "Élise Garnier" not in content
    assert ("i…@example.org" in content) == (name != "anonymous")


def test_unknown_invitation_token_is_not_found(client, world):
    response = signed_in(client, world.coapplicant).get(url("calls:invitation", "nope"))
    assert response.status_code == 404


# --- Starting and the project step -----------------------------------------------------


def test_apply_post_starts_and_goes_to_the_first_step(client, world):
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(url("calls:apply", world.call.pk))
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("calls:application_step", application.pk, "project")


def test_project_step_keeps_everything_on_a_validation_error(client, world):
    application = started(world)
    long_abstract = " ".join(["mot"] * 305)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "project"),
            {
                "version": 1,
                "title": "Mon titre",
                "language": "fr",
                "abstract": long_abstract,
                "description": "Une description.",
                "duration_months": "vingt-quatre",
            },
        )
    content = response.content.decode()
    assert response.status_code == 400
    assert long_abstract in content
    assert 'value="vingt-quatre"' in content
    assert "305 words: the call accepts at most 300. Your text is saved" in content
    assert "Give the duration as a whole number of months, such as 24." in content
    application.refresh_from_db()
    assert (
        application.title,
        application.abstract,
        application.description,
        application.version,
    ) == ("Mon titre", long_abstract, "Une description.", 2)
    assert 'name="version" value="2"' in content


def test_project_step_saves_and_moves_on(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "project"),
            {
                "version": 1,
                "title": "Mon titre",
                "language": "en",
                "abstract": "Short.",
                "description": "Long.",
                "duration_months": "24",
                "keywords": "a, b",
                "themes": [world.genomics.pk],
            },
        )
    assert response.status_code == 302
    assert response["Location"] == url("calls:application_step", application.pk, "consortium")
    application.refresh_from_db()
    assert (application.keywords, list(application.themes.all()), application.language) == (
        ["a", "b"],
        [world.genomics],
        "en",
    )


def test_stale_version_shows_both_texts_and_keeps_mine(client, world):
    application = complete(world)
    version = application.version
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application,
            version=version,
            changes={"abstract": "Le texte de Mathieu."},
            actor=world.coapplicant,
        )
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "project"),
            {
                "version": version,
                "title": "Biopsies liquides",
                "language": "fr",
                "abstract": "Le texte d’Élise.",
                "description": "Trois volets complémentaires.",
                "duration_months": "24",
            },
        )
    content = response.content.decode()
    assert response.status_code == 409
    assert "Saved by Mathieu Tremblay:" in content
    assert "Le texte de Mathieu." in content
    assert content.count("Le texte d’Élise.") == 2  # in the comparison and in the form
    assert f'name="version" value="{version + 1}"' in content
    application.refresh_from_db()
    assert application.abstract == "Le texte de Mathieu."


def test_autosave_conflict_returns_the_current_values(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application,
            version=1,
            changes={"abstract": "Déjà enregistré."},
            actor=world.applicant,
        )
        response = signed_in(client, world.applicant).post(
            url("calls:application_autosave", application.pk),
            {"version": 1, "abstract": "Autre onglet."},
        )
    assert response.status_code == 409
    answer = response.json()
    assert (answer["version"], answer["current"]["abstract"], answer["changed_by"]) == (
        2,
        "Déjà enregistré.",
        {"abstract": "Élise Garnier"},
    )


def test_autosave_saves_only_the_fields_sent(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application, version=1, changes={"title": "Garde"}, actor=world.applicant
        )
        response = signed_in(client, world.applicant).post(
            url("calls:application_autosave", application.pk),
            {"version": 2, "abstract": "Nouveau résumé."},
        )
    application.refresh_from_db()
    assert response.json()["version"] == 3
    assert (application.title, application.abstract) == ("Garde", "Nouveau résumé.")


def test_step_post_after_the_deadline_keeps_the_typed_text(client, world):
    application = complete(world)
    with time_machine.travel(dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC), tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "project"),
            {
                "version": application.version,
                "title": "Biopsies liquides",
                "language": "fr",
                "abstract": "Tapé trop tard.",
                "description": "D",
                "duration_months": "24",
            },
        )
    content = response.content.decode()
    assert response.status_code == 400
    assert "The call closed on 31 March 2027, 9:59 pm (UTC, server time)" in content
    assert "Tapé trop tard." in content


# --- Budget and documents --------------------------------------------------------------


def test_budget_step_over_the_cap_shows_the_message_and_keeps_the_amounts(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "budget"),
            {
                "version": 1,
                "clara-personnel": "45000",
                "clara-equipment": "6000",
                "oncopole-personnel": "12000",
            },
        )
    content = response.content.decode()
    assert response.status_code == 400
    assert (
        "The CLARA side asks for €51,000.00 in total, above the cap of €50,000.00 per "
        "side: lower its total to €50,000.00 or less."
    ) in content
    assert 'value="45000"' in content and 'value="6000"' in content
    assert list(application.budget_lines.values_list("pole__code", "amount")) == [
        ("oncopole", Decimal("12000.00"))
    ]


def test_documents_step_refuses_a_renamed_executable(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "documents"),
            {"kind": "proposal", "file": upload("x.pdf", EXE)},
        )
    assert response.status_code == 400
    assert (
        "“x.pdf” is not a PDF: its content is application/x-msdownload (.exe)."
        in response.content.decode()
    )
    assert application.attachments.count() == 0


def test_documents_step_stores_a_pdf(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_step", application.pk, "documents"),
            {"kind": "proposal", "file": upload("projet.pdf", pdf_bytes(2))},
        )
    assert response.status_code == 302
    assert list(application.attachments.values_list("original_name", "pages")) == [
        ("projet.pdf", 2)
    ]


def test_invitation_accepted_through_the_page(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        invited = invite_coapplicant(world, application)
        response = signed_in(client, world.coapplicant).post(
            url("calls:invitation", invited.token), {"answer": "accept"}
        )
    invited.refresh_from_db()
    assert response.status_code == 302
    assert (invited.status, invited.person) == ("confirmed", world.coapplicant_person)


# --- Submission ------------------------------------------------------------------------


def test_double_submission_through_the_page_is_idempotent(
    client, world, django_capture_on_commit_callbacks
):
    application = complete(world)
    with time_machine.travel(DURING, tick=False):
        browser = signed_in(client, world.applicant)
        with django_capture_on_commit_callbacks(execute=True):
            first = browser.post(url("calls:submit", application.pk))
        with django_capture_on_commit_callbacks(execute=True):
            second = browser.post(url("calls:submit", application.pk))
    receipt = Receipt.objects.get()
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"]
        == second["Location"]
        == (url("calls:application", application.pk) + f"#receipt-{receipt.pk}")
    )
    assert len(mail.outbox) == 1


def test_submission_after_the_deadline_is_refused_on_the_page(client, world):
    application = complete(world)
    with time_machine.travel(dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC), tick=False):
        response = signed_in(client, world.applicant).post(url("calls:submit", application.pk))
    assert response.status_code == 400
    assert (
        "The call closed on 31 March 2027, 9:59 pm (UTC, server time)" in response.content.decode()
    )
    application.refresh_from_db()
    assert application.status == "draft"


# --- Query count -----------------------------------------------------------------------


def test_my_applications_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    with time_machine.travel(DURING, tick=False):
        for _ in range(12):
            services.start_application(call=world.call, actor=world.applicant)
    for n in range(5):
        Participant.objects.create(
            application=Application.objects.first(),
            name=f"Invité {n}",
            email=world.applicant.email.replace("@", f"+{n}@"),
            pole=world.quebec,
            role="co_applicant",
        )
    browser = signed_in(client, world.applicant)
    with django_assert_max_num_queries(8):
        response = browser.get(url("calls:my_applications"))
    assert response.content.decode().count("JC27-0") == 12


def test_autosave_answers_json(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_autosave", application.pk), {"version": 1, "title": "T"}
        )
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content)["version"] == 2


def test_autosave_accepts_json(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).post(
            url("calls:application_autosave", application.pk),
            {"version": 1, "abstract": "En JSON.", "themes": [world.genomics.pk]},
            content_type="application/json",
        )
    application.refresh_from_db()
    assert response.json()["version"] == 2
    assert (application.abstract, list(application.themes.all())) == ("En JSON.", [world.genomics])
