import datetime as dt
import io
import unicodedata

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.urls import reverse

from jumelage.accounts.models import User
from jumelage.core.models import AuditEntry
from jumelage.directory.demo import build_people, seed_demo
from jumelage.directory.identifiers import normalize_orcid, normalize_ror
from jumelage.directory.models import Affiliation, Institution, Person, Pole, Team, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def observatory_store(settings, tmp_path):
    """The `seed_demo` command also fills the observatory's store: never the project's own."""
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "observatory.duckdb"
    return settings.JUMELAGE_OBSERVATORY_DB

CREATED_ON_A_FRESH_DATABASE = {
    "poles": 2, "themes": 9, "institutions": 30, "teams": 31, "people": 205,
    "affiliations": 283, "users": 5, "email_addresses": 5, "authenticators": 3,
}
PRESS_RELEASE_PEOPLE = [
    "Rémi Quirion", "Véronique Trillet-Lenoir", "Olivier Exertier", "Gwenaëlle Paret",
    "Anne-Sophie Chatain-Masson", "Laurence Nicolas",
]
DEMO_SECRETS = {
    "admin@demo.jumelage.example": "NJ2W2ZLMMFTWKLLEMVWW6LLBMRWWS3RB",
    "staff.clara@demo.jumelage.example": "NJ2W2ZLMMFTWKLLEMVWW6LLDNRQXEYJB",
    "staff.oncopole@demo.jumelage.example": "NJ2W2ZLMMFTWKLLEMVWW6LLPNZRW6IJB",
}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _all_rows() -> dict[str, list[dict]]:
    """Every row of every table the project knows, including many-to-many tables."""
    return {model._meta.label: list(model.objects.order_by("pk").values())
            for model in apps.get_models(include_auto_created=True)}


def test_seed_demo_on_a_fresh_database_reports_what_it_created():
    report = seed_demo()

    assert report.created == CREATED_ON_A_FRESH_DATABASE


def test_seed_demo_loads_the_poles_themes_institutions_and_people():
    seed_demo()

    assert list(Pole.objects.values_list("code", "short_name", "currency", "time_zone")) == [
        ("clara", "CLARA", "EUR", "Europe/Paris"),
        ("oncopole", "Oncopole", "CAD", "America/Toronto"),
    ]
    assert list(Theme.objects.filter(kind=Theme.Kind.THEME).values_list("code", flat=True)) == [
        "genomics-precision-medicine", "cell-therapy", "oncology-care-organisation"]
    assert Theme.objects.filter(kind=Theme.Kind.PRIORITY).count() == 6
    assert Institution.objects.count() == 30
    assert Institution.objects.filter(pole__code="clara").count() == 13
    assert Institution.objects.filter(pole__code="oncopole").count() == 17
    assert Team.objects.count() == 31
    assert Person.objects.count() == 205
    assert Person.objects.filter(public_profile=True).count() == 121


def test_seed_demo_twice_creates_nothing_and_changes_no_row():
    seed_demo()
    before = _all_rows()

    report = seed_demo()

    assert report.total_created == 0
    assert report.created == dict.fromkeys(CREATED_ON_A_FRESH_DATABASE, 0)
    assert _all_rows() == before


def test_seed_demo_records_one_audit_entry_only_when_it_creates_rows():
    seed_demo()
    seed_demo()

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.action, entry.object_label) == (
        None, "system", "demo.seed", "seed_demo")
    assert entry.changes == {name: [0, count]
                             for name, count in CREATED_ON_A_FRESH_DATABASE.items()}


def test_seed_demo_keeps_rows_that_were_edited_since():
    seed_demo()
    Pole.objects.filter(code="clara").update(short_name="CLARA (edited)")

    report = seed_demo()

    assert report.total_created == 0
    assert Pole.objects.get(code="clara").short_name == "CLARA (edited)"


def test_demo_people_are_the_same_on_every_run():
    first, second = build_people(), build_people()

    assert [(p.email, p.given_name, p.family_name, p.orcid) for p in first] == [
        (p.email, p.given_name, p.family_name, p.orcid) for p in second]


def test_no_demo_person_bears_a_name_from_the_press_release():
    seed_demo()
    names = {_fold(f"{p.given_name} {p.family_name}") for p in Person.objects.all()}
    family_names = {_fold(p.family_name) for p in Person.objects.all()}

    assert names.isdisjoint({_fold(name) for name in PRESS_RELEASE_PEOPLE})
    assert family_names.isdisjoint({_fold(name.split(" ", 1)[1])
                                    for name in PRESS_RELEASE_PEOPLE})


def test_demo_people_have_emails_on_the_demo_domain_only():
    seed_demo()

    domains = {p.email.rsplit("@", 1)[1] for p in Person.objects.all()}
    assert domains == {"demo.jumelage.example"}


def test_every_demo_ror_id_is_valid():
    seed_demo()
    ror_ids = list(Institution.objects.exclude(ror_id=None).values_list("ror_id", flat=True))

    assert len(ror_ids) == 29
    assert [normalize_ror(r) for r in ror_ids] == ror_ids
    assert Institution.objects.get(ror_id=None).name_fr == "Centre Jean Perrin"


def test_demo_institutions_have_their_ror_parents():
    seed_demo()

    crcl = Institution.objects.get(ror_id="02mgw3155")
    assert sorted(crcl.parents.values_list("ror_id", flat=True)) == ["01cmnjq37", "029brtt94"]
    assert list(Institution.objects.get(ror_id="0410a8y51").parents.values_list(
        "acronym", flat=True)) == ["UdeM"]


