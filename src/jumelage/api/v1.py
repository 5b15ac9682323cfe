"""The JSON API, version 1 (read-only): the same permission rules as the pages.

Authentication is the Django session (django-ninja's session auth, with its CSRF check on
unsafe methods); staff and the site admin must have enrolled two-factor authentication, as on
the pages. Errors are JSON {"detail": ...} in the language of the Accept-Language header."""

from ninja import NinjaAPI

from jumelage.api import errors
from jumelage.api.applications import router as applications_router
from jumelage.api.auth import session_auth
from jumelage.api.calls import router as calls_router
from jumelage.api.docs import SelfHostedSwagger

api = NinjaAPI(
    title="Jumelage",
    version="1",
    urls_namespace="api-v1",
    auth=session_auth,
    docs=SelfHostedSwagger(),
)
errors.install(api)
api.add_router("", calls_router)
api.add_router("", applications_router)
