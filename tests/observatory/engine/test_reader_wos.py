import dataclasses
import gzip
from collections import Counter
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers.wos import read_wos
from jumelage.observatory.engine.schema import Affiliation, Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "wos"
PLAIN = FIXTURES / "plain.txt"
BAD = FIXTURES / "bad_records.txt"
TABBED = FIXTURES / "tabbed.txt"

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
needs_shared_data = pytest.mark.skipif(not SHARED.is_dir(),
                                       reason="../shared/data/publications is absent")
MANY_AUTHORS = SHARED / "metaknowledge" / "ManyAuthors.isi"
TEST_FILE = SHARED / "metaknowledge" / "testFile.isi"
WOS_SAMPLE = SHARED / "bibliometrix-fixtures" / "wos_sample.txt"


def aff(raw: str, *codes: str) -> Affiliation:
    return Affiliation(raw=raw, country_codes=codes)


def works(path: Path) -> list[Work]:
    return [item for item in read_wos(path) if isinstance(item, Work)]


def by_id(path: Path, source_id: str) -> Work:
    return next(work for work in works(path) if work.source_id == source_id)


LEON_BERARD = aff("Ctr Leon Berard, Lyon, France.", "FR")
LYON_1 = aff("Univ Claude Bernard Lyon 1, Villeurbanne, France.", "FR")
CHUM = aff("CHUM, Montreal, QC H2X 0A9, Canada.", "CA")


def france_quebec_work(location: str) -> Work:
    return Work(
        source="wos",
        source_id="WOS:000900000000001",
        title="Circulating tumour DNA in paediatric sarcoma: a France-Quebec cohort",
        year=2023,
        doc_type="article",
        doi="10.1200/jco.22.01234",
        pmid="36912345",
        authorships=(
            Authorship(position=1, name="Martin, Camille", orcid="0000-0002-1825-0097",
                       affiliations=(LEON_BERARD, LYON_1)),
            Authorship(position=2, name="Tremblay, Jean-François", orcid="0000-0001-5109-3700",
                       affiliations=(CHUM,), is_corresponding=True),
            Authorship(position=3, name="Dupont, Anne", affiliations=(LEON_BERARD, CHUM)),
        ),
        keywords=("circulating tumour DNA", "sarcoma", "liquid biopsy", "CELL-FREE DNA",
                  "CANCER"),
        venue="JOURNAL OF CLINICAL ONCOLOGY",
        language="en",
        cited_by_count=12,
        is_open_access=True,
        abstract="Background: we followed 120 children. Results: ctDNA predicted relapse.",
        location=location,
    )


# --- plain text ------------------------------------------------------------------------------


def test_read_wos_plain_france_quebec_record():
    assert works(PLAIN)[0] == france_quebec_work(f"{PLAIN}:3")


def test_read_wos_plain_reads_exports_pasted_one_after_the_other():
    # the second export starts with its own byte-order mark, as `cat` leaves it
    assert [(item.source_id, item.location) if isinstance(item, Work) else item
            for item in read_wos(PLAIN)] == [
        ("WOS:000900000000001", f"{PLAIN}:3"), ("WOS:A1989AB12300007", f"{PLAIN}:37"),
        ("WOS:000500000000003", f"{PLAIN}:55"), ("WOS:000600000000004", f"{PLAIN}:70")]


def test_read_wos_address_without_brackets_belongs_to_every_author():
    work = by_id(PLAIN, "WOS:A1989AB12300007")

    addresses = (aff("UNIV MONTREAL,DEPT PEDIAT,MONTREAL H3T 1C5,QUEBEC,CANADA.", "CA"),
                 aff("INT AGCY RES CANC,F-69372 LYON 08,FRANCE.", "FR"))
    assert work.authorships == (
        Authorship(position=1, name="LAPOINTE, M", affiliations=addresses, is_corresponding=True),
        Authorship(position=2, name="BRAY, F", affiliations=addresses))


