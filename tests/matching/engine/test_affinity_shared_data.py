"""The affinity evaluation on the real publication files of ../shared/data (skipped without)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from bench.matching.affinity_eval import (
    DATASETS,
    author_key,
    evaluate,
    make_split,
    read_works,
    split_year,
)

from jumelage.matching.engine.affinity import AffinityModel
from jumelage.matching.engine.profiles import build_profiles

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "publications"
needs_shared_data = pytest.mark.skipif(not SHARED.is_dir(),
                                       reason="../shared/data/publications is absent")


def works_of(name):
    reader, relative = DATASETS[name]
    return read_works(SHARED / relative, reader)


def test_evaluation_says_so_and_exits_0_without_the_data(tmp_path):
    result = subprocess.run([sys.executable, "-m", "bench.matching.affinity_eval", "--data",
                             str(tmp_path / "absent")], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[3])
    assert result.returncode == 0
    assert result.stdout == (f"{tmp_path / 'absent'}: no such folder; the evaluation needs the "
                             "shared publication files (../shared/data/publications). Nothing "
                             "measured.\n")


def test_author_key_of_each_source_layout():
    assert author_key("Roach, Mack, III") == "roach m"  # WoS AF
    assert author_key("Lange B.") == "lange b"  # Scopus 2016
    assert author_key("Lévesque, Émilie") == "levesque e"  # MEDLINE
    assert author_key("Jean-Pierre Dupont") == "dupont j"
    assert author_key("Van der Berg J.-P.") == "van der berg j"
    assert author_key("Consortium") == "consortium"


@pytest.mark.shared_data
@needs_shared_data
def test_held_back_pairs_match_an_independent_count():
    works = works_of("wos-manyauthors")
    split = make_split(works, 2006)
    authors = {w.source_id: {author_key(a.name) for a in w.authorships} for w in works}
    before = [w for w in works if w.year is not None and w.year <= 2006]
    after = [w for w in works if w.year is not None and w.year > 2006]
    profiled = set().union(*(authors[w.source_id] for w in before))
    met = {frozenset((a, b)) for w in before for a in authors[w.source_id]
           for b in authors[w.source_id] if a != b}
    later = {frozenset((a, b)) for w in after for a in authors[w.source_id] & profiled
             for b in authors[w.source_id] & profiled if a != b} - met
    assert split.pairs == len(later)
    assert set(split.held_back) == set().union(*later)
    assert len(split.people) == len(profiled)


@pytest.mark.shared_data
@needs_shared_data
def test_split_year_steps_back_when_nothing_is_held_back():
    works = works_of("medline-2016")
    # 398 of the 483 works are of 2015: the 70 % quantile (2015) holds nothing back
    assert make_split(works, 2015).held_back == {}
    assert split_year(works) == 2014


@pytest.mark.shared_data
@needs_shared_data
def test_tfidf_finds_later_coauthors_better_than_chance():
    result = evaluate(works_of("wos-manyauthors"), year=2006, methods=["tfidf"], seeds=3)
    tfidf, chance = result["variants"]["tfidf"], result["variants"]["random"]
    assert result["query_authors"] == len(make_split(works_of("wos-manyauthors"),
                                                     2006).held_back)
    assert tfidf["recall_at_10"] > 2 * chance["recall_at_10"]
    assert tfidf["mrr"] > 2 * chance["mrr"]


@pytest.mark.shared_data
@needs_shared_data
def test_real_profiles_score_in_unit_interval():
    split = make_split(works_of("scopus-2016"), 2006)
    profiles = build_profiles(people=split.people, works=split.rows,
                              authorships=split.authorships)
    assert {p.id: set(p.coauthor_ids) for p in profiles if p.coauthor_ids} == {
        key: partners for key, partners in split.earlier.items() if partners}
    for method in ("tfidf", "bm25"):
        scores = AffinityModel(method=method).fit(profiles).score_profiles()
        assert scores.shape == (len(profiles), len(profiles))
        assert float(scores.min()) >= 0.0 and float(scores.max()) <= 1.0
        assert np.count_nonzero(scores) > len(profiles)
