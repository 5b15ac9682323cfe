"""Demo joint calls, one in each state, so that a newcomer can see every screen:

- a call for 2028 being prepared, approved by CLARA and waiting for the Oncopole's key;
- a call open now, where the demo researcher holds a draft application (their side filled in,
  the CLARA lead invited);
- the 2026 call in review: the demo review exercise's ten projects are its applications, the
  reviewers of the exercise's pool have written some of their reviews;
- the 2024 call decided by both poles, with awards, instalments and reports.

The projects are fictional (titles and summaries written here), their applicants and reviewers
are the demo's fictional people at the real member institutions. Dates are relative to the day
the demo is loaded. Idempotent: each call is found by its French title.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.calls.models import (
    Application,
    BudgetLine,
    Call,
    CallApproval,
    Criterion,
    Envelope,
    Participant,
    Review,
    ReviewScore,
)
from jumelage.directory.models import Person, Pole, Theme
from jumelage.matching.demo import SENIOR
from jumelage.matching.models import Assignment, ReviewExercise
from jumelage.matching.selectors import people_with_context, side_of

PREPARING = "Appel conjoint 2028 (démo) — en préparation"
OPEN = "Appel conjoint 2027 (démo) — ouvert"
IN_REVIEW = "Appel conjoint 2026 (démo) — en évaluation"
DECIDED = "Appel conjoint 2024 (démo) — décidé"

CRITERIA = [
    ("Excellence scientifique", "Scientific excellence", Decimal("2")),
    ("Faisabilité et méthodologie", "Feasibility and methods", Decimal("1")),
    ("Valeur ajoutée du partenariat France–Québec", "Added value of the France–Québec "
     "partnership", Decimal("1")),
]
SUMMARY = ("Projets de recherche conjoints entre une équipe de la région Auvergne-Rhône-Alpes "
           "et une équipe du Québec, financés chacun de son côté.",
           "Joint research projects between a team in Auvergne-Rhône-Alpes and a team in "
           "Québec, each side funded by its own pole.")


@dataclass(frozen=True)
class FundedProject:
    title: str
    abstract: str
    keywords: tuple[str, ...]


FUNDED_PROJECTS = [
    FundedProject("Microbiote intestinal et réponse à l'immunothérapie",
                  "Le microbiote intestinal de patients traités par inhibiteurs de points de "
                  "contrôle immunitaire, analysé dans deux cohortes, pour prédire la réponse.",
                  ("microbiote", "immunothérapie")),
    FundedProject("Single-cell atlas of paediatric leukaemia relapse",
                  "Single-cell sequencing of diagnosis and relapse samples of paediatric acute "
                  "lymphoblastic leukaemia from the biobanks of both poles.",
                  ("single-cell sequencing", "leukaemia", "paediatric cancers")),
    FundedProject("Navigation des patients en oncologie rurale",
                  "Une intervention de navigation des patients atteints de cancer vivant loin "
                  "des centres, évaluée en Auvergne et en Abitibi-Témiscamingue.",
                  ("navigation des patients", "accès aux soins")),
    FundedProject("CAR-NK cells against solid tumours",
                  "Engineered NK cells with chimeric antigen receptors against ovarian cancer: "
                  "manufacturing in Lyon, preclinical models in Montréal.",
                  ("CAR-NK", "ovarian cancer", "cell therapy")),
    FundedProject("Biopsie liquide et surveillance du cancer du poumon",
                  "ADN tumoral circulant pour suivre la maladie résiduelle après chirurgie du "
                  "cancer du poumon, avec un protocole commun aux deux régions.",
                  ("biopsie liquide", "cancer du poumon")),
    FundedProject("Shared decision-making in prostate cancer",
                  "A decision aid for men with localised prostate cancer, adapted to the "
                  "health systems of France and Québec and tested in a randomised trial.",
                  ("shared decision-making", "prostate cancer")),
]


@dataclass
class DemoCallsReport:
    created: list[str]


def seed_calls(*, stdout: TextIO | None = None, today: dt.date | None = None) -> DemoCallsReport:
    """Load the four demo calls that are not there yet."""
    now = timezone.now() if today is None else dt.datetime.combine(
        today, dt.time(12, 0), tzinfo=dt.UTC)
    poles = {p.code: p for p in Pole.objects.filter(code__in=["clara", "oncopole"])}
    report = DemoCallsReport(created=[])
    if len(poles) < 2:
        return report
    for title, build in ((PREPARING, _preparing), (OPEN, _open), (IN_REVIEW, _in_review),
                         (DECIDED, _decided)):
        if Call.objects.filter(title_fr=title).exists():
            continue
        with transaction.atomic():
            build(title, now, poles)
        report.created.append(title)
    if stdout is not None:
        stdout.write(_("Demo joint calls: %(created)d created, %(total)d in all.") % {
            "created": len(report.created), "total": Call.objects.filter(
                title_fr__in=[PREPARING, OPEN, IN_REVIEW, DECIDED]).count()})
    return report


def _call(title_fr: str, *, opens: dt.datetime, closes: dt.datetime, poles: dict[str, Pole],
          status: str, clara_amount: int, quebec_amount: int,
          documents: tuple[str, ...] = ("proposal",)) -> Call:
    year = title_fr.split()[2]
    call = Call.objects.create(
        title_fr=title_fr, title_en=f"Joint call {year} (demo)",
        summary_fr=SUMMARY[0], summary_en=SUMMARY[1],
        description_fr=("Chaque projet réunit une équipe de chaque pôle. Le Cancéropôle CLARA "
                        "finance le côté français en euros, l'Oncopole le côté québécois en "
                        "dollars canadiens."),
        description_en=("Each project brings together one team from each pole. CLARA funds "
                        "the French side in euros, the Oncopole the Québec side in Canadian "
                        "dollars."),
        opens_at=opens, closes_at=closes, status=status,
        published_at=opens if status != Call.Status.DRAFT else None,
        reviewers_per_application=3, max_reviewer_load=3, min_duration_months=12,
        max_duration_months=24, required_documents=list(documents))
    call.themes.set(Theme.objects.filter(kind=Theme.Kind.THEME))
    Envelope.objects.create(call=call, pole=poles["clara"], amount=Decimal(clara_amount),
                            max_request=Decimal("60000"), exchange_rate=Decimal("1"))
    Envelope.objects.create(call=call, pole=poles["oncopole"], amount=Decimal(quebec_amount),
                            max_request=Decimal("90000"), exchange_rate=Decimal("0.68"))
    for position, (fr, en, weight) in enumerate(CRITERIA, start=1):
        Criterion.objects.create(call=call, name_fr=fr, name_en=en, weight=weight,
                                 position=position)
    return call


def _preparing(title: str, now: dt.datetime, poles: dict[str, Pole]) -> None:
    opens = (now + dt.timedelta(days=120)).replace(hour=8, minute=0, second=0, microsecond=0)
    call = _call(title, opens=opens, closes=opens + dt.timedelta(days=75), poles=poles,
                 status=Call.Status.DRAFT, clara_amount=360000, quebec_amount=540000)
    call.two_stage = True
    call.intent_closes_at = opens + dt.timedelta(days=30)
    call.save(update_fields=["two_stage", "intent_closes_at"])
    CallApproval.objects.create(call=call, pole=poles["clara"], approved_by=None)


def _open(title: str, now: dt.datetime, poles: dict[str, Pole]) -> None:
    opens = (now - dt.timedelta(days=20)).replace(hour=8, minute=0, second=0, microsecond=0)
    # Closes at 23:59 in Paris, which is 17:59 or 18:59 in Montréal.
    closes = (now + dt.timedelta(days=45)).replace(hour=22, minute=59, second=0, microsecond=0)
    call = _call(title, opens=opens, closes=closes, poles=poles, status=Call.Status.PUBLISHED,
                 clara_amount=300000, quebec_amount=450000)
    _researchers_draft(call, poles)


def _researchers_draft(call: Call, poles: dict[str, Pole]) -> None:
    """The demo researcher's draft in the open call: their own side filled in, the CLARA lead
    invited and not answered yet, so that the steps and the invitation are there to try."""
    from jumelage.accounts.models import User

    researcher = User.objects.filter(email="researcher@demo.jumelage.example").select_related(
        "person").first()
    person = getattr(researcher, "person", None)
    if person is None:
        return
    mine = next(iter(people_with_context([person.pk])), None)
    partner = next((p for p in people_with_context(
        Person.objects.filter(user__isnull=True, career_stage__in=SENIOR).values_list(
            "pk", flat=True)[:200]) if side_of(p) == "clara" and p.email), None)
    if mine is None or not mine.current_affiliations or partner is None:
        return
    app = Application.objects.create(
        call=call, reference=f"JC{call.opens_at:%y}-D01", created_by=researcher, language="en",
        title="Metabolic vulnerabilities of triple-negative breast cancer",
        abstract=("Tumour metabolism profiled in two cohorts to find vulnerabilities of "
                  "triple-negative breast cancer that existing drugs could target."),
        keywords=["cancer metabolism", "breast cancer"], duration_months=24)
    here = mine.current_affiliations[0]
    Participant.objects.create(
        application=app, person=mine, name=f"{mine.given_name} {mine.family_name}",
        email=researcher.email, pole=poles["oncopole"], institution=here.institution,
        team=here.team, role=Participant.Role.LEAD, status=Participant.Status.CONFIRMED)
    there = partner.current_affiliations[0]
    Participant.objects.create(
        application=app, person=partner, name=f"{partner.given_name} {partner.family_name}",
        email=partner.email, pole=poles["clara"], institution=there.institution,
        role=Participant.Role.LEAD, status=Participant.Status.INVITED)
    BudgetLine.objects.create(application=app, pole=poles["oncopole"], category="personnel",
                              amount=Decimal("55000"))


def _leads(item_people) -> dict[str, Person]:
    return {side_of(p): p for p in people_with_context(p.pk for p in item_people)}


def _participants(application: Application, leads: dict[str, Person],
                  poles: dict[str, Pole]) -> None:
    for code, person in sorted(leads.items()):
        affiliation = person.current_affiliations[0]
        Participant.objects.create(
            application=application, person=person, name=f"{person.given_name} "
            f"{person.family_name}", email=person.email or f"{person.pk}@demo.jumelage.example",
            pole=poles[code], institution=affiliation.institution, team=affiliation.team,
            role=Participant.Role.LEAD, status=Participant.Status.CONFIRMED)


def _budget(application: Application, poles: dict[str, Pole], rng: random.Random) -> None:
    for code, scale in (("clara", 1), ("oncopole", 1.5)):
        for category, share in (("personnel", 0.6), ("consumables", 0.25), ("travel", 0.15)):
            amount = Decimal(round(rng.randint(70, 95) * 500 * scale * share, -2))
            BudgetLine.objects.create(application=application, pole=poles[code],
                                      category=category, amount=amount)


def _review(application: Application, reviewer: Person, criteria: list[Criterion],
            rng: random.Random, when: dt.datetime) -> None:
    review = Review.objects.create(
        application=application, reviewer=reviewer, status=Review.Status.SUBMITTED,
        comments_for_applicants=rng.choice([
            "Projet solide et complémentaire ; préciser le plan d'analyse statistique.",
            "A convincing partnership; the timeline of the second year is optimistic.",
            "Les deux équipes apportent chacune une expertise rare ; budget cohérent.",
            "Clear aims; the recruitment targets need a justification."]),
        confidential_comments=rng.choice([
            "", "The Québec side depends on a single postdoctoral fellow.",
            "Je connais mal la méthode de la partie lyonnaise."]),
        submitted_at=when)
    for criterion in criteria:
        ReviewScore.objects.create(review=review, criterion=criterion,
                                   score=rng.randint(3, 5))


def _in_review(title: str, now: dt.datetime, poles: dict[str, Pole]) -> None:
    from jumelage.calls.services.eligibility import check_eligibility
    from jumelage.matching.demo import TITLE, seed_review_exercise

    opens = (now - dt.timedelta(days=150)).replace(hour=8, minute=0, second=0, microsecond=0)
    closes = (now - dt.timedelta(days=40)).replace(hour=22, minute=59, second=0, microsecond=0)
    # The fictional projects carry no PDF, so this call asks for none.
    call = _call(title, opens=opens, closes=closes, poles=poles, status=Call.Status.REVIEW,
                 clara_amount=300000, quebec_amount=450000, documents=())
    seed_review_exercise()
    exercise = ReviewExercise.objects.filter(title=TITLE).first()
    if exercise is None or not exercise.items.exists():
        return
    exercise.owner = call
    exercise.save(update_fields=["content_type", "object_id"])
    criteria = list(call.criteria.all())
    rng = random.Random(2026)
    for number, item in enumerate(exercise.items.order_by("reference"), start=1):
        leads = _leads(item.people.all())
        app = Application.objects.create(
            call=call, reference=f"JC26-{number:03d}", title=item.title,
            language="fr" if " de " in item.title or " des " in item.title else "en",
            abstract=item.text, description=item.text, keywords=item.keywords,
            duration_months=24, created_by_id=_account_of(leads),
            status=Application.Status.SUBMITTED, submitted_at=closes - dt.timedelta(
                days=rng.randint(1, 20), hours=rng.randint(0, 12)),
            eligibility=Application.Eligibility.ELIGIBLE)
        _participants(app, leads, poles)
        _budget(app, poles, rng)
        item.source = app
        item.save(update_fields=["content_type", "object_id"])
        check_eligibility(application=app)
        # Two thirds of the assigned reviewers have sent their review.
        for assignment in Assignment.objects.filter(item=item).select_related("reviewer"):
            if rng.random() < 0.66:
                _review(app, assignment.reviewer, criteria, rng,
                        closes + dt.timedelta(days=rng.randint(5, 30)))


def _account_of(leads: dict[str, Person]) -> int:
    """The demo applications are created by the account of their CLARA lead when it has one;
    otherwise by the site's demo researcher (fictional people have no account)."""
    from jumelage.accounts.models import User

    for person in leads.values():
        if person.user_id:
            return person.user_id
    researcher = User.objects.filter(email="researcher@demo.jumelage.example").first()
    return researcher.pk if researcher else User.objects.order_by("pk").values_list(
        "pk", flat=True)[0]


