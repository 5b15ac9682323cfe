"""The JSON API (version 1) over the nine kinds of visitor, with the data that could leak
present (tests/calls/conftest.py `submitted`): the confidential comment, the reviewer's name,
the abstract and Nadia Roy's draft."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import resolve

from jumelage.calls.models import Application, Call, Envelope, Review
from jumelage.matching.models import Assignment, ReviewItem
from tests.calls.conftest import (
    ACTORS,
    CLOSES,
    OPENS,
    client_as,
    person_with_account,
    signed_in,
)

pytestmark = pytest.mark.django_db

LEAKS = ("CONFIDENTIAL", "Lefebvre", "Un résumé confidentiel", "Projet de Nadia Roy")


def _text(response) -> str:
    return response.content.decode()


def _moment(utc: str, paris: str, montreal: str) -> dict:
    return {"utc": utc, "paris": paris, "montreal": montreal}


OPENS_JSON = _moment(
    "2027-01-01T09:00:00Z", "2027-01-01T10:00:00+01:00", "2027-01-01T04:00:00-05:00"
)
CLOSES_JSON = _moment(
    "2027-03-31T21:59:00Z", "2027-03-31T23:59:00+02:00", "2027-03-31T17:59:00-04:00"
)


def _call_summary(call) -> dict:
    return {
        "id": call.pk,
        "title_fr": "Appel conjoint CLARA–Oncopole 2027",
        "title_en": "CLARA–Oncopole joint call 2027",
        "summary_fr": "Projets conjoints en oncologie.",
        "summary_en": "Joint projects in oncology.",
        "status": "published",
        "opens_at": OPENS_JSON,
        "closes_at": CLOSES_JSON,
    }


def _call_ref(call) -> dict:
    return {
        "id": call.pk,
        "title_fr": "Appel conjoint CLARA–Oncopole 2027",
        "title_en": "CLARA–Oncopole joint call 2027",
    }


@pytest.fixture
def draft_call(world):
    """A draft call funded by CLARA alone: the Oncopole's staff may not see it."""
    call = Call.objects.create(
        title_fr="Appel en préparation",
        title_en="Call in preparation",
        opens_at=OPENS,
        closes_at=CLOSES,
    )
    Envelope.objects.create(
        call=call, pole=world.clara, amount=Decimal("100000"), max_request=Decimal("20000")
    )
    return call


# --- Calls -------------------------------------------------------------------------------


def test_call_list_anonymous_gives_the_published_call(client, world):
    response = client.get("/api/v1/calls")
    assert response.status_code == 200
    assert response.json() == {"items": [_call_summary(world.call)], "count": 1}


CALL_LIST_SEES_DRAFT = {"staff_clara", "admin"}


@pytest.mark.parametrize("name", ACTORS)
def test_call_list_shows_drafts_only_to_their_funding_poles(
    client, world, submitted, draft_call, name
):
    response = client_as(client, world, name).get("/api/v1/calls")
    assert response.status_code == 200
    titles = [item["title_en"] for item in response.json()["items"]]
    if name in CALL_LIST_SEES_DRAFT:
        assert titles == ["Call in preparation", "CLARA–Oncopole joint call 2027"]  # newest first
    else:
        assert titles == ["CLARA–Oncopole joint call 2027"]
        assert "Appel en préparation" not in _text(response)


def test_call_detail_gives_both_languages_times_envelopes_and_criteria(client, world):
    response = client.get(f"/api/v1/calls/{world.call.pk}")
    assert response.status_code == 200
    c1, c2, c3 = world.criteria
    assert response.json() == {
        **_call_summary(world.call),
        "description_fr": "",
        "description_en": "",
        "two_stage": False,
        "intent_closes_at": None,
        "min_duration_months": 12,
        "max_duration_months": 36,
        "consolidation_currency": "EUR",
        "score_min": 1,
        "score_max": 5,
        "themes": [
            {
                "code": "genomics",
                "name_fr": "Génomique et médecine de précision",
                "name_en": "Genomics and precision medicine",
            }
        ],
        "envelopes": [
            {
                "pole": "clara",
                "amount": "300000.00",
                "max_request": "50000.00",
                "currency": "EUR",
                "exchange_rate": "1.000000",
            },
            {
                "pole": "oncopole",
                "amount": "450000.00",
                "max_request": "75000.00",
                "currency": "CAD",
                "exchange_rate": "0.680000",
            },
        ],
        "criteria": [
            {
                "id": c1.pk,
                "name_fr": "Excellence scientifique",
                "name_en": "Scientific excellence",
                "description_fr": "",
                "description_en": "",
                "weight": "2.00",
                "position": 1,
            },
            {
                "id": c2.pk,
                "name_fr": "Faisabilité",
                "name_en": "Feasibility",
                "description_fr": "",
                "description_en": "",
                "weight": "1.00",
                "position": 2,
            },
            {
                "id": c3.pk,
                "name_fr": "Valeur du partenariat",
                "name_en": "Value of the partnership",
                "description_fr": "",
                "description_en": "",
                "weight": "1.00",
                "position": 3,
            },
        ],
    }


