"""Every page and download of the joint-calls app, for every kind of visitor, against one
oracle of what each may read.

The world holds a released, funded application with everything that could leak: its abstract,
a reviewer's name and confidential comment, the comment meant for the applicants, an
attachment and a receipt (each PDF carries a marker), another applicant's draft. Each URL of
the app is requested with real arguments by the nine usual visitors and by staff of a pole
that funds nothing in the call; whatever the status, a marker appears only in the answers of
those allowed to read it. A URL added to the app without arguments here fails the test, so
that no view escapes the oracle.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from jumelage.calls.models import Attachment, Decision, FundingScenario, Receipt, Report
from jumelage.calls.services.followup import create_awards
from jumelage.calls.urls import urlpatterns
from tests.calls.conftest import ACTORS, actor_user, pdf_bytes, signed_in
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db

STAFF = {"staff_clara", "staff_quebec", "admin"}
APPLICANTS = {"applicant", "coapplicant"}
# marker -> who may read it
ORACLE = {
    "Un résumé confidentiel": APPLICANTS | {"reviewer"} | STAFF,  # the abstract
    "CONFIDENTIAL": {"reviewer"} | STAFF,  # the reviewer's note for the panel
    "Lefebvre": {"reviewer"} | STAFF,  # the reviewer's name
    "Solid design": APPLICANTS | {"reviewer"} | STAFF,  # the comment for the applicants
    # Markers in a PDF's /Title: without a hyphen, which pypdf would write as an escape.
    "SECRETATTACHMENT": APPLICANTS | {"reviewer"} | STAFF,
    "SECRETRECEIPT": APPLICANTS | STAFF,
    "Projet de Nadia Roy": {"other_applicant"},  # a draft is its author's own
    "Je travaille avec": STAFF,  # the conflicted reviewer's declared reason
}
VISITORS = (*ACTORS, "outsider")
# What each visitor does read somewhere in the app (the markers are there to be found).
_PROJECT = {"Un résumé confidentiel", "SECRETATTACHMENT", "Solid design"}
SHOWN: dict[str, set[str]] = {
    **dict.fromkeys(APPLICANTS, _PROJECT | {"SECRETRECEIPT"}),
    "reviewer": _PROJECT | {"CONFIDENTIAL"},
    **dict.fromkeys(STAFF, _PROJECT | {"SECRETRECEIPT", "CONFIDENTIAL", "Lefebvre"}),
    "other_applicant": {"Projet de Nadia Roy"},
}


@pytest.fixture
def everything(world, submitted):
    app = submitted.application
    attachment = Attachment(application=app, kind="proposal", original_name="projet.pdf",
                            size=100, pages=1, sha256="0" * 64, uploaded_by=world.applicant)
    attachment.file.save("x.pdf", ContentFile(pdf_bytes(1, "SECRETATTACHMENT")), save=True)
    receipt = Receipt(application=app, stage="full", submitted_at=app.submitted_at,
                      submitted_by=world.applicant, content_hash="1" * 64)
    receipt.pdf.save("r.pdf", ContentFile(pdf_bytes(1, "SECRETRECEIPT")), save=True)
    for pole, actor in ((world.clara, world.staff_clara), (world.quebec, world.staff_quebec)):
        Decision.objects.create(application=app, pole=pole, outcome="fund", decided_by=actor)
    scenario = FundingScenario.objects.create(
        call=world.call, method="optimal", selected=[app.pk], merit=Decimal("4.25"),
        spent={"clara": "42000.00", "oncopole": "58000.00"}, proven_optimal=True,
        adopted=True, created_by=world.staff_clara)
    app.outcome = "funded"
    app.outcome_released_at = dt.datetime(2027, 7, 1, tzinfo=dt.UTC)
    app.save()
    create_awards(application=app, starts_on=dt.date(2027, 9, 1), actor=world.staff_clara)
    invitation = app.participants.first()
    world.outsider = UserFactory(role="pole_staff", email="staff@tiers.example.org",
                                 pole=PoleFactory(code="tiers", name_fr="Tiers",
                                                  name_en="Third", short_name="Tiers"))
    report = Report.objects.filter(application=app).order_by("due_on").first()
    call, other = world.call.pk, submitted.other.pk
    a = app.pk
    exports = [{"pk": call, "what": what, "fmt": fmt}
               for what in ("applications", "reviews", "decisions", "anonymised")
               for fmt in ("csv", "xlsx")]
    return {
        "list": [{}], "create": [{}], "my_applications": [{}], "my_reviews": [{}],
        **{name: [{"pk": call}] for name in (
            "detail", "edit", "approve", "manage", "intents", "eligibility", "eligibility_run",
            "eligibility_notify", "review_board", "review_sync", "review_remind", "ranking",
            "decisions", "followup", "exports")},
        "apply": [{"call_pk": call}],
        **{name: [{"pk": a}, {"pk": other}] for name in (
            "application", "application_autosave", "submit", "amend", "withdraw",
            "eligibility_override", "review", "declare_conflict", "panel_notes", "letter",
            "outcome", "award")},
        "application_step": [{"pk": pk, "step": step} for pk in (a, other)
                             for step in ("project", "consortium", "budget", "documents",
                                          "review-and-submit")],
        "receipt": [{"pk": a, "receipt_pk": receipt.pk}, {"pk": other, "receipt_pk": receipt.pk}],
        "invitation": [{"token": invitation.token}],
        "attachment": [{"pk": attachment.pk}],
        "scenario_adopt": [{"pk": scenario.pk}],
        "report": [{"pk": report.pk}],
        "export": exports,
    }


def _body(response) -> str:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    return content.decode("utf-8", errors="replace")


@pytest.mark.parametrize("name", VISITORS)
def test_no_page_or_file_shows_what_the_visitor_may_not_read(client, world, everything,
                                                             name):
    user = world.outsider if name == "outsider" else actor_user(world, name)
    if user is not None:
        signed_in(client, user)
    names = {pattern.name for pattern in urlpatterns}
    assert names == set(everything), "URLs without arguments in this test: " + ", ".join(
        sorted(names - set(everything)))
    seen: set[str] = set()
    for url_name, argument_sets in sorted(everything.items()):
        for kwargs in argument_sets:
            url = reverse(f"calls:{url_name}", kwargs=kwargs)
            response = client.get(url)
            assert response.status_code in (200, 302, 403, 404, 405), (url, response.status_code)
            if name == "anonymous" and response.status_code == 200:
                assert url_name in ("list", "detail"), url
            body = _body(response)
            seen |= {marker for marker in ORACLE if marker in body}
            for marker, readers in ORACLE.items():
                if name not in readers:
                    assert marker not in body, (url, marker)
    # The oracle is alive: what a visitor may read does reach them somewhere.
    assert seen == SHOWN.get(name, set())
