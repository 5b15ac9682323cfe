"""Eligibility and review pages: who may see them (the nine kinds of visitor, with the data
that could leak present), forms that keep what was typed, the conflicted reviewer shut out,
and query-count bounds on the lists."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jumelage.calls.models import Application, Participant, Review
from jumelage.calls.services.eligibility import check_eligibility, eligibility_reasons
from jumelage.core.models import AuditEntry
from jumelage.matching.models import Assignment, PoolMember, ReviewItem
from tests.calls.conftest import (
    ACTORS,
    client_as,
    person_with_account,
    signed_in,
)
from tests.calls.conftest import assert_refused as refused_without

pytestmark = pytest.mark.django_db

STAFF = {"staff_clara", "staff_quebec", "admin"}
# What must never reach someone who may not see the page.
SECRETS = (
    "JC27-001",
    "Biopsies liquides",
    "Un résumé confidentiel",
    "CONFIDENTIAL",
    "Solid design",
)


def get(client, world, name, url):
    return client_as(client, world, name).get(url)


def assert_refused(response, name):
    refused_without(response, name, SECRETS)


@pytest.mark.parametrize("name", ACTORS)
def test_eligibility_page_is_for_staff(client, world, submitted, name):
    check_eligibility(application=submitted.application)
    response = get(client, world, name, reverse("calls:eligibility", args=[world.call.pk]))
    if name in STAFF:
        assert response.status_code == 200
        body = response.content.decode()
        assert "JC27-001 Biopsies liquides et immunothérapie" in body
        assert "24 months, within the call’s 12 to 36 months." in body
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_review_board_is_for_staff(client, world, submitted, name):
    response = get(client, world, name, reverse("calls:review_board", args=[world.call.pk]))
    if name in STAFF:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Hugo Lefebvre (submitted)" in body
        assert "CONFIDENTIAL" not in body
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_the_review_page_is_for_the_assigned_reviewer_only(client, world, submitted, name):
    response = get(client, world, name, reverse("calls:review", args=[submitted.application.pk]))
    if name == "reviewer":
        assert response.status_code == 200
        body = response.content.decode()
        assert "Un résumé confidentiel du projet BLIM." in body
        assert "Your review was submitted. It can no longer be changed." in body
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_the_conflict_page_is_for_the_assigned_reviewer_only(client, world, submitted, name):
    response = get(
        client, world, name, reverse("calls:declare_conflict", args=[submitted.application.pk])
    )
    if name == "reviewer":
        assert response.status_code == 200
        assert "Declare a conflict of interest with JC27-001" in response.content.decode()
    else:
        assert_refused(response, name)


@pytest.mark.parametrize("name", ACTORS)
def test_my_reviews_lists_only_ones_own_assignments(client, world, submitted, name):
    response = get(client, world, name, reverse("calls:my_reviews"))
    if name == "anonymous":
        assert_refused(response, name)
        return
    assert response.status_code == 200
    body = response.content.decode()
    if name == "reviewer":
        assert "JC27-001 Biopsies liquides et immunothérapie" in body
    else:
        assert "No application is assigned to you for review." in body
        for secret in SECRETS:
            assert secret not in body


@pytest.fixture
def nadia(world, submitted):
    Assignment.objects.create(item=submitted.item, reviewer=world.other_person, origin="manual")
    return world.other_person


def test_a_reviewer_never_sees_the_other_reviewers(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    body = client.get(reverse("calls:review", args=[submitted.application.pk])).content.decode()
    assert "Un résumé confidentiel du projet BLIM." in body
    for other in (
        "Hugo Lefebvre",
        "CONFIDENTIAL",
        "Solid design",
        "Chloé Bertrand",
        "Je travaille avec",
    ):
        assert other not in body


def test_a_draft_review_is_saved(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    url = reverse("calls:review", args=[submitted.application.pk])
    first = world.criteria[0]
    response = client.post(
        url,
        {
            f"score_{first.pk}": "4",
            "comments_for_applicants": "Bien.",
            "confidential_comments": "",
            "save": "",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(reviewer=world.other_person)
    assert (
        review.status,
        review.comments_for_applicants,
        list(review.scores.values_list("score", flat=True)),
    ) == ("draft", "Bien.", [4])


def test_submitting_without_every_score_keeps_what_was_typed(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    url = reverse("calls:review", args=[submitted.application.pk])
    first = world.criteria[0]
    response = client.post(
        url,
        {
            f"score_{first.pk}": "4",
            "comments_for_applicants": "Un plan d’analyse solide.",
            "confidential_comments": "Équipe lyonnaise chargée.",
            "submit": "",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Give a score from 1 to 5 for “Feasibility” to submit the review." in body
    assert "Un plan d’analyse solide." in body
    assert "Équipe lyonnaise chargée." in body
    assert not Review.objects.filter(reviewer=world.other_person).exists()


def test_a_score_off_the_scale_gets_a_message(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    url = reverse("calls:review", args=[submitted.application.pk])
    response = client.post(url, {f"score_{world.criteria[0].pk}": "9", "save": ""})
    assert "Choose a score from 1 to 5; “9” is not on the scale." in response.content.decode()


def test_a_declared_conflict_shuts_the_reviewer_out(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    url = reverse("calls:declare_conflict", args=[submitted.application.pk])
    response = client.post(url, {"reason": "Ancienne collègue de Mathieu Tremblay."})
    assert response.status_code == 302
    assert response.url == reverse("calls:my_reviews")
    assert client.get(reverse("calls:review", args=[submitted.application.pk])).status_code == (403)
    mine = client.get(reverse("calls:my_reviews")).content.decode()
    assert "JC27-001" not in mine
    signed_in(client, world.staff_clara)
    board = client.get(reverse("calls:review_board", args=[world.call.pk])).content.decode()
    assert "Nadia Roy" not in board


def test_a_conflict_without_reason_is_refused(client, world, submitted, nadia):
    signed_in(client, world.other_applicant)
    url = reverse("calls:declare_conflict", args=[submitted.application.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert (
        "Say briefly why you have a conflict of interest with this application"
        in response.content.decode()
    )
    assert Assignment.objects.filter(reviewer=world.other_person).exists()


def test_an_override_without_justification_keeps_the_choice(client, world, submitted):
    signed_in(client, world.staff_clara)
    app = submitted.application
    response = client.post(
        reverse("calls:eligibility_override", args=[app.pk]),
        {f"a{app.pk}-eligible": "no", f"a{app.pk}-justification": ""},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Give the justification of the decision: it is kept in the audit log with the outcome."
    ) in body
    assert f'value="no" required id="id_a{app.pk}-eligible_1" checked' in body
    assert Application.objects.get(pk=app.pk).eligibility_overridden is False


def test_an_override_is_saved_and_audited(client, world, submitted):
    signed_in(client, world.staff_quebec)
    app = submitted.application
    response = client.post(
        reverse("calls:eligibility_override", args=[app.pk]),
        {f"a{app.pk}-eligible": "no", f"a{app.pk}-justification": "Lead no longer employed."},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="calls.eligibility.override")
    assert entry.changes["eligibility_justification"] == [None, "Lead no longer employed."]


def test_staff_run_the_checks_from_the_page(client, world, submitted):
    signed_in(client, world.admin)
    response = client.post(reverse("calls:eligibility_run", args=[world.call.pk]), follow=True)
    assert "Eligibility checked: 0 eligible, 1 not eligible." in response.content.decode()


def test_the_board_links_to_the_matching_exercise(client, world, submitted):
    signed_in(client, world.staff_clara)
    body = client.get(reverse("calls:review_board", args=[world.call.pk])).content.decode()
    assert reverse("matching:exercise", args=[submitted.exercise.pk]) in body


def add_reviewed_applications(world, submitted, n):
    """n more applications in the exercise, each with two reviewers and one draft."""
    reviewers = []
    for i in range(n):
        _user, person = person_with_account(
            given=f"Rev{i}", family=f"Iewer{i}", institution=world.karolinska
        )
        PoolMember.objects.create(exercise=submitted.exercise, person=person)
        reviewers.append(person)
    for i in range(n):
        app = Application.objects.create(
            call=world.call,
            reference=f"JC27-1{i:02d}",
            title=f"Projet {i}",
            created_by=world.other_applicant,
            status="submitted",
            eligibility="eligible",
        )
        Participant.objects.create(
            application=app,
            name=f"P {i}",
            email=f"p{i}@example.org",
            pole=world.clara,
            role="lead",
            status="confirmed",
        )
        item = ReviewItem.objects.create(
            exercise=submitted.exercise, reference=app.reference, title=app.title, source=app
        )
        for person in (world.reviewer_person, reviewers[i]):
            Assignment.objects.create(item=item, reviewer=person, origin="manual")
        Review.objects.create(
            application=app, reviewer=world.reviewer_person, comments_for_applicants="En cours."
        )


def test_the_board_has_a_query_bound(client, world, submitted, django_assert_max_num_queries):
    add_reviewed_applications(world, submitted, 8)
    signed_in(client, world.staff_clara)
    url = reverse("calls:review_board", args=[world.call.pk])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count("Hugo Lefebvre (draft)") == 8


def test_my_reviews_has_a_query_bound(client, world, submitted, django_assert_max_num_queries):
    add_reviewed_applications(world, submitted, 8)
    signed_in(client, world.reviewer)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("calls:my_reviews"))
    assert response.content.decode().count(">draft<") == 8


@pytest.mark.parametrize("name", sorted(set(ACTORS) - STAFF))
@pytest.mark.parametrize(
    "url_name", ["eligibility_run", "eligibility_notify", "review_sync", "review_remind"]
)
def test_staff_actions_are_refused_to_others(client, world, submitted, name, url_name):
    response = client_as(client, world, name).post(
        reverse(f"calls:{url_name}", args=[world.call.pk])
    )
    assert_refused(response, name)
    assert submitted.application.eligibility_checks.count() == 0
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize("name", sorted(set(ACTORS) - STAFF))
def test_only_staff_override_eligibility(client, world, submitted, name):
    app = submitted.application
    response = client_as(client, world, name).post(
        reverse("calls:eligibility_override", args=[app.pk]),
        {f"a{app.pk}-eligible": "no", f"a{app.pk}-justification": "X"},
    )
    assert_refused(response, name)
    assert Application.objects.get(pk=app.pk).eligibility == "eligible"


def test_the_applicants_see_the_failed_reasons_once_told(world, submitted):
    app = submitted.application
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    check_eligibility(application=app)
    app = Application.objects.get(pk=app.pk)
    app.eligibility = "ineligible"
    context = {"application": app, "eligibility_reasons": eligibility_reasons(app)}
    assert "has not been announced yet" in render_to_string(
        "calls/_eligibility_outcome.html", context
    )
    app.eligibility_notified_at = app.submitted_at
    html = render_to_string("calls/_eligibility_outcome.html", context)
    assert "<li>40 months is outside the call’s range of 12 to 36 months.</li>" in html
    assert "Each funding pole has a confirmed lead" not in html


def test_the_eligibility_page_has_a_query_bound(
    client, world, submitted, django_assert_max_num_queries
):
    add_reviewed_applications(world, submitted, 8)
    for app in Application.objects.filter(status="submitted"):
        check_eligibility(application=app)
    signed_in(client, world.staff_clara)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("calls:eligibility", args=[world.call.pk]))
    assert response.content.decode().count("<strong>not met</strong>") == 8 * 4 + 1
