"""URLs of joint calls; each part of a call's life keeps its own list in its views module."""

from jumelage.calls.views import applications, followup, panel, review, setup

app_name = "calls"

urlpatterns = [
    *setup.urlpatterns,
    *applications.urlpatterns,
    *review.urlpatterns,
    *panel.urlpatterns,
    *followup.urlpatterns,
]
