"""The panel and the decision: ranking by weighted score, panel notes, funding scenarios within
every envelope at once, each funding pole's decision (two keys) and the release of the
outcomes to the applicants with a bilingual letter.

The arithmetic lives in the engines (`jumelage.calls.engine.ranking` and `.selection`); this
package feeds them from the database and records what staff decide, one module per entity:
`ranked_table` (the ranking selector), `notes`, `scenarios`, `decisions`, `release` and
`applicants` (what the applicants see). Everything is re-exported here.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from jumelage.calls.models import Application
from jumelage.calls.services import notify
from jumelage.calls.services.panel.applicants import (
    ApplicantComment,
    OutcomeSide,
    applicant_comments,
    outcome_sides,
)
from jumelage.calls.services.panel.decisions import (
    EnvelopeUse,
    _refuse_beyond_envelope,
    envelope_use,
    record_decision,
)
from jumelage.calls.services.panel.notes import add_panel_note
from jumelage.calls.services.panel.ranked_table import (
    CENT,
    RankedRow,
    Side,
    _sides,
    _submitted_reviews,
    funding_pole_ids,
    panel_applications,
    ranking,
)
from jumelage.calls.services.panel.release import release_decisions
from jumelage.calls.services.panel.scenarios import (
    OPTIMAL_TIME_LIMIT_S,
    adopt_scenario,
    adopted_scenario,
    compute_scenario,
)

__all__ = [
    "CENT",
    "OPTIMAL_TIME_LIMIT_S",
    "ApplicantComment",
    "EnvelopeUse",
    "OutcomeSide",
    "RankedRow",
    "Side",
    "_refuse_beyond_envelope",
    "_sides",
    "_submitted_reviews",
    "add_panel_note",
    "adopt_scenario",
    "adopted_scenario",
    "applicant_comments",
    "compute_scenario",
    "envelope_use",
    "funding_pole_ids",
    "outcome_sides",
    "panel_applications",
    "ranking",
    "record_decision",
    "release_decisions",
    "send_outcome",
]


# Defined here rather than in `release` so that its task path, which the database backend
# stores with each queued task, stays "jumelage.calls.services.panel.send_outcome".
@task(queue_name="default")
def send_outcome(*, application_id: int) -> int:
    """Mail the outcome, in French then in English, with the letter attached."""
    from jumelage.calls.documents.letters import outcome_letter_pdf

    application = Application.objects.select_related("call", "created_by").get(pk=application_id)
    context = {"application": application, "call": application.call}
    bodies, subjects = [], []
    for language in ("fr", "en"):
        with translation.override(language):
            subjects.append(render_to_string("calls/email/decision_subject.txt", context).strip())
            bodies.append(render_to_string("calls/email/decision_body.txt", context).strip())
    message = EmailMessage(
        subject=" / ".join(subjects),
        body="\n\n----------\n\n".join(bodies),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=notify.recipient_emails(application),
    )
    message.attach(
        f"{application.reference}-decision.pdf",
        outcome_letter_pdf(application=application),
        "application/pdf",
    )
    return message.send()