@pytest.mark.parametrize("name", ACTORS)
def test_call_detail_of_a_draft_is_404_for_those_who_may_not_see_it(
    client, world, draft_call, name
):
    response = client_as(client, world, name).get(f"/api/v1/calls/{draft_call.pk}")
    if name in CALL_LIST_SEES_DRAFT:
        assert response.status_code == 200
        assert response.json()["title_fr"] == "Appel en préparation"
        assert response.json()["envelopes"][0]["pole"] == "clara"
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "This page does not exist or is not visible to you."}
        assert "préparation" not in _text(response)


def test_call_list_query_count_does_not_grow_with_calls(
    client, world, draft_call, django_assert_max_num_queries
):
    for year in range(2028, 2038):
        Call.objects.create(
            title_fr=f"Appel {year}",
            title_en=f"Call {year}",
            opens_at=OPENS.replace(year=year),
            closes_at=CLOSES.replace(year=year),
            status=Call.Status.PUBLISHED,
        )
    signed_in(client, world.staff_clara)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/calls")
    assert response.json()["count"] == 12


def test_call_detail_with_a_word_for_an_id_names_the_parameter(client, world):
    response = client.get("/api/v1/calls/abc")
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The parameter “call_id” has the value “abc”; it accepts a whole number."
    )


# --- Applications: list ------------------------------------------------------------------

APPLICATION_LIST = {
    "applicant": ["JC27-001"],
    "coapplicant": ["JC27-001"],
    "other_applicant": ["JC27-002"],
    "reviewer": ["JC27-001"],
    "conflicted": [],
    "staff_clara": ["JC27-001"],
    "staff_quebec": ["JC27-001"],
    "admin": ["JC27-001"],
}


@pytest.mark.parametrize("name", ACTORS)
def test_application_list_shows_what_each_visitor_may_see(client, world, submitted, name):
    response = client_as(client, world, name).get("/api/v1/applications")
    if name == "anonymous":
        assert response.status_code == 401
        assert response.json() == {"detail": "Sign in to use this part of the API."}
        return
    assert response.status_code == 200
    assert [item["reference"] for item in response.json()["items"]] == APPLICATION_LIST[name]
    assert "CONFIDENTIAL" not in _text(response)
    assert "Un résumé confidentiel" not in _text(response)
    if name != "other_applicant":
        assert "Projet de Nadia Roy" not in _text(response)
    if "JC27-001" not in APPLICATION_LIST[name]:
        assert "Biopsies liquides" not in _text(response)


def test_application_list_item_is_exact(client, world, submitted):
    response = signed_in(client, world.applicant).get("/api/v1/applications")
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": submitted.application.pk,
                "reference": "JC27-001",
                "title": "Biopsies liquides et immunothérapie",
                "acronym": "BLIM",
                "stage": "full",
                "status": "submitted",
                "submitted_at": "2027-03-01T10:00:00Z",
                "call": _call_ref(world.call),
            }
        ],
    }


def test_application_list_includes_a_confirmed_participant_but_not_an_invited_one(
    client, world, submitted
):
    participant = submitted.application.participants.get(person=world.coapplicant_person)
    participant.status = "invited"
    participant.save()
    response = signed_in(client, world.coapplicant).get("/api/v1/applications")
    assert response.json() == {"count": 0, "items": []}


