"""Synthetic reviewer-assignment instances in openreview-matcher's formats.

Items and reviewers get sparse topic mixtures (Dirichlet, 25 topics, a few topics each, as
abstracts and publication profiles have); a pair's score is the cosine similarity of the two
mixtures, raised to a power that spreads the values, with a little noise, rounded to 6 decimals
and clipped to [0, 1]. Some reviewers are broad (flatter mixtures), so they are wanted by many
items and their maximum load binds. About 1 % of the pairs have no score row (unknown), and
about 6 % of the pairs are conflicts of interest, drawn at random with more of them among pairs
that share a "home institution" (one of 60).

Writes S.csv (`paper_id,reviewer_id,score`, no header) and C.csv (`paper_id,reviewer_id,-1`).

    .venv/bin/python -m bench.matching.generate --items 2000 --reviewers 1000 --out /tmp/m2000
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR

TOPICS = 25
INSTITUTIONS = 60
CONFLICT_RATE = 0.06
MISSING_RATE = 0.01
SEED = 20180308


def item_id(i: int) -> str:
    return f"P{i:05d}"


def reviewer_id(j: int) -> str:
    return f"R{j:05d}"


def write_instance(out: Path, *, items: int, reviewers: int, seed: int = SEED,
                   rows_per_chunk: int = 1_000_000) -> dict:
    """Write S.csv and C.csv under `out`; return the counts written."""
    import pyarrow as pa
    from pyarrow import csv as pacsv

    out = Path(out)
    if PROJECT_DIR in out.resolve().parents:
        raise SystemExit(f"{out}: generated data never goes inside the repository")
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    item_mix = rng.dirichlet(np.full(TOPICS, 0.15), size=items)
    breadth = np.where(rng.random(reviewers) < 0.1, 1.0, 0.15)
    reviewer_mix = np.stack([rng.dirichlet(np.full(TOPICS, b)) for b in breadth])
    item_mix /= np.linalg.norm(item_mix, axis=1, keepdims=True)
    reviewer_mix /= np.linalg.norm(reviewer_mix, axis=1, keepdims=True)
    item_home = rng.integers(INSTITUTIONS, size=items)
    reviewer_home = rng.integers(INSTITUTIONS, size=reviewers)
    item_names = pa.array([item_id(i) for i in range(items)])
    reviewer_names = pa.array([reviewer_id(j) for j in range(reviewers)])
    step = max(1, rows_per_chunk // reviewers)
    counts = {"scores": 0, "conflicts": 0}
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    schema = pa.schema([("paper_id", pa.string()), ("reviewer_id", pa.string()),
                        ("score", pa.float64())])
    with pacsv.CSVWriter(out / "S.csv", schema, write_options=options) as scores_file, \
            pacsv.CSVWriter(out / "C.csv", schema.set(2, pa.field("value", pa.int8())),
                            write_options=options) as conflicts_file:
        for start in range(0, items, step):
            stop = min(items, start + step)
            similarity = item_mix[start:stop] @ reviewer_mix.T
            score = similarity ** 0.7 + rng.normal(0, 0.03, similarity.shape)
            score = np.clip(np.round(score, 6), 0.000001, 1.0)
            known = rng.random(score.shape) >= MISSING_RATE
            same_home = item_home[start:stop, None] == reviewer_home[None, :]
            conflict = rng.random(score.shape) < np.where(same_home, 0.5, 0.052)
            rows, columns = np.nonzero(known)
            scores_file.write_table(pa.table({
                "paper_id": item_names.take(rows + start),
                "reviewer_id": reviewer_names.take(columns),
                "score": score[rows, columns]}, schema=schema))
            counts["scores"] += len(rows)
            rows, columns = np.nonzero(conflict)
            conflicts_file.write_table(pa.table({
                "paper_id": item_names.take(rows + start),
                "reviewer_id": reviewer_names.take(columns),
                "value": np.full(len(rows), -1, dtype=np.int8)}))
            counts["conflicts"] += len(rows)
    (out / "SYNTHETIC.txt").write_text(
        f"Synthetic instance from bench/matching/generate.py: {items} items x {reviewers} "
        f"reviewers, seed {seed}.\n")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, required=True)
    parser.add_argument("--reviewers", type=int, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    counts = write_instance(args.out, items=args.items, reviewers=args.reviewers,
                            seed=args.seed)
    pairs = args.items * args.reviewers
    print(f"{counts['scores']:,} score rows, {counts['conflicts']:,} conflicts "
          f"({counts['conflicts'] / pairs:.1%} of pairs) in {args.out}")


if __name__ == "__main__":
    main()
