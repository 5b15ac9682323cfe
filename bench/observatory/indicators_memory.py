"""The indicators under DuckDB memory caps: one store of the synthetic snapshot's first parts,
then `compute` (ARA–QC) with each `memory_limit` in turn, in one process.

    .venv/bin/python -m bench.observatory.indicators_memory --parts 100 --limits 2GB 20GB 2GB

Needs the snapshot of bench/observatory/pipeline.py (made there under /tmp). The store is
built once under /tmp with two processes and no cap, and kept for reruns (`--fresh` rebuilds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.observatory.pipeline import DEFAULT_DATA, SHARED_FILE, THEME_RULES, institution_rows


def build(db: Path, parts: list[Path]) -> None:
    from jumelage.observatory.engine import index
    from jumelage.observatory.engine.ingest import ingest
    from jumelage.observatory.engine.matching import Matcher, Registry
    from jumelage.observatory.engine.store import Store

    with Store(db, memory_limit="20GB") as store:
        ingest(store=store, source="openalex", paths=parts, jobs=2)
        index.build_work_map(store)
        index.load_institutions(store, institution_rows(SHARED_FILE))
        matcher = Matcher(Registry.from_ror_file(SHARED_FILE))
        index.resolve_affiliations(store, index.MatcherResolve(matcher), jobs=2)
        index.attribute_themes(store, index.read_theme_rules(THEME_RULES))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parts", type=int, default=100, help="parts of 10,000 works")
    parser.add_argument("--limits", nargs="+", default=["2GB", "20GB", "2GB"])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    from jumelage.observatory.engine.backends import duckdb_backend
    from jumelage.observatory.engine.indicators import Scope, compute
    from jumelage.observatory.engine.store import Store

    parts = sorted((args.data / "data" / "works").glob("*/*.gz"))[:args.parts]
    if len(parts) < args.parts:
        raise SystemExit(f"{args.data}: {len(parts)} parts; run bench.observatory.pipeline "
                         "with --sizes to generate them")
    db = Path(f"/tmp/jumelage-indicators-{args.parts}.duckdb")
    if args.fresh or not db.exists():
        db.unlink(missing_ok=True)
        build(db, parts)
    print("| memory_limit | indicators wall s | ARA–QC co-publications |\n|---|---|---|")
    for limit in args.limits:
        with Store(db, memory_limit=limit) as store:
            started = time.perf_counter()
            report = compute(duckdb_backend(store), Scope(sides=("ARA", "QC")))
            print(f"| {limit} | {time.perf_counter() - started:.1f} | "
                  f"{report.copublications:,} |", flush=True)


if __name__ == "__main__":
    main()
