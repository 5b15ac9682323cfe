"""The reviewer-assignment solver on synthetic instances, against HiGHS's exact LP.

For each size (items x reviewers; k = 3, max load 8, about 6 % conflicts), on the instance of
bench/matching/generate.py (made once under /tmp and reused):

1. *baseline*: pyarrow's raw read of the scores file (`pyarrow.csv.read_csv`), what merely
   reading the input costs;
2. *CLI*: `.venv/bin/jumelage matching assign --scores S.csv --constraints C.csv --k 3
   --max-load 8 --out A.csv` as a subprocess, end to end (process start-up, Django, reading,
   solving, writing), its wall time, CPU time (user + system, all threads: less sensitive than
   wall time to a shared machine) and peak RSS;
3. *in process*: `load_problem` and `solve` timed apart (`Assignment.optimal`: the dual
   certificate passed);
4. *check*: the CLI's A.csv read back, counted by `validate_assignment` (violations) and its
   total affinity recomputed from the scores;
5. *exact*: scipy's HiGHS linear programme (`linprog(method="highs")`, integral for this
   problem: a transportation polytope) on sizes up to `--lp-max-pairs` pairs; the gap is HiGHS's
   optimum minus the CLI's total (HiGHS's own tolerance is about 1e-7 relative);
6. *fair* (sizes up to `--fair-max-pairs`): `solve(fair=True)` in process, its time, what it
   costs in total affinity and how far it raises the worst item.

openreview-matcher's times in the issue (MinMax 259 s, FairSequence 27 s for 2,000 x 1,000 on
this machine) were measured there, not here. Prints Markdown tables for docs/performance.md.

    .venv/bin/python -m bench.matching.solver                                   # all four sizes
    .venv/bin/python -m bench.matching.solver --sizes 200x100 2000x1000 --results /tmp/m.json
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np

from bench.common import PROJECT_DIR, machine, table
from bench.matching.generate import SEED, write_instance

DEFAULT_DATA = Path(tempfile.gettempdir()) / "jumelage-matching-synth"
DEFAULT_SIZES = ("200x100", "1000x500", "2000x1000", "10000x5000")
K, MAX_LOAD = 3, 8


def _instance(data: Path, size: str) -> Path:
    folder = data / size
    if not (folder / "S.csv").exists() or not (folder / "C.csv").exists():
        items, reviewers = (int(part) for part in size.split("x"))
        print(f"  generating {size} under {folder}", file=sys.stderr, flush=True)
        write_instance(folder, items=items, reviewers=reviewers, seed=SEED)
    return folder


def raw_read(path: Path) -> float:
    from pyarrow import csv as pacsv

    start = time.perf_counter()
    pacsv.read_csv(path, read_options=pacsv.ReadOptions(column_names=["a", "b", "c"]))
    return time.perf_counter() - start


# Runs the CLI and reports its own wall time, CPU time and peak RSS: measured from a small
# parent, so that the child's peak RSS does not count the pages of this (large) process.
WRAPPER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
child = subprocess.Popen(sys.argv[1:])
_pid, status, usage = os.wait4(child.pid, 0)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_rss": usage.ru_maxrss * 1024, "code": os.waitstatus_to_exitcode(status)}))
"""


def run_cli(folder: Path, out: Path) -> dict:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings",
               PYTHONPATH=str(PROJECT_DIR))
    command = [str(PROJECT_DIR / ".venv" / "bin" / "jumelage"), "matching", "assign",
               "--scores", str(folder / "S.csv"), "--constraints", str(folder / "C.csv"),
               "--k", str(K), "--max-load", str(MAX_LOAD), "--out", str(out)]
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], env=env,
                          capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    measured = json.loads(lines[-1])
    if measured["code"] != 0:
        raise SystemExit(f"the CLI failed:\n{done.stderr}")
    return dict(measured, stdout="\n".join(lines[:-1]))


def read_pairs(path: Path) -> list[tuple[str, str]]:
    with path.open() as handle:
        return [tuple(line.rstrip("\n").split(",")) for line in handle if line.strip()]


