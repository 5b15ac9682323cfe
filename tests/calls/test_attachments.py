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
from tests.calls.conftest import DURING, add_pdf, pdf_bytes
from tests.calls.test_applications import ELF, EXE, started

pytestmark = pytest.mark.django_db


def refused_upload(world, application, *, kind: str, name: str, data: bytes) -> dict:
    """The field errors of an upload the service refuses (during the call)."""
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        add_pdf(application, actor=world.applicant, kind=kind, name=name, data=data)
    return exc.value.message_dict


# --- Attachments -----------------------------------------------------------------------


def test_pdf_is_stored_privately_under_a_random_name(world, settings):
    application = started(world)
    data = pdf_bytes(3)
    with time_machine.travel(DURING, tick=False):
        attachment = add_pdf(
            application, actor=world.applicant, kind="proposal", name="Mon projet.pdf", data=data
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
    assert refused_upload(world, application, kind="proposal", name="x.pdf", data=EXE) == {
        "file": [
            "“x.pdf” is not a PDF: its content is application/x-msdownload (.exe). Upload a PDF "
            "document."
        ]
    }
    assert application.attachments.count() == 0


def test_renamed_linux_executable_is_refused(world):
    application = started(world)
    assert refused_upload(world, application, kind="cv", name="cv.pdf", data=ELF) == {
        "file": [
            "“cv.pdf” is not a PDF: its content is application/x-executable (.elf). Upload a PDF "
            "document."
        ]
    }


def test_damaged_pdf_is_refused(world):
    application = started(world)
    errors = refused_upload(world, application, kind="cv", name="cv.pdf", data=b"%PDF-1.7\ngarbage")
    assert errors["file"][0].startswith("“cv.pdf” starts like a PDF but cannot be opened")


def test_attachment_over_the_size_cap_is_refused(world):
    Call.objects.filter(pk=world.call.pk).update(max_attachment_mb=1)
    application = started(world)
    big = pdf_bytes(1) + b"%" + b"0" * (1024 * 1024)
    assert refused_upload(world, application, kind="cv", name="cv.pdf", data=big) == {
        "file": ["“cv.pdf” weighs 1.0 MB: the call accepts files of at most 1 MB."]
    }


def test_removing_an_attachment_deletes_its_file(world, django_capture_on_commit_callbacks):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        attachment = add_pdf(application, actor=world.applicant)
        path = attachment.file.path
        with django_capture_on_commit_callbacks(execute=True):
            services.remove_attachment(attachment=attachment, actor=world.applicant)
    assert not os.path.exists(path)
    assert application.attachments.count() == 0
