"""The PDF summary of a submission: what was submitted, when (server time) and its hash."""

from django.utils import translation

from jumelage.calls.documents import render_pdf
from jumelage.calls.models import BudgetCategory, Receipt
from jumelage.calls.zones import MONTREAL, PARIS
from jumelage.core.formatting import format_datetime, format_money


def receipt_context(*, receipt: Receipt) -> dict:
    application = receipt.application
    call = application.call
    envelopes = list(call.envelopes.select_related("pole").order_by("pole__code"))
    lines = list(application.budget_lines.all())
    labels = dict(BudgetCategory.choices)
    sides = []
    for envelope in envelopes:
        mine = [line for line in lines if line.pole_id == envelope.pole_id]
        sides.append(
            {
                "pole": envelope.pole,
                "lines": [
                    {
                        "category": labels[line.category],
                        "amount": format_money(line.amount, envelope.currency),
                    }
                    for line in mine
                ],
                "total": format_money(sum(line.amount for line in mine), envelope.currency),
            }
        )
    return {
        "receipt": receipt,
        "application": application,
        "call": call,
        "submitted_utc": format_datetime(receipt.submitted_at, time_zone="UTC"),
        "submitted_paris": format_datetime(receipt.submitted_at, time_zone=PARIS),
        "submitted_montreal": format_datetime(receipt.submitted_at, time_zone=MONTREAL),
        "participants": list(application.participants.select_related("pole", "institution")),
        "sides": sides,
        "attachments": list(application.attachments.all()),
        "themes": list(application.themes.all()),
    }


def receipt_pdf(*, receipt: Receipt) -> bytes:
    """The receipt as PDF bytes, in the language of the application's creator."""
    language = getattr(receipt.application.created_by, "language", "") or "fr"
    with translation.override(language[:2]):
        return render_pdf("calls/receipt_pdf.html", receipt_context(receipt=receipt))
