"""Demo accounts (one sign-in per role) and fictional people, generated deterministically:
names from Faker with fixed seeds, emails on a reserved domain, ORCID iDs in a block ORCID does
not assign."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from faker import Faker

from jumelage.accounts.models import User
from jumelage.directory.demo.institutions import _H, _SECOND_APPOINTMENT, _U, INSTITUTIONS
from jumelage.directory.demo.partnership import _CELL, _GEN, AGREEMENT_THEMES, PRIORITIES
from jumelage.directory.demo.teams import (
    _S,
    _START_YEARS,
    _UNTEAMED_AT,
    CANCER_TYPES,
    KEYWORDS,
    POSITIONS,
    SECOND_POSITIONS,
    TEAMS,
    VISITING_POSITION,
)
from jumelage.directory.identifiers import orcid_checksum

DEMO_DOMAIN = "demo.jumelage.example"
DEMO_PASSWORD = "jumelage-demo-2018"  # noqa: S105 - published on purpose: demo accounts only
SEED = 20180308  # the date of the agreement

# People named in the founding press release: never reused for a demo person, not even the
# family name alone.
PRESS_RELEASE_NAMES = (
    ("Rémi", "Quirion"), ("Véronique", "Trillet-Lenoir"), ("Olivier", "Exertier"),
    ("Gwenaëlle", "Paret"), ("Anne-Sophie", "Chatain-Masson"), ("Laurence", "Nicolas"),
)
# --- Demo accounts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    pole: str
    password: str
    totp_secret: str  # base32; "" when the role does not need a second factor


@dataclass(frozen=True)
class _Account:
    email: str
    role: str
    pole: str
    first_name: str
    last_name: str
    language: str
    time_zone: str
    totp_secret: str = ""
    superuser: bool = False


# Published on purpose, like the password: a newcomer adds them to an authenticator app or runs
# `jumelage demo_totp EMAIL`. They are base32 of "jumelage-demo-admin!" and so on.
ACCOUNTS = [
    _Account(f"admin@{DEMO_DOMAIN}", User.Role.SITE_ADMIN, "", "Alex", "Démo-Administration",
             "fr", "Europe/Paris", "NJ2W2ZLMMFTWKLLEMVWW6LLBMRWWS3RB", superuser=True),
    _Account(f"staff.clara@{DEMO_DOMAIN}", User.Role.POLE_STAFF, "clara", "Camille",
             "Démo-CLARA", "fr", "Europe/Paris", "NJ2W2ZLMMFTWKLLEMVWW6LLDNRQXEYJB"),
    _Account(f"staff.oncopole@{DEMO_DOMAIN}", User.Role.POLE_STAFF, "oncopole", "Charlie",
             "Démo-Oncopole", "fr", "America/Toronto", "NJ2W2ZLMMFTWKLLEMVWW6LLPNZRW6IJB"),
    _Account(f"researcher@{DEMO_DOMAIN}", User.Role.RESEARCHER, "", "Dominique",
             "Démo-Recherche", "en", "America/Toronto"),
    _Account(f"student@{DEMO_DOMAIN}", User.Role.STUDENT, "", "Sacha", "Démo-Études", "fr",
             "Europe/Paris"),
]


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(a.email, a.role, a.pole, DEMO_PASSWORD, a.totp_secret) for a in ACCOUNTS]


def is_demo_email(email: str) -> bool:
    return email.strip().lower().endswith(f"@{DEMO_DOMAIN}")


# --- People (fictional, generated deterministically) --------------------------------------------

@dataclass
class AffiliationSpec:
    institution: str
    team: int | None  # index in TEAMS
    position: str
    start_date: dt.date
    end_date: dt.date | None = None


@dataclass
class PersonSpec:
    email: str
    given_name: str
    family_name: str
    career_stage: str
    themes: list[str]
    keywords: list[str]
    languages: list[str]
    public_profile: bool = False
    show_email: bool = False
    orcid: str | None = None
    bio_fr: str = ""
    bio_en: str = ""
    affiliations: list[AffiliationSpec] = field(default_factory=list)
    leads_team: int | None = None
    account: str = ""  # email of the demo account linked to this person


def demo_orcid(number: int) -> str:
    """A well-formed ORCID iD in 0000-0000-9xxx-xxxx, a block ORCID does not assign."""
    base = f"0000000090{number:05d}"
    digits = base + orcid_checksum(base)
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_BLOCKED_FULL = {_fold(f"{g} {f}") for g, f in PRESS_RELEASE_NAMES}
_BLOCKED_FAMILY = {_fold(f) for _given, f in PRESS_RELEASE_NAMES}
PEOPLE_COUNT = 200
PUBLIC_COUNT = 120  # 60 %
ORCID_COUNT = 80


def build_people() -> list[PersonSpec]:
    """The 200 fictional people plus the researcher and student accounts' entries, always the
    same list (for a given Faker version). No database access."""
    rng = random.Random(SEED)
    fakers = {"clara": Faker("fr_FR"), "oncopole": Faker("fr_CA")}
    for fake in fakers.values():
        fake.seed_instance(SEED)
    institutions = {spec.key: spec for spec in INSTITUTIONS}
    taken: set[str] = set()

    # Who is where: a leader and five members per team, then one clinician per hospital.
    slots: list[tuple[str, int | None, str]] = []  # (institution key, team index, stage)
    for index, team in enumerate(TEAMS):
        slots.append((team.institution, index,
                      rng.choices([_S.ESTABLISHED, _S.CLINICIAN], weights=[7, 3])[0]))
        slots.append((team.institution, index,
                      rng.choice([_S.EARLY, _S.ESTABLISHED, _S.CLINICIAN])))
        slots.append((team.institution, index, rng.choice([_S.EARLY, _S.POSTDOC])))
        for _student in range(3):
            slots.append((team.institution, index,
                          rng.choices([_S.DOCTORAL, _S.MASTERS], weights=[2, 1])[0]))
    slots.extend((key, None, _S.CLINICIAN) for key in _UNTEAMED_AT)
    public = set(rng.sample(range(PEOPLE_COUNT), PUBLIC_COUNT))
    with_orcid = set(rng.sample(range(PEOPLE_COUNT), ORCID_COUNT))
    visiting = set(rng.sample([i for i, s in enumerate(slots)
                               if s[2] in (_S.EARLY, _S.ESTABLISHED, _S.POSTDOC)], 16))

    people: list[PersonSpec] = []
    leaders: set[int] = set()
    for number, (inst_key, team_index, stage) in enumerate(slots, start=1):
        i = number - 1
        inst = institutions[inst_key]
        side = inst.pole
        feminine = rng.random() < 0.5
        given, family = _draw_name(fakers[side], feminine, taken)
        team = TEAMS[team_index] if team_index is not None else None
        if team is not None:
            themes = list(team.themes)
        else:
            themes = rng.sample(AGREEMENT_THEMES, rng.randint(1, 2))
        if rng.random() < 0.3:
            extra = rng.choice(PRIORITIES)
            if extra not in themes:
                themes.append(extra)
        focus = [pair for pair in CANCER_TYPES if team and pair[1] == team.cancer]
        pairs = focus or [rng.choice(CANCER_TYPES)]
        pool = [pair for code in themes for pair in KEYWORDS.get(code, [])]
        pairs += rng.sample(pool, min(len(pool), rng.randint(1, 3)))
        keywords: list[str] = []
        for pair in pairs:
            keywords += [word for word in pair if word not in keywords]
        languages = _languages(rng, side)
        start = _start_date(rng, stage)
        position = POSITIONS[(side, stage)][feminine]
        affiliations = [AffiliationSpec(inst_key, team_index, position, start)]
        if stage in (_S.ESTABLISHED, _S.CLINICIAN):
            second = institutions[_SECOND_APPOINTMENT[inst_key]]
            titles = SECOND_POSITIONS[(side, _U if second.type == _U else _H)]
            affiliations.append(AffiliationSpec(second.key, None, titles[feminine],
                                                _start_date(rng, stage)))
        if i in visiting:
            other = rng.choice([s for s in INSTITUTIONS if s.pole != side and s.type != _H])
            ended = start - dt.timedelta(days=rng.randint(30, 200))
            began = ended - dt.timedelta(days=rng.randint(180, 700))
            affiliations.append(AffiliationSpec(other.key, None, VISITING_POSITION[feminine],
                                                began, ended))
        leads = team_index if team_index is not None and team_index not in leaders else None
        if leads is not None:
            leaders.add(leads)
        is_public = i in public
        bio_fr = bio_en = ""
        if is_public:
            topic_fr = ", ".join(p[0] for p in pairs)
            topic_en = ", ".join(p[1] for p in pairs)
            where_fr = f"Membre de l'é{team.name_fr[1:]}, " if team else ""
            where_en = f"Member of the {team.name_en}, " if team else ""
            bio_fr = f"{where_fr}{inst.name_fr}. Recherche\u00a0: {topic_fr}."
            bio_en = f"{where_en}{inst.name_en}. Research: {topic_en}."
        people.append(PersonSpec(
            email=f"personne.{number:03d}@{DEMO_DOMAIN}", given_name=given, family_name=family,
            career_stage=stage, themes=themes, keywords=keywords, languages=languages,
            public_profile=is_public, show_email=is_public and rng.random() < 0.3,
            orcid=demo_orcid(number) if i in with_orcid else None, bio_fr=bio_fr,
            bio_en=bio_en, affiliations=affiliations, leads_team=leads,
        ))
    assert len(people) == PEOPLE_COUNT, "a change to TEAMS must keep 200 people"
    return people + _account_people()


def _account_people() -> list[PersonSpec]:
    """Directory entries of the demo accounts: staff have no affiliation; the researcher and
    the student belong to a team, so their pages show something."""
    people = {a.email: PersonSpec(email=a.email, given_name=a.first_name,
                                  family_name=a.last_name, career_stage=_S.STAFF, themes=[],
                                  keywords=[], languages=["fr", "en"], account=a.email)
              for a in ACCOUNTS}
    goodman = next(i for i, t in enumerate(TEAMS) if t.institution == "goodman")
    researcher = people[f"researcher@{DEMO_DOMAIN}"]
    researcher.career_stage = _S.ESTABLISHED
    researcher.themes = [_GEN, "research"]
    researcher.keywords = ["métabolisme du cancer", "cancer metabolism", "cancer du sein",
                           "breast cancer"]
    researcher.languages = ["en", "fr"]
    researcher.public_profile = True
    researcher.orcid = demo_orcid(901)
    researcher.bio_fr = ("Compte de démonstration\u00a0: chercheur·se de l'équipe Métabolisme "
                         "du cancer (Institut du cancer Rosalind & Morris Goodman).")
    researcher.bio_en = ("Demo account: researcher in the Cancer metabolism team (Rosalind & "
                         "Morris Goodman Cancer Institute).")
    researcher.affiliations = [AffiliationSpec("goodman", goodman, "Chercheur·se principal·e",
                                               dt.date(2015, 9, 1))]
    lymphoma = next(i for i, t in enumerate(TEAMS) if t.cancer == "lymphoma")
    student = people[f"student@{DEMO_DOMAIN}"]
    student.career_stage = _S.DOCTORAL
    student.themes = [_CELL]
    student.keywords = ["lymphome", "lymphoma", "lymphocytes CAR-T", "CAR-T cells"]
    student.affiliations = [AffiliationSpec(TEAMS[lymphoma].institution, lymphoma,
                                            "Doctorant·e", dt.date(2023, 10, 1))]
    return list(people.values())


def _draw_name(fake: Faker, feminine: bool, taken: set[str]) -> tuple[str, str]:
    for _attempt in range(1000):
        given = fake.first_name_female() if feminine else fake.first_name_male()
        family = fake.last_name()
        key = _fold(f"{given} {family}")
        if key in taken or key in _BLOCKED_FULL or _fold(family) in _BLOCKED_FAMILY:
            continue
        taken.add(key)
        return given, family
    raise RuntimeError("Faker ran out of distinct names")  # pragma: no cover


def _languages(rng: random.Random, side: str) -> list[str]:
    draw = rng.random()
    if draw < 0.1:
        return ["fr"]
    if draw < 0.2:
        return ["fr", "en", rng.choice(["es", "it", "de", "pt"] if side == "clara"
                                       else ["es", "pt", "ar", "zh"])]
    return ["fr", "en"]


def _start_date(rng: random.Random, stage: str) -> dt.date:
    first, last = _START_YEARS[stage]
    year = rng.randint(first, last)
    if stage in (_S.DOCTORAL, _S.MASTERS):
        return dt.date(year, rng.choice([9, 10]), 1)
    return dt.date(year, rng.randint(1, 12), 1)
