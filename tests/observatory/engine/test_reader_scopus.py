import gzip
from collections import Counter
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers.scopus import (
    country_code,
    language_code,
    read_scopus_csv,
)
from jumelage.observatory.engine.schema import Affiliation, Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "scopus"
CURRENT = FIXTURES / "current_layout.csv"
LAYOUT_2016 = FIXTURES / "layout_2016.csv"

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
needs_shared_data = pytest.mark.skipif(not SHARED.is_dir(),
                                       reason="../shared/data/publications is absent")
SCOPUS_2016 = SHARED / "metaknowledge" / "scopus_testing.csv.scopus"
SCOPUS_CURRENT = SHARED / "bibliometrix-fixtures" / "scopus_sample.csv"


def aff(raw: str, *codes: str) -> Affiliation:
    return Affiliation(raw=raw, country_codes=codes)


def works(path: Path) -> list[Work]:
    return [item for item in read_scopus_csv(path) if isinstance(item, Work)]


def by_line(path: Path, line: int) -> Work | ReadIssue:
    return next(item for item in read_scopus_csv(path)
                if (item.line if isinstance(item, ReadIssue) else item.location)
                in (line, f"{path}:{line}"))


# --- hand-written fixtures -------------------------------------------------------------------


def test_read_scopus_csv_yields_a_work_or_an_issue_per_row_in_file_order():
    kinds = [(type(item).__name__, item.line if isinstance(item, ReadIssue) else item.location)
             for item in read_scopus_csv(CURRENT)]

    assert kinds == [("Work", f"{CURRENT}:2"), ("Work", f"{CURRENT}:4"), ("Work", f"{CURRENT}:5"),
                     ("ReadIssue", 6), ("ReadIssue", 7), ("ReadIssue", 8),
                     ("Work", f"{CURRENT}:9"), ("Work", f"{CURRENT}:10")]


def test_read_scopus_csv_current_layout_france_quebec_row():
    assert by_line(CURRENT, 2) == Work(
        source="scopus",
        source_id="2-s2.0-85150000001",
        title="Circulating tumour DNA in paediatric sarcoma: a France–Québec cohort",
        year=2023,
        doc_type="article",
        doi="10.1200/jco.22.01234",
        pmid="36912345",
        authorships=(
            Authorship(position=1, name="Martin, Camille", affiliations=(
                aff("Centre Léon Bérard, Lyon, France", "FR"),
                aff("Université Claude Bernard Lyon 1, Villeurbanne, France", "FR"))),
            Authorship(position=2, name="Tremblay, Jean-François", is_corresponding=True,
                       affiliations=(
                           aff("CHUM, Montréal, QC, Canada", "CA"),
                           aff("Centre de recherche du CHUM, Montréal, QC, Canada", "CA"))),
            Authorship(position=3, name="Dupont, Anne", affiliations=(
                aff("Centre Léon Bérard, Lyon, France", "FR"),
                aff("CHUM, Montréal, QC, Canada", "CA"))),
        ),
        keywords=("circulating tumour DNA", "sarcoma", "liquid biopsy", "Humans", "Sarcoma",
                  "Liquid Biopsy"),
        venue="Journal of Clinical Oncology",
        language="en",
        cited_by_count=12,
        is_open_access=True,
        abstract="Background: we followed 120 children.\nResults: ctDNA predicted relapse.",
        location=f"{CURRENT}:2",
    )


def test_read_scopus_csv_row_without_doi_keeps_missing_values_empty():
    work = by_line(CURRENT, 4)

    assert (work.doi, work.pmid, work.cited_by_count, work.is_open_access, work.abstract,
            work.language, work.doc_type) == (None, None, None, False, "", "fr", "review")


def test_read_scopus_csv_author_without_affiliation_text_has_none():
    work = by_line(CURRENT, 4)

    assert work.authorships == (
        Authorship(position=1, name="Cinkara, Emrah"),
        Authorship(position=2, name="Roy, Marie",
                   affiliations=(aff("Institut Curie, Paris, France", "FR"),)),
    )


