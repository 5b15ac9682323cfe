"""Affiliation matching: registry, matcher, corrections, CSV command, evaluation.

Behaviours are checked on a small registry built here (real ROR ids, hand-written records);
the `shared_data` tier runs the labelled set of tests/fixtures/affiliations on the ROR subset
of ../shared/data/ror.
"""

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from jumelage.directory.ror import parse_record
from jumelage.observatory.engine.matching import (
    Alias,
    Candidate,
    Match,
    Matcher,
    Organisation,
    Registry,
    correction_key,
    read_aliases,
)
from jumelage.observatory.engine.matching.cli import CsvColumnError, main, match_csv
from jumelage.observatory.engine.matching.evaluation import Row, evaluate, read_labelled
from jumelage.observatory.engine.matching.text import fold
from jumelage.observatory.engine.schema import Affiliation

REPO = Path(__file__).resolve().parents[3]
LABELLED = REPO / "tests" / "fixtures" / "affiliations" / "labelled.csv"
SHARED_ROR = Path(__file__).resolve().parents[4] / "shared" / "data" / "ror"
SHARED_FILE = SHARED_ROR / "ror_fr_ca_subset.jsonl"
shared_data = pytest.mark.skipif(not SHARED_FILE.is_file(),
                                 reason="../shared/data/ror is absent")

UDEM, CHUM, HOTEL_DIEU, MCGILL = "0161xgx34", "0410a8y51", "0468gx405", "01pxwe438"
LAVAL, CISSS_LAVAL, CHU_QUEBEC, HD_QUEBEC = "04sjchr03", "02ns9vb06", "05qn5kv73", "034sbqc84"
IUCPQ, TORONTO, HCL, HERRIOT, CLB = "03gf7z214", "03dbr7087", "01502ca60", "02qt1p572", "01cmnjq37"
UCBL, CRCL, CNRS, INSERM, LPC = "029brtt94", "02mgw3155", "02feahw73", "02vjkv261", "0214k6v65"
GIN, BICHAT, HSC, PASTEUR, PASTEUR_LILLE = ("04as3rk94", "03fdnmv92", "02gfys938", "0495fxg12",
                                            "05k9skc85")
JGH, JGH_FOUNDATION = "056jjra10", "02dbykh40"


def org(ror_id, name, *, city, region, country, labels=(), acronyms=(), parents=(),
        status="active"):
    return Organisation(ror_id=ror_id, name=name, labels=tuple(labels), acronyms=tuple(acronyms),
                        city=city, region=region, country_code=country,
                        parent_ids=tuple(parents), status=status)


def qc(ror_id, name, city="Montreal", **kwargs):
    return org(ror_id, name, city=city, region="Quebec", country="CA", **kwargs)


def ara(ror_id, name, city="Lyon", **kwargs):
    return org(ror_id, name, city=city, region="Auvergne-Rhône-Alpes", country="FR", **kwargs)


