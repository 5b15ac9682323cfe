"""What the nine usual visitors do not cover: staff of a pole that funds no side of the call,
a reviewer whose conflict of interest the rules find after the assignment, and an eligibility
outcome that changes after the applicants were told."""

import pytest
from django.core import mail

from jumelage.calls.models import Participant, Review
from jumelage.calls.services import eligibility, review
from jumelage.core.models import AuditEntry
from jumelage.matching.models import Assignment
from tests.calls.conftest import signed_in
from tests.factories import PoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outsider(world):
    """Staff of a third pole, which funds nothing in the world's call."""
    third = PoleFactory(code="tiers", name_fr="Pôle tiers", name_en="Third pole",
                        short_name="Tiers", currency="EUR")
    return UserFactory(role="pole_staff", pole=third, email="staff@tiers.example.org")


def test_staff_of_another_pole_get_nothing_of_the_call_anywhere(client, world, submitted,
                                                                outsider):
    signed_in(client, outsider)
    exercise, item = submitted.exercise, submitted.item
    app, call = submitted.application, world.call
    pages = [f"/en/calls/{call.pk}/manage/", f"/en/calls/{call.pk}/eligibility/",
             f"/en/calls/{call.pk}/review/", f"/en/calls/{call.pk}/ranking/",
             f"/en/calls/{call.pk}/decisions/", f"/en/calls/{call.pk}/follow-up/",
             f"/en/calls/{call.pk}/exports/", f"/en/calls/applications/{app.pk}/",
             f"/en/calls/applications/{app.pk}/panel/",
             f"/en/matching/exercises/{exercise.pk}/",
             f"/en/matching/exercises/{exercise.pk}/items/{item.pk}/",
             f"/en/matching/exercises/{exercise.pk}/pool/",
             f"/en/matching/exercises/{exercise.pk}/settings/"]
    for url in pages:
        response = client.get(url)
        text = response.content.decode()
        assert (url, response.status_code) == (url, 403)
        for leaked in ("BLIM", "Un résumé confidentiel", "Lefebvre", "CONFIDENTIAL"):
            assert leaked not in text, (url, leaked)
    run = client.post(f"/en/matching/exercises/{exercise.pk}/run/")
    assert run.status_code == 403
    assert Assignment.objects.filter(item=item).count() == 1
    listing = client.get("/en/matching/exercises/").content.decode()
    assert f"/en/matching/exercises/{exercise.pk}/" not in listing


def test_staff_of_a_funding_pole_manage_the_calls_exercise(client, world, submitted):
    signed_in(client, world.staff_quebec)
    response = client.get(f"/en/matching/exercises/{submitted.exercise.pk}/")
    assert response.status_code == 200
    assert "JC27-001" in response.content.decode()


def test_a_conflict_found_after_the_assignment_withdraws_the_reviewer(world, submitted):
    """Hugo Lefebvre (Karolinska) reviews JC27-001; a Karolinska collaborator is then named
    on it: the next synchronisation drops his assignment and draft review, audited."""
    submitted.review.status = Review.Status.DRAFT
    submitted.review.save()
    Participant.objects.create(
        application=submitted.application, name="Ingrid Berg", email="ingrid@ki.example.org",
        pole=None, institution=world.karolinska, role=Participant.Role.COLLABORATOR,
        status=Participant.Status.CONFIRMED)
    assert world.reviewer.has_perm("calls.review_application", submitted.application)
    review.sync_items(call=world.call, actor=world.staff_clara)
    assert not Assignment.objects.filter(item__exercise=submitted.exercise).exists()
    assert not Review.objects.filter(application=submitted.application).exists()
    assert not world.reviewer.has_perm("calls.view_application", submitted.application)
    entry = AuditEntry.objects.get(action="calls.review.drop_conflicted")
    assert entry.changes == {"assignments": [["JC27-001: Hugo Lefebvre"], None]}


def test_a_changed_eligibility_is_told_again_and_leaves_the_review(
        world, submitted, django_capture_on_commit_callbacks):
    review.sync_items(call=world.call, actor=world.staff_clara)
    with django_capture_on_commit_callbacks(execute=True):
        assert eligibility.notify_eligibility(call=world.call, actor=world.staff_clara) == 1
    assert sorted(m.to[0] for m in mail.outbox) == [world.coapplicant.email,
                                                    world.applicant.email]
    assert eligibility.notify_eligibility(call=world.call, actor=world.staff_clara) == 0
    eligibility.override_eligibility(application=submitted.application, eligible=False,
                                     justification="Le volet québécois dépasse le plafond.",
                                     actor=world.staff_quebec)
    submitted.application.refresh_from_db()
    assert submitted.application.eligibility_notified_at is None
    assert not submitted.exercise.items.exists()
    assert not world.reviewer.has_perm("calls.view_application", submitted.application)
    with django_capture_on_commit_callbacks(execute=True):
        assert eligibility.notify_eligibility(call=world.call, actor=world.staff_clara) == 1
    assert sorted(m.to[0] for m in mail.outbox[2:]) == [world.coapplicant.email,
                                                        world.applicant.email]
    assert [m.body == n.body for m, n in zip(mail.outbox[:2], mail.outbox[2:], strict=True)
            ] == [False, False]  # the new outcome, not the old one again
