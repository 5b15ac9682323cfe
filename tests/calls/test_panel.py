"""Panel and decision services: ranking from the database, panel notes, funding scenarios,
two-key decisions, the release of the outcomes and the bilingual letter."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from pypdf import PdfReader

from jumelage.calls.documents.letters import outcome_letter_pdf
from jumelage.calls.models import (
    Application,
    BudgetLine,
    Envelope,
    FundingScenario,
    PanelNote,
    Participant,
    Review,
    ReviewScore,
)
from jumelage.calls.services import panel
from jumelage.core.models import AuditEntry
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def add_application(
    world,
    reference: str,
    *,
    reviews: list[tuple[int, int, int]],
    clara: str | None = "40000",
    quebec: str | None = "60000",
    creator=None,
) -> Application:
    """A submitted, eligible full proposal with a budget on each side given and one submitted
    review per score triple (weights 2/1/1 in the world's call)."""
    app = Application.objects.create(
        call=world.call,
        reference=reference,
        title=f"Project {reference}",
        created_by=creator or world.other_applicant,
        status=Application.Status.SUBMITTED,
        submitted_at=dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC),
        eligibility=Application.Eligibility.ELIGIBLE,
    )
    for pole, amount in ((world.clara, clara), (world.quebec, quebec)):
        if amount is not None:
            BudgetLine.objects.create(
                application=app, pole=pole, category="personnel", amount=Decimal(amount)
            )
            Participant.objects.create(
                application=app,
                name=f"Lead {pole.code}",
                email=f"lead-{pole.code}-{reference}@example.org".lower(),
                pole=pole,
                role=Participant.Role.LEAD,
                status=Participant.Status.CONFIRMED,
            )
    for scores in reviews:
        review = Review.objects.create(
            application=app,
            reviewer=PersonFactory(),
            status=Review.Status.SUBMITTED,
            comments_for_applicants=f"Comment on {reference}.",
        )
        for criterion, score in zip(world.criteria, scores, strict=True):
            ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return app


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def three_projects(world, submitted):
    """JC27-001 (4.25; 42,000 € / 58,000 $CA), B (4.0; 40,000 / 62,000), C (3.5; 38,000 /
    58,000) within envelopes of 80,000 € and 120,000 $CA: A and B do not fit together."""
    Envelope.objects.filter(call=world.call, pole=world.clara).update(
        amount=Decimal("80000"), max_request=Decimal("50000")
    )
    Envelope.objects.filter(call=world.call, pole=world.quebec).update(
        amount=Decimal("120000"), max_request=Decimal("75000")
    )
    b = add_application(world, "JC27-010", reviews=[(4, 4, 4)], clara="40000", quebec="62000")
    c = add_application(world, "JC27-011", reviews=[(4, 3, 3)], clara="38000", quebec="58000")
    return submitted.application, b, c


def test_ranking_row_of_the_submitted_application(world, submitted):
    rows = panel.ranking(call=world.call)
    row = rows[0]
    assert (
        [r.reference for r in rows],
        row.rank,
        row.mean,
        row.spread,
        row.disagreement,
        row.n_reviews,
    ) == (["JC27-001"], 1, Decimal("4.2500"), Decimal("0.0000"), False, 1)


def test_ranking_criterion_means_in_criteria_order(world, submitted):
    row = panel.ranking(call=world.call)[0]
    assert [(c.name_en, mean) for c, mean in row.criterion_means] == [
        ("Scientific excellence", Decimal("5.0000")),
        ("Feasibility", Decimal("4.0000")),
        ("Value of the partnership", Decimal("3.0000")),
    ]


def test_ranking_requested_per_side_and_consolidated(world, submitted):
    row = panel.ranking(call=world.call)[0]
    # 42,000 € + 58,000 $CA × 0.68 = 81,440 €.
    assert (
        [(s.pole.code, s.currency, s.amount) for s in row.requested],
        row.consolidated,
        row.consolidation_currency,
    ) == (
        [("clara", "EUR", Decimal("42000.00")), ("oncopole", "CAD", Decimal("58000.00"))],
        Decimal("81440.00"),
        "EUR",
    )


def test_ranking_puts_unreviewed_application_last(world, submitted):
    add_application(world, "JC27-003", reviews=[])
    assert [(r.reference, r.rank) for r in panel.ranking(call=world.call)] == [
        ("JC27-001", 1),
        ("JC27-003", None),
    ]


def test_ranking_ignores_draft_reviews(world, submitted):
    submitted.review.status = "draft"
    submitted.review.save()
    assert panel.ranking(call=world.call)[0].n_reviews == 0


