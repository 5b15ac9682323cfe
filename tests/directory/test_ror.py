"""ROR import: the service `import_ror_records` and the command `import_ror`."""

import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from jumelage.core.models import AuditEntry
from jumelage.directory.models import Institution
from jumelage.directory.ror import MAX_LENGTHS, parse_record, read_ror_file
from jumelage.directory.services import import_ror_records
from tests.factories import InstitutionFactory, PoleFactory, UserFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ror"
V2_DUMP = FIXTURES / "v2_dump.json"
FLAT = FIXTURES / "flat_subset.jsonl"
REPO = Path(__file__).resolve().parents[2]

SHARED_ROR = Path(__file__).resolve().parents[3] / "shared" / "data" / "ror"
SHARED_FILE = SHARED_ROR / "ror_fr_ca_subset.jsonl"
shared_data = pytest.mark.skipif(not SHARED_FILE.is_file(),
                                 reason="../shared/data/ror is absent")


def _import(path: Path, *, countries=(), actor=None):
    return import_ror_records(records=read_ror_file(path=path), countries=countries,
                              actor=actor, source=path.name)


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ror", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _parents(ror_id: str) -> list[str]:
    return sorted(Institution.objects.get(ror_id=ror_id).parents.values_list("ror_id", flat=True))


def _ror_values(ror_id: str) -> dict:
    return Institution.objects.filter(ror_id=ror_id).values(
        "name_fr", "name_en", "acronym", "aliases", "type", "city", "region", "country",
        "website", "active").get()


def test_engine_limits_match_the_institution_columns():
    columns = {name: Institution._meta.get_field(name).max_length for name in MAX_LENGTHS}

    assert columns == MAX_LENGTHS


def test_engine_types_are_institution_types():
    from jumelage.directory import ror

    engine_types = {ror.UNIVERSITY, ror.HOSPITAL, ror.CANCER_CENTRE, ror.RESEARCH_INSTITUTE,
                    ror.COMPANY, ror.OTHER}

    assert engine_types == set(Institution.Type.values)


# --- the service ---

@pytest.mark.django_db
def test_import_v2_dump_creates_institutions_with_ror_fields():
    report = _import(V2_DUMP)

    assert report.counts() == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0,
                               "invalid": 0, "parents_linked": 1, "parents_missing": 2}
    assert _ror_values("02mgw3155") == {
        "name_fr": "Centre de Recherche en Cancérologie de Lyon",
        "name_en": "Cancer Research Center of Lyon",
        "acronym": "CRCL",
        "aliases": ["Cancer Center of Lyon", "UMR 5286"],
        "type": "research_institute",
        "city": "Lyon",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR",
        "website": "http://www.crcl.fr/",
        "active": True,
    }
    assert dict(Institution.objects.values_list("ror_id", "type")) == {
        "029brtt94": "university", "02mgw3155": "research_institute",
        "01502ca60": "hospital", "00yphhr71": "cancer_centre"}


@pytest.mark.django_db
def test_import_links_parents_present_in_the_database_only():
    _import(V2_DUMP)

    assert _parents("02mgw3155") == ["029brtt94"]
    assert _parents("029brtt94") == []
    assert Institution.objects.get(ror_id="029brtt94").children.get().ror_id == "02mgw3155"


@pytest.mark.django_db
def test_import_links_a_parent_that_staff_created_before():
    InstitutionFactory(name_fr="Centre Léon Bérard", ror_id="01cmnjq37", type="cancer_centre")

    report = _import(V2_DUMP)

    assert (report.parents_linked, report.parents_missing) == (2, 1)
    assert _parents("02mgw3155") == ["01cmnjq37", "029brtt94"]


@pytest.mark.django_db
def test_import_writes_one_summary_audit_entry():
    actor = UserFactory(email="admin@example.org")

    _import(V2_DUMP, countries=["FR"], actor=actor)

    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.action, entry.content_type, entry.object_id,
            entry.object_label) == (actor, "admin@example.org", "directory.ror.import", None,
                                    "", "v2_dump.json (FR)")
    assert entry.changes == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 0,
                             "invalid": 0, "parents_linked": 1, "parents_missing": 2,
                             "countries": ["FR"], "updated_rows": {}}


@pytest.mark.django_db
def test_import_again_changes_nothing_and_writes_no_audit_entry():
    _import(V2_DUMP)
    before = list(Institution.objects.order_by("pk").values())

    report = _import(V2_DUMP)

    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 0,
                               "invalid": 0, "parents_linked": 0, "parents_missing": 2}
    assert list(Institution.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == 1


@pytest.mark.django_db
def test_import_updates_ror_fields_and_keeps_pole_staff_names_type_and_parents():
    clara = PoleFactory()
    hcl = InstitutionFactory(name_fr="Hospices Civils de Lyon", name_en="Lyon University Hospitals",
                             ror_id="01502ca60", type="hospital", pole=clara,
                             website="https://www.chu-lyon.fr")
    _import(V2_DUMP)
    ucbl = Institution.objects.get(ror_id="029brtt94")
    ucbl.name_fr, ucbl.type, ucbl.city, ucbl.pole = "Lyon 1", "research_institute", "Lyon", clara
    ucbl.save()
    Institution.objects.get(ror_id="02mgw3155").parents.add(hcl)

    report = _import(V2_DUMP)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 3)
    ucbl.refresh_from_db()
    assert (ucbl.name_fr, ucbl.type, ucbl.city, ucbl.pole) == (
        "Lyon 1", "research_institute", "Villeurbanne", clara)
    assert _parents("02mgw3155") == ["01502ca60", "029brtt94"]
    hcl.refresh_from_db()
    assert (hcl.name_en, hcl.acronym, hcl.region, hcl.pole) == (
        "Lyon University Hospitals", "HCL", "Auvergne-Rhône-Alpes", clara)
    assert AuditEntry.objects.first().changes["updated_rows"] == {
        "029brtt94": {"city": ["Lyon", "Villeurbanne"]}}


