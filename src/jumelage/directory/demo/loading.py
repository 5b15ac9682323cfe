"""Loading the demo partnership into the directory: one natural key per row, found again or
created; rows that exist are never overwritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils.translation import gettext as _

from jumelage.accounts.models import User
from jumelage.core import audit
from jumelage.directory.demo.institutions import INSTITUTIONS
from jumelage.directory.demo.partnership import POLES, THEMES
from jumelage.directory.demo.people import (
    ACCOUNTS,
    DEMO_PASSWORD,
    DemoLogin,
    PersonSpec,
    build_people,
    demo_logins,
)
from jumelage.directory.demo.teams import TEAMS
from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme

# What seed_demo counts, in the order it loads them.
DEMO_MODELS: dict[str, type[models.Model]] = {
    "poles": Pole, "themes": Theme, "institutions": Institution, "teams": Team,
    "people": Person, "affiliations": Affiliation, "users": User,
    "email_addresses": EmailAddress, "authenticators": Authenticator,
}

# --- Loading ------------------------------------------------------------------------------------

@dataclass
class DemoReport:
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DEMO_MODELS, 0))
    logins: list[DemoLogin] = field(default_factory=demo_logins)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())


@transaction.atomic
def seed_demo(*, stdout: TextIO | None = None) -> DemoReport:
    """Load the demo partnership; rows that already exist are left exactly as they are.

    One audit entry records the row counts before and after when anything was created.
    """
    report = DemoReport()
    before = {name: model.objects.count() for name, model in DEMO_MODELS.items()}
    poles = _load_poles(report)
    themes = _load_themes(report)
    institutions = _load_institutions(report, poles)
    teams, new_teams = _load_teams(report, institutions, themes)
    users = _load_accounts(report, poles)
    _load_people(report, build_people(), institutions, teams, new_teams, themes, users)
    if stdout is not None:
        for name, model in DEMO_MODELS.items():
            stdout.write(_("%(things)s: %(count)d") % {
                "things": model._meta.verbose_name_plural, "count": report.created[name]} + "\n")
    if report.total_created:
        changes = {name: [before[name], model.objects.count()]
                   for name, model in DEMO_MODELS.items() if report.created[name]}
        audit.record(actor=None, action="demo.seed", obj=None, label="seed_demo",
                     changes=changes)
    return report


def _get_or_create(report: DemoReport, name: str, model: type[models.Model], lookup: dict,
                   defaults: dict) -> tuple[models.Model, bool]:
    """Like get_or_create, but the oldest match wins if someone has since made duplicates."""
    obj = model.objects.filter(**lookup).order_by("pk").first()
    if obj is not None:
        return obj, False
    obj = model.objects.create(**lookup, **defaults)
    report.created[name] += 1
    return obj, True


def _load_poles(report: DemoReport) -> dict[str, Pole]:
    poles = {}
    for spec in POLES:
        fields = dict(spec)
        code = fields.pop("code")
        poles[code], _created = _get_or_create(report, "poles", Pole, {"code": code}, fields)
    return poles


def _load_themes(report: DemoReport) -> dict[str, Theme]:
    themes = {}
    for position, (code, kind, name_fr, name_en, desc_fr, desc_en) in enumerate(THEMES, 1):
        themes[code], _created = _get_or_create(report, "themes", Theme, {"code": code}, {
            "kind": kind, "name_fr": name_fr, "name_en": name_en, "description_fr": desc_fr,
            "description_en": desc_en, "position": position})
    return themes


def _load_institutions(report: DemoReport, poles: dict[str, Pole]) -> dict[str, Institution]:
    institutions, new = {}, []
    for spec in INSTITUTIONS:
        region = "Québec" if spec.pole == "oncopole" else "Auvergne-Rhône-Alpes"
        values = {"name_fr": spec.name_fr, "name_en": spec.name_en, "acronym": spec.acronym,
                  "aliases": list(spec.aliases), "type": spec.type, "city": spec.city,
                  "region": region, "country": "CA" if spec.pole == "oncopole" else "FR",
                  "pole": poles[spec.pole]}
        if spec.ror_id:
            lookup = {"ror_id": spec.ror_id}
        else:
            lookup = {"name_fr": values.pop("name_fr"), "country": values.pop("country")}
        institutions[spec.key], created = _get_or_create(
            report, "institutions", Institution, lookup, values)
        if created:
            new.append(spec)
    for spec in new:
        if spec.parents:
            institutions[spec.key].parents.add(*(institutions[k] for k in spec.parents))
    return institutions


def _load_teams(report: DemoReport, institutions: dict[str, Institution],
                themes: dict[str, Theme]) -> tuple[list[Team], set[int]]:
    teams, new = [], set()
    for index, spec in enumerate(TEAMS):
        team, created = _get_or_create(
            report, "teams", Team,
            {"institution": institutions[spec.institution], "name_fr": spec.name_fr},
            {"name_en": spec.name_en})
        if created:
            team.themes.set([themes[code] for code in spec.themes])
            new.add(index)
        teams.append(team)
    return teams, new


def _load_accounts(report: DemoReport, poles: dict[str, Pole]) -> dict[str, User]:
    users: dict[str, User] = {}
    password_hash = ""
    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            # One hash for all five: hashing is slow on purpose and the password is public.
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                email=account.email, password=password_hash, first_name=account.first_name,
                last_name=account.last_name, role=account.role,
                pole=poles[account.pole] if account.pole else None, language=account.language,
                time_zone=account.time_zone, is_staff=account.superuser,
                is_superuser=account.superuser)
            report.created["users"] += 1
        users[account.email] = user
        _get_or_create(report, "email_addresses", EmailAddress,
                       {"user": user, "email": account.email},
                       {"verified": True, "primary": True})
        if account.totp_secret:
            _get_or_create(report, "authenticators", Authenticator,
                           {"user": user, "type": Authenticator.Type.TOTP},
                           {"data": {"secret": encrypt(account.totp_secret)}})
    return users


def _load_people(report: DemoReport, specs: list[PersonSpec],
                 institutions: dict[str, Institution], teams: list[Team], new_teams: set[int],
                 themes: dict[str, Theme], users: dict[str, User]) -> None:
    """People in a few bulk queries: a row-by-row load is most of seed_demo's time."""
    people = {p.email: p for p in  # the oldest row wins if someone has made duplicates
              Person.objects.filter(email__in=[s.email for s in specs]).order_by("-pk")}
    linked = set(Person.objects.filter(user__in=users.values()).values_list("user", flat=True))
    new_specs = [spec for spec in specs if spec.email not in people]
    created = Person.objects.bulk_create([
        Person(user=user if (user := users.get(spec.account)) and user.pk not in linked else None,
               given_name=spec.given_name, family_name=spec.family_name, email=spec.email,
               orcid=spec.orcid, career_stage=spec.career_stage, keywords=spec.keywords,
               languages=spec.languages, bio_fr=spec.bio_fr, bio_en=spec.bio_en,
               public_profile=spec.public_profile, show_email=spec.show_email)
        for spec in new_specs])
    report.created["people"] += len(created)
    people.update((person.email, person) for person in created)
    through = Person.themes.through
    through.objects.bulk_create([
        through(person_id=people[spec.email].pk, theme_id=themes[code].pk)
        for spec in new_specs for code in spec.themes])

    have = set(Affiliation.objects.filter(person__in=list(people.values()))
               .values_list("person", "institution", "team"))
    affiliations = []
    for spec in specs:
        person = people[spec.email]
        for aff in spec.affiliations:
            institution = institutions[aff.institution]
            team = teams[aff.team] if aff.team is not None else None
            key = (person.pk, institution.pk, team.pk if team else None)
            if key not in have:
                have.add(key)
                affiliations.append(Affiliation(
                    person=person, institution=institution, team=team, position=aff.position,
                    start_date=aff.start_date, end_date=aff.end_date))
    report.created["affiliations"] += len(Affiliation.objects.bulk_create(affiliations))

    led = []
    for spec in specs:
        if spec.leads_team is not None and spec.leads_team in new_teams:
            teams[spec.leads_team].leader = people[spec.email]
            led.append(teams[spec.leads_team])
    Team.objects.bulk_update(led, ["leader"])