def test_every_demo_orcid_is_valid_and_in_the_unassigned_block():
    seed_demo()
    orcids = list(Person.objects.exclude(orcid=None).values_list("orcid", flat=True))

    assert len(orcids) == 81
    assert [normalize_orcid(o) for o in orcids] == orcids
    assert {o[:10] for o in orcids} == {"0000-0000-"}


def test_every_team_is_led_by_one_of_its_members():
    seed_demo()

    for team in Team.objects.select_related("leader"):
        assert Affiliation.objects.filter(person=team.leader, team=team).exists(), team


def test_demo_accounts_have_their_roles_poles_and_confirmed_emails():
    seed_demo()

    accounts = {u.email: u for u in User.objects.select_related("pole")}
    assert {email: (u.role, u.pole.code if u.pole else None, u.is_staff, u.is_superuser)
            for email, u in accounts.items()} == {
        "admin@demo.jumelage.example": ("site_admin", None, True, True),
        "staff.clara@demo.jumelage.example": ("pole_staff", "clara", False, False),
        "staff.oncopole@demo.jumelage.example": ("pole_staff", "oncopole", False, False),
        "researcher@demo.jumelage.example": ("researcher", None, False, False),
        "student@demo.jumelage.example": ("student", None, False, False),
    }
    assert all(u.check_password("jumelage-demo-2018") for u in accounts.values())
    assert sorted(EmailAddress.objects.filter(verified=True, primary=True)
                  .values_list("email", flat=True)) == sorted(accounts)
    assert sorted(Person.objects.exclude(user=None).values_list("user__email", flat=True)) == (
        sorted(accounts))


def test_demo_staff_and_admin_have_a_totp_authenticator():
    seed_demo()

    emails = sorted(Authenticator.objects.filter(type=Authenticator.Type.TOTP)
                    .values_list("user__email", flat=True))
    assert emails == sorted(DEMO_SECRETS)


@time_machine.travel(dt.datetime(2018, 3, 8, 12, 0, tzinfo=dt.UTC), tick=False)
def test_demo_totp_prints_a_code_that_allauth_accepts():
    seed_demo()
    cache.clear()
    out, err = io.StringIO(), io.StringIO()

    call_command("demo_totp", "Staff.Clara@demo.jumelage.example", stdout=out, stderr=err)

    code = out.getvalue().strip()
    authenticator = Authenticator.objects.get(user__email="staff.clara@demo.jumelage.example")
    assert len(code) == 6
    assert authenticator.wrap().validate_code(code) is True
    assert err.getvalue() == "Valid for 30 more seconds; each code can be used once.\n"


@time_machine.travel(dt.datetime(2018, 3, 8, 12, 0, tzinfo=dt.UTC), tick=False)
def test_demo_staff_signs_in_with_the_password_and_the_demo_totp_code(client):
    seed_demo()
    cache.clear()
    code = io.StringIO()
    call_command("demo_totp", "staff.oncopole@demo.jumelage.example", stdout=code,
                 stderr=io.StringIO())

    first = client.post(reverse("account_login"), {
        "login": "staff.oncopole@demo.jumelage.example", "password": "jumelage-demo-2018"})
    second = client.post(first.headers["Location"], {"code": code.getvalue().strip()})
    home = client.get(second.headers["Location"])

    assert first.headers["Location"] == reverse("mfa_authenticate")
    assert home.status_code == 200
    assert home.context["user"].email == "staff.oncopole@demo.jumelage.example"


def test_demo_totp_refuses_an_address_outside_the_demo_domain():
    seed_demo()

    with pytest.raises(CommandError) as excinfo:
        call_command("demo_totp", "staff@canceropole-clara.example")

    assert str(excinfo.value) == (
        "“staff@canceropole-clara.example” is not a demo account: demo_totp only gives codes for "
        "addresses on demo.jumelage.example, such as staff.clara@demo.jumelage.example.")


def test_demo_totp_refuses_a_demo_account_without_totp():
    seed_demo()

    with pytest.raises(CommandError) as excinfo:
        call_command("demo_totp", "researcher@demo.jumelage.example")

    assert str(excinfo.value).startswith(
        "“researcher@demo.jumelage.example” has no TOTP authenticator.")


def test_seed_demo_command_refuses_to_run_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")

    assert Pole.objects.count() == 0


def test_seed_demo_command_prints_counts_and_the_demo_sign_ins(settings):
    settings.DEBUG = True
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:11] == [
        "Rows created:", "poles: 2", "themes: 9", "institutions: 30", "teams: 31",
        "people: 205", "affiliations: 283", "users: 5", "email addresses: 5",
        "authenticators: 3", "The demo partnership is loaded.",
    ]
    assert lines[13].split() == ["Email", "Role", "Password", "TOTP", "secret"]
    assert lines[15].split() == [
        "staff.clara@demo.jumelage.example", "Pole", "staff", "(programme", "manager)",
        "jumelage-demo-2018", "NJ2W2ZLMMFTWKLLEMVWW6LLDNRQXEYJB"]
    assert lines[17].split() == [
        "researcher@demo.jumelage.example", "Researcher", "jumelage-demo-2018", "-"]


def test_seed_demo_command_says_so_when_everything_is_there(settings):
    settings.DEBUG = True
    seed_demo()
    out = io.StringIO()

    call_command("seed_demo", "--force", stdout=out)

    assert ("The demo partnership was already loaded: nothing was added or changed."
            in out.getvalue().splitlines())
