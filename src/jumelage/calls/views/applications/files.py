"""Private files of an application: its attachments and its receipts, served only to those
allowed, never from the public file storage."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from jumelage.calls.models import Attachment, Receipt
from jumelage.calls.views.applications.base import application_for, private_pdf


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(Attachment.objects.select_related("application__call"), pk=pk)
    if not request.user.has_perm("calls.view_application", attachment.application):
        raise PermissionDenied
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return private_pdf(handle, attachment.original_name)


@login_required
def receipt_download(request, pk: int, receipt_pk: int):
    application = application_for(request, pk, "calls.view_outcome")
    receipt = get_object_or_404(Receipt, pk=receipt_pk, application=application)
    if not receipt.pdf:
        raise Http404
    return private_pdf(receipt.pdf.open("rb"), f"{application.reference}-receipt.pdf")