def test_read_wos_old_record_without_tc_doi_or_oa():
    work = by_id(PLAIN, "WOS:A1989AB12300007")

    assert (work.doi, work.cited_by_count, work.is_open_access, work.doc_type, work.language,
            work.year) == (None, 4, None, "letter", "fr", 1989)


def test_read_wos_reprint_address_goes_to_corresponding_author_without_c1():
    work = by_id(PLAIN, "WOS:000500000000003")

    assert work.authorships == (
        Authorship(position=1, name="Gagnon, Louise", is_corresponding=True,
                   affiliations=(aff("Oncopole, Montreal, QC H2X 1Y4, Canada.", "CA"),)),
        Authorship(position=2, name="Roy, Marie"))
    assert (work.doc_type, work.cited_by_count) == ("editorial", 0)


def test_read_wos_same_name_authors_share_addresses_but_not_ambiguous_orcid_or_reprint():
    work = by_id(PLAIN, "WOS:000600000000004")

    peking = aff("Peking Univ, Beijing, Peoples R China.", "CN")
    assert work.authorships == (
        Authorship(position=1, name="Wang, Li", affiliations=(peking,)),
        Authorship(position=2, name="Wang, Li", affiliations=(peking,)),
        Authorship(position=3, name="Roy, Marie", orcid="0000-0002-0000-000X",
                   affiliations=(aff("Hosp Civils Lyon, Lyon, France.", "FR"),),
                   is_corresponding=True))
    assert work.doc_type == "article"  # "Article; Proceedings Paper"


def test_read_wos_bad_records_are_reported_and_reading_goes_on():
    def issue(line: int, code: str, **params: str) -> ReadIssue:
        return ReadIssue(path=str(BAD), line=line, code=code, params=params)

    items = list(read_wos(BAD))

    assert items[:4] == [
        issue(3, "missing_field", field="UT (accession number) or TI (title)"),
        issue(10, "not_a_record", source="Web of Science",
              detail="the line is neither a two-letter field tag nor an indented "
                     "continuation: 'AUGilles, H'"),
        issue(18, "bad_value", field="PY", value="2O05"),
        issue(25, "missing_field", field="ER (end of record)"),
    ]
    assert (items[4].source_id, items[4].location, items[4].doc_type) == (
        "WOS:000230000000008", f"{BAD}:30", "other")
    assert items[5:] == [
        issue(39, "not_a_record", source="Web of Science",
              detail="the line is outside any record: '   a continuation line outside any "
                     "record'"),
        issue(41, "missing_field", field="ER (end of record)"),
    ]


def test_read_wos_bad_record_message_names_the_line():
    issue = list(read_wos(BAD))[1]

    assert str(issue) == (f"{BAD}:10: this is not a Web of Science record (the line is neither "
                          "a two-letter field tag nor an indented continuation: 'AUGilles, H')")


def test_read_wos_undecodable_line_drops_its_record_only(tmp_path):
    broken = tmp_path / "broken.txt"
    broken.write_bytes(PLAIN.read_bytes().replace(b"LAPOINTE, M\n", b"LAPOINTE, M\xff\n", 1))

    items = list(read_wos(broken))

    assert [(item.code, item.line) for item in items if isinstance(item, ReadIssue)] == [
        ("bad_encoding", 38)]
    assert [work.source_id for work in items if isinstance(work, Work)] == [
        "WOS:000900000000001", "WOS:000500000000003", "WOS:000600000000004"]


def test_read_wos_gzip_file_reads_like_the_plain_one(tmp_path):
    packed = tmp_path / "savedrecs.txt"
    packed.write_bytes(gzip.compress(PLAIN.read_bytes()))

    assert [dataclasses.replace(work, location="") for work in works(packed)] == [
        dataclasses.replace(work, location="") for work in works(PLAIN)]


# --- tab-delimited ---------------------------------------------------------------------------


def test_read_wos_tab_delimited_record_equals_the_plain_text_one():
    assert works(TABBED)[0] == france_quebec_work(f"{TABBED}:2")