@pytest.mark.django_db
def test_import_counts_a_record_whose_parent_arrives_later_as_updated():
    records = list(read_ror_file(path=V2_DUMP))
    import_ror_records(records=[records[1]], countries=[], actor=None)

    report = import_ror_records(records=records, countries=[], actor=None, source="later")

    assert (report.created, report.updated, report.unchanged, report.parents_linked) == (
        3, 1, 0, 1)
    assert AuditEntry.objects.first().changes["updated_rows"] == {
        "02mgw3155": {"parents": [[], ["029brtt94"]]}}


@pytest.mark.django_db
def test_import_flattened_lines_for_canada_skips_france_and_counts_bad_lines():
    report = _import(FLAT, countries=["CA"])

    assert report.counts() == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 1,
                               "invalid": 3, "parents_linked": 1, "parents_missing": 1}
    assert [str(issue) for issue in report.issues] == [
        f"{FLAT}:5: invalid JSON (Expecting ',' delimiter, column 109)",
        f"{FLAT}:6: “https://ror.org/0161xgx35” is not a valid ROR id: its check digits "
        "should be 34",
        f"{FLAT}:8: no id",
    ]
    assert sorted(Institution.objects.values_list("ror_id", flat=True)) == [
        "002zghs56", "0161xgx34", "02w5vxx03", "0410a8y51"]
    assert _parents("02w5vxx03") == ["0161xgx34"]
    assert Institution.objects.get(ror_id="002zghs56").active is False


@pytest.mark.django_db
def test_import_reports_a_repeated_ror_id_and_keeps_the_first():
    first = parse_record(data={"id": "https://ror.org/0161xgx34", "country_code": "CA",
                               "name": "Université de Montréal"}, source="a.jsonl", line=1)
    again = parse_record(data={"id": "0161xgx34", "country_code": "CA", "name": "UdeM"},
                         source="a.jsonl", line=2)

    report = import_ror_records(records=[first, again], countries=[], actor=None)

    assert [str(issue) for issue in report.issues] == [
        "a.jsonl:2: 0161xgx34 is already at a.jsonl:1; this copy is ignored"]
    assert list(Institution.objects.values_list("name_fr", flat=True)) == [
        "Université de Montréal"]


@pytest.mark.django_db
def test_import_query_count_does_not_grow_with_records(django_assert_num_queries):
    _import(FLAT)

    # The same file again: savepoint, load the institutions, their ids, the parent links,
    # release; nothing to write.
    with django_assert_num_queries(5):
        _import(FLAT)


# --- the command ---

@pytest.mark.django_db
def test_command_prints_counts_and_bad_records():
    out, err = _run(str(FLAT), "--country", "CA", "--country", "fr")

    assert out.splitlines() == [
        "Read 5 valid records from flat_subset.jsonl.",
        "Created: 5",
        "Updated: 0",
        "Unchanged: 0",
        "Skipped (other country): 0",
        "Invalid: 3",
        "Parent links added: 1",
        "Parent links not made (parent not in the directory): 1",
    ]
    assert err.splitlines() == [
        f"{FLAT}:5: invalid JSON (Expecting ',' delimiter, column 109)",
        f"{FLAT}:6: “https://ror.org/0161xgx35” is not a valid ROR id: its check digits "
        "should be 34",
        f"{FLAT}:8: no id",
    ]


@pytest.mark.django_db
def test_command_second_run_reports_everything_unchanged():
    _run(str(V2_DUMP))

    out, err = _run(str(V2_DUMP))

    assert out.splitlines()[:6] == ["Read 4 valid records from v2_dump.json.", "Created: 0",
                                    "Updated: 0", "Unchanged: 4", "Skipped (other country): 0",
                                    "Invalid: 0"]
    assert err == ""


@pytest.mark.django_db
def test_command_reads_a_gzip_dump(tmp_path):
    import gzip

    path = tmp_path / "ror.json.gz"
    path.write_bytes(gzip.compress(V2_DUMP.read_bytes()))

    out, _err = _run(str(path), "--country", "FR")

    assert out.splitlines()[1] == "Created: 4"


