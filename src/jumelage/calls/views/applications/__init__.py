"""Views of joint calls: applications. A step-by-step form whose every POST saves the draft, an
autosave endpoint for calls-autosave.js, invitations, private files and receipts, the staff
pages of letters of intent and amendments, and withdrawal by the applicants."""

from django.urls import path

from jumelage.calls.views.applications.files import attachment_download, receipt_download
from jumelage.calls.views.applications.intents import intents
from jumelage.calls.views.applications.overview import (
    application_detail,
    apply,
    invitation,
    my_applications,
)
from jumelage.calls.views.applications.project import application_autosave
from jumelage.calls.views.applications.staff import amend, withdraw
from jumelage.calls.views.applications.steps import application_step, submit

urlpatterns = [
    path("<int:call_pk>/apply/", apply, name="apply"),
    path("<int:pk>/intents/", intents, name="intents"),
    path("mine/", my_applications, name="my_applications"),
    path("applications/<int:pk>/", application_detail, name="application"),
    path("applications/<int:pk>/edit/<slug:step>/", application_step, name="application_step"),
    path("applications/<int:pk>/autosave/", application_autosave, name="application_autosave"),
    path("applications/<int:pk>/submit/", submit, name="submit"),
    path("applications/<int:pk>/amend/", amend, name="amend"),
    path("applications/<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("applications/<int:pk>/receipt/<int:receipt_pk>.pdf", receipt_download, name="receipt"),
    path("invitations/<str:token>/", invitation, name="invitation"),
    path("attachments/<int:pk>/", attachment_download, name="attachment"),
]