ORGS = [
    qc(UDEM, "Université de Montréal", labels=["University of Montreal"], acronyms=["UdeM"]),
    qc(CHUM, "Centre hospitalier de l'Université de Montréal", acronyms=["CHUM"]),
    qc(HOTEL_DIEU, "Hôtel-Dieu de Montréal", parents=[CHUM]),
    qc(MCGILL, "McGill University", labels=["Université McGill"]),
    qc(LAVAL, "Université Laval", city="Québec", labels=["Laval University"]),
    qc(CISSS_LAVAL, "Centre intégré de santé et de services sociaux de Laval", city="Laval"),
    qc(CHU_QUEBEC, "CHU de Québec-Université Laval", city="Québec",
       labels=["Hôtel-Dieu de Québec"]),
    qc(HD_QUEBEC, "Hôtel-Dieu de Québec", city="Québec", status="inactive"),
    qc(IUCPQ, "Institut universitaire de cardiologie et de pneumologie de Québec",
       city="Québec", acronyms=["IUCPQ"]),
    qc(JGH, "Jewish General Hospital"),
    qc(JGH_FOUNDATION, "Jewish General Hospital Foundation", acronyms=["JGH"]),
    org(TORONTO, "University of Toronto", city="Toronto", region="Ontario", country="CA"),
    org(HSC, "Health Sciences Centre", city="Winnipeg", region="Manitoba", country="CA"),
    ara(HCL, "Hospices Civils de Lyon", acronyms=["HCL"]),
    ara(HERRIOT, "Hôpital Edouard Herriot", parents=[HCL]),
    ara(CLB, "Centre Léon Bérard", acronyms=["CLB"]),
    ara(UCBL, "Université Claude Bernard Lyon 1", city="Villeurbanne", acronyms=["UCBL"]),
    ara(CRCL, "Centre de Recherche en Cancérologie de Lyon", labels=["UMR 5286"],
        acronyms=["CRCL"], parents=[CLB, UCBL, CNRS, INSERM]),
    ara(LPC, "Laboratoire de Physique de Clermont", city="Aubière", parents=[CNRS]),
    ara(GIN, "Grenoble Institute of Neurosciences", city="La Tronche", parents=[CNRS, INSERM]),
    org(CNRS, "Centre National de la Recherche Scientifique", city="Paris",
        region="Île-de-France", country="FR", acronyms=["CNRS"]),
    org(INSERM, "Institut national de la santé et de la recherche médicale", city="Paris",
        region="Île-de-France", country="FR", labels=["Inserm"], acronyms=["INSERM"]),
    org(BICHAT, "Hôpital Bichat-Claude-Bernard", city="Paris", region="Île-de-France",
        country="FR"),
    org(PASTEUR, "Institut Pasteur", city="Paris", region="Île-de-France", country="FR"),
    org(PASTEUR_LILLE, "Institut Pasteur", city="Lille", region="Hauts-de-France",
        country="FR"),
]


@pytest.fixture(scope="module")
def registry():
    return Registry(ORGS, aliases=[
        Alias("Hôpital Laval", IUCPQ, city="Québec"),
        Alias("JGH", JGH, kind="acronym", city="Montreal")])


@pytest.fixture
def matcher(registry):
    return Matcher(registry)


def ids(matches):
    return [m.ror_id for m in matches]


# --- text and registry ---

def test_fold_agrees_with_core_text():
    from jumelage.core.text import fold as core_fold

    samples = ["Hôpital Édouard-Herriot", "CŒUR", "Université McGill", "l’Université", ""]
    assert [fold(s) for s in samples] == [core_fold(s) for s in samples]


