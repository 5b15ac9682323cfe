"""The ROR reader on its own: files in, records and bad records out, no database."""

import gzip
import json
import zipfile
from pathlib import Path

import pytest

from jumelage.directory.ror import (
    BadRecord,
    RorFileError,
    RorRecord,
    institution_type,
    parse_record,
    read_ror_file,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ror"
V2_DUMP = FIXTURES / "v2_dump.json"
FLAT = FIXTURES / "flat_subset.jsonl"


def _summary(items: list[RorRecord | BadRecord]) -> list[str]:
    return [str(i) if isinstance(i, BadRecord) else f"{i.location} {i.ror_id}" for i in items]


def _v2_record(**changes) -> dict:
    record = json.loads(V2_DUMP.read_text(encoding="utf-8"))[0]
    record.update(changes)
    return record


def test_read_v2_array_yields_records_in_file_order():
    items = list(read_ror_file(path=V2_DUMP))

    assert _summary(items) == [
        f"{V2_DUMP}[0] 029brtt94",
        f"{V2_DUMP}[1] 02mgw3155",
        f"{V2_DUMP}[2] 01502ca60",
        f"{V2_DUMP}[3] 00yphhr71",
    ]


def test_read_v2_array_maps_every_field_of_a_record():
    crcl = list(read_ror_file(path=V2_DUMP))[1]

    assert crcl == RorRecord(
        ror_id="02mgw3155",
        name="Centre de Recherche en Cancérologie de Lyon",
        name_lang="fr",
        names={"en": ("Cancer Research Center of Lyon",),
               "fr": ("Centre de Recherche en Cancérologie de Lyon",)},
        acronyms=("CRCL",),
        aliases=("Cancer Center of Lyon", "UMR 5286"),
        types=("facility",),
        status="active",
        city="Lyon",
        region="Auvergne-Rhône-Alpes",
        country_code="FR",
        parent_ids=("01cmnjq37", "029brtt94", "02vjkv261"),
        website="http://www.crcl.fr/",
        source=str(V2_DUMP),
        index=1,
    )


def test_institution_fields_of_a_v2_record_are_the_ror_sourced_fields():
    ucbl = next(read_ror_file(path=V2_DUMP))

    assert ucbl.institution_fields() == {
        "name_fr": "Université Claude Bernard Lyon 1",
        "name_en": "Claude Bernard University Lyon 1",
        "acronym": "UCBL",
        "aliases": ["Lyon-I"],
        "type": "university",
        "city": "Villeurbanne",
        "region": "Auvergne-Rhône-Alpes",
        "country": "FR",
        "website": "https://www.univ-lyon1.fr",
        "active": True,
    }


def test_read_v2_array_types_hospital_and_cancer_centre():
    items = list(read_ror_file(path=V2_DUMP))

    assert [(i.ror_id, i.institution_type) for i in items] == [
        ("029brtt94", "university"),
        ("02mgw3155", "research_institute"),
        ("01502ca60", "hospital"),
        ("00yphhr71", "cancer_centre"),
    ]


@pytest.mark.parametrize("chunk_size", [1, 7, 100, 4096])
def test_read_v2_array_is_the_same_whatever_the_chunk_size(chunk_size):
    whole = list(read_ror_file(path=V2_DUMP))

    assert list(read_ror_file(path=V2_DUMP, chunk_size=chunk_size)) == whole


def test_read_v2_array_from_gzip_equals_plain(tmp_path):
    path = tmp_path / "v2_dump.json.gz"
    path.write_bytes(gzip.compress(V2_DUMP.read_bytes()))

    items = list(read_ror_file(path=path))

    assert [i.institution_fields() for i in items] == [
        i.institution_fields() for i in read_ror_file(path=V2_DUMP)]
    assert items[3].location == f"{path}[3]"


def test_read_zip_takes_the_schema_v2_member_of_a_ror_release(tmp_path):
    path = tmp_path / "v1.60-2025-02-27-ror-data.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("v1.60-2025-02-27-ror-data.json", "[{\"broken\": ")
        archive.writestr("v1.60-2025-02-27-ror-data_schema_v2.json", V2_DUMP.read_bytes())
        archive.writestr("v1.60-2025-02-27-ror-data_schema_v2.csv", "id,name\n")

    items = list(read_ror_file(path=path))

    assert [i.ror_id for i in items] == ["029brtt94", "02mgw3155", "01502ca60", "00yphhr71"]


def test_read_zip_with_several_json_files_raises_with_their_names(tmp_path):
    path = tmp_path / "two.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.json", "[]")
        archive.writestr("b.json", "[]")

    with pytest.raises(RorFileError) as error:
        read_ror_file(path=path)

    assert error.value.message == (
        f"{path} holds no single JSON file to read (its files: a.json, b.json).")


def test_read_file_that_is_not_json_raises(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("ror_id,name\n0161xgx34,Université de Montréal\n", encoding="utf-8")

    with pytest.raises(RorFileError) as error:
        read_ror_file(path=path)

    assert error.value.message == (
        f"{path} is neither a JSON array nor JSON Lines: it does not start with “[” or “{{”.")


def test_read_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_ror_file(path=tmp_path / "absent.json")


def test_read_array_cut_short_keeps_what_came_before(tmp_path):
    text = V2_DUMP.read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[:text.index('"https://ror.org/01502ca60"') + 10], encoding="utf-8")

    items = list(read_ror_file(path=path, chunk_size=64))

    assert _summary(items) == [
        f"{path}[0] 029brtt94",
        f"{path}[1] 02mgw3155",
        f"{path}[2]: invalid JSON (Unterminated string starting at); "
        "the rest of the file cannot be read",
    ]


def test_read_array_with_a_missing_comma_stops_there(tmp_path):
    path = tmp_path / "nocomma.json"
    record = json.dumps(_v2_record())
    path.write_text(f"[{record} {record}]", encoding="utf-8")

    items = list(read_ror_file(path=path))

    assert _summary(items) == [
        f"{path}[0] 029brtt94",
        f"{path}[1]: invalid JSON (Expecting ',' delimiter); the rest of the file cannot be read",
    ]


def test_read_array_element_that_is_not_an_object_is_reported(tmp_path):
    path = tmp_path / "mixed.json"
    path.write_text(f"[42, {json.dumps(_v2_record())}]", encoding="utf-8")

    items = list(read_ror_file(path=path))

    assert _summary(items) == [f"{path}[0]: not a JSON object", f"{path}[1] 029brtt94"]


def test_read_empty_array_yields_nothing(tmp_path):
    path = tmp_path / "empty.json"
    path.write_text(" [ ]\n", encoding="utf-8")

    assert list(read_ror_file(path=path)) == []


def test_read_flattened_lines_reports_bad_lines_and_goes_on():
    items = list(read_ror_file(path=FLAT))

    assert _summary(items) == [
        f"{FLAT}:1 0161xgx34",
        f"{FLAT}:2 02w5vxx03",
        f"{FLAT}:3 0410a8y51",
        f"{FLAT}:5: invalid JSON (Expecting ',' delimiter, column 109)",
        f"{FLAT}:6: “https://ror.org/0161xgx35” is not a valid ROR id: its check digits "
        "should be 34",
        f"{FLAT}:7 02vjkv261",
        f"{FLAT}:8: no id",
        f"{FLAT}:9 002zghs56",
    ]


def test_read_flattened_line_maps_every_field():
    udem = next(read_ror_file(path=FLAT))

    assert udem == RorRecord(
        ror_id="0161xgx34",
        name="Université de Montréal",
        name_lang="fr",
        names={"en": ("University of Montreal",), "fr": ("Université de Montréal",)},
        acronyms=("UdeM",),
        aliases=(),
        types=("education", "funder"),
        status="active",
        city="Montreal",
        region="Quebec",
        country_code="CA",
        parent_ids=(),
        website="https://www.umontreal.ca",
        source=str(FLAT),
        line=1,
    )


def test_read_flattened_display_name_kept_when_french_label_only_differs_in_case():
    chum = list(read_ror_file(path=FLAT))[2]

    assert (chum.name_fr, chum.name_en, chum.acronym, chum.other_names) == (
        "Centre Hospitalier de l’Université de Montréal", "", "CHUM",
        ["Centre hospitalier de l'université de montréal"])


def test_read_flattened_inactive_record_is_not_active():
    sacrement = list(read_ror_file(path=FLAT))[-1]

    assert (sacrement.status, sacrement.active, sacrement.institution_type) == (
        "inactive", False, "hospital")


def test_read_lines_of_real_v2_records_equal_the_array(tmp_path):
    path = tmp_path / "v2.jsonl"
    records = json.loads(V2_DUMP.read_text(encoding="utf-8"))
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    from_lines = list(read_ror_file(path=path))

    assert [r.institution_fields() for r in from_lines] == [
        r.institution_fields() for r in read_ror_file(path=V2_DUMP)]
    assert [r.parent_ids for r in from_lines] == [(), ("01cmnjq37", "029brtt94", "02vjkv261"),
                                                   (), ()]
    assert from_lines[1].location == f"{path}:2"


def test_read_line_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.jsonl"
    good = json.dumps(_v2_record()).encode("utf-8")
    path.write_bytes(good + b"\n" + '{"id": "Montréal"}'.encode("latin-1") + b"\n")

    assert _summary(list(read_ror_file(path=path))) == [
        f"{path}:1 029brtt94", f"{path}:2: the line is not UTF-8 text"]


@pytest.mark.parametrize(("data", "reason"), [
    ({"id": "https://ror.org/0161xgx3"},
     "“https://ror.org/0161xgx3” is not a ROR id: a ROR id is a 0, six letters or digits and "
     "two check digits, such as https://ror.org/0161xgx34"),
    ({"id": ""}, "no id"),
    ({"id": 161}, "no id"),
    (["https://ror.org/0161xgx34"], "not a JSON object"),
    ({"id": "https://ror.org/0161xgx34", "name": "Université de Montréal",
      "labels": [{"label": "University of Montreal", "iso639": "en"}],
      "country": {"country_code": "CA", "country_name": "Canada"}},
     "ROR schema v1 record; only schema v2 records (with “names”) are read"),
    ({"id": "https://ror.org/0161xgx34", "names": [], "country_code": "CA"}, "no name"),
    ({"id": "https://ror.org/0161xgx34", "name": "Université de Montréal"}, "no country code"),
])
def test_parse_record_gives_the_reason_of_a_bad_record(data, reason):
    bad = parse_record(data=data, source="dump.jsonl", line=12)

    assert str(bad) == f"dump.jsonl:12: {reason}"


def test_parse_record_accepts_a_bare_ror_id():
    record = parse_record(data=_v2_record(id="029BRTT94"))

    assert record.ror_id == "029brtt94"


def test_parse_record_ignores_wikipedia_and_too_long_links():
    long_url = "https://www.example.org/" + "x" * 180
    record = parse_record(data={
        "id": "0161xgx34", "name": "Université de Montréal", "country_code": "CA",
        "links": ["http://en.wikipedia.org/wiki/Universit%C3%A9_de_Montr%C3%A9al", long_url,
                  "https://www.umontreal.ca"]})

    assert record.website == "https://www.umontreal.ca"


def test_parse_record_keeps_the_first_acronym_that_fits_and_the_others_as_aliases():
    record = parse_record(data=_v2_record(names=[
        {"lang": None, "types": ["acronym"], "value": "UNIVERSITE-CLAUDE-BERNARD-LYON-PREMIERE-1"},
        {"lang": None, "types": ["acronym"], "value": "UCBL"},
        {"lang": "fr", "types": ["ror_display", "label"],
         "value": "Université Claude Bernard Lyon 1"},
    ]))

    assert (record.acronym, record.other_names) == (
        "UCBL", ["UNIVERSITE-CLAUDE-BERNARD-LYON-PREMIERE-1"])


def test_parse_record_without_french_label_uses_the_display_name_as_french_name():
    record = parse_record(data={
        "id": "https://ror.org/0008rqs82", "country_code": "CA", "city": "Calgary",
        "names": [{"value": "Genome Alberta", "lang": None, "types": ["ror_display", "label"]}]})

    assert (record.name_fr, record.name_en, record.other_names) == ("Genome Alberta", "", [])


def test_parse_record_english_display_name_with_french_label():
    record = parse_record(data={
        "id": "https://ror.org/000az4664", "country_code": "CA", "names": [
            {"value": "CFI", "lang": None, "types": ["acronym"]},
            {"value": "Canada Foundation for Innovation", "lang": "en",
             "types": ["ror_display", "label"]},
            {"value": "Canadian Foundation for Innovation", "lang": "en", "types": ["alias"]},
            {"value": "Fondation canadienne pour l'innovation", "lang": "fr",
             "types": ["label"]}]})

    assert (record.name_fr, record.name_en, record.acronym, record.other_names) == (
        "Fondation canadienne pour l'innovation", "Canada Foundation for Innovation", "CFI",
        ["Canadian Foundation for Innovation"])


@pytest.mark.parametrize(("types", "names", "expected"), [
    (["education", "funder"], ["Université de Montréal"], "university"),
    (["education", "facility"], ["École normale supérieure de Lyon"], "university"),
    (["healthcare"], ["Hospices Civils de Lyon"], "hospital"),
    (["funder", "healthcare"], ["Institut de Cancérologie de Lorraine"], "cancer_centre"),
    (["healthcare"], ["CancerCare Manitoba"], "cancer_centre"),
    (["healthcare"], ["Institut d’Hématologie et d’Oncologie Pédiatrique"],
     "cancer_centre"),
    (["facility", "healthcare"], ["Centre de cancerologie du Grand Montpellier"],
     "cancer_centre"),
    (["facility"], ["Centre de Recherche en Cancérologie de Lyon"], "research_institute"),
    (["funder", "government"], ["Inserm", "Institut National de la Santé et de la Recherche "
                                "Médicale"], "research_institute"),
    (["government"], ["Parks Canada"], "other"),
    (["company", "funder"], ["Sanofi (France)"], "company"),
    (["funder", "nonprofit"], ["Centre Léon Bérard", "centre de lutte contre le cancer"],
     "other"),
    (["archive"], ["Archives nationales"], "other"),
    ([], ["Sans type"], "other"),
])
def test_institution_type_from_ror_types(types, names, expected):
    assert institution_type(types=types, names=names) == expected
