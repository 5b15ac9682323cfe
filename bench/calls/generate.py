"""A synthetic joint call for the benchmarks, written straight through the ORM (bulk inserts).

One call with an envelope per pole (CLARA in EUR, Oncopole in CAD at 0.68), three criteria
weighted 2/1/1, N submitted and eligible full proposals (default 1,000) with a lead per side at
a fictional institution of that pole, two to four budget lines per side, one or two themes;
M reviewers (default 300) in the call's review exercise, K submitted reviews per application
(default 3) with a score per criterion and both kinds of comment, about 1 % of the
(application, reviewer) pairs declared as conflicts of interest (never one of the reviewers
of that application), a decision per pole on every application and an award per side with two
instalments and its reports for every tenth. Deterministic (seed 20180308).

    .venv/bin/python -m bench.calls.generate --applications 1000 --reviewers 300
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SEED = 20180308
CATEGORIES = ("personnel", "equipment", "consumables", "travel", "other")
OPENS = dt.datetime(2027, 1, 1, 9, 0, tzinfo=dt.UTC)
CLOSES = dt.datetime(2027, 3, 31, 21, 59, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Generated:
    call_id: int
    staff_id: int
    applications: int
    reviewers: int
    reviews: int
    conflicts: int


def generate(*, applications: int = 1000, reviewers: int = 300, per_application: int = 3,
             seed: int = SEED) -> Generated:
    """Write the call into the configured database (Django must be set up)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction

    from jumelage.accounts.models import User
    from jumelage.calls.models import (
        Application,
        Award,
        BudgetLine,
        Call,
        Criterion,
        Decision,
        Envelope,
        Instalment,
        Participant,
        Report,
        Review,
        ReviewScore,
    )
    from jumelage.directory.models import Institution, Person, Pole, Theme
    from jumelage.matching.models import DeclaredConflict, ReviewExercise, ReviewItem

    rng = random.Random(seed)
    with transaction.atomic():
        clara = Pole.objects.create(
            code="clara", name_fr="Cancéropôle Lyon Auvergne-Rhône-Alpes",
            name_en="Cancéropôle Lyon Auvergne-Rhône-Alpes", short_name="CLARA", country="FR",
            region_code="ARA", region_fr="Auvergne-Rhône-Alpes",
            region_en="Auvergne-Rhône-Alpes", currency="EUR", time_zone="Europe/Paris")
        quebec = Pole.objects.create(
            code="oncopole", name_fr="Oncopole", name_en="Oncopole", short_name="Oncopole",
            country="CA", region_code="QC", region_fr="Québec", region_en="Quebec",
            currency="CAD", time_zone="America/Toronto")
        poles = [clara, quebec]
        themes = [Theme.objects.create(code=f"theme-{i}", name_fr=f"Thématique {i}",
                                       name_en=f"Theme {i}") for i in range(6)]
        types = ["university", "hospital", "cancer_centre", "research_institute"]
        institutions = {pole.pk: [Institution.objects.create(
            name_fr=f"Établissement {pole.code} {i}", name_en=f"Institution {pole.code} {i}",
            type=types[i % len(types)], pole=pole, country=pole.country)
            for i in range(20)] for pole in poles}
        staff = User.objects.create_user(email="staff@clara.example.org", password=None,
                                         role="pole_staff", pole=clara)
        owner = User.objects.create_user(email="owner@example.org", password=None)

        call = Call.objects.create(
            title_fr="Appel conjoint de mesure", title_en="Benchmark joint call",
            opens_at=OPENS, closes_at=CLOSES, status=Call.Status.PANEL, published_at=OPENS,
            reviewers_per_application=per_application, max_reviewer_load=per_application * 4)
        call.themes.set(themes)
        criteria = [Criterion.objects.create(call=call, name_fr=f"Critère {i}",
                                             name_en=f"Criterion {i}", weight=Decimal(w),
                                             position=i)
                    for i, w in enumerate((2, 1, 1), start=1)]

        stages = ["early_career", "established", "clinician"]
        leads = Person.objects.bulk_create(
            Person(given_name=f"Prénom{i}", family_name=f"Nom{i}",
                   email=f"lead{i}@example.org", career_stage=stages[i % 3])
            for i in range(applications * 2))
        people = Person.objects.bulk_create(
            Person(given_name=f"Évaluatrice{j}", family_name=f"Expert{j}",
                   email=f"reviewer{j}@example.org", career_stage="established")
            for j in range(reviewers))

        apps = Application.objects.bulk_create(
            Application(call=call, reference=f"JC27-{n:04d}", title=f"Projet conjoint {n}",
                        acronym=f"P{n}", language=rng.choice(["fr", "en"]),
                        abstract=f"Résumé du projet {n}.", duration_months=rng.choice(
                            [12, 24, 36]), created_by=owner,
                        status=Application.Status.SUBMITTED, submitted_at=CLOSES,
                        eligibility=Application.Eligibility.ELIGIBLE,
                        outcome=Application.Outcome.FUNDED if n % 10 == 0
                        else Application.Outcome.NOT_FUNDED)
            for n in range(1, applications + 1))
        Through = Application.themes.through
        Through.objects.bulk_create(
            Through(application_id=app.pk, theme_id=theme.pk) for app in apps
            for theme in rng.sample(themes, rng.choice([1, 2])))
        participants, lines = [], []
        for n, app in enumerate(apps):
            for side, pole in enumerate(poles):
                person = leads[2 * n + side]
                participants.append(Participant(
                    application=app, person=person, name=f"{person.given_name} "
                    f"{person.family_name}", email=person.email, pole=pole,
                    institution=rng.choice(institutions[pole.pk]), role="lead",
                    status="confirmed"))
                cap = 50000 if pole is clara else 75000
                categories = rng.sample(CATEGORIES, rng.randint(2, 4))
                for category in categories:
                    lines.append(BudgetLine(application=app, pole=pole, category=category,
                                            amount=Decimal(rng.randrange(1000, cap // 4, 50))))
        Participant.objects.bulk_create(participants)
        BudgetLine.objects.bulk_create(lines)
        # Envelopes for about one project in six: a sixth of what each pole is asked for.
        for pole, rate in ((clara, Decimal("1")), (quebec, Decimal("0.68"))):
            asked = sum(line.amount for line in lines if line.pole_id == pole.pk)
            Envelope.objects.create(call=call, pole=pole, amount=(asked / 6).quantize(
                Decimal("1")), max_request=Decimal("50000" if pole is clara else "75000"),
                exchange_rate=rate)

        exercise = ReviewExercise.objects.create(
            kind=ReviewExercise.Kind.CALL, title=call.title_en, owner=call,
            reviewers_per_item=per_application, max_load=per_application * 4)
        content_type = ContentType.objects.get_for_model(Application)
        items = ReviewItem.objects.bulk_create(
            ReviewItem(exercise=exercise, reference=app.reference, title=app.title,
                       content_type=content_type, object_id=app.pk) for app in apps)
        reviews, assigned = [], []
        for n, app in enumerate(apps):
            chosen = rng.sample(people, per_application)
            assigned.append({p.pk for p in chosen})
            for person in chosen:
                reviews.append(Review(
                    application=app, reviewer=person, status=Review.Status.SUBMITTED,
                    comments_for_applicants=f"Commentaire pour les candidats {n}.",
                    confidential_comments=f"Commentaire confidentiel {n}.",
                    submitted_at=CLOSES))
        reviews = Review.objects.bulk_create(reviews)
        ReviewScore.objects.bulk_create(
            ReviewScore(review=review, criterion=criterion, score=rng.randint(1, 5))
            for review in reviews for criterion in criteria)
        conflicts = []
        for item, taken in zip(items, assigned, strict=True):
            for person in people:
                if person.pk not in taken and rng.random() < 0.01:
                    conflicts.append(DeclaredConflict(item=item, person=person,
                                                      reason="Collaboration récente."))
        DeclaredConflict.objects.bulk_create(conflicts)

        Decision.objects.bulk_create(
            Decision(application=app, pole=pole,
                     outcome="fund" if app.outcome == "funded" else "decline",
                     decided_by=staff)
            for app in apps for pole in poles)
        start = dt.date(2027, 9, 1)
        for app in apps:
            if app.outcome != "funded":
                continue
            requested = {}
            for line in lines:
                if line.application_id == app.pk:
                    requested[line.pole_id] = requested.get(line.pole_id, 0) + line.amount
            for pole in poles:
                award = Award.objects.create(
                    application=app, pole=pole, amount=requested[pole.pk], currency=pole.currency,
                    starts_on=start, ends_on=start + dt.timedelta(days=30 * app.duration_months))
                half = (award.amount / 2).quantize(Decimal("0.01"))
                Instalment.objects.bulk_create([
                    Instalment(award=award, amount=half, due_on=start),
                    Instalment(award=award, amount=award.amount - half,
                               due_on=start + dt.timedelta(days=365))])
            Report.objects.create(application=app, kind="annual",
                                  due_on=start + dt.timedelta(days=395))
            Report.objects.create(application=app, kind="final",
                                  due_on=start + dt.timedelta(days=30 * app.duration_months + 90))
    return Generated(call_id=call.pk, staff_id=staff.pk, applications=len(apps),
                     reviewers=len(people), reviews=len(reviews), conflicts=len(conflicts))


def main(argv: list[str] | None = None) -> None:
    from bench.common import setup_django

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    print(setup_django(database_url=args.database_url))
    print(generate(applications=args.applications, reviewers=args.reviewers))


if __name__ == "__main__":
    main()