def count_ranking_queries(world) -> int:
    with CaptureQueriesContext(connection) as queries:
        panel.ranking(call=world.call)
    return len(queries)


def test_ranking_query_count_does_not_grow_with_applications(world, submitted):
    for i in range(2):
        add_application(world, f"JC27-1{i:02d}", reviews=[(3, 3, 3), (4, 2, 5)])
    few = count_ranking_queries(world)
    for i in range(2, 11):
        add_application(world, f"JC27-1{i:02d}", reviews=[(3, 3, 3), (4, 2, 5)])
    assert (few, count_ranking_queries(world)) == (7, 7)


def test_add_panel_note_kept_and_audited(world, submitted):
    note = panel.add_panel_note(
        application=submitted.application, text="  Strong team.  ", actor=world.staff_clara
    )
    assert (
        note.text,
        note.author,
        AuditEntry.objects.filter(action="calls.panel_note.add").count(),
    ) == ("Strong team.", world.staff_clara, 1)


def test_add_panel_note_refused_to_a_reviewer(world, submitted):
    with pytest.raises(PermissionDenied):
        panel.add_panel_note(application=submitted.application, text="x", actor=world.reviewer)


def test_add_empty_panel_note_refused(world, submitted):
    with pytest.raises(ValidationError):
        panel.add_panel_note(application=submitted.application, text="  ", actor=world.staff_clara)
    assert PanelNote.objects.count() == 0


def test_funding_line_scenario_stops_at_the_line(world, submitted):
    a, _b, _c = three_projects(world, submitted)
    scenario = panel.compute_scenario(
        call=world.call, method="line", keep_rank_order=True, actor=world.staff_clara
    )
    assert (scenario.selected, scenario.merit, scenario.spent, scenario.proven_optimal) == (
        [a.pk],
        Decimal("4.2500"),
        {"clara": "42000.00", "oncopole": "58000.00"},
        False,
    )


def test_optimal_scenario_without_rank_order_skips_the_project_that_does_not_fit(world, submitted):
    a, _b, c = three_projects(world, submitted)
    scenario = panel.compute_scenario(
        call=world.call, method="optimal", keep_rank_order=False, actor=world.staff_quebec
    )
    assert (scenario.selected, scenario.merit, scenario.spent, scenario.proven_optimal) == (
        [a.pk, c.pk],
        Decimal("7.7500"),
        {"clara": "80000.00", "oncopole": "116000.00"},
        True,
    )


def test_optimal_scenario_with_rank_order_keeps_the_line(world, submitted):
    a, _b, _c = three_projects(world, submitted)
    scenario = panel.compute_scenario(
        call=world.call, method="optimal", keep_rank_order=True, actor=world.staff_quebec
    )
    assert (scenario.selected, scenario.proven_optimal) == ([a.pk], True)


def test_compute_scenario_audited(world, submitted):
    panel.compute_scenario(
        call=world.call, method="line", keep_rank_order=True, actor=world.staff_clara
    )
    entry = AuditEntry.objects.get(action="calls.scenario.compute")
    assert entry.changes["scenario"][1]["selected"] == ["JC27-001"]


def test_compute_scenario_refused_to_an_applicant(world, submitted):
    with pytest.raises(PermissionDenied):
        panel.compute_scenario(
            call=world.call, method="line", keep_rank_order=True, actor=world.applicant
        )


def test_compute_scenario_refuses_an_unknown_method(world, submitted):
    with pytest.raises(ValidationError) as exc:
        panel.compute_scenario(
            call=world.call, method="lottery", keep_rank_order=True, actor=world.staff_clara
        )
    assert "lottery" in exc.value.message_dict["method"][0]


def test_adopting_a_scenario_drops_the_previous_one(world, submitted):
    first = panel.compute_scenario(
        call=world.call, method="line", keep_rank_order=True, actor=world.staff_clara
    )
    second = panel.compute_scenario(
        call=world.call, method="optimal", keep_rank_order=True, actor=world.staff_clara
    )
    panel.adopt_scenario(scenario=first, actor=world.staff_clara)
    panel.adopt_scenario(scenario=second, actor=world.staff_quebec)
    assert list(FundingScenario.objects.filter(adopted=True).values_list("pk", flat=True)) == [
        second.pk
    ]


def decide(world, application, clara=None, quebec=None):
    if clara:
        panel.record_decision(
            application=application, outcome=clara, note="", actor=world.staff_clara
        )
    if quebec:
        panel.record_decision(
            application=application, outcome=quebec, note="", actor=world.staff_quebec
        )
    application.refresh_from_db()
    return application.outcome


