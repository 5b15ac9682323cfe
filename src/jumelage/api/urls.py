"""The JSON API, version 1 (django-ninja): the same permission rules as the pages."""

from django.http import HttpRequest, JsonResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from jumelage.api.v1 import api


def unknown(request: HttpRequest, rest: str = "") -> JsonResponse:
    """An address under /api/ that names no endpoint: JSON like every other API answer."""
    return JsonResponse({"detail": _("This page does not exist or is not visible to you.")},
                        status=404)


urlpatterns = [
    path("v1/", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown),
]
