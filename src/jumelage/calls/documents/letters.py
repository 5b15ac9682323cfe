"""The bilingual outcome letter of an application (French, then English), as PDF.

It holds the outcome, each pole's decision and note, the amount per side in each currency for
a funded project, and the comments the reviewers wrote for the applicants, numbered
("Reviewer 1", "Reviewer 2"). Never a reviewer's name, a confidential comment, a panel note or
an individual score.
"""

from django.utils import timezone

from jumelage.calls.documents import render_pdf
from jumelage.calls.models import Application
from jumelage.calls.services.panel import applicant_comments, outcome_sides
from jumelage.core.formatting import babel_locale, format_money

LANGUAGES = ("fr", "en")


def letter_context(*, application: Application) -> dict:
    sides = outcome_sides(application)
    # Euros and Canadian dollars stand together: the symbols must not be confused.
    amounts = {
        code: [
            format_money(
                side.amount, side.currency, both_currencies=True, locale=babel_locale(language=code)
            )
            for side in sides
        ]
        for code in LANGUAGES
    }
    return {
        "application": application,
        "call": application.call,
        "sides": sides,
        "sections": [
            {"code": code, "sides": list(zip(sides, amounts[code], strict=True))}
            for code in LANGUAGES
        ],
        "comments": applicant_comments(application),
        "dated": application.outcome_released_at or timezone.now(),
    }


def outcome_letter_pdf(*, application: Application) -> bytes:
    return render_pdf("calls/letter_pdf.html", letter_context(application=application))