def test_one_pole_deciding_is_not_enough(world, submitted):
    assert decide(world, submitted.application, clara="fund") == "pending"


def test_both_poles_funding_fund_the_project(world, submitted):
    assert decide(world, submitted.application, clara="fund", quebec="fund") == "funded"


def test_fund_and_decline_is_not_funded(world, submitted):
    assert decide(world, submitted.application, clara="fund", quebec="decline") == "not_funded"


def test_changing_a_decision_changes_the_outcome(world, submitted):
    decide(world, submitted.application, clara="decline", quebec="fund")
    assert decide(world, submitted.application, clara="fund") == "funded"


def test_decision_audited_with_its_pole(world, submitted):
    decide(world, submitted.application, clara="fund")
    entry = AuditEntry.objects.get(action="calls.decide")
    assert entry.changes == {"outcome": [None, "fund"], "pole": [None, "clara"]}


def test_site_admin_may_not_decide(world, submitted):
    with pytest.raises(PermissionDenied):
        panel.record_decision(
            application=submitted.application, outcome="fund", note="", actor=world.admin
        )


def test_pole_funding_no_side_may_not_decide(world, submitted):
    one_sided = add_application(world, "JC27-020", reviews=[(3, 3, 3)], quebec=None)
    with pytest.raises(PermissionDenied):
        panel.record_decision(
            application=one_sided, outcome="fund", note="", actor=world.staff_quebec
        )


def test_one_sided_project_needs_only_its_pole(world, submitted):
    one_sided = add_application(world, "JC27-020", reviews=[(3, 3, 3)], quebec=None)
    assert decide(world, one_sided, clara="fund") == "funded"


def test_unknown_decision_refused_naming_the_value(world, submitted):
    with pytest.raises(ValidationError) as exc:
        panel.record_decision(
            application=submitted.application, outcome="maybe", note="", actor=world.staff_clara
        )
    assert "maybe" in exc.value.message_dict["outcome"][0]


def test_release_refused_while_a_pole_has_not_decided(world, submitted):
    decide(world, submitted.application, clara="fund")
    with pytest.raises(ValidationError) as exc:
        panel.release_decisions(call=world.call, actor=world.staff_clara)
    assert "JC27-001" in exc.value.messages[0]


def test_release_sets_the_date_and_mails_the_letter(
    world, submitted, django_capture_on_commit_callbacks
):
    decide(world, submitted.application, clara="fund", quebec="fund")
    with django_capture_on_commit_callbacks(execute=True):
        count = panel.release_decisions(call=world.call, actor=world.staff_quebec)
    submitted.application.refresh_from_db()
    message = mail.outbox[0]
    assert (
        count,
        submitted.application.outcome_released_at is not None,
        len(mail.outbox),
        sorted(message.to),
        message.attachments[0][0],
    ) == (
        1,
        True,
        1,
        sorted([world.applicant.email, world.coapplicant.email]),
        "JC27-001-decision.pdf",
    )


def test_release_mail_holds_no_reviewer_name_nor_confidential_comment(
    world, submitted, django_capture_on_commit_callbacks
):
    decide(world, submitted.application, clara="fund", quebec="decline")
    with django_capture_on_commit_callbacks(execute=True):
        panel.release_decisions(call=world.call, actor=world.staff_quebec)
    message = mail.outbox[0]
    letter = pdf_text(message.attachments[0][1])
    assert [
        word in text
        for text in (message.subject + message.body, letter)
        for word in ("Lefebvre", "CONFIDENTIAL")
    ] == [False] * 4


def test_decisions_frozen_once_released(world, submitted):
    decide(world, submitted.application, clara="fund", quebec="fund")
    panel.release_decisions(call=world.call, actor=world.staff_clara)
    with pytest.raises(ValidationError):
        panel.record_decision(
            application=submitted.application, outcome="decline", note="", actor=world.staff_clara
        )


def funded_letter(world, submitted) -> str:
    panel.record_decision(
        application=submitted.application,
        outcome="fund",
        note="Welcome to the programme.",
        actor=world.staff_clara,
    )
    decide(world, submitted.application, quebec="fund")
    panel.add_panel_note(
        application=submitted.application, text="PANEL-ONLY remark", actor=world.staff_clara
    )
    return pdf_text(
        outcome_letter_pdf(application=Application.objects.get(pk=submitted.application.pk))
    )


