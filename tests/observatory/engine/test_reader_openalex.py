import gzip
import json
from dataclasses import replace
from pathlib import Path

import pytest

from jumelage.observatory.engine.readers import openalex
from jumelage.observatory.engine.readers.openalex import (
    SnapshotPart,
    abstract_from_inverted_index,
    iter_openalex_paths,
    openalex_doc_type,
    read_openalex,
    read_openalex_csv,
)
from jumelage.observatory.engine.schema import Affiliation, Authorship, ReadIssue, Work

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "publications" / "openalex"
SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
needs_shared = pytest.mark.skipif(not SHARED.is_dir(),
                                  reason="../shared/data/publications is absent")

FRANCE_QUEBEC = Work(
    source="openalex",
    source_id="W4400000001",
    title="Tumour heterogeneity in sarcoma: a Lyon–Montréal cohort",
    year=2023,
    doc_type="article",
    doi="10.1200/jco.2023.41.1234",
    pmid="37000001",
    authorships=(
        Authorship(
            position=1, name="Camille Martin", orcid="0000-0002-1825-0097", is_corresponding=True,
            affiliations=(
                Affiliation(raw="Centre Léon Bérard, Lyon, France", ror_ids=("01cmnjq37",),
                            country_codes=("FR",)),
                Affiliation(raw="Université Claude Bernard Lyon 1, Lyon, France",
                            ror_ids=("029brtt94",), country_codes=("FR",)),
            )),
        Authorship(
            position=2, name="Jean Tremblay",
            affiliations=(
                Affiliation(raw="CHUM, Montréal, QC, Canada", ror_ids=("0410a8y51",),
                            country_codes=("CA",)),
                Affiliation(raw="Oncopole, Montréal, QC, Canada", country_codes=("CA",)),
            )),
        Authorship(
            position=3, name="Marie Dubois", orcid="0000-0001-5109-3700",
            affiliations=(Affiliation(
                raw="Institut du cancer de Montréal, Montréal, Québec, Canada",
                country_codes=("CA",)),)),
    ),
    topics=("Sarcoma Diagnosis and Treatment", "Cancer Genomics and Diagnostics",
            "Soft tissue tumours", "Oncology", "Cancer Research", "Medicine",
            "Biochemistry, Genetics and Molecular Biology"),
    mesh_terms=("Sarcoma", "Humans"),
    keywords=("Sarcoma", "Tumour heterogeneity"),
    venue="Journal of Clinical Oncology",
    language="en",
    cited_by_count=42,
    fwci=3.25,
    is_open_access=True,
    abstract="Sarcomas are rare tumours ; we followed sarcomas in Lyon and Montréal .",
    location=f"{FIXTURES / 'works.jsonl'}:1",
)


def _works(items):
    return [item for item in items if isinstance(item, Work)]


def _issues(items):
    return [item for item in items if isinstance(item, ReadIssue)]


def _summary(items):
    """(kind, id or code, line, index) of each item, to compare a whole reading at once."""
    return [("work", item.source_id) if isinstance(item, Work)
            else ("issue", item.code, item.line, item.index) for item in items]


# --- JSON Lines ----------------------------------------------------------------------------------


def test_jsonl_reads_works_and_reports_bad_lines_in_order():
    items = list(read_openalex(FIXTURES / "works.jsonl"))

    assert _summary(items) == [
        ("work", "W4400000001"),
        ("work", "W2000000002"),
        ("issue", "bad_json", 3, None),
        ("issue", "missing_field", 5, None),
        ("work", "W3000000003"),
        ("issue", "bad_value", 7, None),
        ("issue", "not_a_record", 8, None),
    ]


def test_jsonl_france_quebec_work_is_mapped_field_by_field():
    work = next(read_openalex(FIXTURES / "works.jsonl"))

    assert work == FRANCE_QUEBEC


def test_jsonl_affiliation_strings_get_the_ror_ids_linked_to_them_whatever_the_link_order():
    camille = next(read_openalex(FIXTURES / "works.jsonl")).authorships[0]

    assert [(a.raw, a.ror_ids) for a in camille.affiliations] == [
        ("Centre Léon Bérard, Lyon, France", ("01cmnjq37",)),
        ("Université Claude Bernard Lyon 1, Lyon, France", ("029brtt94",)),
    ]


