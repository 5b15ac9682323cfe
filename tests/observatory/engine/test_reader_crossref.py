import gzip
from dataclasses import replace
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers.crossref import (
    crossref_year,
    jats_to_text,
    read_crossref,
)
from jumelage.observatory.engine.schema import Affiliation, Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "crossref"

FRANCE_QUEBEC = Work(
    source="crossref",
    source_id="10.1200/jco.2023.41.1234",
    title="Tumour heterogeneity in sarcoma: a Lyon–Montréal cohort",
    year=2023,
    doc_type="article",
    doi="10.1200/jco.2023.41.1234",
    authorships=(
        Authorship(position=1, name="Camille Martin", orcid="0000-0002-1825-0097", affiliations=(
            Affiliation(raw="Centre Léon Bérard, Lyon, France", ror_ids=("01cmnjq37",)),
            Affiliation(raw="Université Claude Bernard Lyon 1, Lyon, France"),
        )),
        Authorship(position=2, name="Jean Tremblay", affiliations=(
            Affiliation(raw="CHUM, Montréal, QC, Canada", ror_ids=("0410a8y51",)),)),
        Authorship(position=3, name="Oncopole Sarcoma Consortium"),
    ),
    topics=("Cancer Research", "Oncology"),
    venue="Journal of Clinical Oncology",
    language="en",
    cited_by_count=42,
    abstract="Sarcomas are rare tumours & we followed them in Lyon and Montréal.",
    location=f"{FIXTURES / 'work.json'}[0]",
)


def _summary(items):
    return [("work", item.source_id) if isinstance(item, Work)
            else ("issue", item.code, item.line, item.index) for item in items]


def test_single_work_response_is_mapped_field_by_field():
    assert list(read_crossref(FIXTURES / "work.json")) == [FRANCE_QUEBEC]


def test_work_list_page_reads_items_and_reports_unusable_ones():
    items = list(read_crossref(FIXTURES / "works-page.json"))

    assert _summary(items) == [
        ("work", "10.1101/2024.01.15.575001"),
        ("issue", "missing_field", None, 1),
        ("work", "10.1007/978-3-031-00001-1_4"),
        ("issue", "bad_value", None, 3),
    ]
    assert [str(i) for i in items if isinstance(i, ReadIssue)] == [
        f"{FIXTURES / 'works-page.json'}[1]: the record has no DOI",
        f"{FIXTURES / 'works-page.json'}[3]: the field DOI has an unusable value 'not-a-doi'",
    ]


def test_preprint_without_issued_year_takes_published_online_and_skips_blank_affiliation():
    work = next(read_crossref(FIXTURES / "works-page.json"))

    assert work == Work(
        source="crossref", source_id="10.1101/2024.01.15.575001",
        title="Circulating tumour DNA in Québec breast cancer patients", year=2024,
        doc_type="preprint", doi="10.1101/2024.01.15.575001",
        authorships=(Authorship(position=1, name="Sophie Gagnon", affiliations=(
            Affiliation(raw="CHU de Québec-Université Laval, Québec, QC, Canada"),)),),
        cited_by_count=0, location=f"{FIXTURES / 'works-page.json'}[0]",
    )


def test_book_chapter_takes_the_first_container_title_and_https_orcid():
    work = list(read_crossref(FIXTURES / "works-page.json"))[2]

    assert (work.doc_type, work.year, work.venue, work.authorships) == (
        "book-chapter", 2022, "Cancer Care in Europe",
        (Authorship(position=1, name="Luc Bernard", orcid="0000-0001-5109-3700"),))


def test_json_lines_mix_works_responses_and_bad_lines():
    items = list(read_crossref(FIXTURES / "works.jsonl"))

    assert _summary(items) == [
        ("work", "10.1007/978-3-031-00001-1_4"),
        ("issue", "bad_json", 2, None),
        ("work", "10.1200/jco.2023.41.1234"),
        ("issue", "not_a_record", 4, None),
    ]
    assert items[2] == replace(FRANCE_QUEBEC, location=f"{FIXTURES / 'works.jsonl'}:3[0]")
    assert str(items[3]) == (f"{FIXTURES / 'works.jsonl'}:4: this is not a Crossref work record "
                             "(a 'route-not-found' response with status 'error')")


def test_gzip_json_lines_read_like_plain(tmp_path):
    packed = tmp_path / "works.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "works.jsonl").read_bytes()))

    assert _summary(read_crossref(packed)) == _summary(read_crossref(FIXTURES / "works.jsonl"))


def test_public_data_file_chunk_of_items(tmp_path):
    chunk = tmp_path / "0.json"
    chunk.write_text('{"items": [{"DOI": "10.1000/ABC", "type": "journal-article", '
                     '"title": ["Chunk item"], "issued": {"date-parts": [[1999]]}}]}',
                     encoding="utf-8")

    assert list(read_crossref(chunk)) == [Work(
        source="crossref", source_id="10.1000/abc", title="Chunk item", year=1999,
        doc_type="article", doi="10.1000/abc", location=f"{chunk}:1[0]")]


@pytest.mark.parametrize(("record", "year"), [
    ({"published": {"date-parts": [[2021, 3, 4]]}, "issued": {"date-parts": [[2020]]}}, 2021),
    ({"issued": {"date-parts": [[None]]}, "published-print": {"date-parts": [[2019, 1]]}}, 2019),
    ({"issued": {"date-parts": [["2018"]]}}, 2018),
    ({"created": {"date-parts": [[2017, 5, 1]]}}, None),  # registration is not publication
    ({"issued": {"date-parts": []}}, None),
])
def test_year_comes_from_the_first_dated_field(record, year):
    assert crossref_year(record) == year


def test_jats_abstract_loses_tags_titles_and_entities():
    text = ("<jats:title>Abstract</jats:title><jats:p>A &lt;5 mm <jats:italic>margin"
            "</jats:italic>.</jats:p><jats:p>H<jats:sub>2</jats:sub>O</jats:p>")

    assert jats_to_text(text) == "A <5 mm margin. H2O"
