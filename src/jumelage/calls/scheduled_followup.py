"""Scheduled job of the follow-up of awards: remind applicants of the reports they owe.

Loaded by `CallsConfig.ready()` so that `jumelage run_scheduled` finds it."""

from jumelage.core.scheduled import scheduled_job


@scheduled_job("calls_report_reminders")
def report_reminders() -> str:
    from jumelage.calls.services.followup import send_report_reminders

    count = send_report_reminders()
    return f"{count} report reminders sent"
