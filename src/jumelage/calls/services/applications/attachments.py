"""Private PDF attachments: type checked from the content, size capped, stored privately."""

import hashlib
import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Attachment, DocumentKind
from jumelage.calls.services.applications.common import check_editable
from jumelage.core import audit


def _detected(data: bytes) -> str:
    import filetype

    kind = filetype.guess(data)
    if kind is None:
        return _("unknown content (not a recognised file type)")
    return f"{kind.mime} (.{kind.extension})"


@transaction.atomic
def add_attachment(*, application: Application, kind: str, uploaded_file, actor) -> Attachment:
    """Store a PDF: its type is checked from its content, never from its name."""
    import filetype
    from pypdf import PdfReader

    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    check_editable(application, actor)
    name = os.path.basename(getattr(uploaded_file, "name", "") or "document.pdf")[:255]
    if kind not in DocumentKind.values:
        raise ValidationError(
            {
                "kind": _("“%(value)s” is not a kind of document: choose one from the list.")
                % {"value": kind}
            }
        )
    limit = application.call.max_attachment_mb * 1024 * 1024
    size = uploaded_file.size
    if size > limit:
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” weighs %(size)s MB: the call accepts files of at most %(limit)d MB."
                )
                % {
                    "name": name,
                    "size": f"{size / 1024 / 1024:.1f}",
                    "limit": application.call.max_attachment_mb,
                }
            }
        )
    data = (
        b"".join(uploaded_file.chunks())
        if hasattr(uploaded_file, "chunks")
        else uploaded_file.read()
    )
    guessed = filetype.guess(data)
    if guessed is None or guessed.mime != "application/pdf":
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” is not a PDF: its content is %(detected)s. Upload a PDF document."
                )
                % {"name": name, "detected": _detected(data)}
            }
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        pages = len(reader.pages)
    except Exception as exc:  # any failure of the parser means an unusable PDF
        raise ValidationError(
            {
                "file": _(
                    "“%(name)s” starts like a PDF but cannot be opened "
                    "(damaged or protected file). Upload a PDF that "
                    "opens in a PDF reader."
                )
                % {"name": name}
            }
        ) from exc
    attachment = Attachment(
        application=application,
        kind=kind,
        original_name=name,
        size=len(data),
        pages=pages,
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor,
    )
    attachment.file.save("document.pdf", ContentFile(data), save=False)
    attachment.save()
    audit.record(
        actor=actor,
        action="calls.attachment.add",
        obj=application,
        changes={"attachment": [None, {"kind": kind, "name": name, "sha256": attachment.sha256}]},
    )
    return attachment


def storages_private():
    from django.core.files.storage import storages

    return storages["private"]


@transaction.atomic
def remove_attachment(*, attachment: Attachment, actor) -> None:
    application = (
        Application.objects.select_for_update()
        .select_related("call")
        .get(pk=attachment.application_id)
    )
    check_editable(application, actor)
    stored = attachment.file.name
    audit.record(
        actor=actor,
        action="calls.attachment.remove",
        obj=application,
        changes={
            "attachment": [
                {
                    "kind": attachment.kind,
                    "name": attachment.original_name,
                    "sha256": attachment.sha256,
                },
                None,
            ]
        },
    )
    attachment.delete()
    transaction.on_commit(lambda: storages_private().delete(stored))
