from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from jumelage.accounts import views as account_views
from jumelage.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("jumelage.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", core_views.home, name="home"),
    path("directory/", include("jumelage.directory.urls")),
    path("observatory/review/", include("jumelage.observatory.review_urls")),
    path("observatory/", include("jumelage.observatory.urls")),
    path("matching/", include("jumelage.matching.urls")),
    path("calls/", include("jumelage.calls.urls")),
    path("accounts/preferences/", account_views.preferences, name="account_preferences"),
    path("accounts/", include("allauth.urls")),
    path("audit/", core_views.audit_log, name="audit_log"),
    path("privacy/", core_views.privacy, name="privacy"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
