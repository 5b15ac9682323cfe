"""Per-request context: the client's IP for the audit log and the display time zone."""

import contextvars
import zoneinfo

from django.conf import settings
from django.utils import timezone

_current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("ip", default=None)


def current_ip() -> str | None:
    return _current_ip.get()


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current_ip.set(request.META.get("REMOTE_ADDR") or None)
        tz_name = settings.JUMELAGE_DEFAULT_DISPLAY_TIME_ZONE
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            tz_name = user.time_zone
        try:
            timezone.activate(zoneinfo.ZoneInfo(tz_name))
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.activate(zoneinfo.ZoneInfo(settings.JUMELAGE_DEFAULT_DISPLAY_TIME_ZONE))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            _current_ip.reset(token)
