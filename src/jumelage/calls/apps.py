from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "jumelage.calls"
    label = "calls"
    verbose_name = _("Joint calls")

    def ready(self) -> None:
        # Register the app's scheduled jobs (reminders) with jumelage.core.scheduled.
        from jumelage.calls import scheduled, scheduled_followup  # noqa: F401