def test_jsonl_institution_with_null_ror_keeps_its_country():
    jean = next(read_openalex(FIXTURES / "works.jsonl")).authorships[1]

    assert jean.affiliations[1] == Affiliation(raw="Oncopole, Montréal, QC, Canada",
                                               ror_ids=(), country_codes=("CA",))


def test_jsonl_truncated_line_names_its_line_and_the_json_error():
    issue = _issues(read_openalex(FIXTURES / "works.jsonl"))[0]

    assert str(issue) == (f"{FIXTURES / 'works.jsonl'}:3: the line is not valid JSON "
                          "(Unterminated string starting at: line 1 column 44 (char 43))")


def test_jsonl_record_that_is_not_a_work_is_reported_with_its_value():
    issues = _issues(read_openalex(FIXTURES / "works.jsonl"))

    assert [issue.reason for issue in issues[1:]] == [
        "the record has no id",
        "the field id has an unusable value 'https://openalex.org/A5000000001'",
        "this is not a JSON work record (a JSON string, not an object)",
    ]


def test_jsonl_legacy_schema_single_raw_string_gets_all_the_authorship_institutions():
    work = _works(read_openalex(FIXTURES / "works.jsonl"))[1]

    assert work == Work(
        source="openalex", source_id="W2000000002",
        title="Lymphoma registries in Auvergne-Rhône-Alpes", year=2012, doc_type="article",
        doi=None, pmid=None,
        authorships=(
            Authorship(position=1, name="Luc Bernard", affiliations=(Affiliation(
                raw="Centre Léon Bérard and Hospices Civils de Lyon, Lyon, France",
                ror_ids=("01cmnjq37", "01502ca60"), country_codes=("FR",)),)),
            # no raw string: the institution OpenAlex gives, named by its display name
            Authorship(position=2, name="Anne Roux", affiliations=(Affiliation(
                raw="Université Claude Bernard Lyon 1", ror_ids=("029brtt94",),
                country_codes=("FR",)),)),
        ),
        keywords=("lymphoma",), venue="Bulletin du Cancer", language="fr", cited_by_count=7,
        is_open_access=False, location=f"{FIXTURES / 'works.jsonl'}:2",
    )


def test_jsonl_proceedings_article_with_countries_only_and_null_author():
    work = _works(read_openalex(FIXTURES / "works.jsonl"))[2]

    assert (work.doc_type, work.title, work.doi, work.venue, work.is_open_access) == (
        "conference-paper", "Deep learning for mammography triage", "10.1109/embc.2021.9630001",
        "", None)
    assert work.authorships == (Authorship(position=1, name="S. Gagnon", affiliations=(
        Affiliation(raw="", country_codes=("CA",)),)),)


def test_jsonl_gzip_is_told_apart_by_content_not_name(tmp_path):
    packed = tmp_path / "part_000"  # no .gz suffix
    packed.write_bytes(gzip.compress((FIXTURES / "works.jsonl").read_bytes()))

    items = list(read_openalex(packed))

    assert _summary(items) == _summary(read_openalex(FIXTURES / "works.jsonl"))
    assert items[0] == replace(FRANCE_QUEBEC, location=f"{packed}:1")


