"""Staff must protect their account with a second factor before they do anything else."""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

_ALLOWED_URL_NAMES = {
    "mfa_activate_totp", "mfa_index", "mfa_authenticate", "mfa_reauthenticate",
    "account_logout", "account_reauthenticate", "set_language", "healthz",
    "mfa_view_recovery_codes", "mfa_generate_recovery_codes", "mfa_download_recovery_codes",
}


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.JUMELAGE_REQUIRE_STAFF_MFA
            and user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not request.path.startswith(settings.STATIC_URL)
        ):
            from allauth.mfa.models import Authenticator

            try:
                name = resolve(request.path_info).url_name
            except Resolver404:  # an unknown URL redirects too: nothing is reachable before
                name = None
            if name not in _ALLOWED_URL_NAMES and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists():
                message = _("Your role gives access to confidential data: set up two-factor "
                            "authentication with an authenticator app to continue.")
                if request.path.startswith("/api/"):  # a program cannot follow to a form
                    return JsonResponse({"detail": message}, status=403)
                messages.warning(request, message)
                return redirect("mfa_activate_totp")
        return self.get_response(request)
