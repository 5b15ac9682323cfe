"""Scheduled jobs of joint calls (run by `jumelage run_scheduled`; imported by the app's
`ready()` so that they are registered)."""

from jumelage.core.scheduled import scheduled_job


@scheduled_job("calls_review_reminders")
def review_reminders() -> str:
    """Remind reviewers of the reviews they have not submitted, once a week at most."""
    from jumelage.calls.services.review import send_review_reminders

    sent = send_review_reminders()
    return f"{sent} reviewers reminded of their reviews"
