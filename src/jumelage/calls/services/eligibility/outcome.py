"""The eligibility of each application: set from the checks (`run_eligibility`) or by staff
with a justification (`override_eligibility`); the review exercise follows it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jumelage.calls.models import Application, Call
from jumelage.calls.services.eligibility.rules import check_eligibility
from jumelage.calls.services.permissions import require_manager
from jumelage.core import audit


@transaction.atomic
def run_eligibility(*, call: Call, actor) -> dict[str, int]:
    """Check every submitted application of the call and set its eligibility, unless staff
    overrode it. Returns how many are eligible and not eligible."""
    require_manager(actor, call)
    counts = {Application.Eligibility.ELIGIBLE: 0, Application.Eligibility.INELIGIBLE: 0}
    changed = False
    for application in (
        Application.objects.select_for_update()
        # Eligibility is that of full proposals: letters of intent are sifted by invitation.
        .filter(call=call, stage=Application.Stage.FULL, status=Application.Status.SUBMITTED)
        .order_by("reference")
    ):
        checks = check_eligibility(application=application)
        failed = [c.rule for c in checks if not c.passed]
        if application.eligibility_overridden:
            counts[application.eligibility] = counts.get(application.eligibility, 0) + 1
            continue
        outcome = Application.Eligibility.INELIGIBLE if failed else Application.Eligibility.ELIGIBLE
        counts[outcome] += 1
        before = application.eligibility
        if before != outcome:
            application.eligibility = outcome
            # A changed outcome is told again; an unchanged one is not repeated.
            application.eligibility_notified_at = None
            application.save(update_fields=["eligibility", "eligibility_notified_at", "updated_at"])
            changed = True
        audit.record(
            actor=actor,
            action="calls.eligibility.check",
            obj=application,
            changes={"eligibility": [before, outcome], "failed_rules": [None, failed]},
        )
    if changed:
        _resync_review(call=call, actor=actor)
    return {
        "eligible": counts[Application.Eligibility.ELIGIBLE],
        "ineligible": counts[Application.Eligibility.INELIGIBLE],
    }


@transaction.atomic
def override_eligibility(
    *, application: Application, eligible: bool, justification: str, actor
) -> Application:
    """Staff set the outcome themselves; the justification is kept in the audit log."""
    require_manager(actor, application.call)
    justification = (justification or "").strip()
    if not justification:
        raise ValidationError(
            {
                "justification": _(
                    "Give the justification of the decision: it is kept in the audit log with the "
                    "outcome."
                )
            }
        )
    application = Application.objects.select_for_update().get(pk=application.pk)
    fields = ("eligibility", "eligibility_overridden", "eligibility_justification")
    before = audit.snapshot(application, fields)
    application.eligibility = (
        Application.Eligibility.ELIGIBLE if eligible else Application.Eligibility.INELIGIBLE
    )
    application.eligibility_overridden = True
    application.eligibility_justification = justification
    if application.eligibility != before["eligibility"]:
        application.eligibility_notified_at = None  # the applicants are told the new outcome
    application.save(update_fields=[*fields, "eligibility_notified_at", "updated_at"])
    changes = audit.diff(before, audit.snapshot(application, fields))
    changes["eligibility_justification"] = [
        before["eligibility_justification"] or None,
        justification,
    ]
    audit.record(actor=actor, action="calls.eligibility.override", obj=application, changes=changes)
    if "eligibility" in changes:
        _resync_review(call=application.call, actor=actor)
    return application


def _resync_review(*, call: Call, actor) -> None:
    """Once review has begun, the exercise follows eligibility at once: an application no
    longer eligible leaves it with its assignments, one now eligible joins it."""
    from jumelage.calls.services.review import exercise_of, sync_items

    if exercise_of(call) is not None:
        sync_items(call=call, actor=actor)
