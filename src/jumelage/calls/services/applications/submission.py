"""What an application lacks, the content a receipt vouches for, and the submission with its
receipt mailed after commit (submitting twice returns the same receipt)."""

import hashlib
import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from jumelage.calls.models import Application, DocumentKind, Participant, Receipt
from jumelage.calls.services.applications.budget import side_totals
from jumelage.calls.services.applications.common import Missing, check_open, count_words
from jumelage.core import audit
from jumelage.core.formatting import format_datetime, format_money


def missing_items(application: Application) -> list[Missing]:
    """What the application lacks before submission, each with the step to fix it."""
    call = application.call
    intent = application.stage == Application.Stage.INTENT
    items: list[Missing] = []
    if not application.title.strip():
        items.append(Missing("project", _("The project title is empty.")))
    abstract_words = count_words(application.abstract)
    if not abstract_words:
        items.append(Missing("project", _("The abstract is empty.")))
    elif abstract_words > call.abstract_word_limit:
        items.append(
            Missing(
                "project",
                _("The abstract has %(count)d words: the call accepts at most %(limit)d.")
                % {"count": abstract_words, "limit": call.abstract_word_limit},
            )
        )
    description_words = count_words(application.description)
    if not intent and not description_words:
        items.append(Missing("project", _("The project description is empty.")))
    elif description_words > call.description_word_limit:
        items.append(
            Missing(
                "project",
                _(
                    "The project description has %(count)d words: the call accepts at most "
                    "%(limit)d."
                )
                % {"count": description_words, "limit": call.description_word_limit},
            )
        )
    duration = application.duration_months
    if duration is None:
        items.append(Missing("project", _("The duration of the project is not given.")))
    elif not call.min_duration_months <= duration <= call.max_duration_months:
        items.append(
            Missing(
                "project",
                _(
                    "The project lasts %(duration)d months: the call accepts %(min)d to %(max)d "
                    "months."
                )
                % {
                    "duration": duration,
                    "min": call.min_duration_months,
                    "max": call.max_duration_months,
                },
            )
        )
    envelopes = list(call.envelopes.select_related("pole").order_by("pole__code"))
    participants = list(application.participants.all())
    for envelope in envelopes:
        if not any(
            p.role == Participant.Role.LEAD
            and p.pole_id == envelope.pole_id
            and p.status == Participant.Status.CONFIRMED
            for p in participants
        ):
            items.append(
                Missing(
                    "consortium",
                    _("The %(side)s side has no confirmed lead.")
                    % {"side": envelope.pole.short_name},
                )
            )
    if not intent:
        totals = side_totals(application)
        for envelope in envelopes:
            total = totals.get(envelope.pole_id, Decimal("0"))
            if total <= 0:
                items.append(
                    Missing(
                        "budget",
                        _("The %(side)s side has no budget.") % {"side": envelope.pole.short_name},
                    )
                )
            elif total > envelope.max_request:
                items.append(
                    Missing(
                        "budget",
                        _("The %(side)s side asks for %(total)s, above the cap of %(cap)s.")
                        % {
                            "side": envelope.pole.short_name,
                            "total": format_money(total, envelope.currency),
                            "cap": format_money(envelope.max_request, envelope.currency),
                        },
                    )
                )
    present = set(application.attachments.values_list("kind", flat=True))
    required = [
        k for k in call.required_documents if (k == DocumentKind.LETTER_OF_INTENT) == intent
    ]
    for kind in required:
        if kind not in present:
            items.append(
                Missing(
                    "documents",
                    _("The document “%(document)s” is missing.")
                    % {"document": DocumentKind(kind).label},
                )
            )
    return items


def canonical_content(application: Application) -> dict:
    """What a receipt vouches for: the fields, the consortium, the budget and the files."""
    return {
        "reference": application.reference,
        "stage": application.stage,
        "title": application.title,
        "acronym": application.acronym,
        "language": application.language,
        "abstract": application.abstract,
        "description": application.description,
        "keywords": list(application.keywords),
        "themes": sorted(application.themes.values_list("code", flat=True)),
        "duration_months": application.duration_months,
        "participants": sorted(
            [
                p.pole.code if p.pole else "",
                p.role,
                p.name,
                p.email.lower(),
                p.institution_id or 0,
                p.status,
            ]
            for p in application.participants.select_related("pole")
        ),
        "budget": sorted(
            [line.pole.code, line.category, f"{line.amount:.2f}"]
            for line in application.budget_lines.select_related("pole")
        ),
        "attachments": sorted([a.kind, a.sha256] for a in application.attachments.all()),
    }


def content_hash(application: Application) -> str:
    text = json.dumps(
        canonical_content(application), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@task(queue_name="default")
def send_receipt(*, receipt_id: int) -> int:
    """Mail the receipt, its PDF attached, to the creator and the confirmed participants."""
    receipt = Receipt.objects.select_related("application__call", "application__created_by").get(
        pk=receipt_id
    )
    application = receipt.application
    to = [application.created_by.email]
    for participant in application.participants.filter(status=Participant.Status.CONFIRMED):
        if participant.email.lower() not in {a.lower() for a in to}:
            to.append(participant.email)
    with translation.override(application.created_by.language or settings.LANGUAGE_CODE):
        context = {
            "application": application,
            "receipt": receipt,
            "call": application.call,
            "submitted_at": format_datetime(receipt.submitted_at, time_zone="UTC"),
        }
        message = EmailMessage(
            subject=_("[Jumelage] Receipt of the application %(reference)s")
            % {"reference": application.reference},
            body=render_to_string("calls/email/application_receipt.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=to,
        )
    with receipt.pdf.open("rb") as handle:
        message.attach(f"{application.reference}-receipt.pdf", handle.read(), "application/pdf")
    return message.send()


@transaction.atomic
def submit_application(*, application: Application, actor) -> Receipt:
    """Submit: refused after the deadline (server time) or while something is missing.
    Submitting again returns the same receipt and sends no second mail."""
    from jumelage.calls.documents.receipt import receipt_pdf

    application = (
        Application.objects.select_for_update().select_related("call").get(pk=application.pk)
    )
    if application.status == Application.Status.SUBMITTED:
        if not actor.has_perm("calls.view_application", application):
            raise PermissionDenied
        existing = (
            application.receipts.filter(stage=application.stage).order_by("-submitted_at").first()
        )
        if existing is not None:
            return existing
        raise ValidationError(
            _("The application %(reference)s is already submitted.")
            % {"reference": application.reference},
            code="submitted",
        )
    if not actor.has_perm("calls.change_application", application):
        raise PermissionDenied
    check_open(application)
    missing = missing_items(application)
    if missing:
        raise ValidationError(
            [
                _("%(step)s: %(message)s") % {"step": m.step_name, "message": m.message}
                for m in missing
            ],
            code="incomplete",
        )
    now = timezone.now()
    receipt = Receipt.objects.create(
        application=application,
        stage=application.stage,
        submitted_at=now,
        submitted_by=actor,
        content_hash=content_hash(application),
    )
    receipt.pdf.save("receipt.pdf", ContentFile(receipt_pdf(receipt=receipt)), save=True)
    before = audit.snapshot(application, ("status", "submitted_at"))
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    changes = audit.diff(before, audit.snapshot(application, ("status", "submitted_at")))
    changes["content_hash"] = [None, receipt.content_hash]
    audit.record(actor=actor, action="calls.application.submit", obj=application, changes=changes)
    transaction.on_commit(lambda: send_receipt.enqueue(receipt_id=receipt.pk))
    return receipt
