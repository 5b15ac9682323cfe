import gzip
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers.lens import read_lens_csv
from jumelage.observatory.engine.schema import Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "lens"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(),
                                  reason="../shared/data/publications is absent")
EXPORT = FIXTURES / "export.csv"


def _summary(items):
    return [("work", item.source_id) if isinstance(item, Work)
            else ("issue", item.code, item.line) for item in items]


def test_export_reads_rows_and_reports_bad_ones_with_their_line():
    items = list(read_lens_csv(EXPORT))

    # the first row's abstract spans lines 2-3: the next row starts on line 4
    assert _summary(items) == [
        ("work", "012-345-678-901-234"),
        ("work", "098-765-432-109-87X"),
        ("issue", "bad_value", 5),
        ("issue", "not_a_record", 6),
        ("issue", "missing_field", 7),
        ("work", "333-444-555-666-777"),
    ]
    assert [i.reason for i in items if isinstance(i, ReadIssue)] == [
        "the field Citing Works Count has an unusable value 'many'",
        "this is not a Lens.org record (the row has 2 fields, the header 32)",
        "the record has no Lens ID",
    ]


def test_france_quebec_row_is_mapped_field_by_field():
    work = next(read_lens_csv(EXPORT))

    assert work == Work(
        source="lens", source_id="012-345-678-901-234",
        title="Tumour heterogeneity in sarcoma: a Lyon–Montréal cohort", year=2023,
        doc_type="article", doi="10.1200/jco.2023.41.1234", pmid="37000001",
        authorships=(Authorship(position=1, name="Camille Martin"),
                     Authorship(position=2, name="Jean Tremblay"),
                     Authorship(position=3, name="Marie Dubois")),
        topics=("Oncology", "Sarcoma", "Medicine"),
        mesh_terms=("Sarcoma", "Humans"),
        keywords=("sarcoma", "tumour heterogeneity"),
        venue="Journal of Clinical Oncology", cited_by_count=42, is_open_access=True,
        abstract="Sarcomas are rare tumours.\nWe followed them in Lyon and Montréal.",
        location=f"{EXPORT}:2",
    )


def test_row_without_doi_and_year_uses_date_published_and_keeps_homonymous_authors():
    work = list(read_lens_csv(EXPORT))[1]

    assert work == Work(
        source="lens", source_id="098-765-432-109-87X",
        title="Proton therapy planning in Québec and Lyon", year=2019,
        doc_type="conference-paper", doi=None, pmid=None,
        authorships=(Authorship(position=1, name="J. Smith"),
                     Authorship(position=2, name="J. Smith"),
                     Authorship(position=3, name="Luc Bernard")),
        venue="ESTRO 2019", cited_by_count=None, is_open_access=False,
        location=f"{EXPORT}:4",
    )


def test_unknown_publication_type_is_other():
    work = list(read_lens_csv(EXPORT))[-1]

    assert (work.doc_type, work.authorships, work.cited_by_count) == ("other", (), 0)


def test_file_with_other_columns_is_one_bad_columns_issue():
    other = FIXTURES.parent / "openalex" / "export.csv"

    items = list(read_lens_csv(other))

    assert len(items) == 1
    assert (items[0].code, items[0].line, items[0].params["missing"]) == (
        "bad_columns", 1,
        "Lens ID, Title, Publication Year, Publication Type, Author/s, Source Title, DOI, PMID")


def test_empty_file_is_one_bad_columns_issue(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert [(i.code, i.params["found"]) for i in read_lens_csv(empty)] == [
        ("bad_columns", "(empty file)")]


def test_gzip_export_reads_like_plain(tmp_path):
    packed = tmp_path / "export.csv.gz"
    packed.write_bytes(gzip.compress(EXPORT.read_bytes()))

    assert _summary(read_lens_csv(packed)) == _summary(read_lens_csv(EXPORT))


def test_rows_that_are_not_utf8_are_reported_and_reading_goes_on(tmp_path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(EXPORT.read_text(encoding="utf-8").encode("latin-1", errors="replace"))

    items = list(read_lens_csv(latin))

    assert _summary(items) == [
        ("issue", "bad_encoding", 2),
        ("issue", "bad_encoding", 4),
        ("issue", "bad_value", 5),
        ("issue", "not_a_record", 6),
        ("issue", "missing_field", 7),
        ("work", "333-444-555-666-777"),
    ]
    assert items[0].reason == ("the text is not valid UTF-8 (byte 0xe9 in column Title); save the "
                               "file as UTF-8")


@pytest.mark.shared_data
@needs_shared
def test_shared_lens_export():
    items = list(read_lens_csv(SHARED / "bibliometrix-fixtures" / "lens_sample.csv"))
    works = [i for i in items if isinstance(i, Work)]

    assert (len(works), len(items)) == (8, 8)
    assert {w.doc_type for w in works} == {"article"}
    assert [w.pmid for w in works if w.pmid] == ["33251087", "34257512", "33967598", "35720981"]
    assert [w.cited_by_count for w in works] == [10, 6, 1, 59, 48, 65, 182, 2]
    first = works[0]
    assert (first.source_id, first.year, first.doi, first.venue, first.is_open_access) == (
        "000-360-106-493-122", 2020, "10.1007/s10669-020-09792-x",
        "Environment systems & decisions", True)
    assert first.title == ("Dynamic real-time risk analytics of uncontrollable states in complex "
                           "internet of things systems: cyber risk at the edge")
    assert len(first.authorships) == 10
    assert (first.authorships[0], first.authorships[9]) == (
        Authorship(position=1, name="Petar Radanliev"),
        Authorship(position=10, name="La’Treall Maddox"))
    assert first.keywords[:3] == ("Cyber risk regulations", "Cyber risk self-assessment",
                                  "Cyber risk target state")
    assert first.topics[:2] == ("Risk assessment", "Enhanced Data Rates for GSM Evolution")
    assert all(a.affiliations == () for w in works for a in w.authorships)
