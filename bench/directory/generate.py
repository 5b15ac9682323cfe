"""Instance generator: a directory of N fictional people, with teams and institutions.

Deterministic for a given seed (and Faker version): the same N gives the same rows in the same
order. Names come from Faker (fr_FR for the Auvergne-Rhône-Alpes side, fr_CA for the Québec side),
so they carry accents ("Hélène Bélanger", "Frédéric Lévesque"); institutions, teams and keywords
are written in French with accents ("Centre de cancérologie de Trois-Rivières", "Équipe Thérapie
cellulaire et immunologie", "hétérogénéité tumorale"), which is what accent folding is for.

The two poles, the nine themes and the real member institutions are those of the demo
(jumelage.directory.demo); everything else is fictional. Proportions follow the demo: 60 % of
profiles are public, one team per eight people, one institution per hundred people (at least the
real ones), a second appointment for 40 % of people.

    .venv/bin/python -m bench.directory.generate --people 10000   # into a temporary SQLite file
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: bench/directory/generate.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

SEED = 20180308
BATCH = 2000

CITIES = {
    "clara": [("Lyon", "Auvergne-Rhône-Alpes"), ("Villeurbanne", "Auvergne-Rhône-Alpes"),
              ("Saint-Étienne", "Auvergne-Rhône-Alpes"), ("Grenoble", "Auvergne-Rhône-Alpes"),
              ("Clermont-Ferrand", "Auvergne-Rhône-Alpes"), ("Chambéry", "Auvergne-Rhône-Alpes"),
              ("Annecy", "Auvergne-Rhône-Alpes"), ("Valence", "Auvergne-Rhône-Alpes"),
              ("Bron", "Auvergne-Rhône-Alpes"), ("Écully", "Auvergne-Rhône-Alpes"),
              ("Vénissieux", "Auvergne-Rhône-Alpes"), ("Le Puy-en-Velay", "Auvergne-Rhône-Alpes")],
    "oncopole": [("Montréal", "Québec"), ("Québec", "Québec"), ("Sherbrooke", "Québec"),
                 ("Trois-Rivières", "Québec"), ("Lévis", "Québec"), ("Gatineau", "Québec"),
                 ("Rimouski", "Québec"), ("Saguenay", "Québec"), ("Laval", "Québec"),
                 ("Longueuil", "Québec")],
}
COUNTRY = {"clara": "FR", "oncopole": "CA"}

# (French, English) research topics, for institution and team names.
TOPICS = [
    ("cancérologie", "oncology"), ("immunologie des tumeurs", "tumour immunology"),
    ("génomique", "genomics"), ("biologie cellulaire", "cell biology"),
    ("santé publique", "public health"), ("hématologie", "haematology"),
    ("pharmacologie", "pharmacology"), ("épidémiologie", "epidemiology"),
    ("radiobiologie", "radiobiology"), ("sciences infirmières", "nursing science"),
    ("thérapie cellulaire", "cell therapy"), ("médecine de précision", "precision medicine"),
    ("imagerie médicale", "medical imaging"), ("bio-informatique", "bioinformatics"),
    ("oncologie pédiatrique", "paediatric oncology"), ("soins palliatifs", "palliative care"),
]
# (French pattern, English pattern, Institution.Type); {city}, {topic}, {topic_en}.
INSTITUTION_KINDS = [
    ("Institut de recherche en {topic} de {city}", "{city} Institute for {topic_en} research",
     "research_institute"),
    ("Centre hospitalier régional de {city}", "{city} Regional Hospital Centre", "hospital"),
    ("Centre de cancérologie de {city}", "{city} Cancer Centre", "cancer_centre"),
    ("Laboratoire de {topic} de {city}", "{city} {topic_en} laboratory", "research_institute"),
    ("Université de {city} – pôle {topic}", "University of {city} – {topic_en}", "university"),
    ("Clinique mutualiste de {city}", "{city} Mutual Clinic", "hospital"),
]


@dataclass(frozen=True)
class Generated:
    people: int
    public: int
    teams: int
    institutions: int
    affiliations: int
    person_themes: int
    seconds: float


def generate(*, people: int, seed: int = SEED) -> Generated:
    """Add `people` fictional people (and their teams and institutions) to an empty directory.

    Bulk inserts, no audit entries: this is test data, not a history.
    """
    from django.db import transaction
    from faker import Faker

    from jumelage.directory import demo
    from jumelage.directory.models import (
        Affiliation,
        Institution,
        Person,
        Pole,
        Team,
        Theme,
    )

    started = time.perf_counter()
    rng = random.Random(seed)
    names = {}
    for side, locale in (("clara", "fr_FR"), ("oncopole", "fr_CA")):
        fake = Faker(locale)
        fake.seed_instance(seed)
        names[side] = ([fake.first_name_female() for _ in range(600)],
                       [fake.first_name_male() for _ in range(600)],
                       [fake.last_name() for _ in range(1500)])

    with transaction.atomic():
        poles = {spec["code"]: Pole.objects.create(**spec) for spec in demo.POLES}
        themes = {}
        for position, (code, kind, name_fr, name_en, desc_fr, desc_en) in enumerate(
                demo.THEMES, 1):
            themes[code] = Theme.objects.create(
                code=code, kind=kind, name_fr=name_fr, name_en=name_en, description_fr=desc_fr,
                description_en=desc_en, position=position)

        # Institutions: the demo's real ones, then fictional ones up to one per 100 people.
        rows = []
        for spec in demo.INSTITUTIONS:
            rows.append(Institution(
                name_fr=spec.name_fr, name_en=spec.name_en, acronym=spec.acronym,
                aliases=list(spec.aliases), type=spec.type, city=spec.city,
                region="Québec" if spec.pole == "oncopole" else "Auvergne-Rhône-Alpes",
                country=COUNTRY[spec.pole], ror_id=spec.ror_id, pole=poles[spec.pole]))
        for number in range(max(0, people // 100 - len(rows))):
            side = rng.choice(("clara", "oncopole"))
            city, region = rng.choice(CITIES[side])
            topic, topic_en = rng.choice(TOPICS)
            pattern_fr, pattern_en, kind = rng.choice(INSTITUTION_KINDS)
            rows.append(Institution(
                name_fr=pattern_fr.format(city=city, topic=topic) + f" {number + 1}",
                name_en=pattern_en.format(city=city, topic_en=topic_en) + f" {number + 1}",
                type=kind, city=city, region=region, country=COUNTRY[side],
                pole=poles[side] if rng.random() < 0.7 else None))
        institutions = Institution.objects.bulk_create(rows, batch_size=BATCH)
        by_side = {side: [i for i in institutions if i.country == COUNTRY[side]]
                   for side in CITIES}

        # Teams: one per 8 people, in an institution of either side, with 1 or 2 themes.
        theme_codes = list(demo.AGREEMENT_THEMES)
        team_rows, team_themes = [], []
        for _number in range(max(1, people // 8)):
            institution = rng.choice(institutions)
            first, first_en = rng.choice(TOPICS)
            second, second_en = rng.choice(TOPICS)
            name_fr = f"Équipe {first[0].upper()}{first[1:]}"
            name_en = f"{first_en[0].upper()}{first_en[1:]}"
            if second != first:
                name_fr += f" et {second}"
                name_en += f" and {second_en}"
            team_rows.append(Team(name_fr=name_fr, name_en=f"{name_en} team",
                                  institution=institution))
            codes = rng.sample(theme_codes, rng.randint(1, 2))
            if rng.random() < 0.3:
                codes.append(rng.choice(demo.PRIORITIES))
            team_themes.append(codes)
        teams = Team.objects.bulk_create(team_rows, batch_size=BATCH)
        through = Team.themes.through
        through.objects.bulk_create(
            [through(team_id=team.pk, theme_id=themes[code].pk)
             for team, codes in zip(teams, team_themes, strict=True) for code in codes],
            batch_size=BATCH)
        teams_at: dict[int, list[Team]] = {}
        for team, codes in zip(teams, team_themes, strict=True):
            team.theme_codes = codes
            teams_at.setdefault(team.institution_id, []).append(team)

        # People, in batches: each with 1 to 3 themes, 2 to 6 keywords, 1 or 2 affiliations.
        stages = [stage for stage in Person.CareerStage if stage != Person.CareerStage.STAFF]
        counts = {"public": 0, "affiliations": 0, "person_themes": 0}
        for start in range(0, people, BATCH):
            batch, plans = [], []
            for _number in range(start, min(people, start + BATCH)):
                side = rng.choice(("clara", "oncopole"))
                female, male, family = names[side]
                feminine = rng.random() < 0.5
                given = rng.choice(female if feminine else male)
                institution = rng.choice(by_side[side])
                local = teams_at.get(institution.pk, [])
                team = rng.choice(local) if local and rng.random() < 0.7 else None
                codes = (list(team.theme_codes) if team else
                         rng.sample(theme_codes, rng.randint(1, 2)))
                if rng.random() < 0.3:
                    extra = rng.choice(demo.PRIORITIES)
                    if extra not in codes:
                        codes.append(extra)
                pool = [pair for code in codes for pair in demo.KEYWORDS.get(code, [])]
                pairs = [rng.choice(demo.CANCER_TYPES),
                         *rng.sample(pool, min(len(pool), rng.randint(0, 2)))]
                keywords = list(dict.fromkeys(word for pair in pairs for word in pair))
                stage = rng.choice(stages)
                public = rng.random() < 0.6
                counts["public"] += public
                batch.append(Person(
                    given_name=given, family_name=rng.choice(family),
                    email=f"personne.{len(plans) + start + 1:06d}@bench.jumelage.example",
                    career_stage=stage, keywords=keywords, languages=["fr", "en"],
                    public_profile=public))
                position = demo.POSITIONS[(side, stage)][feminine]
                appointments = [(institution, team, position)]
                if rng.random() < 0.4:
                    other = rng.choice(institutions)
                    if other.pk != institution.pk:
                        appointments.append((other, None, ""))
                plans.append((codes, appointments))
            created = Person.objects.bulk_create(batch, batch_size=BATCH)
            affiliations, links = [], []
            for person, (codes, appointments) in zip(created, plans, strict=True):
                links += [Person.themes.through(person_id=person.pk, theme_id=themes[code].pk)
                          for code in codes]
                for institution, team, position in appointments:
                    affiliations.append(Affiliation(
                        person=person, institution=institution, team=team, position=position,
                        start_date=dt.date(rng.randint(1998, 2024), rng.randint(1, 12), 1)))
            Affiliation.objects.bulk_create(affiliations, batch_size=BATCH)
            Person.themes.through.objects.bulk_create(links, batch_size=BATCH)
            counts["affiliations"] += len(affiliations)
            counts["person_themes"] += len(links)

    return Generated(people=people, public=counts["public"], teams=len(teams),
                     institutions=len(institutions), affiliations=counts["affiliations"],
                     person_themes=counts["person_themes"],
                     seconds=time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--database-url", default=None,
                        help="postgres://USER@HOST:PORT/NAME (emptied first); "
                             "default: a temporary SQLite file")
    args = parser.parse_args()

    from bench.common import reset_database, setup_django

    print(setup_django(database_url=args.database_url))
    reset_database()
    print(generate(people=args.people, seed=args.seed))


if __name__ == "__main__":
    main()