def test_read_scopus_csv_empty_authors_with_affiliations_falls_back_to_affiliations():
    work = by_line(CURRENT, 5)

    both = (aff("Université de Montréal, Montréal, QC, Canada", "CA"),
            aff("McGill University, Montreal, QC, Canada", "CA"))
    assert work.authorships == (Authorship(position=1, name="Gagnon, Louise", affiliations=both),
                                Authorship(position=2, name="Bouchard, Pierre", affiliations=both))
    assert (work.doi, work.doc_type) == ("10.1016/j.ejca.2021.05.001", "conference-paper")


def test_read_scopus_csv_row_with_wrong_number_of_fields_is_reported_with_its_line():
    issue = by_line(CURRENT, 6)

    assert issue == ReadIssue(path=str(CURRENT), line=6, code="not_a_record", params={
        "source": "Scopus CSV", "detail": "the row has 3 fields where the header has 45"})
    assert str(issue) == (f"{CURRENT}:6: this is not a Scopus CSV record "
                          "(the row has 3 fields where the header has 45)")


def test_read_scopus_csv_year_that_is_not_a_number_is_reported():
    assert by_line(CURRENT, 7) == ReadIssue(path=str(CURRENT), line=7, code="bad_value",
                                            params={"field": "Year", "value": "2O23"})


def test_read_scopus_csv_row_without_title_or_eid_is_reported():
    assert by_line(CURRENT, 8) == ReadIssue(path=str(CURRENT), line=8, code="missing_field",
                                            params={"field": "Title or EID"})


def test_read_scopus_csv_no_author_placeholder_gives_no_authorship():
    work = by_line(CURRENT, 9)

    assert (work.authorships, work.doc_type, work.is_open_access) == ((), "erratum", True)


def test_read_scopus_csv_document_type_outside_the_schema_is_other():
    assert by_line(CURRENT, 10).doc_type == "other"


def test_read_scopus_csv_2016_layout_row():
    assert by_line(LAYOUT_2016, 2) == Work(
        source="scopus",
        source_id="2-s2.0-84900000001",
        title="Global cancer statistics in children",
        year=2015,
        doc_type="article",
        doi="10.3322/caac.21262",
        pmid="25651787",
        authorships=(
            Authorship(position=1, name="Bray F.", is_corresponding=True, affiliations=(
                aff("Section of Cancer Information, International Agency for Research on "
                    "Cancer, Lyon, France", "FR"),)),
            Authorship(position=2, name="Ferlay J.", affiliations=(
                aff("Section of Cancer Information, International Agency for Research on "
                    "Cancer, Lyon, France", "FR"),
                aff("Centre Léon Bérard, Lyon, France", "FR"))),
            Authorship(position=3, name="Lapointe M.", affiliations=(
                aff("McGill University, Montreal, Que., Canada", "CA"),)),
        ),
        keywords=("child", "neoplasms", "registries"),
        venue="CA Cancer Journal for Clinicians",
        language="en",
        cited_by_count=None,
        is_open_access=None,  # the 2016 layout has no "Open Access" column
        abstract="Cancer is a leading cause of death in children.",
        location=f"{LAYOUT_2016}:2",
    )


def test_read_scopus_csv_2016_layout_comma_missing_after_initials():
    work = by_line(LAYOUT_2016, 3)

    assert work.authorships == (Authorship(position=1, name="Burnett R.T.", affiliations=(
        aff("University of Ottawa, Ottawa, Ont., Canada", "CA"),)),)
    assert (work.doc_type, work.language, work.cited_by_count) == ("book-chapter", "de", 7)


def test_read_scopus_csv_2016_layout_row_with_extra_field_is_reported():
    assert by_line(LAYOUT_2016, 4) == ReadIssue(
        path=str(LAYOUT_2016), line=4, code="not_a_record",
        params={"source": "Scopus CSV", "detail": "the row has 42 fields where the header has 41"})


