"""Services of applications: start, drafts with optimistic concurrency, consortium, budget per
side, submission with a receipt, amendments and withdrawal. Real database, real files, real
PDFs; only the clock is moved."""

import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from jumelage.calls.models import Application, Call, Receipt
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import StaleDraft
from jumelage.core.models import AuditEntry
from tests.calls.conftest import (
    CLOSES,
    DURING,
    OPENS,
    add_pdf,
    invite_coapplicant,
    pdf_bytes,
    upload,
)

__all__ = ["ABSTRACT", "ELF", "EXE", "complete", "pdf_bytes", "started", "upload"]

pytestmark = pytest.mark.django_db


ABSTRACT = "Des biopsies liquides pour suivre l’immunothérapie des cancers du poumon."


# A Windows executable (MZ header pointing to a PE header) and a Linux one, named .pdf.
EXE = b"MZ" + b"\x90\x00" * 29 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120


def started(world) -> Application:
    with time_machine.travel(DURING, tick=False):
        return services.start_application(call=world.call, actor=world.applicant)


def complete(world) -> Application:
    """A draft that lacks nothing: both leads confirmed, text, budget, documents."""
    with time_machine.travel(DURING, tick=False):
        application = services.start_application(call=world.call, actor=world.applicant)
        invited = invite_coapplicant(world, application)
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
        application = services.save_draft(
            application=application,
            version=application.version,
            actor=world.applicant,
            changes={
                "title": "Biopsies liquides",
                "abstract": ABSTRACT,
                "description": "Trois volets complémentaires.",
                "duration_months": 24,
                "keywords": ["biopsie liquide"],
                "themes": [world.genomics.pk],
            },
        )
        application = services.set_budget(
            application=application,
            pole=world.clara,
            version=application.version,
            lines={"personnel": Decimal("30000"), "consumables": Decimal("12000")},
            actor=world.applicant,
        )
        application = services.set_budget(
            application=application,
            pole=world.quebec,
            version=application.version,
            lines={"personnel": Decimal("50000")},
            actor=world.coapplicant,
        )
        add_pdf(
            application,
            actor=world.applicant,
            kind="proposal",
            name="projet.pdf",
            data=pdf_bytes(3),
        )
        add_pdf(application, actor=world.applicant, data=pdf_bytes(2))
    application.refresh_from_db()
    return application


# --- Start -----------------------------------------------------------------------------


