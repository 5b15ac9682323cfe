"""Answering an invitation to a consortium (`respond_to_invitation` and `calls:invitation`):
only the invited person accepts (one of their verified addresses is the invited one), only while
the application is a draft and its stage open (server time); declining stays possible."""

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse

from jumelage.calls.models import Application, Participant
from jumelage.calls.services import applications as services
from jumelage.core.models import AuditEntry
from tests.calls.conftest import CLOSES, DURING, invite_coapplicant, signed_in
from tests.calls.test_applications import started

pytestmark = pytest.mark.django_db

UNIVERSITY_EMAIL = "m.tremblay@umontreal.example.org"
CLOSED = (
    "The call closed on 31 March 2027, 9:59 pm (UTC, server time): the invitation can no "
    "longer be accepted, only declined."
)
WRONG_ACCOUNT = (
    "This invitation was sent to m…@umontreal.example.org, not to an address of the account "
    "you are signed in with. Sign in with the account of m…@umontreal.example.org to accept it."
)


def url(name, *args, lang="en"):
    return f"/{lang}" + reverse(name, args=args)[3:]


def invite(world, application, email=None) -> Participant:
    with time_machine.travel(DURING, tick=False):
        return invite_coapplicant(world, application, email=email)


def add_address(user, email, verified=True):
    return EmailAddress.objects.create(user=user, email=email, verified=verified, primary=False)


# --- The service -------------------------------------------------------------------------


def test_masked_email_keeps_the_first_letter_and_the_domain():
    assert services.masked_email("mathieu@univ-lyon1.example.org") == "m…@univ-lyon1.example.org"


def test_accepting_after_the_deadline_is_refused(world):
    invited = invite(world, started(world))
    with time_machine.travel(CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
    assert (exc.value.code, exc.value.messages) == ("closed", [CLOSED])
    invited.refresh_from_db()
    assert (invited.status, invited.person) == ("invited", None)
    assert not AuditEntry.objects.filter(action="calls.participant.respond").exists()


def test_accepting_after_submission_is_refused(world):
    application = started(world)
    invited = invite(world, application)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
    assert exc.value.messages == [
        "The application JC27-001 is submitted: its consortium can no longer change, so the "
        "invitation can only be declined."
    ]
    invited.refresh_from_db()
    assert invited.status == "invited"


def test_accepting_with_another_account_is_refused(world):
    invited = invite(world, started(world), email=UNIVERSITY_EMAIL)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.respond_to_invitation(participant=invited, accept=True, user=world.other_applicant)
    assert (exc.value.code, exc.value.messages) == ("wrong_account", [WRONG_ACCOUNT])
    invited.refresh_from_db()
    assert (invited.status, invited.person) == ("invited", None)


def test_accepting_with_an_unverified_address_of_the_account_is_refused(world):
    add_address(world.coapplicant, UNIVERSITY_EMAIL, verified=False)
    invited = invite(world, started(world), email=UNIVERSITY_EMAIL)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
    assert exc.value.code == "wrong_account"


def test_accepting_with_a_secondary_verified_address_in_another_case(world):
    add_address(world.coapplicant, "M.Tremblay@UMontreal.example.org")
    invited = invite(world, started(world), email=UNIVERSITY_EMAIL)
    with time_machine.travel(DURING, tick=False):
        services.respond_to_invitation(participant=invited, accept=True, user=world.coapplicant)
    invited.refresh_from_db()
    assert (invited.email, invited.status, invited.person) == (
        UNIVERSITY_EMAIL,
        "confirmed",
        world.coapplicant_person,
    )


def test_declining_after_the_deadline_is_allowed(world):
    invited = invite(world, started(world))
    with time_machine.travel(CLOSES, tick=False):
        services.respond_to_invitation(participant=invited, accept=False, user=world.coapplicant)
    invited.refresh_from_db()
    assert (invited.status, invited.person) == ("declined", None)


def test_declining_after_submission_is_allowed(world):
    application = started(world)
    invited = invite(world, application)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    with time_machine.travel(DURING, tick=False):
        services.respond_to_invitation(participant=invited, accept=False, user=world.coapplicant)
    invited.refresh_from_db()
    assert invited.status == "declined"


# --- The page ----------------------------------------------------------------------------


def test_page_for_another_account_names_the_masked_address_and_hides_the_application(client, world):
    application = started(world)
    with time_machine.travel(DURING, tick=False):
        services.save_draft(
            application=application,
            changes={"title": "Biopsies liquides"},
            version=application.version,
            actor=world.applicant,
        )
    invited = invite(world, application, email=UNIVERSITY_EMAIL)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.other_applicant).get(
            url("calls:invitation", invited.token)
        )
    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["notice"] == WRONG_ACCOUNT
    assert "Biopsies liquides" not in content
    assert "Élise Garnier" not in content
    assert UNIVERSITY_EMAIL not in content
    assert 'value="accept"' not in content


def test_page_post_from_another_account_shows_the_refusal(client, world):
    invited = invite(world, started(world), email=UNIVERSITY_EMAIL)
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.other_applicant).post(
            url("calls:invitation", invited.token), {"answer": "accept"}
        )
    assert response.status_code == 400
    assert response.context["errors"] == [WRONG_ACCOUNT]
    invited.refresh_from_db()
    assert invited.status == "invited"


def test_page_after_the_deadline_offers_only_to_decline(client, world):
    invited = invite(world, started(world))
    with time_machine.travel(CLOSES, tick=False):
        response = signed_in(client, world.coapplicant).get(url("calls:invitation", invited.token))
    content = response.content.decode()
    assert response.context["notice"] == CLOSED
    assert ('value="accept"' in content, 'value="decline"' in content) == (False, True)


def test_page_post_accept_after_the_deadline_is_refused_with_the_reason(client, world):
    invited = invite(world, started(world))
    with time_machine.travel(CLOSES, tick=False):
        response = signed_in(client, world.coapplicant).post(
            url("calls:invitation", invited.token), {"answer": "accept"}
        )
    assert response.status_code == 400
    assert response.context["errors"] == [CLOSED]
    assert response.context["notice"] == ""
    invited.refresh_from_db()
    assert invited.status == "invited"


def test_page_decline_after_the_deadline(client, world):
    invited = invite(world, started(world))
    with time_machine.travel(CLOSES, tick=False):
        response = signed_in(client, world.coapplicant).post(
            url("calls:invitation", invited.token), {"answer": "decline"}
        )
    assert (response.status_code, response["Location"]) == (302, url("calls:my_applications"))
    invited.refresh_from_db()
    assert invited.status == "declined"


def test_my_applications_lists_invitations_to_a_secondary_verified_address(client, world):
    add_address(world.coapplicant, UNIVERSITY_EMAIL)
    invited = invite(world, started(world), email=UNIVERSITY_EMAIL)
    unverified = invite(world, started(world), email="mathieu@perso.example.org")
    add_address(world.coapplicant, "mathieu@perso.example.org", verified=False)
    response = signed_in(client, world.coapplicant).get(url("calls:my_applications"))
    assert [p.pk for p in response.context["invitations"]] == [invited.pk]
    assert unverified.pk != invited.pk
