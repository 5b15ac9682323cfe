"""Errors as JSON, {"detail": ...} in the caller's language (LocaleMiddleware reads the
Accept-Language header: the API is not under the /fr/ and /en/ prefixes)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from jumelage.api.auth import MFARequired

_CSRF_FAILED = "CSRF check Failed"  # django-ninja's own message


def _accepted(error: dict) -> str:
    """What the parameter would accept, from pydantic's error type and context."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "int_parsing":
        return _("a whole number")
    if kind == "greater_than_equal":
        return _("a number of at least %(limit)s") % {"limit": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("a number of at most %(limit)s") % {"limit": ctx.get("le")}
    if kind == "missing":
        return _("a value (it is required)")
    return str(error.get("msg", ""))


def _field(error: dict) -> str:
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body")]
    return ".".join(loc)


def _value(request: HttpRequest, error: dict) -> str | None:
    """What the caller sent (django-ninja drops pydantic's `input` from its errors)."""
    loc = list(error.get("loc", ()))
    if len(loc) < 2:
        return None
    if loc[0] == "query":
        return request.GET.get(str(loc[1]))
    if loc[0] == "path" and request.resolver_match is not None:
        return request.resolver_match.kwargs.get(str(loc[1]))
    return None


def validation_message(field: str, value: str | None, accepted: str) -> str:
    return _("The parameter “%(field)s” has the value “%(value)s”; it accepts %(accepted)s.") % {
        "field": field,
        "value": "" if value is None else value,
        "accepted": accepted,
    }


def install(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, detail, status: int, **extra) -> HttpResponse:
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    def not_found(request, exc):
        # The pages' wording (calls 404 rather than 403: existence is not revealed).
        return respond(request, _("This page does not exist or is not visible to you."), 404)

    def unauthenticated(request, exc):
        return respond(request, _("Sign in to use this part of the API."), 401)

    def mfa_required(request, exc):
        return respond(
            request,
            _(
                "Your role gives access to confidential data: set up two-factor "
                "authentication with an authenticator app to continue."
            ),
            403,
        )

    def http_error(request, exc: HttpError):
        if exc.status_code == 403 and exc.message == _CSRF_FAILED:
            detail = _(
                "The CSRF check failed: send the X-CSRFToken header with the value of "
                "the csrftoken cookie."
            )
        else:
            detail = exc.message
        return respond(request, detail, exc.status_code)

    def invalid(request, exc: ValidationError):
        errors = []
        for error in exc.errors:
            field, value = _field(error), _value(request, error)
            errors.append(
                {
                    "field": field,
                    "value": value,
                    "message": validation_message(field, value, _accepted(error)),
                }
            )
        detail = errors[0]["message"] if errors else _("The request is not valid.")
        return respond(request, detail, 422, errors=errors)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(MFARequired, mfa_required)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid)