def test_letter_gives_the_amount_per_side_in_both_languages(world, submitted):
    text = funded_letter(world, submitted)
    assert all(
        amount in text
        for amount in ("42\u202f000,00\xa0€", "58\u202f000,00\xa0$CA", "€42,000.00", "CA$58,000.00")
    )


def test_letter_gives_the_outcome_in_english_and_french(world, submitted):
    text = funded_letter(world, submitted)
    assert ("Outcome: funded" in text, "Résultat\u00a0: financé" in text) == (True, True)


def test_letter_gives_the_comments_for_the_applicants_anonymously(world, submitted):
    text = funded_letter(world, submitted)
    assert (
        "Solid design; widen the cohort." in text,
        "Reviewer 1" in text,
        "Welcome to the programme." in text,
    ) == (True, True, True)


def test_letter_never_shows_reviewer_confidential_comment_or_panel_note(world, submitted):
    text = funded_letter(world, submitted)
    assert [word in text for word in ("Lefebvre", "Hugo", "CONFIDENTIAL", "PANEL-ONLY")] == [
        False
    ] * 4


# -- decisions within the envelopes ----------------------------------------------------------


def test_a_pole_may_not_fund_beyond_its_envelope(world, submitted):
    a, b, _c = three_projects(world, submitted)
    decide(world, a, clara="fund")
    with pytest.raises(ValidationError) as exc:
        panel.record_decision(application=b, outcome="fund", note="", actor=world.staff_clara)
    assert (exc.value.message_dict, b.decisions.count()) == (
        {
            "outcome": [
                "CLARA cannot fund JC27-010: its decisions to fund already commit €42,000.00, "
                "this project asks for €40,000.00 and the envelope is €80,000.00. Choose “do not "
                "fund”, or first take back a decision to fund another project."
            ]
        },
        0,
    )


def test_refusal_beyond_the_envelope_in_french(world, submitted):
    a, b, c = three_projects(world, submitted)
    decide(world, a, quebec="fund")
    decide(world, b, quebec="fund")
    with translation.override("fr"), pytest.raises(ValidationError) as exc:
        panel.record_decision(application=c, outcome="fund", note="", actor=world.staff_quebec)
    assert exc.value.messages == [
        "Oncopole ne peut pas financer JC27-011\u00a0: ses décisions de financement engagent déjà "
        "120\u202f000,00\u00a0$CA, ce projet demande 58\u202f000,00\u00a0$CA et l’enveloppe "
        "budgétaire est de 120\u202f000,00\u00a0$CA. Choisissez «\u00a0ne pas financer\u00a0», ou "
        "revenez d’abord sur la décision de financer un autre projet."
    ]


def test_funding_up_to_the_envelope_exactly_is_accepted(world, submitted):
    a, _b, c = three_projects(world, submitted)
    decide(world, a, clara="fund")
    decide(world, c, clara="fund")
    assert [u.committed for u in panel.envelope_use(world.call)] == [
        Decimal("80000.00"),
        Decimal("0.00"),
    ]


def test_declining_is_never_refused_for_the_envelope(world, submitted):
    a, b, _c = three_projects(world, submitted)
    decide(world, a, clara="fund")
    assert (decide(world, b, clara="decline", quebec="fund"), b.decisions.count()) == (
        "not_funded",
        2,
    )


def test_taking_back_a_decision_to_fund_frees_the_envelope(world, submitted):
    a, b, _c = three_projects(world, submitted)
    decide(world, a, clara="fund")
    decide(world, a, clara="decline")
    decide(world, b, clara="fund")
    assert [u.committed for u in panel.envelope_use(world.call)] == [
        Decimal("40000.00"),
        Decimal("0.00"),
    ]


def test_confirming_a_decision_to_fund_does_not_count_the_project_twice(world, submitted):
    Envelope.objects.filter(call=world.call, pole=world.clara).update(
        amount=Decimal("42000"), max_request=Decimal("42000")
    )
    decide(world, submitted.application, clara="fund")
    assert decide(world, submitted.application, clara="fund") == "pending"


def test_each_pole_counts_only_its_own_side_and_decisions(world, submitted):
    a, b, _c = three_projects(world, submitted)
    decide(world, a, clara="fund", quebec="decline")
    decide(world, b, quebec="fund")
    assert [
        (u.pole.code, u.currency, u.envelope, u.committed, u.remaining)
        for u in panel.envelope_use(world.call)
    ] == [
        ("clara", "EUR", Decimal("80000.00"), Decimal("42000.00"), Decimal("38000.00")),
        ("oncopole", "CAD", Decimal("120000.00"), Decimal("62000.00"), Decimal("58000.00")),
    ]