def _decided(title: str, now: dt.datetime, poles: dict[str, Pole]) -> None:
    from jumelage.calls.services.eligibility import check_eligibility
    from jumelage.matching.models import PoolMember, ReviewItem

    opens = (now - dt.timedelta(days=900)).replace(hour=8, minute=0, second=0, microsecond=0)
    closes = opens + dt.timedelta(days=75)
    call = _call(title, opens=opens, closes=closes, poles=poles,
                 status=Call.Status.PANEL, clara_amount=120000, quebec_amount=180000,
                 documents=())
    criteria = list(call.criteria.all())
    rng = random.Random(2024)
    people = [p for p in people_with_context(
        Person.objects.filter(user__isnull=True).exclude(keywords=[]).order_by("-pk")
        .values_list("pk", flat=True)[:80]) if p.current_affiliations]
    by_side = {code: [p for p in people if side_of(p) == code and p.career_stage in SENIOR]
               for code in poles}
    if not all(by_side.values()):
        return
    exercise = ReviewExercise.objects.create(
        title=call.title_fr, kind=ReviewExercise.Kind.CALL, owner=call,
        reviewers_per_item=3, max_load=3, balance=ReviewExercise.Balance.EACH_POLE)
    reviewers = by_side["clara"][-4:] + by_side["oncopole"][-4:]
    for reviewer in reviewers:
        PoolMember.objects.create(exercise=exercise, person=reviewer)
    for number, project in enumerate(FUNDED_PROJECTS, start=1):
        leads = {code: by_side[code][number - 1] for code in poles}
        app = Application.objects.create(
            call=call, reference=f"JC24-{number:03d}", title=project.title,
            language="fr" if "de" in project.title.split() else "en",
            abstract=project.abstract, description=project.abstract,
            keywords=list(project.keywords), duration_months=24,
            created_by_id=_account_of(leads), status=Application.Status.SUBMITTED,
            submitted_at=closes - dt.timedelta(days=rng.randint(1, 10)),
            eligibility=Application.Eligibility.ELIGIBLE)
        _participants(app, leads, poles)
        _budget(app, poles, rng)
        item = ReviewItem.objects.create(exercise=exercise, reference=app.reference,
                                         title=app.title, text=app.abstract,
                                         keywords=app.keywords, source=app)
        item.people.add(*leads.values())
        chosen = [reviewers[(number + k) % 4] for k in range(2)] + [
            reviewers[4 + (number % 4)]]
        for reviewer in chosen:
            Assignment.objects.create(item=item, reviewer=reviewer,
                                      origin=Assignment.Origin.MANUAL)
            _review(app, reviewer, criteria, rng, closes + dt.timedelta(days=30))
        check_eligibility(application=app)
    _decide(call, now)