def test_read_wos_tab_delimited_empty_oa_cell_is_not_open_access():
    work = works(TABBED)[1]

    assert (work.source_id, work.is_open_access, work.doi, work.doc_type) == (
        "WOS:000800000000002", False, None, "review")
    assert work.authorships == (Authorship(position=1, name="Lefebvre, Sophie", affiliations=(
        aff("Ctr Jean Perrin, Clermont Ferrand, France.", "FR"),
        aff("Univ Clermont Auvergne, Clermont Ferrand, France.", "FR"))),)


def test_read_wos_tab_delimited_short_row_is_reported():
    assert list(read_wos(TABBED))[2] == ReadIssue(
        path=str(TABBED), line=4, code="not_a_record",
        params={"source": "Web of Science", "detail": "the row has 4 fields where the header "
                                                      "has 21"})


def test_read_wos_tab_delimited_utf16_reads_like_utf8(tmp_path):
    wide = tmp_path / "savedrecs.txt"
    wide.write_bytes(TABBED.read_text(encoding="utf-8-sig").encode("utf-16"))

    assert [dataclasses.replace(work, location="") for work in works(wide)] == [
        dataclasses.replace(work, location="") for work in works(TABBED)]


def test_read_wos_tab_delimited_missing_columns_give_one_issue():
    path = FIXTURES / "tabbed_missing_columns.txt"

    assert list(read_wos(path)) == [ReadIssue(
        path=str(path), line=1, code="bad_columns",
        params={"source": "Web of Science tab-delimited", "missing": "PY, UT",
                "found": "PT, AU, TI, SO"})]


# --- not Web of Science at all ---------------------------------------------------------------


def test_read_wos_other_file_is_reported_once():
    path = FIXTURES / "not_wos.csv"

    assert list(read_wos(path)) == [ReadIssue(
        path=str(path), line=1, code="not_a_record",
        params={"source": "Web of Science",
                "detail": "the first line is neither an FN header nor a tab-delimited header "
                          "row: 'Title,Authors,Year'"})]


def test_read_wos_empty_file_is_reported(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"\n\n")

    assert list(read_wos(empty)) == [ReadIssue(
        path=str(empty), code="not_a_record",
        params={"source": "Web of Science", "detail": "the file is empty"})]


def test_read_wos_missing_file_is_unreadable(tmp_path):
    [issue] = read_wos(tmp_path / "absent.txt")

    assert (issue.code, issue.line) == ("unreadable", None)