def test_command_rejects_a_country_that_is_not_iso():
    with pytest.raises(CommandError) as error:
        _run(str(FLAT), "--country", "CA", "--country", "QC")

    assert str(error.value) == ("--country “QC” is not an ISO 3166-1 country code: give two "
                                "letters, such as FR for France or CA for Canada.")


def test_command_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError) as error:
        _run(str(tmp_path / "ror.json"))

    assert str(error.value) == (f"No ROR file at {tmp_path / 'ror.json'}: give the path of a "
                                ".json, .jsonl, .gz or .zip file.")


def test_command_file_that_is_not_json_is_a_command_error(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("ror_id,name\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        _run(str(path))

    assert str(error.value) == (f"{path} is neither a JSON array nor JSON Lines: it does not "
                                "start with “[” or “{”.")


@pytest.mark.django_db
def test_command_fails_when_no_record_is_valid(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "https://ror.org/0161xgx35"}\nnot json\n', encoding="utf-8")

    with pytest.raises(CommandError) as error:
        _run(str(path))

    assert str(error.value) == f"No valid ROR record in {path}; nothing was imported."
    assert Institution.objects.count() == 0


@pytest.mark.django_db
def test_command_succeeds_when_every_valid_record_is_of_another_country():
    out, _err = _run(str(V2_DUMP), "--country", "CA")

    assert out.splitlines()[:2] == ["Read 4 valid records from v2_dump.json.", "Created: 0"]
    assert out.splitlines()[4] == "Skipped (other country): 4"


def test_command_line_missing_file_exits_1_without_traceback(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings",
           "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")])}

    result = subprocess.run(
        [sys.executable, "-m", "jumelage.manage", "import_ror", str(tmp_path / "absent.json")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False)

    # Commands speak the site's default language, French.
    assert (result.returncode, result.stdout, result.stderr) == (
        1, "", f"CommandError: Aucun fichier ROR à {tmp_path / 'absent.json'}\xa0: indiquez le "
               "chemin d’un fichier .json, .jsonl, .gz ou .zip.\n")


# --- on the shared ROR subset (../shared/data/ror), when it is there ---

@pytest.mark.shared_data
@shared_data
@pytest.mark.django_db
def test_shared_subset_imports_france_and_canada():
    out, err = _run(str(SHARED_FILE), "--country", "FR", "--country", "CA")

    assert out.splitlines() == [
        "Read 6154 valid records from ror_fr_ca_subset.jsonl.",
        "Created: 6154",
        "Updated: 0",
        "Unchanged: 0",
        "Skipped (other country): 0",
        "Invalid: 0",
        "Parent links added: 7763",
        "Parent links not made (parent not in the directory): 129",
    ]
    assert err == ""
    assert Counter(Institution.objects.values_list("type", flat=True)) == {
        "research_institute": 3358, "other": 1291, "university": 762, "company": 397,
        "hospital": 330, "cancer_centre": 16}
    assert Counter(Institution.objects.values_list("country", flat=True)) == {
        "FR": 4604, "CA": 1550}
    assert Institution.objects.filter(active=False).count() == 447


@pytest.mark.shared_data
@shared_data
@pytest.mark.django_db
def test_shared_subset_maps_partner_institutions():
    _import(SHARED_FILE, countries=["FR", "CA"])

    assert _ror_values("0161xgx34") == {
        "name_fr": "Université de Montréal", "name_en": "University of Montreal",
        "acronym": "UdeM", "aliases": [], "type": "university", "city": "Montreal",
        "region": "Quebec", "country": "CA", "website": "https://www.umontreal.ca",
        "active": True}
    crcl = Institution.objects.get(ror_id="02mgw3155")
    assert (crcl.name_fr, crcl.type) == (
        "Centre de Recherche en Cancérologie de Lyon", "research_institute")
    assert sorted(crcl.parents.values_list("ror_id", "name_fr")) == [
        ("00rydyx93", "Institut des Sciences Biologiques"),
        ("01cmnjq37", "Centre Léon Bérard"),
        ("029brtt94", "Université Claude Bernard Lyon 1"),
        ("02feahw73", "Centre National de la Recherche Scientifique"),
        ("02vjkv261", "Inserm"),
    ]


@pytest.mark.shared_data
@shared_data
@pytest.mark.django_db
def test_shared_subset_second_run_changes_nothing(django_assert_max_num_queries):
    _import(SHARED_FILE, countries=["FR", "CA"])
    before = list(Institution.objects.order_by("pk").values())

    with django_assert_max_num_queries(5):
        report = _import(SHARED_FILE, countries=["FR", "CA"])

    assert (report.created, report.updated, report.unchanged, report.parents_linked) == (
        0, 0, 6154, 0)
    assert list(Institution.objects.order_by("pk").values()) == before
    assert AuditEntry.objects.count() == 1


@pytest.mark.shared_data
@shared_data
@pytest.mark.django_db
def test_shared_subset_france_only_skips_canada():
    report = _import(SHARED_FILE, countries=["FR"])

    assert report.counts() == {"created": 4604, "updated": 0, "unchanged": 0, "skipped": 1550,
                               "invalid": 0, "parents_linked": 7363, "parents_missing": 88}
    assert not Institution.objects.filter(country="CA").exists()