def _decide(call: Call, now: dt.datetime) -> None:
    """Both poles decide on the optimal selection within their envelopes, the outcomes are
    released, the funded projects get their awards; one report is in, the final one due."""
    from jumelage.accounts.models import User
    from jumelage.calls.services import followup, panel

    staff = {u.pole.code: u for u in User.objects.filter(
        role=User.Role.POLE_STAFF, email__endswith="@demo.jumelage.example").select_related(
        "pole")}
    if set(staff) != {"clara", "oncopole"}:
        return
    scenario = panel.compute_scenario(call=call, method="optimal", keep_rank_order=True,
                                      actor=staff["clara"])
    panel.adopt_scenario(scenario=scenario, actor=staff["clara"])
    chosen = set(scenario.selected)
    for application in call.applications.order_by("reference"):
        for user in staff.values():
            funded = application.pk in chosen
            panel.record_decision(
                application=application, outcome="fund" if funded else "decline",
                note="" if funded else "Projet classé sous la ligne de financement.",
                actor=user)
    panel.release_decisions(call=call, actor=staff["clara"])
    starts_on = (now - dt.timedelta(days=700)).date().replace(day=1)
    for application in call.applications.filter(outcome=Application.Outcome.FUNDED):
        for award in followup.create_awards(application=application, starts_on=starts_on,
                                            actor=staff["clara"]):
            first = award.instalments.order_by("due_on").first()
            followup.record_payment(instalment=first, paid_on=first.due_on,
                                    actor=staff[award.pole.code])
        annual = application.reports.filter(kind="annual").order_by("due_on").first()
        if annual is not None:
            spending = {(line.pole_id, line.category): line.amount * Decimal("0.45")
                        for line in application.budget_lines.all()}
            followup.submit_report(
                report=annual, narrative=("Première année : recrutement terminé, premiers "
                                          "échantillons partagés entre Lyon et Montréal."),
                spending=spending, publications=[], students_trained=2, mobilities=1,
                actor=application.created_by)
    Call.objects.filter(pk=call.pk).update(status=Call.Status.FOLLOW_UP)