def test_jsonl_truncated_gzip_yields_what_it_could_then_one_issue(tmp_path):
    first_line = (FIXTURES / "works.jsonl").read_text(encoding="utf-8").splitlines()[0]
    data = gzip.compress((first_line + "\n").encode() * 400, mtime=0)
    cut = tmp_path / "part_001.gz"
    cut.write_bytes(data[: len(data) // 2])

    *works, last = read_openalex(cut)

    assert 0 < len(works) < 400
    assert {w.source_id for w in works} == {"W4400000001"}
    assert (last.code, last.line) == ("bad_gzip", len(works) + 1)
    assert last.reason == ("the gzip file is corrupt or truncated (Compressed file ended before "
                           "the end-of-stream marker was reached)")


def test_jsonl_line_holding_an_api_page_yields_its_results(tmp_path):
    page = json.loads((FIXTURES / "page.json").read_text(encoding="utf-8"))
    lines = tmp_path / "pages.jsonl"
    lines.write_text(json.dumps(page) + "\n" + json.dumps(page) + "\n", encoding="utf-8")

    items = list(read_openalex(lines))

    assert [(w.source_id, w.location) for w in items] == [
        ("W4400000001", f"{lines}:1[0]"), ("W3000000003", f"{lines}:1[1]"),
        ("W4400000001", f"{lines}:2[0]"), ("W3000000003", f"{lines}:2[1]"),
    ]


def test_record_of_unexpected_shape_is_reported_not_raised(tmp_path):
    odd = tmp_path / "odd.jsonl"
    odd.write_text(json.dumps({"id": "W1", "authorships": [{"institutions": [{"id": ["I1"]}]}]})
                   + "\n" + (FIXTURES / "works.jsonl").read_text("utf-8").splitlines()[0] + "\n",
                   encoding="utf-8")

    items = list(read_openalex(str(odd)))

    assert _summary(items) == [("issue", "not_a_record", 1, None), ("work", "W4400000001")]
    assert items[0].reason == ("this is not a usable OpenAlex record (TypeError: unhashable "
                               "type: 'list')")


def test_missing_file_is_one_unreadable_issue(tmp_path):
    items = list(read_openalex(tmp_path / "absent.jsonl"))

    assert [(i.code, i.path) for i in items] == [("unreadable", str(tmp_path / "absent.jsonl"))]


# --- API pages and arrays ------------------------------------------------------------------------


def test_api_page_yields_its_results_with_their_index():
    items = list(read_openalex(FIXTURES / "page.json"))

    assert [(w.source_id, w.location) for w in items] == [
        ("W4400000001", f"{FIXTURES / 'page.json'}[0]"),
        ("W3000000003", f"{FIXTURES / 'page.json'}[1]"),
    ]
    assert items[0] == replace(FRANCE_QUEBEC, location=f"{FIXTURES / 'page.json'}[0]")


def test_json_array_reports_an_item_that_is_not_an_object_and_goes_on():
    items = list(read_openalex(FIXTURES / "array.json"))

    assert _summary(items) == [("work", "W2000000002"), ("issue", "not_a_record", None, 1),
                               ("work", "W3000000003")]
    assert items[1].reason == "this is not a JSON work record (a JSON number, not an object)"


def test_truncated_api_page_is_one_bad_json_issue():
    items = list(read_openalex(FIXTURES / "truncated_page.json"))

    assert _summary(items) == [("issue", "bad_json", 29, None)]


def test_json_document_over_the_size_limit_is_refused_with_the_reason(monkeypatch):
    monkeypatch.setattr(openalex, "MAX_JSON_DOCUMENT_BYTES", 1000)

    items = list(read_openalex(FIXTURES / "page.json"))

    assert len(items) == 1
    assert str(items[0]) == (
        f"{FIXTURES / 'page.json'}: the file cannot be read (a single JSON document over 0 MB "
        "is not read whole; give it as JSON Lines, one work per line)")


# --- mapping helpers -----------------------------------------------------------------------------


def test_abstract_is_rebuilt_in_word_order():
    index = {"cells": [1, 4], "Tumour": [0], "divide": [2], "and": [3]}

    assert abstract_from_inverted_index(index) == "Tumour cells divide and cells"


def test_abstract_with_a_gap_in_positions_keeps_the_words_in_order():
    assert abstract_from_inverted_index({"margin": [7], "Clear": [0], "surgical": [3]}) == (
        "Clear surgical margin")


def test_abstract_of_null_index_is_empty():
    assert abstract_from_inverted_index(None) == ""


@pytest.mark.parametrize(("work_type", "type_crossref", "expected"), [
    ("article", "journal-article", "article"),
    ("article", "proceedings-article", "conference-paper"),
    ("review", "journal-article", "review"),
    ("letter", "journal-article", "letter"),
    ("editorial", "journal-article", "editorial"),
    ("erratum", "journal-article", "erratum"),
    ("book-chapter", "book-chapter", "book-chapter"),
    ("book", "monograph", "book"),
    ("preprint", "posted-content", "preprint"),
    ("paratext", "other", "other"),
    ("dissertation", "dissertation", "other"),
    ("journal-article", None, "article"),  # before 2023, OpenAlex used Crossref's types
])
def test_doc_type_mapping(work_type, type_crossref, expected):
    assert openalex_doc_type(work_type, type_crossref) == expected


# --- snapshot folders ----------------------------------------------------------------------------


def _snapshot(root: Path, *, manifest: bool = True) -> Path:
    """data/works/updated_date=…/part_NNN.gz made from the fixture lines, plus a manifest that
    lists one part that is not on disk."""
    works = root / "data" / "works"
    lines = (FIXTURES / "works.jsonl").read_text(encoding="utf-8").splitlines()
    parts = {"updated_date=2024-02-01/part_000.gz": lines[5:6],
             "updated_date=2024-01-15/part_001.gz": lines[1:2],
             "updated_date=2024-01-15/part_000.gz": lines[0:1]}
    for name, content in parts.items():
        (works / name).parent.mkdir(parents=True, exist_ok=True)
        (works / name).write_bytes(gzip.compress(("\n".join(content) + "\n").encode()))
    (works / "updated_date=2024-01-15" / "notes.txt").write_text("not data", encoding="utf-8")
    if manifest:
        entries = [{"url": f"s3://openalex/data/works/{name}",
                    "meta": {"content_length": 100, "record_count": 1}}
                   for name in [*parts, "updated_date=2024-02-01/part_001.gz"]
                   if name != "updated_date=2024-01-15/part_001.gz"]
        (works / "manifest").write_text(json.dumps({"entries": entries, "meta": {
            "content_length": 300, "record_count": 3}}), encoding="utf-8")
    return works


def test_snapshot_parts_come_oldest_partition_first_with_manifest_counts(tmp_path):
    works = _snapshot(tmp_path)

    items = list(iter_openalex_paths(tmp_path))

    assert items[:3] == [
        SnapshotPart(works / "updated_date=2024-01-15" / "part_000.gz", "2024-01-15", 1),
        SnapshotPart(works / "updated_date=2024-01-15" / "part_001.gz", "2024-01-15", None),
        SnapshotPart(works / "updated_date=2024-02-01" / "part_000.gz", "2024-02-01", 1),
    ]
    assert [(i.code, i.path, i.reason) for i in items[3:]] == [(
        "unreadable", str(works / "updated_date=2024-02-01/part_001.gz"),
        "the file cannot be read (listed in the manifest but not on disk)")]


def test_snapshot_root_may_be_the_works_folder_and_needs_no_manifest(tmp_path):
    works = _snapshot(tmp_path, manifest=False)

    items = list(iter_openalex_paths(works))

    assert [(p.path.parent.name, p.path.name, p.record_count) for p in items] == [
        ("updated_date=2024-01-15", "part_000.gz", None),
        ("updated_date=2024-01-15", "part_001.gz", None),
        ("updated_date=2024-02-01", "part_000.gz", None),
    ]


def test_snapshot_parts_read_one_by_one_so_an_ingest_can_resume(tmp_path):
    _snapshot(tmp_path)
    parts = [p for p in iter_openalex_paths(tmp_path) if isinstance(p, SnapshotPart)]
    done = {parts[0].path}  # the first file was ingested before an interruption

    resumed = [w.source_id for part in parts if part.path not in done
               for w in read_openalex(part.path)]

    assert resumed == ["W2000000002", "W3000000003"]


def test_folder_without_partitions_is_one_issue(tmp_path):
    items = list(iter_openalex_paths(tmp_path))

    assert [(i.code, i.reason) for i in items] == [("unreadable", (
        "the file cannot be read (no updated_date=YYYY-MM-DD folder of an OpenAlex works "
        "snapshot here)"))]


# --- web-UI CSV export ---------------------------------------------------------------------------


def test_csv_export_reads_rows_and_reports_bad_ones():
    items = list(read_openalex_csv(FIXTURES / "export.csv"))

    assert _summary(items) == [
        ("work", "W4400000001"),
        ("work", "W4400000002"),
        ("issue", "bad_value", 5, None),
        ("issue", "not_a_record", 6, None),
        ("work", "W4400000005"),
    ]
    assert items[3].reason == ("this is not a web OpenAlex CSV record (the row has 2 fields, "
                               "the header 30)")


def test_csv_france_quebec_row_gets_one_institution_and_country_per_author():
    work = next(read_openalex_csv(FIXTURES / "export.csv"))

    assert work == Work(
        source="openalex", source_id="W4400000001",
        title="Tumour heterogeneity in sarcoma: a Lyon–Montréal cohort", year=2023,
        doc_type="article", doi="10.1200/jco.2023.41.1234", pmid="37000001",
        authorships=(
            Authorship(position=1, name="Camille Martin", orcid="0000-0002-1825-0097",
                       is_corresponding=True, affiliations=(
                           Affiliation(raw="Centre Léon Bérard", country_codes=("FR",)),)),
            Authorship(position=2, name="Jean Tremblay", affiliations=(
                Affiliation(raw="Centre Hospitalier de l'Université de Montréal",
                            country_codes=("CA",)),)),
        ),
        topics=("Sarcoma Diagnosis and Treatment",), venue="Journal of Clinical Oncology",
        language="en", cited_by_count=42, fwci=3.25, is_open_access=True,
        abstract="Sarcomas are rare tumours,\nfollowed in Lyon and Montréal.",
        location=f"{FIXTURES / 'export.csv'}:2",
    )


def test_csv_row_with_more_institutions_than_authors_leaves_authors_unaffiliated():
    work = _works(read_openalex_csv(FIXTURES / "export.csv"))[1]

    assert work.authorships == (Authorship(position=1, name="Luc Bernard"),
                                Authorship(position=2, name="Sophie Gagnon"))
    assert (work.doi, work.doc_type, work.fwci, work.location) == (
        None, "review", None, f"{FIXTURES / 'export.csv'}:4")


def test_csv_row_without_year_has_none():
    work = _works(read_openalex_csv(FIXTURES / "export.csv"))[2]

    assert (work.year, work.doc_type, work.cited_by_count, work.is_open_access) == (
        None, "preprint", None, None)


def test_csv_with_other_columns_is_one_bad_columns_issue():
    lens = FIXTURES.parent / "lens" / "export.csv"

    items = list(read_openalex_csv(lens))

    assert [(i.code, i.line, i.params["missing"]) for i in items] == [(
        "bad_columns", 1,
        "id, display_name, publication_year, type, doi, authorships.author.display_name")]


# --- the shared real files -----------------------------------------------------------------------

API_PAGES = SHARED / "openalexpro-api-pages"


@pytest.mark.parametrize(("name", "count"), [
    ("json_chunk_1_results_page_1.json", 50),
    ("json_chunk_2_results_page_1.json", 50),
    ("json_chunk_3_results_page_1.json", 50),
    ("json_chunk_4_results_page_1.json", 25),
])
@pytest.mark.shared_data
@needs_shared
def test_shared_api_pages_read_every_work(name, count):
    items = list(read_openalex(API_PAGES / name))

    assert (len(_works(items)), len(_issues(items))) == (count, 0)


@pytest.mark.shared_data
@needs_shared
def test_shared_api_pages_totals():
    works = [w for page in sorted(API_PAGES.glob("*.json")) for w in read_openalex(page)]

    def countries(work):
        return {c for a in work.authorships for f in a.affiliations for c in f.country_codes}

    assert len(works) == 175
    assert sum(len(w.authorships) for w in works) == 393
    assert sum(1 for w in works if w.pmid) == 18
    assert sum(1 for w in works if any(a.affiliations for a in w.authorships)) == 109
    assert sorted(w.source_id for w in works if "FR" in countries(w)) == [
        "W1482164038", "W2041234663"]
    assert [w.source_id for w in works if "CA" in countries(w)] == ["W2004242077"]


@pytest.mark.shared_data
@needs_shared
def test_shared_work_by_pmid_has_its_fields():
    work = next(w for w in read_openalex(API_PAGES / "json_chunk_3_results_page_1.json")
                if w.pmid == "18416713")

    assert (work.source_id, work.title, work.year, work.doc_type, work.doi) == (
        "W2059915410",
        "A web resource for the UK's long‐term individual‐based time‐series (LITS) data",
        2008, "article", "10.1111/j.1365-2656.2008.01382.x")
    assert [a.name for a in work.authorships] == [
        "Owen R. Jones", "Tim Clutton‐Brock", "Tim Coulson", "H. Charles J. Godfray"]
    assert work.authorships[0].is_corresponding is True
    assert work.authorships[0].affiliations == (Affiliation(
        raw="NERC Centre for Population Biology, Division of Biology, Imperial College London, "
            "Silwood Park Campus, Ascot, Berks. SL5 7PY, UK",
        ror_ids=("041kmwe10",), country_codes=("GB",)),)
    # two strings, linked in the record in the other order
    assert [(a.raw[:30], a.ror_ids) for a in work.authorships[3].affiliations] == [
        ("NERC Centre for Population Bio", ("041kmwe10",)),
        ("Present address: Department of", ("052gg0110",)),
    ]
    assert work.mesh_terms == ("Databases, Factual", "Internet", "Animals", "Ecology", "Female",
                               "Male", "United Kingdom", "Vertebrates")
    assert (work.venue, work.cited_by_count, work.fwci, work.is_open_access, work.language) == (
        "Journal of Animal Ecology", 10, 1.052, False, "en")
    assert work.abstract.startswith("Online data resources are becoming increasingly important "
                                    "for ecologists. However,")
    assert len(work.abstract.split(" ")) == 2873


@pytest.mark.shared_data
@needs_shared
def test_shared_unlinked_strings_of_a_multi_string_authorship_get_no_ids():
    work = next(w for w in read_openalex(API_PAGES / "json_chunk_3_results_page_1.json")
                if w.source_id == "W2142879389")

    assert work.language == "fr"
    assert [(a.raw[:31], a.ror_ids, a.country_codes)
            for a in work.authorships[5].affiliations] == [
        (" IHSM Institut Halieutique et d", ("03g407536",), ("MG",)),
        ("Institute Schweiz Postfach 2807", (), ()),
        ("Journal Madagascar Conservation", ("02crff812",), ("CH",)),
        ("Postfach 2701 CH-8021 Zürich, S", (), ()),
    ]
    assert [a.affiliations for a in work.authorships[:5]] == [(), (), (), (), ()]


@pytest.mark.shared_data
@needs_shared
def test_shared_single_string_without_institution_gets_the_authorship_country():
    work = next(w for w in read_openalex(API_PAGES / "json_chunk_2_results_page_1.json")
                if w.source_id == "W2004242077")

    assert work.authorships[2].affiliations == (Affiliation(
        raw="Centro de Investigaciones en Ecosistemas, Universidad Autónoma de México, Morelia, "
            "México", country_codes=("MX",)),)
    assert work.authorships[0].affiliations[0].ror_ids == ("0160cpw27",)


@pytest.mark.shared_data
@needs_shared
def test_shared_api_page_read_as_json_lines_after_minifying(tmp_path):
    page = json.loads((API_PAGES / "json_chunk_4_results_page_1.json").read_text("utf-8"))
    lines = tmp_path / "part_000.gz"
    with gzip.open(lines, "wt", encoding="utf-8") as handle:
        for work in page["results"]:
            handle.write(json.dumps(work) + "\n")

    assert [w.source_id for w in read_openalex(lines)] == [
        w.source_id for w in read_openalex(API_PAGES / "json_chunk_4_results_page_1.json")]


@pytest.mark.shared_data
@needs_shared
def test_shared_csv_export():
    items = list(read_openalex_csv(SHARED / "bibliometrix-fixtures" / "openalex_sample.csv"))
    works = _works(items)

    assert (len(works), len(_issues(items))) == (8, 0)
    assert [w.pmid for w in works if w.pmid] == ["35434524", "33957813"]
    first = works[0]
    assert (first.source_id, first.title, first.year, first.doi, first.cited_by_count,
            first.fwci, first.is_open_access, first.venue, first.topics) == (
        "W2755950973", "bibliometrix : An R-tool for comprehensive science mapping analysis",
        2017, "10.1016/j.joi.2017.08.007", 13235, 116.9374, False, "Journal of Informetrics",
        ("Data Analysis with R",))
    assert first.authorships == (
        Authorship(position=1, name="Massimo Aria", orcid="0000-0002-8517-9411",
                   is_corresponding=True, affiliations=(Affiliation(
                       raw="University of Naples Federico II", country_codes=("IT",)),)),
        Authorship(position=2, name="Corrado Cuccurullo", orcid="0000-0002-7401-8575",
                   affiliations=(Affiliation(raw='University of Campania "Luigi Vanvitelli"',
                                             country_codes=("IT",)),)),
    )
    # 2 authors, 4 institutions: only the (one per author) countries can be placed
    guleria = works[2]
    assert [a.affiliations for a in guleria.authorships] == [
        (Affiliation(raw="", country_codes=("IN",)),),
        (Affiliation(raw="", country_codes=("IN",)),),
    ]
    # an author with neither institution nor country
    assert works[6].authorships[2] == Authorship(position=3, name="Gianluca Oricchio",
                                                 orcid="0000-0003-2993-6809")