def test_start_before_opening_is_refused(world):
    with (
        time_machine.travel(OPENS - dt.timedelta(minutes=1), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        services.start_application(call=world.call, actor=world.applicant)
    assert exc.value.messages == [
        "The call is not open yet: applications open on 1 January 2027, 9:00 am (UTC)."
    ]
    assert not Application.objects.exists()


def test_start_in_a_call_in_review_is_refused_as_closed(world):
    world.call.status = Call.Status.REVIEW
    world.call.save()
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.start_application(call=world.call, actor=world.applicant)
    assert exc.value.messages == [
        "The call closed on 31 March 2027, 9:59 pm (UTC, server time): the application can "
        "no longer be changed or submitted. Your draft is kept."
    ]
    assert not Application.objects.exists()


def test_start_after_closing_is_refused(world):
    with time_machine.travel(CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.start_application(call=world.call, actor=world.applicant)
    assert exc.value.code == "closed"
    assert not Application.objects.exists()


def test_start_makes_the_creator_lead_of_their_side(world):
    application = started(world)
    assert (application.reference, application.stage, application.status, application.version) == (
        "JC27-001",
        "full",
        "draft",
        1,
    )
    lead = application.participants.get()
    assert (lead.person, lead.pole, lead.institution, lead.role, lead.status) == (
        world.applicant_person,
        world.clara,
        world.lyon1,
        "lead",
        "confirmed",
    )


def test_start_numbers_references_after_existing_ones(world, submitted):
    assert started(world).reference == "JC27-003"


def test_start_without_affiliation_at_a_funding_pole_adds_no_lead(world):
    with time_machine.travel(DURING, tick=False):
        application = services.start_application(call=world.call, actor=world.reviewer)
    assert application.participants.count() == 0


def test_start_of_a_two_stage_call_is_a_letter_of_intent(world):
    Call.objects.filter(pk=world.call.pk).update(
        two_stage=True, intent_closes_at=dt.datetime(2027, 2, 1, 12, 0, tzinfo=dt.UTC)
    )
    world.call.refresh_from_db()
    with time_machine.travel(dt.datetime(2027, 1, 15, tzinfo=dt.UTC), tick=False):
        application = services.start_application(call=world.call, actor=world.applicant)
    assert application.stage == "intent"


# --- Draft -----------------------------------------------------------------------------


def test_save_draft_accepts_text_over_the_word_limit(world):
    application = started(world)
    long_abstract = " ".join(["mot"] * 301)
    with time_machine.travel(DURING, tick=False):
        saved = services.save_draft(
            application=application,
            changes={"abstract": long_abstract},
            version=1,
            actor=world.applicant,
        )
    saved.refresh_from_db()
    assert (saved.abstract, saved.version) == (long_abstract, 2)


def test_save_draft_is_audited_without_the_applicants_text(world):
    """The site admin reads the audit log; a draft is the applicants' own: the log keeps the
    length and a fingerprint of the text, not the text."""
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application, changes={"title": "Titre", "duration_months": 24},
            version=1, actor=world.applicant
        )
    entry = AuditEntry.objects.get(action="calls.application.save_draft")
    digest = hashlib.sha256(b"Titre").hexdigest()[:12]
    assert entry.changes == {"title": ["", f"5 characters, sha256 {digest}…"],
                             "duration_months": [None, 24], "version": [1, 2]}


def test_a_description_beyond_the_limit_is_refused_with_its_length(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.save_draft(application=application, changes={"description": "x" * 100_001},
                            version=1, actor=world.applicant)
    assert exc.value.message_dict == {
        "description": ["100001 characters: at most 100000 are accepted."]}


def test_save_draft_from_an_old_version_is_refused_with_the_current_text(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        invited = invite_coapplicant(world, application)
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
        services.save_draft(
            application=application,
            changes={"abstract": "Texte de Mathieu."},
            version=1,
            actor=world.coapplicant,
        )
        with pytest.raises(StaleDraft) as exc:
            services.save_draft(
                application=application,
                changes={"abstract": "Texte d’Élise."},
                version=1,
                actor=world.applicant,
            )
    assert exc.value.current["abstract"] == "Texte de Mathieu."
    assert exc.value.changed_by == {"abstract": "Mathieu Tremblay"}
    assert exc.value.version == 2
    application.refresh_from_db()
    assert application.abstract == "Texte de Mathieu."


def test_save_draft_by_another_applicant_is_forbidden(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(PermissionDenied):
        services.save_draft(
            application=application,
            changes={"title": "Pirate"},
            version=1,
            actor=world.other_applicant,
        )


# --- Consortium ------------------------------------------------------------------------


def test_invitation_mails_a_link(world, django_capture_on_commit_callbacks):
    application = started(world)
    with time_machine.travel(DURING, tick=False), django_capture_on_commit_callbacks(execute=True):
        invited = services.invite_participant(
            application=application,
            name="Mathieu Tremblay",
            email="Mathieu@Example.org",
            pole=world.quebec,
            institution=world.udem,
            role="lead",
            actor=world.applicant,
            site_url="https://jumelage.example.org",
        )
    assert [m.to for m in mail.outbox] == [["mathieu@example.org"]]
    assert (
        f"https://jumelage.example.org/en/calls/invitations/{invited.token}/" in mail.outbox[0].body
    )


def test_second_lead_for_a_side_is_refused(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.invite_participant(
            application=application,
            name="Autre",
            email="autre@example.org",
            pole=world.clara,
            institution=world.lyon1,
            role="lead",
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "role": [
            "The CLARA side already has a lead: invite this person as a co-applicant, or remove "
            "the current lead first."
        ]
    }


def test_accepting_without_a_person_creates_one(world):
    from tests.factories import UserFactory

    newcomer = UserFactory(first_name="Ana", last_name="Silva", email="ana@example.org")
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        invited = services.invite_participant(
            application=application,
            name="Ana Silva",
            email="ana@example.org",
            pole=None,
            institution=world.karolinska,
            role="collaborator",
            actor=world.applicant,
        )
        services.respond_to_invitation(participant=invited, accept=True, user=newcomer)
    invited.refresh_from_db()
    assert (invited.status, invited.person.user, invited.person.full_name) == (
        "confirmed",
        newcomer,
        "Ana Silva",
    )


def test_declining_leaves_no_access(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        invited = invite_coapplicant(world, application)
        services.respond_to_invitation(participant=invited, accept=False, user=world.coapplicant)
    assert not world.coapplicant.has_perm("calls.view_application", application)


# --- Budget ----------------------------------------------------------------------------


def test_budget_over_the_cap_gets_an_exact_message(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.set_budget(
            application=application,
            pole=world.clara,
            version=1,
            lines={"personnel": "40000", "equipment": "10000.01"},
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "total": [
            "The CLARA side asks for €50,000.01 in total, above the cap of €50,000.00 per side: "
            "lower its total to €50,000.00 or less."
        ]
    }
    assert application.budget_lines.count() == 0


def test_budget_over_the_cap_in_canadian_dollars(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.set_budget(
            application=application,
            pole=world.quebec,
            version=1,
            lines={"personnel": "80000"},
            actor=world.applicant,
        )
    assert exc.value.message_dict["total"] == [
        "The Oncopole side asks for CA$80,000.00 in total, above the cap of CA$75,000.00 per "
        "side: lower its total to CA$75,000.00 or less."
    ]


def test_budget_negative_amount_is_refused_on_its_field(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.set_budget(
            application=application,
            pole=world.clara,
            version=1,
            lines={"travel": "-5"},
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "travel": ["-€5.00 is negative: give an amount of zero or more."]
    }


def test_budget_for_a_pole_that_does_not_fund_the_call_is_refused(world):
    from tests.factories import PoleFactory

    elsewhere = PoleFactory(code="nordic", short_name="Nordic", currency="SEK")
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.set_budget(
            application=application,
            pole=elsewhere,
            version=1,
            lines={"travel": "5"},
            actor=world.applicant,
        )
    assert list(exc.value.message_dict) == ["pole"]


def test_budget_is_saved_per_side_and_bumps_the_version(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        saved = services.set_budget(
            application=application,
            pole=world.clara,
            version=1,
            lines={"personnel": "30000", "travel": "1 500,50"},
            actor=world.applicant,
        )
    assert saved.version == 2
    assert sorted(saved.budget_lines.values_list("category", "amount")) == [
        ("personnel", Decimal("30000.00")),
        ("travel", Decimal("1500.50")),
    ]


# --- Submission ------------------------------------------------------------------------


def test_submission_lists_what_is_missing_with_its_step(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application,
            version=1,
            actor=world.applicant,
            changes={
                "title": "T",
                "abstract": " ".join(["mot"] * 301),
                "description": "D",
                "duration_months": 48,
            },
        )
        with pytest.raises(ValidationError) as exc:
            services.submit_application(application=application, actor=world.applicant)
    assert exc.value.messages == [
        "Project: The abstract has 301 words: the call accepts at most 300.",
        "Project: The project lasts 48 months: the call accepts 12 to 36 months.",
        "Consortium: The Oncopole side has no confirmed lead.",
        "Budget: The CLARA side has no budget.",
        "Budget: The Oncopole side has no budget.",
        "Documents: The document “project description” is missing.",
        "Documents: The document “CVs of the leads” is missing.",
    ]
    application.refresh_from_db()
    assert application.status == "draft"


def test_deadline_passing_during_an_edit_keeps_the_draft_and_refuses(world):
    application = complete(world)
    with time_machine.travel(dt.datetime(2027, 3, 31, 21, 58, tzinfo=dt.UTC), tick=False):
        services.save_draft(
            application=application,
            version=application.version,
            changes={"abstract": "Dernière version du résumé."},
            actor=world.applicant,
        )
    with (
        time_machine.travel(dt.datetime(2027, 3, 31, 22, 0, tzinfo=dt.UTC), tick=False),
        pytest.raises(ValidationError) as exc,
    ):
        services.submit_application(application=application, actor=world.applicant)
    assert exc.value.messages == [
        "The call closed on 31 March 2027, 9:59 pm (UTC, server time): the application can no "
        "longer be changed or submitted. Your draft is kept."
    ]
    application.refresh_from_db()
    assert (application.status, application.abstract) == ("draft", "Dernière version du résumé.")
    assert not Receipt.objects.exists()


def test_double_submission_gives_one_receipt_and_one_email(
    world, django_capture_on_commit_callbacks
):
    application = complete(world)
    with time_machine.travel(DURING, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = services.submit_application(application=application, actor=world.applicant)
        with django_capture_on_commit_callbacks(execute=True):
            second = services.submit_application(application=application, actor=world.coapplicant)
    assert first.pk == second.pk
    assert Receipt.objects.count() == 1
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == sorted([world.applicant.email, world.coapplicant.email])
    ((name, content, mimetype),) = mail.outbox[0].attachments
    assert (name, mimetype, content[:4]) == ("JC27-001-receipt.pdf", "application/pdf", b"%PDF")


def test_submission_records_server_time_and_content_hash(world):
    application = complete(world)
    with time_machine.travel(DURING, tick=False):
        receipt = services.submit_application(application=application, actor=world.applicant)
    application.refresh_from_db()
    assert (receipt.submitted_at, application.submitted_at, application.status) == (
        DURING,
        DURING,
        "submitted",
    )
    assert receipt.content_hash == services.content_hash(application)
    assert AuditEntry.objects.filter(action="calls.application.submit").count() == 1


def test_content_hash_is_stable(world):
    application = complete(world)
    assert services.content_hash(application) == services.content_hash(
        Application.objects.get(pk=application.pk)
    )


def test_content_hash_changes_with_the_content(world):
    application = complete(world)
    before = services.content_hash(application)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application,
            version=application.version,
            changes={"abstract": ABSTRACT + " Fin."},
            actor=world.applicant,
        )
    application.refresh_from_db()
    assert services.content_hash(application) != before


def test_content_hash_changes_with_an_attachment(world):
    application = complete(world)
    before = services.content_hash(application)
    with time_machine.travel(DURING, tick=False):
        add_pdf(application, actor=world.applicant, kind="support", name="lettre.pdf")
    assert services.content_hash(application) != before


def test_receipt_pdf_is_a_real_pdf_naming_the_reference(world):
    application = complete(world)
    with time_machine.travel(DURING, tick=False):
        receipt = services.submit_application(application=application, actor=world.applicant)
    with receipt.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "JC27-001" in text
    assert receipt.content_hash in text.replace("\n", "")


def test_submitted_application_can_no_longer_be_edited(world):
    application = complete(world)
    with time_machine.travel(DURING, tick=False):
        services.submit_application(application=application, actor=world.applicant)
        with pytest.raises(PermissionDenied):
            services.save_draft(
                application=application,
                version=application.version + 1,
                changes={"title": "Changé"},
                actor=world.applicant,
            )


# --- Amendment and withdrawal ----------------------------------------------------------


def test_staff_amendment_is_audited_with_its_justification(world, submitted):
    services.amend_application(
        application=submitted.application,
        actor=world.staff_quebec,
        changes={"acronym": "BLIM-2"},
        version=1,
        justification="Acronyme corrigé à la demande du porteur.",
    )
    entry = AuditEntry.objects.get(action="calls.application.amend")
    assert entry.changes == {
        "acronym": ["BLIM", "BLIM-2"],
        "justification": [None, "Acronyme corrigé à la demande du porteur."],
        "version": [1, 2],
    }


def test_amendment_without_justification_is_refused(world, submitted):
    with pytest.raises(ValidationError) as exc:
        services.amend_application(
            application=submitted.application,
            actor=world.staff_clara,
            changes={"acronym": "X"},
            version=1,
            justification=" ",
        )
    assert list(exc.value.message_dict) == ["justification"]


def test_applicant_cannot_amend_a_submitted_application(world, submitted):
    with pytest.raises(PermissionDenied):
        services.amend_application(
            application=submitted.application,
            actor=world.applicant,
            changes={"acronym": "X"},
            version=1,
            justification="Oubli.",
        )


def test_withdrawal_is_audited(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.withdraw_application(application=application, actor=world.applicant)
    application.refresh_from_db()
    assert application.status == "withdrawn"
    assert AuditEntry.objects.get(action="calls.application.withdraw").changes == {
        "status": ["draft", "withdrawn"]
    }
