"""Who is calling: Django's session (django-ninja's session auth, CSRF checked on unsafe
methods), held to the same two-factor rule as the pages (accounts.StaffMFAMiddleware)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.security import SessionAuth


class MFARequired(Exception):
    """A staff or site-admin session without a TOTP authenticator (answered 403 in JSON)."""


def has_required_mfa(user) -> bool:
    """False for a staff or site-admin account that has not enrolled an authenticator app while
    the site requires it (JUMELAGE_REQUIRE_STAFF_MFA), as the pages' middleware decides."""
    if not settings.JUMELAGE_REQUIRE_STAFF_MFA or not user.is_authenticated or not user.needs_mfa:
        return True
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFASessionAuth(SessionAuth):
    """The signed-in user, or None (401); a staff session without two-factor raises."""

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if not user.is_authenticated:
            return None
        if not has_required_mfa(user):
            raise MFARequired
        return user


def anonymous(request: HttpRequest) -> bool:
    """Public operations: a visitor without a session is let through as anonymous."""
    return not request.user.is_authenticated


session_auth = StaffMFASessionAuth()
# Public operations try the session first (so that staff are held to two-factor and see
# drafts), then let anonymous visitors in.
session_or_anonymous = [session_auth, anonymous]