def test_read_scopus_csv_unexpected_columns_give_one_issue_and_no_work():
    path = FIXTURES / "lens_export.csv"

    assert list(read_scopus_csv(path)) == [ReadIssue(
        path=str(path), line=1, code="bad_columns",
        params={"source": "Scopus CSV",
                "missing": "Authors, Year, Source title, Affiliations, Document Type, EID",
                "found": "Lens ID, Title, Date Published, Publication Year, DOI"})]


def test_read_scopus_csv_gzip_file_reads_like_the_plain_one(tmp_path):
    packed = tmp_path / "export.csv"  # no .gz: gzip is told apart by content
    packed.write_bytes(gzip.compress(CURRENT.read_bytes()))

    def strip(items):
        return [(item.title, item.authorships) if isinstance(item, Work) else (item.code, item.line)
                for item in items]

    assert strip(read_scopus_csv(packed)) == strip(read_scopus_csv(CURRENT))


def test_read_scopus_csv_undecodable_line_is_reported_and_reading_goes_on(tmp_path):
    lines = CURRENT.read_bytes().split(b"\n")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"\n".join([lines[0], lines[3].replace(b"Cinkara", b"Cinkara\xff"),
                                   lines[4]]) + b"\n")

    items = list(read_scopus_csv(broken))

    assert [(type(item).__name__, getattr(item, "code", None), getattr(item, "line", None))
            for item in items] == [("ReadIssue", "bad_encoding", 2), ("Work", None, None)]
    assert items[1].location == f"{broken}:3"