def test_application_list_query_count_does_not_grow_with_applications(
    client, world, submitted, django_assert_max_num_queries
):
    for number in range(3, 23):
        Application.objects.create(
            call=world.call,
            reference=f"JC27-{number:03d}",
            title=f"Projet {number}",
            created_by=world.other_applicant,
            status=Application.Status.SUBMITTED,
        )
    signed_in(client, world.admin)
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/applications")
    assert response.json()["count"] == 21


def test_application_list_pages(client, world, submitted):
    response = signed_in(client, world.other_applicant).get(
        "/api/v1/applications?page=2&page_size=1"
    )
    assert response.json() == {"count": 1, "items": []}


# --- Applications: detail ----------------------------------------------------------------

DETAIL_ALLOWED = {"applicant", "coapplicant", "reviewer", "staff_clara", "staff_quebec", "admin"}
SEES_REVIEWS = {"reviewer", "staff_clara", "staff_quebec", "admin"}


@pytest.mark.parametrize("name", ACTORS)
def test_application_detail_permission_matrix(client, world, submitted, name):
    application = submitted.application
    response = client_as(client, world, name).get(f"/api/v1/applications/{application.pk}")
    text = _text(response)
    if name == "anonymous":
        assert response.status_code == 401
    elif name in DETAIL_ALLOWED:
        assert response.status_code == 200
        assert response.json()["abstract"] == "Un résumé confidentiel du projet BLIM."
    else:
        assert response.status_code == 404
        assert response.json() == {"detail": "This page does not exist or is not visible to you."}
    if name not in DETAIL_ALLOWED:
        assert "Un résumé confidentiel" not in text
        assert "BLIM" not in text
    assert ("CONFIDENTIAL" in text) is (name in SEES_REVIEWS)
    assert ("Lefebvre" in text) is (name in SEES_REVIEWS)
    assert "Projet de Nadia Roy" not in text


# A draft is its author's own work: staff read it once it is submitted.
DRAFT_ALLOWED = {"other_applicant"}


@pytest.mark.parametrize("name", ACTORS)
def test_draft_application_detail_permission_matrix(client, world, submitted, name):
    response = client_as(client, world, name).get(f"/api/v1/applications/{submitted.other.pk}")
    if name == "anonymous":
        assert response.status_code == 401
    elif name in DRAFT_ALLOWED:
        assert response.status_code == 200
        assert response.json()["title"] == "Projet de Nadia Roy"
    else:
        assert response.status_code == 404
        assert "Projet de Nadia Roy" not in _text(response)


def test_application_detail_for_staff_is_exact(client, world, submitted):
    app = submitted.application
    response = signed_in(client, world.staff_quebec).get(f"/api/v1/applications/{app.pk}")
    c1, c2, c3 = world.criteria
    assert response.json() == {
        "id": app.pk,
        "reference": "JC27-001",
        "call": _call_ref(world.call),
        "stage": "full",
        "status": "submitted",
        "title": "Biopsies liquides et immunothérapie",
        "acronym": "BLIM",
        "language": "fr",
        "abstract": "Un résumé confidentiel du projet BLIM.",
        "description": "Description détaillée.",
        "keywords": ["biopsie liquide", "immunothérapie"],
        "themes": ["genomics"],
        "duration_months": 24,
        "submitted_at": "2027-03-01T10:00:00Z",
        "eligibility": "eligible",
        "participants": [
            {
                "name": "Élise Garnier",
                "role": "lead",
                "pole": "clara",
                "institution": "Université Claude Bernard Lyon 1",
            },
            {
                "name": "Mathieu Tremblay",
                "role": "lead",
                "pole": "oncopole",
                "institution": "Université de Montréal",
            },
        ],
        "budget": [
            {"pole": "clara", "category": "consumables", "amount": "12000.00", "currency": "EUR"},
            {"pole": "clara", "category": "personnel", "amount": "30000.00", "currency": "EUR"},
            {"pole": "oncopole", "category": "personnel", "amount": "50000.00", "currency": "CAD"},
            {"pole": "oncopole", "category": "travel", "amount": "8000.00", "currency": "CAD"},
        ],
        "attachments": [],
        "outcome": {"outcome": "pending", "released_at": None},
        "reviews": [
            {
                "reviewer": "Hugo Lefebvre",
                "status": "submitted",
                "submitted_at": "2027-04-10T08:00:00Z",
                "scores": [
                    {"criterion_id": c1.pk, "score": 5},
                    {"criterion_id": c2.pk, "score": 4},
                    {"criterion_id": c3.pk, "score": 3},
                ],
                "comments_for_applicants": "Solid design; widen the cohort.",
                "confidential_comments": "CONFIDENTIAL: the Lyon side looks overstretched.",
            }
        ],
    }