def highs(problem) -> tuple[float, float]:
    """(optimal total, seconds) by HiGHS's LP on the eligible pairs."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix

    start = time.perf_counter()
    rows, columns = np.nonzero(problem.eligible)
    n, m = problem.shape
    pairs = len(rows)
    take = np.arange(pairs)
    per_item = coo_matrix((np.ones(pairs), (rows, take)), shape=(n, pairs)).tocsr()
    per_reviewer = coo_matrix((np.ones(pairs), (columns, take)), shape=(m, pairs)).tocsr()
    result = linprog(-problem.scores[rows, columns], A_eq=per_item, b_eq=problem.k,
                     A_ub=per_reviewer, b_ub=problem.max_load, bounds=(0, 1), method="highs")
    seconds = time.perf_counter() - start
    if result.status != 0:
        raise SystemExit(f"HiGHS: {result.message}")
    return -result.fun, seconds


def run_size(size: str, *, data: Path, lp_max_pairs: int, fair_max_pairs: int) -> dict:
    from jumelage.matching.engine.assignment import solve, validate_assignment
    from jumelage.matching.engine.files import load_problem

    folder = _instance(data, size)
    items, reviewers = (int(part) for part in size.split("x"))
    row: dict = {"size": size, "items": items, "reviewers": reviewers}
    row["raw_read"] = raw_read(folder / "S.csv")
    out = Path(tempfile.mkdtemp(prefix="jumelage-assign-")) / "A.csv"
    cli = run_cli(folder, out)
    row["cli"], row["cli_cpu"], row["cli_peak_rss"] = cli["seconds"], cli["cpu"], cli["peak_rss"]
    print(f"  {size}: CLI {cli['seconds']:.2f} s, raw read {row['raw_read']:.2f} s",
          file=sys.stderr, flush=True)
    start = time.perf_counter()
    problem = load_problem(scores_path=folder / "S.csv", constraints_path=folder / "C.csv",
                           k=K, max_load=MAX_LOAD)
    row["load"] = time.perf_counter() - start
    row["conflict_share"] = float(problem.conflicts.mean())
    start = time.perf_counter()
    answer = solve(problem=problem)
    row["solve"] = time.perf_counter() - start
    row.update(objective=answer.objective, optimal=answer.optimal, rounding=answer.rounding,
               worst_item_total=answer.worst_item_total, stats=answer.stats)
    pairs = read_pairs(out)
    violations = validate_assignment(problem=problem, pairs=pairs)
    row["violations"] = violations
    item_at = {item: i for i, item in enumerate(problem.items)}
    reviewer_at = {reviewer: j for j, reviewer in enumerate(problem.reviewers)}
    row["cli_objective"] = float(sum(problem.scores[item_at[i], reviewer_at[r]]
                                     for i, r in pairs))
    if items * reviewers <= lp_max_pairs:
        row["highs"], row["highs_seconds"] = highs(problem)
        row["gap"] = row["highs"] - row["cli_objective"]
        row["reproduced"] = abs(row["gap"]) <= max(answer.rounding, 1e-7 * abs(row["highs"]))
        print(f"  {size}: HiGHS {row['highs_seconds']:.1f} s, gap {row['gap']:.2e}",
              file=sys.stderr, flush=True)
    if items * reviewers <= fair_max_pairs:
        start = time.perf_counter()
        fair = solve(problem=problem, fair=True)
        row["fair"] = {"seconds": time.perf_counter() - start, "objective": fair.objective,
                       "cost": fair.fairness_cost, "worst_before": fair.plain_worst_item_total,
                       "worst_after": fair.worst_item_total, "bound": fair.worst_item_bound,
                       "violations": sum(validate_assignment(problem=problem,
                                                             pairs=fair.pairs).values())}
    return row


def report(rows: list[dict]) -> None:
    print()
    print(table(
        ["items x reviewers", "CLI (s)", "CLI CPU (s)", "raw read (s)", "CLI / raw read",
         "load (s)", "solve (s)", "certified", "HiGHS (s)", "HiGHS / CLI", "gap (HiGHS - CLI)",
         "violations", "CLI peak RSS (MiB)"],
        [[f"{r['items']:,} x {r['reviewers']:,}", f"{r['cli']:.2f}", f"{r['cli_cpu']:.2f}",
          f"{r['raw_read']:.2f}",
          f"{r['cli'] / r['raw_read']:.1f}", f"{r['load']:.2f}", f"{r['solve']:.2f}",
          "yes" if r["optimal"] else "no",
          f"{r['highs_seconds']:.1f}" if "highs" in r else "not run",
          f"{r['highs_seconds'] / r['cli']:.1f}" if "highs" in r else "-",
          f"{r['gap']:.1e}" if "highs" in r else "-", sum(r["violations"].values()),
          f"{r['cli_peak_rss'] / 2**20:,.0f}"] for r in rows]))
    fair = [r for r in rows if "fair" in r]
    if fair:
        print()
        print(table(
            ["items x reviewers", "fair (s)", "worst item: plain", "worst item: fair",
             "bound", "cost in total affinity", "violations"],
            [[f"{r['items']:,} x {r['reviewers']:,}", f"{r['fair']['seconds']:.2f}",
              f"{r['fair']['worst_before']:.4f}", f"{r['fair']['worst_after']:.4f}",
              f"{r['fair']['bound']:.4f}",
              f"{r['fair']['cost']:.4f} ({r['fair']['cost'] / r['objective']:.2%})",
              r["fair"]["violations"]] for r in fair]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(DEFAULT_SIZES),
                        help="ITEMSxREVIEWERS, e.g. 2000x1000")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--lp-max-pairs", type=int, default=2_000_000,
                        help="run HiGHS on sizes up to this many pairs (default 2,000,000)")
    parser.add_argument("--fair-max-pairs", type=int, default=2_000_000)
    parser.add_argument("--results", type=Path, default=None, help="write the rows as JSON")
    args = parser.parse_args(argv)
    if str(PROJECT_DIR / "src") not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR / "src"))
    print("\n".join(f"- {line}" for line in _machine()))
    rows = []
    for size in args.sizes:
        rows.append(run_size(size, data=args.data, lp_max_pairs=args.lp_max_pairs,
                             fair_max_pairs=args.fair_max_pairs))
        if args.results:
            args.results.write_text(json.dumps(rows, indent=1, default=str))
    report(rows)
    bad = [r["size"] for r in rows if sum(r["violations"].values()) or not r["optimal"]
           or r.get("reproduced") is False]
    if bad:
        print(f"\nWARNING: not optimal or not valid on {', '.join(bad)}")


def _machine() -> list[str]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    return machine()


if __name__ == "__main__":
    main()
