"""Eligibility of applications: each rule with a passing and a failing case and its exact
reason, staff overrides with their justification (audited), the applicants told once."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from jumelage.calls.models import Application, Attachment, BudgetLine, Participant
from jumelage.calls.services.eligibility import (
    RULES,
    check_eligibility,
    eligibility_reasons,
    notify_eligibility,
    override_eligibility,
    reason_text,
    run_eligibility,
)
from jumelage.core.models import AuditEntry
from tests.factories import AffiliationFactory, InstitutionFactory

pytestmark = pytest.mark.django_db


def attach(application, kind):
    return Attachment.objects.create(
        application=application,
        kind=kind,
        file=ContentFile(b"%PDF-1.7\n", name="f.pdf"),
        original_name=f"{kind}.pdf",
        size=9,
        pages=1,
        sha256="0" * 64,
    )


@pytest.fixture
def app(world, submitted):
    """The submitted application with its two required documents."""
    application = submitted.application
    attach(application, "proposal")
    attach(application, "cv")
    return application


def check(application, rule):
    return next(c for c in check_eligibility(application=application) if c.rule == rule)


def result(application, rule):
    found = check(application, rule)
    return found.passed, reason_text(found)


def test_a_complete_application_passes_every_rule_with_its_reason(app):
    checks = check_eligibility(application=app)
    assert [(c.rule, c.passed, reason_text(c)) for c in checks] == [
        (
            "lead_per_pole",
            True,
            "Each funding pole has a confirmed lead: CLARA – Élise Garnier; Oncopole – Mathieu "
            "Tremblay.",
        ),
        (
            "lead_position",
            True,
            "The lead of each side holds an eligible position at a member institution of that "
            "side’s pole.",
        ),
        ("third_country_unfunded", True, "No collaborator from outside both poles."),
        (
            "required_documents",
            True,
            "Every required document is attached: project description, CVs of the leads.",
        ),
        (
            "word_limits",
            True,
            "Abstract: 6 words (at most 300); project description: 2 words (at most 3,000).",
        ),
        (
            "budget_caps",
            True,
            "Each side asks for no more than its cap: CLARA: €42,000.00 of at most €50,000.00; "
            "Oncopole: CA$58,000.00 of at most CA$75,000.00.",
        ),
        ("duration", True, "24 months, within the call’s 12 to 36 months."),
    ]


def test_checking_again_keeps_one_check_per_rule(app):
    check_eligibility(application=app)
    check_eligibility(application=app)
    assert sorted(app.eligibility_checks.values_list("rule", flat=True)) == sorted(RULES)


def test_a_side_without_a_confirmed_lead_fails(app):
    Participant.objects.filter(application=app, name="Mathieu Tremblay").update(
        status=Participant.Status.INVITED
    )
    assert result(app, "lead_per_pole") == (
        False,
        "No confirmed lead for Oncopole; the call requires a confirmed lead for each "
        "funding pole (CLARA, Oncopole).",
    )


def test_a_lead_in_a_position_the_call_does_not_accept_fails(world, app):
    world.applicant_person.career_stage = "doctoral"
    world.applicant_person.save()
    assert result(app, "lead_position") == (
        False,
        "Élise Garnier, lead for CLARA, is “Doctoral student” in the directory; the "
        "call accepts: Early-career researcher, Established researcher, "
        "Clinician-researcher.",
    )


def test_a_lead_at_a_unit_whose_parent_is_a_member_institution_passes(world, app):
    unit = InstitutionFactory(
        name_fr="Centre de recherche en cancérologie", name_en="Cancer research centre", pole=None
    )
    unit.parents.add(world.lyon1)
    world.applicant_person.affiliations.all().delete()
    AffiliationFactory(person=world.applicant_person, institution=unit)
    Participant.objects.filter(application=app, name="Élise Garnier").update(institution=unit)
    assert check(app, "lead_position").passed is True


def test_a_lead_outside_the_sides_pole_fails(world, app):
    world.applicant_person.affiliations.all().delete()
    AffiliationFactory(person=world.applicant_person, institution=world.karolinska)
    Participant.objects.filter(application=app, name="Élise Garnier").update(
        institution=world.karolinska
    )
    assert result(app, "lead_position") == (
        False,
        "Élise Garnier, lead for CLARA, works at Karolinska Institutet, which is not a "
        "member institution of CLARA.",
    )


def add_outsider(world, application, role=Participant.Role.COLLABORATOR):
    return Participant.objects.create(
        application=application,
        name="Anna Svensson",
        email="anna@ki.example.org",
        pole=None,
        institution=world.karolinska,
        role=role,
        status=Participant.Status.CONFIRMED,
    )


def test_an_unfunded_collaborator_from_outside_both_poles_passes(world, app):
    add_outsider(world, app)
    assert result(app, "third_country_unfunded") == (
        True,
        "Unfunded collaborators from outside both poles: Anna Svensson.",
    )


def test_an_outside_collaborator_fails_when_the_call_refuses_them(world, app):
    world.call.third_country_allowed = False
    world.call.save()
    add_outsider(world, app)
    assert result(app, "third_country_unfunded") == (
        False,
        "This call does not accept collaborators from outside both poles; the "
        "application names Anna Svensson.",
    )


def test_an_outsider_named_as_co_applicant_fails(world, app):
    add_outsider(world, app, role=Participant.Role.CO_APPLICANT)
    assert result(app, "third_country_unfunded") == (
        False,
        "Anna Svensson, from outside both poles, may only be unfunded collaborators, "
        "not leads or co-applicants.",
    )


def test_a_missing_required_document_fails(world, submitted):
    attach(submitted.application, "proposal")
    assert result(submitted.application, "required_documents") == (
        False,
        "Missing: CVs of the leads; the call requires project description, CVs of the leads.",
    )


def test_an_abstract_over_the_word_limit_fails(world, app):
    world.call.abstract_word_limit = 5
    world.call.save()
    assert result(app, "word_limits") == (False, "The abstract has 6 words, over the limit of 5.")


def test_a_side_over_its_cap_fails(world, app):
    BudgetLine.objects.create(
        application=app, pole=world.clara, category="equipment", amount="10000"
    )
    assert result(app, "budget_caps") == (
        False,
        "Over the cap: CLARA: €52,000.00 of at most €50,000.00.",
    )


def test_a_duration_outside_the_range_fails(app):
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    assert result(app, "duration") == (
        False,
        "40 months is outside the call’s range of 12 to 36 months.",
    )


def test_a_missing_duration_fails(app):
    Application.objects.filter(pk=app.pk).update(duration_months=None)
    assert result(app, "duration") == (
        False,
        "No duration is given; the call accepts 12 to 36 months.",
    )


def test_the_reason_is_given_in_french(app):
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    found = check(app, "duration")
    with translation.override("fr"):
        assert reason_text(found) == (
            "40\u00a0mois\u00a0: hors de la durée admise par l’appel à projets, de 12 à "
            "36\u00a0mois."
        )


def test_run_sets_the_outcome_and_is_audited(world, app):
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    assert run_eligibility(call=world.call, actor=world.staff_quebec) == {
        "eligible": 0,
        "ineligible": 1,
    }
    app.refresh_from_db()
    assert app.eligibility == "ineligible"
    entry = AuditEntry.objects.get(action="calls.eligibility.check")
    assert (entry.actor, entry.changes) == (
        world.staff_quebec,
        {"eligibility": ["eligible", "ineligible"], "failed_rules": [None, ["duration"]]},
    )


def test_run_leaves_drafts_alone(world, app, submitted):
    run_eligibility(call=world.call, actor=world.staff_clara)
    assert submitted.other.eligibility_checks.count() == 0


def test_run_keeps_an_outcome_staff_set(world, app):
    override_eligibility(
        application=app, eligible=False, justification="Double dépôt.", actor=world.staff_clara
    )
    run_eligibility(call=world.call, actor=world.staff_clara)
    app.refresh_from_db()
    assert (app.eligibility, app.eligibility_overridden) == ("ineligible", True)


@pytest.mark.parametrize("name", ["applicant", "reviewer"])
def test_only_staff_run_the_checks(world, app, name):
    with pytest.raises(PermissionDenied):
        run_eligibility(call=world.call, actor=getattr(world, name))
    assert app.eligibility_checks.count() == 0


def test_an_override_is_audited_with_its_justification(world, app):
    override_eligibility(
        application=app,
        eligible=False,
        justification="The Oncopole lead retired in January.",
        actor=world.staff_quebec,
    )
    app.refresh_from_db()
    assert (app.eligibility, app.eligibility_overridden, app.eligibility_justification) == (
        "ineligible",
        True,
        "The Oncopole lead retired in January.",
    )
    entry = AuditEntry.objects.get(action="calls.eligibility.override")
    assert (entry.actor, entry.changes) == (
        world.staff_quebec,
        {
            "eligibility": ["eligible", "ineligible"],
            "eligibility_overridden": [False, True],
            "eligibility_justification": [None, "The Oncopole lead retired in January."],
        },
    )


def test_an_override_without_justification_is_refused(world, app):
    with pytest.raises(ValidationError) as refused:
        override_eligibility(
            application=app, eligible=False, justification="  ", actor=world.staff_clara
        )
    assert refused.value.message_dict == {
        "justification": [
            "Give the justification of the decision: it is kept in the audit log with the outcome."
        ]
    }
    assert AuditEntry.objects.filter(action="calls.eligibility.override").count() == 0


def test_an_override_needs_a_manager_of_the_call(world, app):
    with pytest.raises(PermissionDenied):
        override_eligibility(
            application=app, eligible=True, justification="Because.", actor=world.coapplicant
        )


def test_the_applicants_are_told_once(world, app, django_capture_on_commit_callbacks):
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    run_eligibility(call=world.call, actor=world.staff_clara)
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_eligibility(call=world.call, actor=world.staff_clara) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_eligibility(call=world.call, actor=world.staff_clara) == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mathieu.tremblay@example.org",
        "élise.garnier@example.org",
    ]
    app.refresh_from_db()
    assert app.eligibility_notified_at is not None


def test_the_outcome_email_gives_the_failed_reasons(world, app, django_capture_on_commit_callbacks):
    world.coapplicant.language = "en"
    world.coapplicant.save()
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    run_eligibility(call=world.call, actor=world.staff_clara)
    with django_capture_on_commit_callbacks(execute=True):
        notify_eligibility(call=world.call, actor=world.staff_clara)
    [message] = [m for m in mail.outbox if m.to == ["mathieu.tremblay@example.org"]]
    assert message.subject == "[Jumelage] Your application JC27-001 is not eligible"
    assert "- 40 months is outside the call’s range of 12 to 36 months.\n" in message.body
    assert "Each funding pole has a confirmed lead" not in message.body


def test_eligibility_reasons_follow_the_order_of_the_rules(app):
    Application.objects.filter(pk=app.pk).update(duration_months=40)
    check_eligibility(application=app)
    reasons = eligibility_reasons(app)
    assert [passed for passed, _text in reasons] == [True, True, True, True, True, True, False]
    assert reasons[-1][1] == "40 months is outside the call’s range of 12 to 36 months."