# --- the real exports in ../shared/data/publications -----------------------------------------


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_many_authors_counts():
    items = list(read_wos(MANY_AUTHORS))
    read = [item for item in items if isinstance(item, Work)]
    countries = [{code for authorship in work.authorships for affiliation in
                  authorship.affiliations for code in affiliation.country_codes} for work in read]

    assert (len(items), len(read), len({work.source_id for work in read})) == (500, 500, 500)
    assert Counter(work.doc_type for work in read) == {
        "article": 388, "review": 104, "editorial": 7, "letter": 1}
    assert (sum(1 for work in read if work.doi), sum(1 for work in read if work.pmid)) == (413, 437)
    assert (sum("FR" in found for found in countries), sum("CA" in found for found in countries),
            sum({"FR", "CA"} <= found for found in countries)) == (13, 32, 1)


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_many_authors_first_record_addresses_without_brackets():
    work = works(MANY_AUTHORS)[0]

    assert (work.source_id, work.pmid, work.doi, work.year, work.cited_by_count) == (
        "WOS:000238878800002", "16798415", "10.1016/j.ijrobp.2006.04.029", 2006, 758)
    assert [authorship.name for authorship in work.authorships] == [
        "Roach, Mack, III", "Hanks, Gerald", "Thames, Howard, Jr.", "Schellhammer, Paul",
        "Shipley, William U.", "Sokol, Gerald H.", "Sandler, Howard"]
    assert [len(authorship.affiliations) for authorship in work.authorships] == [7] * 7
    assert work.authorships[0].affiliations[0] == aff(
        "Univ Calif San Francisco, Dept Radiat Oncol, San Francisco, CA 94143 USA.", "US")
    assert [authorship.is_corresponding for authorship in work.authorships] == [True] + [False] * 6


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_many_authors_montreal_record_with_brackets():
    work = by_id(MANY_AUTHORS, "WOS:000304194400021")

    cardiology = aff("McGill Univ, SMBD Jewish Gen Hosp, Div Cardiol, Dept Med, Montreal, PQ "
                     "H3T 1E2, Canada.", "CA")
    epidemiology = aff("McGill Univ, SMBD Jewish Gen Hosp, Div Clin Epidemiol, Dept Med, "
                       "Montreal, PQ H3T 1E2, Canada.", "CA")
    assert (work.pmid, work.doi, work.year, work.cited_by_count, work.location) == (
        "21987177", "10.1093/eurheartj/ehr307", 2012, 37, f"{MANY_AUTHORS}:51342")
    assert work.authorships == tuple(
        Authorship(position=position, name=name, affiliations=(cardiology, epidemiology),
                   is_corresponding=position == 1)
        for position, name in enumerate(["Afilalo, Jonathan", "Rasti, Mandana",
                                         "Ohayon, Samuel M.", "Shimony, Avi",
                                         "Eisenberg, Mark J."], start=1))


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_test_file_reports_its_malformed_record():
    items = list(read_wos(TEST_FILE))

    assert (len(items), len(works(TEST_FILE))) == (34, 33)
    assert [item for item in items if isinstance(item, ReadIssue)] == [ReadIssue(
        path=str(TEST_FILE), line=416, code="not_a_record",
        params={"source": "Web of Science",
                "detail": "the line is neither a two-letter field tag nor an indented "
                          "continuation: 'AUGilles, H'"})]


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_test_file_record_without_ut():
    work = next(work for work in works(TEST_FILE) if not work.source_id)

    assert (work.title, work.year, work.doi, work.cited_by_count, work.location) == (
        "Goos-Hanchen and Imbert-Fedorov shifts for leaky guided modes", 2005,
        "10.1364/josab.22.001290", 37, f"{TEST_FILE}:534")
    assert [(authorship.name, authorship.orcid, authorship.is_corresponding,
             len(authorship.affiliations)) for authorship in work.authorships] == [
        ("Pillon, F", None, False, 3), ("Gilles, H", None, False, 3),
        ("Girard, S", None, True, 3), ("Laroche, M", None, False, 3),
        ("Kaiser, R", "0000-0001-5194-3680", False, 3), ("Gazibegovic, A", None, False, 3)]
    assert work.authorships[0].affiliations[2] == aff(
        "Prirodno Matemat Fak, Sarajevo, Bosnia & Herceg.")


@pytest.mark.shared_data
@needs_shared_data
def test_read_wos_current_export():
    read = works(WOS_SAMPLE)

    assert len(list(read_wos(WOS_SAMPLE))) == len(read) == 8
    assert Counter(work.is_open_access for work in read) == {True: 5, None: 3}
    work = by_id(WOS_SAMPLE, "WOS:000418020600003")
    assert (work.title, work.year, work.doi, work.cited_by_count, work.location) == (
        "bibliometrix: An R-tool for comprehensive science mapping analysis", 2017,
        "10.1016/j.joi.2017.08.007", 8858, f"{WOS_SAMPLE}:177")
    assert work.authorships == (
        Authorship(position=1, name="Aria, Massimo", orcid="0000-0002-8517-9411",
                   is_corresponding=True, affiliations=(aff(
                       "Univ Napoli Federico II, Dept Econ & Stat, Via Cintia, I-80126 Naples, "
                       "Italy.", "IT"),)),
        Authorship(position=2, name="Cuccurullo, Corrado", orcid="0000-0002-7401-8575",
                   affiliations=(aff("Univ Campania Luigi Vanvitelli, Dept Econ & Management, "
                                     "Capua, CE, Italy.", "IT"),)))