@pytest.fixture
def second_review(world, submitted):
    """Sophie Dupont, a second assigned reviewer, with a submitted review of her own."""
    _user, person = person_with_account(
        given="Sophie", family="Dupont", institution=world.karolinska
    )
    Assignment.objects.create(item=submitted.item, reviewer=person, origin="manual")
    return Review.objects.create(
        application=submitted.application,
        reviewer=person,
        status=Review.Status.SUBMITTED,
        comments_for_applicants="Ambitious and clear.",
        confidential_comments="SECRET DUPONT: budget padded.",
        submitted_at=dt.datetime(2027, 4, 11, 8, 0, tzinfo=dt.UTC),
    )


def test_reviewer_sees_only_their_own_review(client, world, submitted, second_review):
    response = signed_in(client, world.reviewer).get(
        f"/api/v1/applications/{submitted.application.pk}"
    )
    reviews = response.json()["reviews"]
    assert [r["reviewer"] for r in reviews] == ["Hugo Lefebvre"]
    assert "Dupont" not in _text(response)
    assert "SECRET DUPONT" not in _text(response)
    assert "Ambitious and clear." not in _text(response)
    assert response.json()["outcome"] is None
    assert response.json()["eligibility"] is None


def test_applicant_sees_no_review_before_the_outcome_is_released(
    client, world, submitted, second_review
):
    response = signed_in(client, world.applicant).get(
        f"/api/v1/applications/{submitted.application.pk}"
    )
    assert response.json()["reviews"] == []
    assert response.json()["outcome"] is None
    assert "Solid design" not in _text(response)


def test_applicant_sees_anonymous_comments_once_released(client, world, submitted, second_review):
    app = submitted.application
    app.outcome = Application.Outcome.FUNDED
    app.outcome_released_at = dt.datetime(2027, 6, 1, 8, 0, tzinfo=dt.UTC)
    app.save()
    response = signed_in(client, world.coapplicant).get(f"/api/v1/applications/{app.pk}")
    anonymous = {
        "reviewer": None,
        "status": None,
        "submitted_at": None,
        "scores": None,
        "confidential_comments": None,
    }
    assert response.json()["reviews"] == [
        {**anonymous, "comments_for_applicants": "Solid design; widen the cohort."},
        {**anonymous, "comments_for_applicants": "Ambitious and clear."},
    ]
    assert response.json()["outcome"] == {
        "outcome": "funded",
        "released_at": "2027-06-01T08:00:00Z",
    }
    for leak in ("CONFIDENTIAL", "SECRET DUPONT", "Lefebvre", "Dupont"):
        assert leak not in _text(response)


def test_conflicted_reviewer_sees_nothing_of_the_application(client, world, submitted):
    """Issue 5: a conflicted reviewer cannot see the application anywhere in the API."""
    signed_in(client, world.conflicted)
    app = submitted.application
    texts = [
        _text(client.get("/api/v1/applications")),
        _text(client.get(f"/api/v1/applications/{app.pk}")),
        _text(client.get("/api/v1/reviews/mine")),
    ]
    for text in texts:
        for leak in ("JC27-001", "BLIM", "Biopsies liquides", *LEAKS):
            assert leak not in text


def test_conflict_declared_after_assignment_withdraws_access(client, world, submitted):
    from jumelage.matching.models import DeclaredConflict

    DeclaredConflict.objects.create(
        item=submitted.item,
        person=world.reviewer_person,
        reason="Co-author.",
        declared_by=world.reviewer,
    )
    signed_in(client, world.reviewer)
    assert client.get(f"/api/v1/applications/{submitted.application.pk}").status_code == 404
    assert client.get("/api/v1/applications").json() == {"count": 0, "items": []}
    assert client.get("/api/v1/reviews/mine").json() == {"count": 0, "items": []}


