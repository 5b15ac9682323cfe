"""Private PDF attachments: the type is checked from the content (a renamed executable is
refused, naming what it really is), the size is capped, the file is stored in the private
storage under a random name with its SHA-256, and removing it deletes the file."""

import hashlib
import os

import pytest
import time_machine
from django.core.exceptions import ValidationError

from jumelage.calls.models import Call
from jumelage.calls.services import applications as services
from tests.calls.conftest import DURING
from tests.calls.test_applications import (
    ELF,
    EXE,
    pdf_bytes,
    started,
    upload,
)

pytestmark = pytest.mark.django_db


# --- Attachments -----------------------------------------------------------------------


def test_pdf_is_stored_privately_under_a_random_name(world, settings):
    application = started(world)
    data = pdf_bytes(3)
    with time_machine.travel(DURING, tick=False):
        attachment = services.add_attachment(
            application=application,
            kind="proposal",
            uploaded_file=upload("Mon projet.pdf", data),
            actor=world.applicant,
        )
    assert (attachment.pages, attachment.size, attachment.sha256, attachment.original_name) == (
        3,
        len(data),
        hashlib.sha256(data).hexdigest(),
        "Mon projet.pdf",
    )
    location = settings.STORAGES["private"]["OPTIONS"]["location"]
    assert attachment.file.path.startswith(location)
    assert "projet" not in attachment.file.name
    with open(attachment.file.path, "rb") as handle:
        assert handle.read() == data


def test_renamed_windows_executable_is_refused(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.add_attachment(
            application=application,
            kind="proposal",
            uploaded_file=upload("x.pdf", EXE),
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "file": [
            "“x.pdf” is not a PDF: its content is application/x-msdownload (.exe). Upload a PDF "
            "document."
        ]
    }
    assert application.attachments.count() == 0


def test_renamed_linux_executable_is_refused(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.add_attachment(
            application=application,
            kind="cv",
            uploaded_file=upload("cv.pdf", ELF),
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "file": [
            "“cv.pdf” is not a PDF: its content is application/x-executable (.elf). Upload a PDF "
            "document."
        ]
    }


def test_damaged_pdf_is_refused(world):
    application = started(world)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.add_attachment(
            application=application,
            kind="cv",
            uploaded_file=upload("cv.pdf", b"%PDF-1.7\ngarbage"),
            actor=world.applicant,
        )
    assert exc.value.message_dict["file"][0].startswith(
        "“cv.pdf” starts like a PDF but cannot be opened"
    )


def test_attachment_over_the_size_cap_is_refused(world):
    Call.objects.filter(pk=world.call.pk).update(max_attachment_mb=1)
    application = started(world)
    big = pdf_bytes(1) + b"%" + b"0" * (1024 * 1024)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.add_attachment(
            application=application,
            kind="cv",
            uploaded_file=upload("cv.pdf", big),
            actor=world.applicant,
        )
    assert exc.value.message_dict == {
        "file": ["“cv.pdf” weighs 1.0 MB: the call accepts files of at most 1 MB."]
    }


def test_removing_an_attachment_deletes_its_file(world, django_capture_on_commit_callbacks):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        attachment = services.add_attachment(
            application=application,
            kind="cv",
            uploaded_file=upload("cv.pdf", pdf_bytes()),
            actor=world.applicant,
        )
        path = attachment.file.path
        with django_capture_on_commit_callbacks(execute=True):
            services.remove_attachment(attachment=attachment, actor=world.applicant)
    assert not os.path.exists(path)
    assert application.attachments.count() == 0