def test_engine_imports_no_django():
    code = ("import sys, jumelage.observatory.engine.matching.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=REPO)
    assert result.stdout == "[]\n"


def test_correction_key_folds_case_accents_and_spaces():
    assert correction_key("  CHUM,  Montréal. ") == "chum, montreal"


def test_registry_reads_ror_records():
    record = parse_record(data={
        "id": "https://ror.org/0161xgx34", "name": "Université de Montréal",
        "names": [{"value": "Université de Montréal", "lang": "fr",
                   "types": ["ror_display", "label"]},
                  {"value": "University of Montreal", "lang": "en", "types": ["label"]},
                  {"value": "UdeM", "lang": None, "types": ["acronym"]}],
        "types": ["education"], "status": "active", "country_code": "CA", "city": "Montreal",
        "subdivision_name": "Quebec", "relationships": []})

    registry = Registry([record], aliases=[])

    assert registry.get(UDEM) == Organisation(
        ror_id=UDEM, name="Université de Montréal",
        labels=("Université de Montréal", "University of Montreal"), acronyms=("UdeM",),
        city="Montreal", region="Quebec", country_code="CA", types=("education",))
    assert registry.region[UDEM] == "CA-QC"


def test_registry_reads_institution_dicts():
    registry = Registry([{
        "ror_id": "https://ror.org/0410a8y51", "name_fr": "Centre hospitalier de l'Université "
        "de Montréal", "name_en": "", "acronym": "CHUM", "aliases": ["CRCHUM", "Hôpital Notre-"
        "Dame"], "city": "Montréal", "region": "Quebec", "country": "CA", "active": False,
        "parent_ids": [UDEM], "type": "hospital"}], aliases=[])

    assert registry.get(CHUM) == Organisation(
        ror_id=CHUM, name="Centre hospitalier de l'Université de Montréal",
        labels=("Hôpital Notre-Dame",), acronyms=("CHUM", "CRCHUM"), city="Montréal",
        region="Quebec", country_code="CA", parent_ids=(UDEM,), types=("hospital",),
        status="inactive")


def test_registry_knows_ancestors(registry):
    assert registry.ancestors(CRCL) == {CLB, UCBL, CNRS, INSERM}


def test_registry_counts_organisations_with_children_in_three_cities_as_multi_site(registry):
    assert sorted(registry.multi_site) == [CNRS]


def test_alias_file_rows_point_to_valid_ror_ids():
    rows = read_aliases()

    assert len(rows) == 56
    assert {row.kind for row in rows} == {"name", "acronym"}
    assert rows[0] == Alias(alias="Centre de recherche du CHUM", ror_id=CHUM, kind="name",
                            city="", note="CHUM research centre (CRCHUM); no record of its own "
                                          "in the registry")


# --- names, places and acronyms ---

def test_full_name_with_its_city_matches(matcher):
    assert matcher.match("Université de Montréal, Montréal, Canada") == Match(
        UDEM, 0.99, "exact+city", (Candidate(UDEM, "Université de Montréal", 0.99, "exact"),),
        matched="Université de Montréal")


def test_english_name_without_accents_matches(matcher):
    assert matcher.match("Dept of Psychiatry, University of Montreal, Montreal, QC, Canada"
                         ).ror_id == UDEM


def test_email_and_department_prefix_are_ignored(matcher):
    match = matcher.match("Department of Biochemistry and Université de Montréal, Montreal, "
                          "Quebec H3C 3J7, Canada. Electronic address: jane.doe@umontreal.ca.")

    assert (match.ror_id, match.reason, match.matched) == (
        UDEM, "inside+city", "Department of Biochemistry and Université de Montréal")


def test_web_of_science_abbreviations_match(matcher):
    assert matcher.match("[Noiseux, N] Ctr Hosp Univ Montreal, Montreal, PQ, Canada.").ror_id \
        == CHUM


def test_old_capitals_match(matcher):
    assert matcher.match("UNIV MONTREAL,DEPT MED,MONTREAL H3C 3J7,PQ,CANADA.").ror_id == UDEM


def test_acronym_alone_abstains(matcher):
    assert matcher.match("CHUM") == Match(
        None, 0.82, "uncorroborated",
        (Candidate(CHUM, "Centre hospitalier de l'Université de Montréal", 0.82,
                   "uncorroborated"),), matched="CHUM")


def test_acronym_with_its_city_matches(matcher):
    assert matcher.match("Service de cardiologie, CHUM, Montréal").reason == "acronym+city"


def test_acronym_with_another_country_abstains(matcher):
    assert matcher.match("CHUM, Lyon, France").reason == "country"


def test_acronym_with_a_written_country_matches(matcher):
    assert (matcher.match("Inserm U1052, France").ror_id,
            matcher.match("CNRS UMR 5304, 69500 Bron, France").reason) == (
        INSERM, "acronym+country")


def test_laval_the_city_is_not_universite_laval(matcher):
    assert (matcher.match("Laboratoire de génétique, Laval, QC H7V 1B7, Canada").reason,
            matcher.match("Université Laval, Québec, Canada").ror_id) == (
        "no-candidate", LAVAL)


def test_lyon_alone_is_not_an_institution(matcher):
    assert matcher.match("69008 Lyon, France") == Match(None, 0.0, "no-candidate")


def test_french_postal_code_corroborates_by_region(matcher):
    assert matcher.match("Université Claude Bernard Lyon 1, 69008 Lyon").reason == \
        "exact+region"


def test_canadian_postal_code_gives_the_province(matcher):
    assert matcher.match("University of Toronto, H3T 1J4").reason == "region"


def test_quebec_alone_is_the_city_when_no_other_is_named(matcher):
    assert matcher.match("IUCPQ, Québec, Canada").reason == "acronym+city"


def test_name_followed_by_another_city_is_another_institution(matcher):
    assert matcher.match("Hôtel-Dieu de Montréal Sherbrooke Campus, Lyon, France").ror_id \
        is None


def test_generic_name_needs_a_place(matcher):
    assert (matcher.match("Health Sciences Centre").reason,
            matcher.match("Health Sciences Centre, Winnipeg, MB").ror_id) == (
        "uncorroborated", HSC)


def test_names_that_nothing_tells_apart_abstain(matcher):
    match = matcher.match("Institut Pasteur, France")

    assert (match.ror_id, match.reason, ids(match.candidates)) == (
        None, "ambiguous", [PASTEUR, PASTEUR_LILLE])


def test_city_tells_apart_names_shared_by_two_institutions(matcher):
    assert matcher.match("Institut Pasteur, 59000 Lille, France").ror_id == PASTEUR_LILLE


def test_active_institution_wins_over_inactive_one_of_the_same_name(matcher):
    assert matcher.match("Hôtel-Dieu de Québec, Québec, Canada").ror_id == CHU_QUEBEC


def test_name_cut_short_needs_a_city(matcher):
    assert (matcher.match("Hopital Bichat, Paris, France").reason,
            matcher.match("Hopital Bichat").ror_id) == ("partial+city", None)


def test_one_letter_typo_in_a_rare_word_matches_with_a_city(matcher):
    assert matcher.match("Hopital Edouard Heriot, Lyon, France").reason == "typo+city"


def test_unit_code_matches(matcher):
    assert matcher.match("UMR 5286, Lyon, France").ror_id == CRCL


# --- hierarchy and several institutions ---

def test_most_specific_institution_is_kept_and_knows_its_parents(matcher):
    matches = matcher.match_all("Hôtel-Dieu de Montréal, Centre hospitalier de l'Université "
                                "de Montréal, Montréal")

    assert [(m.ror_id, m.parent_ids) for m in matches] == [(HOTEL_DIEU, (CHUM,))]


def test_match_all_returns_every_institution_of_the_string(matcher):
    assert ids(matcher.match_all("Dept of Medicine, Université de Montréal, Montréal; CHUM, "
                                 "Montréal")) == [UDEM, CHUM]


def test_country_ends_an_address(matcher):
    assert ids(matcher.match_all("Hospices Civils de Lyon, Lyon, France, Department of "
                                 "Medicine, McGill University, Montreal, Canada")) == [
        HCL, MCGILL]


def test_full_stop_after_a_country_ends_an_address(matcher):
    assert ids(matcher.match_all("Hôpital Edouard Herriot, Lyon, France. CHUM, Montréal, "
                                 "Canada.")) == [HERRIOT, CHUM]


def test_match_prefers_the_most_confident_institution(matcher):
    assert matcher.match("CLB, Lyon; Centre de Recherche en Cancérologie de Lyon, Lyon").ror_id \
        == CRCL


# --- alias file, corrections, ROR ids ---

def test_alias_with_a_city_counts_only_in_that_city(matcher):
    assert (matcher.match("Hôpital Laval, Québec, Canada").ror_id,
            matcher.match("Hôpital Laval, Laval, France").ror_id) == (IUCPQ, None)


def test_alias_file_wins_over_a_ror_acronym(matcher):
    assert matcher.match("JGH, Montreal, Canada").ror_id == JGH


def test_correction_overrides_the_matcher(registry):
    matcher = Matcher(registry, corrections={"CHUM": "https://ror.org/0410a8y51",
                                             "Université de Montréal, Montréal": None})

    assert (matcher.match("chum"), matcher.match("Université de Montréal, Montréal")) == (
        Match(CHUM, 1.0, "correction", matched="chum"),
        Match(None, 1.0, "correction", matched="Université de Montréal, Montréal"))


def test_correction_of_one_chunk_keeps_the_others(registry):
    matcher = Matcher(registry, corrections={"CRCHUM, Montreal": CHUM})

    assert ids(matcher.match_all("CRCHUM, Montreal; McGill University, Montreal")) == [
        CHUM, MCGILL]


def test_ror_id_written_in_the_string_is_taken(matcher):
    assert matcher.match("Some lab https://ror.org/0161xgx34") == Match(
        UDEM, 1.0, "ror-id", matched="Some lab https://ror.org/0161xgx34")


def test_resolve_takes_the_source_ror_ids(matcher):
    affiliation = Affiliation(raw="CHUM, Montréal", ror_ids=(UDEM, UDEM, MCGILL))

    assert [(m.ror_id, m.reason) for m in matcher.resolve(affiliation)] == [
        (UDEM, "source"), (MCGILL, "source")]


def test_match_many_caches_repeated_strings(matcher):
    matches = matcher.match_many(["CHUM, Montréal", "Lyon", "CHUM, Montréal"])

    assert (ids(matches), matcher.cache_info()) == ([CHUM, None, CHUM], (1, 2))


# --- CSV command ---

def test_match_csv_adds_ror_id_and_confidence(matcher, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("pmid,affiliation\n1,\"CHUM, Montréal\"\n2,Lyon\n", encoding="utf-8")

    report = match_csv(matcher, source=source, target=tmp_path / "out.csv")

    assert (report.rows, report.matched, report.abstained) == (2, 1, 1)
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == (
        "pmid,affiliation,ror_id,confidence\n1,\"CHUM, Montréal\",0410a8y51,0.86\n2,Lyon,,0.00\n")


def test_match_csv_names_the_missing_column(matcher, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("pmid,address\n1,CHUM\n", encoding="utf-8")

    with pytest.raises(CsvColumnError) as error:
        match_csv(matcher, source=source, target=tmp_path / "out.csv")

    assert str(error.value) == (f"{source} has no column “affiliation”; its columns are: pmid, "
                                "address. Name the column of the affiliation strings "
                                "“affiliation”.")


def test_command_line_reads_a_ror_file(tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("affiliation\n\"CHUM, Montréal\"\nHEC\n", encoding="utf-8")
    corrections = tmp_path / "corrections.csv"
    corrections.write_text("affiliation,ror_id\nHEC,\n", encoding="utf-8")

    code = main(["--ror", str(REPO / "tests" / "fixtures" / "ror" / "flat_subset.jsonl"),
                 "--csv", str(source), "--out", str(tmp_path / "out.csv"),
                 "--corrections", str(corrections)])

    assert (code, capsys.readouterr().out) == (
        0, "2 rows: 1 matched, 1 left for review (5 organisations in the registry).\n")
    with (tmp_path / "out.csv").open(encoding="utf-8") as stream:
        assert [row["ror_id"] for row in csv.DictReader(stream)] == [CHUM, ""]


# --- evaluation ---

def test_evaluation_scores_answers_and_institutions(matcher):
    rows = [Row("CHUM, Montréal", (CHUM,), "hand:test"),
            Row("Hôtel-Dieu de Montréal, CHUM, Montréal", (HOTEL_DIEU, CHUM), "hand:test"),
            Row("CHUM", (CHUM,), "hand:test"),
            Row("Université de Montréal, Lyon, France", (), "generated:test"),
            Row("McGill University, Montreal", (UDEM,), "generated:test")]

    scores = evaluate(matcher, rows).scores()

    assert (scores.rows, scores.with_id, scores.answered, scores.correct) == (5, 4, 3, 2)
    assert (round(scores.precision, 3), scores.recall, round(scores.f1, 3)) == (0.667, 0.5, 0.571)
    assert (scores.expected_pairs, scores.found_pairs, scores.correct_pairs) == (4, 3, 2)


def test_evaluation_lists_errors_by_kind(matcher):
    rows = [Row("CHUM", (CHUM,), "hand:test"), Row("McGill University, Montreal", (UDEM,),
                                                   "hand:test")]

    assert [o.error for o in evaluate(matcher, rows).errors()] == ["missed", "wrong"]


# --- on the shared ROR subset ---

@pytest.fixture(scope="module")
def shared_evaluation():
    registry = Registry.from_ror_file(SHARED_FILE)
    return registry, evaluate(Matcher(registry), read_labelled(LABELLED))


@pytest.mark.shared_data
@shared_data
def test_labelled_set_is_well_formed(shared_evaluation):
    registry, evaluation = shared_evaluation
    rows = [o.row for o in evaluation.outcomes]

    assert 300 <= len(rows) <= 600
    assert sum(r.group == "hand" for r in rows) >= 120
    assert {r.group for r in rows} == {"generated", "hand"}
    assert [i for r in rows for i in r.ror_ids if i not in registry] == []
    assert len({r.affiliation for r in rows}) == len(rows)


@pytest.mark.shared_data
@shared_data
def test_labelled_set_meets_the_quality_goal(shared_evaluation):
    _registry, evaluation = shared_evaluation
    scores = evaluation.scores()

    assert scores.precision >= 0.97
    assert scores.recall >= 0.90
