"""The interactive OpenAPI page, never with scripts from a CDN in production.

django-ninja renders Swagger UI with its own copy of the scripts when "ninja" is in
INSTALLED_APPS (served by staticfiles) and from a CDN otherwise. This viewer keeps the first
case, allows the CDN only when DEBUG is on (local development), and otherwise answers 404:
the schema stays at /api/v1/openapi.json for clients and code generators."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Swagger


def docs_available() -> bool:
    return "ninja" in settings.INSTALLED_APPS or settings.DEBUG


class SelfHostedSwagger(Swagger):
    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        if not docs_available():
            raise Http404("no self-hosted docs assets")
        return super().render_page(request, api, **kwargs)
