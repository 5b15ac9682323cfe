"""The steps every view of joint calls starts or ends with: fetching the call or the
application the visitor may act on, and running a service on a valid form with its refusal
shown on that form.

Anonymous visitors never reach these: the views are wrapped in `login_required`, which sends
them to the sign-in page. A signed-in visitor without the permission gets a 403.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jumelage.calls.models import Application, Call
from jumelage.core.formatting import format_money


def call_for(request, pk: int, perm: str = "calls.manage_call", *, queryset=None) -> Call:
    """The call `pk` if the user has `perm` on it (Http404 if there is none, 403 if they lack
    the permission). `queryset` adds prefetching."""
    call = get_object_or_404(Call if queryset is None else queryset, pk=pk)
    if not request.user.has_perm(perm, call):
        raise PermissionDenied
    return call


def application_for(
    request, pk: int, perm: str, *, queryset: QuerySet | None = None
) -> Application:
    """The application `pk` (with its call) if the user has `perm` on it; 403 otherwise."""
    if queryset is None:
        queryset = Application.objects.select_related("call")
    application = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(perm, application):
        raise PermissionDenied
    return application


def show_errors(form, error: ValidationError) -> None:
    """A service's refusal on the form: each message on its field when the form has that field,
    above the form otherwise."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def try_service(form, action: Callable[[], object]) -> bool:
    """Validate the form and, when it is valid, call `action` (a service, reading
    `form.cleaned_data`). Returns True when the service did its work; False when the form is
    invalid or the service refused (its messages are then on the form, re-rendered with what
    was typed)."""
    if not form.is_valid():
        return False
    try:
        action()
    except ValidationError as error:
        show_errors(form, error)
        return False
    return True


def private(response):
    """A download of applicants' or reviewers' data: browsers neither sniff its type nor keep
    it in a shared cache."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def money(amount, currency: str) -> str:
    """Euros and Canadian dollars stand together on a call's pages, so each amount names its
    currency unmistakably ("€", "CA$"); empty for None."""
    return "" if amount is None else format_money(amount, currency, both_currencies=True)