def test_application_detail_of_an_unknown_id_is_404(client, world, submitted):
    response = signed_in(client, world.admin).get("/api/v1/applications/999999")
    assert response.status_code == 404


# --- Reviews -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_my_reviews_lists_the_assignments_without_conflicts(client, world, submitted, name):
    response = client_as(client, world, name).get("/api/v1/reviews/mine")
    if name == "anonymous":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    if name == "reviewer":
        assert response.json() == {
            "count": 1,
            "items": [
                {
                    "application_id": submitted.application.pk,
                    "reference": "JC27-001",
                    "title": "Biopsies liquides et immunothérapie",
                    "call": _call_ref(world.call),
                    "review_status": "submitted",
                }
            ],
        }
    else:
        assert response.json() == {"count": 0, "items": []}
    for leak in LEAKS:
        assert leak not in _text(response)


def test_my_reviews_shows_a_review_not_started_as_missing(client, world, submitted, second_review):
    dupont = second_review.reviewer.user
    second_review.delete()
    response = signed_in(client, dupont).get("/api/v1/reviews/mine")
    assert [item["review_status"] for item in response.json()["items"]] == ["missing"]


def test_my_reviews_query_count_does_not_grow_with_assignments(
    client, world, submitted, django_assert_max_num_queries
):
    for number in range(3, 13):
        app = Application.objects.create(
            call=world.call,
            reference=f"JC27-{number:03d}",
            title=f"Projet {number}",
            created_by=world.applicant,
            status=Application.Status.SUBMITTED,
        )
        item = ReviewItem.objects.create(
            exercise=submitted.exercise, reference=app.reference, title=app.title, source=app
        )
        Assignment.objects.create(item=item, reviewer=world.reviewer_person, origin="manual")
    assert ContentType.objects.get_for_model(Application)  # warm the content-type cache
    signed_in(client, world.reviewer)
    with django_assert_max_num_queries(5):
        response = client.get("/api/v1/reviews/mine")
    assert response.json()["count"] == 11


# --- Errors, language, two-factor, docs --------------------------------------------------


def test_errors_follow_accept_language(client, world, submitted):
    response = signed_in(client, world.other_applicant).get(
        f"/api/v1/applications/{submitted.application.pk}", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 404
    assert response.json() == {"detail": "Cette page n’existe pas ou ne vous est pas accessible."}


def test_staff_without_two_factor_are_refused_in_json_before_any_data(client, world, submitted):
    """The pages' middleware (accounts.StaffMFAMiddleware) answers first: in JSON on the API,
    where a program cannot follow a redirect to the enrolment form."""
    client.force_login(world.staff_clara)
    response = client.get("/api/v1/applications")
    assert response.status_code == 403
    assert "JC27-001" not in _text(response)
    assert response.json() == {"detail": (
        "Your role gives access to confidential data: set up two-factor authentication with "
        "an authenticator app to continue.")}


def test_api_refuses_staff_without_two_factor_in_json(world, submitted):
    """The API's own check, the same rule as the middleware, answers 403 in JSON."""
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/api/v1/applications", HTTP_ACCEPT_LANGUAGE="fr")
    request.user = world.staff_clara
    request.session = SessionStore()
    request.COOKIES["sessionid"] = "x"
    response = resolve("/api/v1/applications").func(request)
    assert response.status_code == 403
    assert b"JC27-001" not in response.content
    assert json.loads(response.content) == {
        "detail": (
            "Your role gives access to confidential data: set up two-factor authentication with "
            "an authenticator app to continue."
        )
    }


def test_docs_page_is_not_served_from_a_cdn_in_production(client, settings):
    settings.DEBUG = False
    assert client.get("/api/v1/docs").status_code == 404
    schema = client.get("/api/v1/openapi.json").json()
    assert sorted(schema["paths"]) == [
        "/api/v1/applications", "/api/v1/applications/{application_id}", "/api/v1/calls",
        "/api/v1/calls/{call_id}", "/api/v1/reviews/mine"]


def test_docs_page_is_served_in_development(client, settings):
    settings.DEBUG = True
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"/api/v1/openapi.json" in response.content


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/calls", "/api/"])
def test_an_unknown_api_address_answers_in_json(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="fr")
    assert (response.status_code, response.json()) == (
        404, {"detail": "Cette page n’existe pas ou ne vous est pas accessible."})