def test_read_scopus_csv_empty_file_is_reported(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert list(read_scopus_csv(empty)) == [ReadIssue(
        path=str(empty), line=1, code="bad_columns",
        params={"source": "Scopus CSV",
                "missing": "Authors, Title, Year, Source title, DOI, Affiliations, "
                           "Document Type, EID",
                "found": "nothing (the file is empty)"})]


def test_read_scopus_csv_missing_file_is_unreadable(tmp_path):
    [issue] = read_scopus_csv(tmp_path / "absent.csv")

    assert (issue.code, issue.line) == ("unreadable", None)


@pytest.mark.parametrize(("address", "code"), [
    ("Centre Léon Bérard, Lyon, France", "FR"),
    ("CHUM, Montréal, QC, Canada", "CA"),
    ("Univ Calif San Francisco, San Francisco, CA 94143 USA.", "US"),
    ("Cambridge CB2 2SR, United Kingdom", "GB"),
    ("Royal Brompton Hosp, London, England.", "GB"),
    ("Zhejiang Chinese Med Univ, Hangzhou 310053, Zhejiang, Peoples R China.", "CN"),
    ("UNIV TRONDHEIM,INST THEORET PHYS,N-7034 TRONDHEIM,NORWAY.", "NO"),
    ("Prirodno Matemat Fak, Sarajevo, Bosnia & Herceg.", None),
    ("Univ Karlsruhe, Karlsruhe,", None),
])
def test_country_code_of_last_part(address, code):
    assert country_code(address) == code


def test_language_code_takes_the_first_language():
    assert (language_code("English; French"), language_code("Klingon")) == ("en", "")


# --- the real exports in ../shared/data/publications -----------------------------------------


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_2016_export_counts():
    items = list(read_scopus_csv(SCOPUS_2016))
    read = [item for item in items if isinstance(item, Work)]
    countries = [{code for authorship in work.authorships for affiliation in
                  authorship.affiliations for code in affiliation.country_codes} for work in read]

    assert (len(items), len(read)) == (220, 220)
    assert Counter(work.doc_type for work in read) == {
        "article": 146, "review": 56, "book-chapter": 9, "book": 4, "conference-paper": 2,
        "other": 2, "editorial": 1}
    assert (sum(1 for work in read if work.doi), sum(1 for work in read if work.pmid)) == (160, 165)
    assert (sum("FR" in found for found in countries), sum("CA" in found for found in countries),
            sum({"FR", "CA"} <= found for found in countries)) == (25, 24, 7)


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_2016_export_france_canada_record():
    work = next(work for work in works(SCOPUS_2016) if work.pmid == "18650514")

    assert (work.title, work.year, work.doi, work.cited_by_count, len(work.authorships),
            work.location) == ("Sorafenib in advanced hepatocellular carcinoma", 2008,
                               "10.1056/nejmoa0708857", 4280, 24, f"{SCOPUS_2016}:84")
    assert work.authorships[0] == Authorship(
        position=1, name="Llovet J.M.", is_corresponding=True, affiliations=(
            aff("Barcelona Clinic Liver Cancer Group, Institut d'Investigacions Biomèdiques "
                "August Pi I Sunyer, Centro de Investigaciones en Red de Enfermedades Hepaticas "
                "Y Digestivas Hospital Clinic Barcelona, Barcelona, Spain", "ES"),
            aff("Mount Sinai School of Medicine, New York, NY, United States", "US"),
            aff("Barcelona Clínic Liver Cancer Group, Liver Unit, Hospital Clinic, Villarroel "
                "170, 08036 Barcelona, Spain", "ES")))
    assert work.authorships[5] == Authorship(position=6, name="Blanc J.-F.", affiliations=(
        aff("Centre Hospitalier Universitaire Hôpital Saint André, Bordeaux, France", "FR"),))
    assert work.authorships[19] == Authorship(position=20, name="Giannaris T.", affiliations=(
        aff("Bayer HealthCare Pharmaceuticals, Toronto, ON, Canada", "CA"),))


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_2016_export_author_with_two_affiliations():
    work = next(work for work in works(SCOPUS_2016) if work.pmid == "21376230")

    assert (work.title, work.year, work.doc_type, len(work.authorships)) == (
        "Hallmarks of cancer: The next generation", 2011, "review", 2)
    assert work.authorships[0].affiliations == (
        aff("Swiss Institute for Experimental Cancer Research (ISREC), School of Life Sciences, "
            "EPFL, Lausanne CH-1015, Switzerland", "CH"),
        aff("Department of Biochemistry and Biophysics, UCSF, San Francisco, CA 94158, "
            "United States", "US"))


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_current_export_counts():
    read = works(SCOPUS_CURRENT)

    assert len(list(read_scopus_csv(SCOPUS_CURRENT))) == len(read) == 8
    assert Counter(work.is_open_access for work in read) == {True: 5, False: 3}
    assert sorted(work.pmid for work in read if work.pmid) == [
        "40920265", "41327680", "41431061", "41494690"]


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_current_export_first_record():
    work = works(SCOPUS_CURRENT)[0]

    assert (work.source_id, work.year, work.doi, work.pmid, work.cited_by_count,
            work.keywords) == (
        "2-s2.0-105030721984", 2026, "10.1177/20552076261415846", None, 0,
        ("Artificial intelligence", "bibliometrics", "citeSpace", "spinal diseases",
         "VOSviewer"))
    assert work.authorships[3] == Authorship(
        position=4, name="Li, Yufei", is_corresponding=True, affiliations=(
            aff("Department of Surgery, Department of Clinical Medicine, Hunan Normal "
                "University Health Science Center, Hunan, Changsha, China", "CN"),))


@pytest.mark.shared_data
@needs_shared_data
def test_read_scopus_csv_current_export_author_affiliations_and_correspondents():
    work = next(work for work in works(SCOPUS_CURRENT)
                if work.source_id == "2-s2.0-105005111872")

    assert [affiliation.raw for affiliation in work.authorships[0].affiliations] == [
        "Department of Urology, Qingdao Central Hospital, University of Health and "
        "Rehabilitation Sciences, Qingdao, 266042, China",
        "School of Qingdao Medical College, Qingdao University, 308 Ningxia Road, Qingdao, "
        "266071, China"]
    assert [authorship.name for authorship in work.authorships
            if authorship.is_corresponding] == ["Lv, Ji", "Cui, Tao", "Liu, Chunlei",
                                                "Lan, Xiaopeng"]
