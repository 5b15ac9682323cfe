"""The release of the outcomes to the applicants, who are told by email with a bilingual
letter (the mailing task, `send_outcome`, is defined in the package's `__init__` so that the
task path stored with queued tasks stays `jumelage.calls.services.panel.send_outcome`)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call
from jumelage.calls.services.panel.ranked_table import panel_applications
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit


def _enqueue_outcome(pk: int) -> None:
    from jumelage.calls.services.panel import send_outcome

    send_outcome.enqueue(application_id=pk)


@transaction.atomic
def release_decisions(*, call: Call, actor) -> int:
    """Release the outcomes once every application has the decisions of all its funding
    poles: applicants are told by email (the letter attached) and see the outcome page.
    Returns the number of applications released now."""
    call = Call.objects.select_for_update().get(pk=call.pk)
    require_manager(actor, call)
    applications = list(panel_applications(call).order_by("reference"))
    if not applications:
        raise ValidationError(_("No application awaits a decision in this call."))
    # An invited full proposal keeps the outcome "invited" until both poles have decided.
    undecided = (Application.Outcome.PENDING, Application.Outcome.INVITED)
    missing = [a.reference for a in applications if a.outcome in undecided]
    if missing:
        raise ValidationError(
            _(
                "Some applications still lack the decision of a funding pole: "
                "%(references)s. Release once both poles have decided on every "
                "application."
            )
            % {"references": ", ".join(missing)}
        )
    now = timezone.now()
    released = []
    for application in applications:
        if application.outcome_released_at is None:
            application.outcome_released_at = now
            application.save(update_fields=["outcome_released_at", "updated_at"])
            audit.record(
                actor=actor,
                action="calls.outcome.release",
                obj=application,
                changes={"outcome_released_at": [None, now.isoformat()]},
            )
            released.append(application.pk)
    if call.status != Call.Status.DECIDED and released:
        audit.record(
            actor=actor,
            action="calls.status",
            obj=call,
            changes={"status": [call.status, Call.Status.DECIDED]},
        )
        call.status = Call.Status.DECIDED
        call.save(update_fields=["status", "updated_at"])
    for pk in released:
        transaction.on_commit(lambda pk=pk: _enqueue_outcome(pk))
    return len(released)
