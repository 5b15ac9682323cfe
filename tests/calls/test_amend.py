"""Staff amendment and withdrawal pages: `calls:amend` (staff of the call change a submitted
application with a justification, and see the history of amendments) and `calls:withdraw`
(the applicants withdraw before the deadline, after a confirmation page)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from jumelage.calls.models import Application
from jumelage.calls.services import applications as services
from jumelage.calls.services.applications import StaleDraft
from jumelage.core.models import AuditEntry
from jumelage.matching.models import ReviewItem
from tests.calls.conftest import ACTORS, CLOSES, DURING, client_as, signed_in
from tests.factories import ThemeFactory

pytestmark = pytest.mark.django_db

ABSTRACT = "Un résumé confidentiel du projet BLIM."  # the `submitted` fixture's abstract
JUSTIFICATION = "Titre corrigé à la demande de la porteuse (courriel du 2 mars)."
STAFF = ("staff_clara", "staff_quebec", "admin")
RELEASED = dt.datetime(2027, 7, 1, 8, 0, tzinfo=dt.UTC)


def url(name, *args):
    return reverse(name, args=args)


@pytest.fixture
def amended(world, submitted):
    """The submitted application, amended once by CLARA staff."""
    services.amend_application(
        application=submitted.application,
        changes={"title": "Biopsies liquides et immunothérapie (BLIM)"},
        version=submitted.application.version,
        actor=world.staff_clara,
        justification=JUSTIFICATION,
    )
    submitted.application.refresh_from_db()
    return submitted.application


# --- Amendment: permissions ------------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_amend_page_only_for_staff_of_the_call(client, world, amended, name):
    response = client_as(client, world, name).get(url("calls:amend", amended.pk))
    content = response.content.decode()
    if name in STAFF:
        assert response.status_code == 200
        assert JUSTIFICATION in content
        assert ABSTRACT in content
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert JUSTIFICATION not in content
        assert ABSTRACT not in content
    if name == "anonymous":
        assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("name", ACTORS)
def test_amend_post_only_by_staff_of_the_call(client, world, submitted, name):
    response = client_as(client, world, name).post(
        url("calls:amend", submitted.application.pk),
        {
            "version": "1",
            "title": "Titre changé",
            "abstract": ABSTRACT,
            "description": "Description détaillée.",
            "keywords": "biopsie liquide, immunothérapie",
            "duration_months": "24",
            "justification": "Correction.",
        },
    )
    submitted.application.refresh_from_db()
    if name in STAFF:
        assert response.status_code == 302
        assert submitted.application.title == "Titre changé"
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert submitted.application.title == "Biopsies liquides et immunothérapie"
        assert ABSTRACT not in response.content.decode()


# --- Amendment: behaviour --------------------------------------------------------------


def test_amend_records_only_the_changed_fields(client, world, submitted):
    signed_in(client, world.staff_quebec).post(
        url("calls:amend", submitted.application.pk),
        {
            "version": "1",
            "title": "Biopsies liquides et immunothérapie",
            "abstract": ABSTRACT,
            "description": "Description détaillée.",
            "keywords": "biopsie liquide, immunothérapie, ADN circulant",
            "duration_months": "30",
            "justification": "  Mots-clés et durée corrigés.  ",
        },
    )
    entry = AuditEntry.objects.get(action="calls.application.amend")
    assert (entry.actor, entry.changes) == (
        world.staff_quebec,
        {
            "duration_months": [24, 30],
            "keywords": [
                ["biopsie liquide", "immunothérapie"],
                ["biopsie liquide", "immunothérapie", "ADN circulant"],
            ],
            "justification": [None, "Mots-clés et durée corrigés."],
            "version": [1, 2],
        },
    )


def test_amend_page_shows_the_history_of_amendments(client, world, amended):
    response = signed_in(client, world.staff_quebec).get(url("calls:amend", amended.pk))
    (row,) = response.context["amendments"]
    assert (row["justification"], row["changes"]) == (
        JUSTIFICATION,
        [
            {
                "label": "Project title",
                "before": "Biopsies liquides et immunothérapie",
                "after": "Biopsies liquides et immunothérapie (BLIM)",
            }
        ],
    )


def test_amend_without_justification_keeps_what_was_typed(client, world, submitted):
    response = signed_in(client, world.staff_clara).post(
        url("calls:amend", submitted.application.pk),
        {"version": "1", "title": "Titre retapé", "abstract": ABSTRACT, "justification": " "},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert (
        "Say why the application is amended: the justification is kept in the audit log." in content
    )
    assert 'value="Titre retapé"' in content
    submitted.application.refresh_from_db()
    assert submitted.application.title == "Biopsies liquides et immunothérapie"


def test_amend_with_a_bad_duration_names_the_value(client, world, submitted):
    response = signed_in(client, world.staff_clara).post(
        url("calls:amend", submitted.application.pk),
        {"version": "1", "title": "T", "duration_months": "deux ans", "justification": "Durée."},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["duration_months"] == [
        "Give the duration as a whole number of months, such as 24."
    ]


def test_amend_of_a_draft_is_refused(world, submitted):
    with pytest.raises(ValidationError) as exc:
        services.amend_application(
            application=submitted.other,
            changes={"title": "X"},
            version=1,
            actor=world.staff_clara,
            justification="Essai.",
        )
    assert exc.value.messages == [
        "The application JC27-002 is draft: staff amend only submitted applications."
    ]


def test_amend_page_of_a_withdrawn_application_offers_no_form(client, world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(status="withdrawn")
    response = signed_in(client, world.admin).get(url("calls:amend", submitted.application.pk))
    assert response.context["amendable"] is False
    assert (
        "The application is withdrawn: staff amend only submitted applications."
        in response.content.decode()
    )
    assert "<textarea" not in response.content.decode()


def test_amend_page_of_a_draft_is_refused_to_staff(client, world, submitted):
    response = signed_in(client, world.admin).get(url("calls:amend", submitted.other.pk))
    assert response.status_code == 403
    assert "Brouillon." not in response.content.decode()


# --- Withdrawal: permissions -----------------------------------------------------------


@pytest.mark.parametrize("name", ACTORS)
def test_withdraw_page_only_for_the_creator(client, world, submitted, name):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).get(
            url("calls:withdraw", submitted.application.pk)
        )
    content = response.content.decode()
    if name == "applicant":
        assert response.status_code == 200
        assert "Withdraw the application" in content
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert ABSTRACT not in content
        assert "Biopsies liquides" not in content


@pytest.mark.parametrize("name", ACTORS)
def test_withdraw_post_only_by_the_creator(client, world, submitted, name):
    with time_machine.travel(DURING, tick=False):
        response = client_as(client, world, name).post(
            url("calls:withdraw", submitted.application.pk)
        )
    submitted.application.refresh_from_db()
    if name == "applicant":
        assert response.status_code == 302
        assert submitted.application.status == "withdrawn"
    else:
        assert response.status_code == (302 if name == "anonymous" else 403)
        assert submitted.application.status == "submitted"
        assert ABSTRACT not in response.content.decode()


# --- Withdrawal: behaviour -------------------------------------------------------------


def test_withdraw_page_shows_the_deadline(client, world, submitted):
    with time_machine.travel(DURING, tick=False):
        response = signed_in(client, world.applicant).get(
            url("calls:withdraw", submitted.application.pk)
        )
    assert (
        "Withdrawal is possible until 31 March 2027, 9:59 pm UTC (server time), that is "
        "31 March 2027, 11:59 pm in Paris and March 31, 2027, 5:59 pm in Montréal."
    ) in response.content.decode()


def test_withdraw_of_a_draft_by_a_coapplicant(world, submitted):
    with time_machine.travel(DURING, tick=False):
        services.withdraw_application(application=submitted.other, actor=world.other_applicant)
    submitted.other.refresh_from_db()
    assert submitted.other.status == "withdrawn"


def test_withdraw_at_the_deadline_is_refused(world, submitted):
    with time_machine.travel(CLOSES, tick=False), pytest.raises(ValidationError) as exc:
        services.withdraw_application(application=submitted.application, actor=world.applicant)
    assert exc.value.messages == [
        "The call closed on 31 March 2027, 9:59 pm (UTC, server time): the application can no "
        "longer be withdrawn. Write to the programme staff."
    ]


def test_withdraw_page_after_the_deadline_goes_back_with_the_reason(client, world, submitted):
    with time_machine.travel(CLOSES, tick=False):
        response = signed_in(client, world.applicant).get(
            url("calls:withdraw", submitted.application.pk), follow=True
        )
    assert response.redirect_chain == [(url("calls:application", submitted.application.pk), 302)]
    assert "the application can no longer be withdrawn." in response.content.decode()
    submitted.application.refresh_from_db()
    assert submitted.application.status == "submitted"


def test_withdraw_after_a_decision_is_refused(world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(outcome="funded")
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError) as exc:
        services.withdraw_application(application=submitted.application, actor=world.applicant)
    assert exc.value.code == "locked"


def test_withdraw_twice_changes_nothing(world, submitted):
    with time_machine.travel(DURING, tick=False):
        services.withdraw_application(application=submitted.application, actor=world.applicant)
        services.withdraw_application(application=submitted.application, actor=world.applicant)
    assert AuditEntry.objects.filter(action="calls.application.withdraw").count() == 1


# --- Links from the application page ---------------------------------------------------


@pytest.mark.parametrize("name", ("applicant", "coapplicant", "reviewer", *STAFF))
def test_application_page_links_to_withdraw_and_amend(client, world, submitted, name):
    with time_machine.travel(DURING, tick=False):
        content = (
            client_as(client, world, name)
            .get(url("calls:application", submitted.application.pk))
            .content.decode()
        )
    withdraw_link = f'href="{url("calls:withdraw", submitted.application.pk)}"'
    amend_link = f'href="{url("calls:amend", submitted.application.pk)}"'
    assert (withdraw_link in content, amend_link in content) == (
        name == "applicant",
        name in STAFF,
    )


# --- Amendment: concurrency, themes, released decisions, review item -------------------


def amend_form(**values):
    return {
        "version": "1",
        "title": "Biopsies liquides et immunothérapie",
        "abstract": ABSTRACT,
        "description": "Description détaillée.",
        "keywords": "biopsie liquide, immunothérapie",
        "duration_months": "24",
        "justification": "Correction.",
        **values,
    }


def test_amend_from_an_old_version_is_refused_with_the_current_values(world, amended):
    with pytest.raises(StaleDraft) as exc:
        services.amend_application(
            application=amended,
            changes={"title": "Titre de Mathieu"},
            version=1,
            actor=world.staff_quebec,
            justification="Autre correction.",
        )
    assert (exc.value.version, exc.value.current["title"], exc.value.changed_by) == (
        2,
        "Biopsies liquides et immunothérapie (BLIM)",
        {"title": world.staff_clara.get_full_name()},
    )
    amended.refresh_from_db()
    assert (amended.title, amended.version) == ("Biopsies liquides et immunothérapie (BLIM)", 2)
    assert AuditEntry.objects.filter(action="calls.application.amend").count() == 1


def test_amend_page_from_an_old_version_shows_both_values_and_keeps_the_typed_one(
    client, world, amended
):
    response = signed_in(client, world.staff_quebec).post(
        url("calls:amend", amended.pk), amend_form(title="Titre de l’Oncopole")
    )
    content = response.content.decode()
    assert response.status_code == 409
    assert [
        (r["name"], r["mine"], r["theirs"], r["who"]) for r in response.context["conflicts"]
    ] == [
        (
            "title",
            "Titre de l’Oncopole",
            "Biopsies liquides et immunothérapie (BLIM)",
            world.staff_clara.get_full_name(),
        )
    ]
    assert 'value="Titre de l’Oncopole"' in content
    assert 'name="version" value="2"' in content
    amended.refresh_from_db()
    assert amended.title == "Biopsies liquides et immunothérapie (BLIM)"


def test_amend_page_from_an_old_version_agreeing_with_the_stored_values_saves(
    client, world, amended
):
    response = signed_in(client, world.staff_quebec).post(
        url("calls:amend", amended.pk),
        amend_form(title="Biopsies liquides et immunothérapie (BLIM)", duration_months="30"),
    )
    assert response.status_code == 302
    amended.refresh_from_db()
    assert (amended.duration_months, amended.version) == (30, 3)


def test_amend_with_a_theme_outside_the_call_is_refused(world, submitted):
    outside = ThemeFactory(code="cardiology", name_en="Cardiology", name_fr="Cardiologie")
    with pytest.raises(ValidationError) as exc:
        services.amend_application(
            application=submitted.application,
            changes={"themes": [world.genomics.pk, outside.pk]},
            version=1,
            actor=world.staff_clara,
            justification="Thèmes.",
        )
    assert exc.value.message_dict == {
        "themes": [
            f"“{outside.pk}” is not a theme of this call: choose among Genomics and precision "
            "medicine."
        ]
    }
    assert list(submitted.application.themes.all()) == [world.genomics]


def test_amend_themes_among_those_of_the_call(world, submitted):
    immunology = ThemeFactory(code="immunology", name_en="Immunology", name_fr="Immunologie")
    world.call.themes.add(immunology)
    services.amend_application(
        application=submitted.application,
        changes={"themes": [immunology]},
        version=1,
        actor=world.staff_clara,
        justification="Thème corrigé.",
    )
    assert list(submitted.application.themes.all()) == [immunology]
    assert AuditEntry.objects.get(action="calls.application.amend").changes["themes"] == [
        [world.genomics.pk],
        [immunology.pk],
    ]


def test_amend_after_the_decision_is_released_is_refused(world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(
        outcome="funded", outcome_released_at=RELEASED
    )
    with pytest.raises(ValidationError) as exc:
        services.amend_application(
            application=submitted.application,
            changes={"title": "Trop tard"},
            version=1,
            actor=world.staff_clara,
            justification="Essai.",
        )
    assert (exc.value.code, exc.value.messages) == (
        "released",
        [
            "The decision on JC27-001 was released on 1 July 2027, 8:00 am (UTC): the "
            "application can no longer be amended."
        ],
    )


def test_amend_page_after_the_decision_is_released_offers_no_form(client, world, submitted):
    Application.objects.filter(pk=submitted.application.pk).update(
        outcome="funded", outcome_released_at=RELEASED
    )
    response = signed_in(client, world.staff_clara).get(
        url("calls:amend", submitted.application.pk)
    )
    content = response.content.decode()
    assert (response.context["amendable"], response.context["released"]) == (False, True)
    assert "the application can no longer be amended." in content
    assert "<textarea" not in content


def test_amend_refreshes_the_review_item(world, submitted):
    immunology = ThemeFactory(code="immunology", name_en="Immunology", name_fr="Immunologie")
    world.call.themes.add(immunology)
    services.amend_application(
        application=submitted.application,
        changes={
            "title": "Biopsies liquides (BLIM)",
            "abstract": "Résumé corrigé.",
            "keywords": ["ADN circulant"],
            "themes": [immunology.pk],
        },
        version=1,
        actor=world.staff_clara,
        justification="Résumé corrigé.",
    )
    item = ReviewItem.objects.get(pk=submitted.item.pk)
    assert (item.title, item.text, item.keywords, list(item.themes.all())) == (
        "Biopsies liquides (BLIM)",
        "Résumé corrigé.",
        ["ADN circulant"],
        [immunology],
    )
    assert list(item.assignments.values_list("reviewer", flat=True)) == [world.reviewer_person.pk]


def test_amend_without_a_review_item_creates_none(world, submitted):
    submitted.item.delete()
    services.amend_application(
        application=submitted.application,
        changes={"title": "Biopsies liquides (BLIM)"},
        version=1,
        actor=world.staff_clara,
        justification="Titre.",
    )
    assert not ReviewItem.objects.exists()
