"""The observatory's whole pipeline on synthetic OpenAlex snapshots, against DuckDB's raw scan.

For each size (10,000 and 100,000 works by default; add 1,000,000 with `--sizes`), on the
synthetic snapshot of bench/observatory/generate.py (made once under /tmp and reused):

1. *baseline*: DuckDB's own scan of the same gzip JSON Lines files,
   `SELECT count(*), sum(len(authorships)) FROM read_json_auto(…, format='newline_delimited')`,
   run before and after the pipelines (the faster of the two is the baseline);
2. *pipeline*: `ingest` with the engine's OpenAlex reader → `build_work_map` →
   `load_institutions` (the ROR subset, region codes from its `partner_region`) →
   `resolve_affiliations` with the `Matcher` → `attribute_themes` → `compute` (ARA–QC) on
   DuckDB, in a new DuckDB file under /tmp, with one reading process (`ingest(jobs=1)`);
3. the same with two processes (`ingest(jobs=2)` and `resolve_affiliations(jobs=2)`, unless
   `--one-process`); the tables
   written are checked to be identical (row counts and order-independent hashes);
4. with `--fast`: the ingestion done inside DuckDB (bench/observatory/fast_openalex.py, a
   proposal) instead of the Python reader.

Each run is a fresh process, so its peak memory is its own: peak resident memory (RSS, which
includes DuckDB's) per stage, read from /proc/self/status (VmHWM, reset between stages) or,
where that is not available, from `resource.getrusage`; with two reading processes, the
largest of theirs is added (an upper bound of what the run held at once). CPU time counts the
reading processes too. Prints works per second per stage, the
ratio of the pipeline's throughput to the raw scan's, and Markdown tables for
docs/performance.md.

    .venv/bin/python -m bench.observatory.pipeline                          # 10k and 100k works
    .venv/bin/python -m bench.observatory.pipeline --sizes 10000 100000 1000000
    .venv/bin/python -m bench.observatory.pipeline --data /tmp/my-synth --one-process
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR, machine, table

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"
THEME_RULES = (PROJECT_DIR / "src" / "jumelage" / "observatory" / "engine" / "rules"
               / "themes.csv")
DEFAULT_DATA = Path(tempfile.gettempdir()) / "jumelage-openalex-synth"
DEFAULT_SIZES = (10_000, 100_000)
# DuckDB's own scan of the files: the baseline. `read_json_auto` infers the schema (as one
# would explore a snapshot); with the two columns named, DuckDB parses only what it returns.
SCANS = {
    "raw scan (read_json_auto)": "SELECT count(*), sum(len(authorships)) FROM "
                                 "read_json_auto(?, format='newline_delimited')",
    "raw scan (two columns named)": "SELECT count(*), sum(len(authorships)) FROM read_json("
                                    "?, format='newline_delimited', "
                                    "columns={'id': 'VARCHAR', 'authorships': 'JSON[]'})",
}
PART_SIZE = 10_000


# --- memory --------------------------------------------------------------------------------

def _status_kib(field: str) -> int | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def _reset_peak() -> bool:
    """Reset the process's peak RSS (Linux: write 5 to /proc/self/clear_refs)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss() -> int:
    """Peak resident memory of this process since the last reset, in bytes."""
    hwm = _status_kib("VmHWM")
    if hwm is not None:
        return hwm * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def cpu_seconds() -> float:
    """CPU time of this process, all its threads (DuckDB's too), user and system, and of the
    child processes it has waited for (the reading processes of `ingest(jobs=2)`)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def children_peak_rss() -> int:
    """The largest peak resident memory of the child processes waited for so far, in bytes."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


class Stages:
    """Times (wall clock and CPU) and peak memory of the stages of one run."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.resettable = _reset_peak()

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[dict]:
        if self.resettable:
            _reset_peak()
        info: dict = {"name": name}
        start, cpu = time.perf_counter(), cpu_seconds()
        yield info
        info["seconds"] = time.perf_counter() - start
        info["cpu"] = cpu_seconds() - cpu
        info["peak_rss"] = peak_rss()
        info["children_peak_rss"] = children_peak_rss()
        self.rows.append(info)
        print(f"    {name}: {info['seconds']:.1f} s ({info['cpu']:.1f} s CPU), peak RSS "
              f"{info['peak_rss'] / 2**20:,.0f} MiB", file=sys.stderr, flush=True)


FINGERPRINTED = ("works", "authorships", "affiliations", "abstracts", "work_map",
                 "resolutions", "work_themes")


def fingerprints(store) -> dict[str, list]:
    """(rows, an order-independent hash of the rows) of each table the stages write."""
    return {table: list(store.con.execute(
        f"SELECT count(*), bit_xor(hash(t)) FROM {table} t").fetchone())
        for table in FINGERPRINTED}


# --- workers (each in its own process) -----------------------------------------------------

def scan_worker(folder: Path) -> dict:
    """DuckDB's raw scan of the snapshot's files."""
    import duckdb

    stages = Stages()
    pattern = str(folder / "data" / "works" / "*" / "*.gz")
    for name, query in SCANS.items():
        with stages.stage(name) as info:
            con = duckdb.connect()
            works, authorships = con.execute(query, [pattern]).fetchone()
            info.update(works=works, authorships=int(authorships))
            con.close()
    return {"stages": stages.rows, "threads": duckdb.connect().execute(
        "SELECT current_setting('threads')").fetchone()[0]}


def institution_rows(ror_path: Path) -> list[dict]:
    """The ROR subset as `load_institutions` takes it; regions from `partner_region`."""
    from jumelage.directory.ror import RorRecord, read_ror_file

    regions: dict[str, str] = {}
    with ror_path.open(encoding="utf-8") as handle:
        for line in handle:
            if '"partner_region": "' in line:
                record = json.loads(line)
                regions[record["id"].rsplit("/", 1)[-1]] = record["partner_region"]
    poles = {"ARA": "clara", "QC": "oncopole"}
    return [{"ror_id": r.ror_id, "name": r.name, "country_code": r.country_code,
             "region_code": regions.get(r.ror_id), "pole": poles.get(regions.get(r.ror_id, "")),
             "parent_ids": list(r.parent_ids)}
            for r in read_ror_file(path=ror_path) if isinstance(r, RorRecord)]


def pipeline_worker(folder: Path, db: Path, *, fast: bool, ror_path: Path,
                    ingest_only: bool = False, jobs: int = 1) -> dict:
    """The whole pipeline on one snapshot folder, into a new DuckDB file."""
    from jumelage.observatory.engine import index
    from jumelage.observatory.engine.backends import duckdb_backend
    from jumelage.observatory.engine.indicators import Scope, compute
    from jumelage.observatory.engine.matching import Matcher, Registry
    from jumelage.observatory.engine.store import Store

    stages = Stages()
    counts: dict = {}
    with Store(db) as store:
        with stages.stage("ingest") as info:
            if fast:
                from bench.observatory.fast_openalex import ingest_fast

                report = ingest_fast(store=store, paths=[folder])
                counts["works mapped in SQL"] = report.sql_works
                counts["lines left to the Python reader"] = report.python_lines
            else:
                from jumelage.observatory.engine.ingest import ingest

                report = ingest(store=store, source="openalex", paths=[folder], jobs=jobs)
            info["works"] = report.works
            counts["issues"] = len(report.issues)
        counts.update(store.counts())
        counts["affiliations without ROR id"] = store.con.execute(
            "SELECT count(*) FROM affiliations WHERE len(ror_ids) = 0").fetchone()[0]
        if ingest_only:
            return {"stages": stages.rows, "counts": counts}
        with stages.stage("work map") as info:
            dedupe = index.build_work_map(store)
            counts["distinct works"] = dedupe.works
        with stages.stage("institutions"):
            counts["institutions"] = index.load_institutions(store, institution_rows(ror_path))
        with stages.stage("matcher registry"):
            matcher = Matcher(Registry.from_ror_file(ror_path))
        with stages.stage("resolve affiliations"):
            looked, resolved = index.resolve_affiliations(
                store, index.MatcherResolve(matcher), jobs=jobs)
            counts["strings looked at"], counts["strings resolved"] = looked, resolved
        with stages.stage("themes"):
            themes = index.attribute_themes(store, index.read_theme_rules(THEME_RULES))
            counts["works per theme"] = themes
        with stages.stage("indicators"):
            report = compute(duckdb_backend(store), Scope(sides=("ARA", "QC")))
            counts["ARA-QC co-publications"] = report.copublications
            counts["ARA-QC institution pairs"] = len(report.institution_pairs)
            counts["report fingerprint"] = hash_report(report.as_dict())
        prints = fingerprints(store)
    counts["store bytes"] = db.stat().st_size
    return {"stages": stages.rows, "counts": counts, "fingerprints": prints}


def hash_report(report: dict) -> str:
    import hashlib

    return hashlib.sha256(json.dumps(report, sort_keys=True, default=str).encode()).hexdigest()[
        :16]


def _worker_main(args: argparse.Namespace) -> None:
    if args.worker == "scan":
        result = scan_worker(args.folder)
    else:
        result = pipeline_worker(args.folder, args.db,
                                 fast=args.worker in ("fast", "fast-ingest"),
                                 ror_path=args.ror, ingest_only=args.worker == "fast-ingest",
                                 jobs=2 if args.worker == "python2" else 1)
    result["process_peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps(result))


def run_worker(kind: str, folder: Path, *, db: Path | None = None, ror: Path) -> dict:
    command = [sys.executable, "-m", "bench.observatory.pipeline", "--worker", kind,
               "--folder", str(folder), "--ror", str(ror)]
    if db is not None:
        command += ["--db", str(db)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(PROJECT_DIR), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, check=True,
                          text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


# --- corpus ----------------------------------------------------------------------------------

def ensure_corpus(data: Path, *, works: int, seed: int, ror: Path, jobs: int) -> dict:
    """The generated snapshot under `data`, made (again) when absent or too small."""
    from bench.observatory import generate

    info_path = data / "generator.json"
    if info_path.is_file():
        info = json.loads(info_path.read_text(encoding="utf-8"))
        if (info["seed"] == seed and info["part_size"] == PART_SIZE
                and info["works"] >= works):
            return info
    if data.exists():
        shutil.rmtree(data)
    print(f"Generating {works:,} synthetic works into {data} …", file=sys.stderr, flush=True)
    snapshot = generate.write_snapshot(data, works=works, seed=seed, part_size=PART_SIZE,
                                       jobs=jobs, ror_path=ror)
    print(f"  done in {snapshot.seconds:.0f} s", file=sys.stderr)
    return json.loads(info_path.read_text(encoding="utf-8"))


def subset(data: Path, info: dict, works: int, target: Path) -> tuple[Path, int, int, int]:
    """A snapshot folder of the first parts holding `works` works (symbolic links)."""
    if target.exists():
        shutil.rmtree(target)
    parts = info["parts"][:math.ceil(works / info["part_size"])]
    for part in parts:
        link = target / "data" / "works" / part["path"]
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(data / "data" / "works" / part["path"])
    return (target, sum(p["works"] for p in parts), sum(p["authorships"] for p in parts),
            sum(p["size"] for p in parts))


# --- report ----------------------------------------------------------------------------------

def _mib(value: int) -> str:
    return f"{value / 2**20:,.0f}"


def _rate(works: int, seconds: float) -> str:
    return f"{works / seconds:,.0f}" if seconds else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                        help=f"numbers of works (whole parts of {PART_SIZE:,}; default 10,000 "
                             "and 100,000; add 1000000 for the full run)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="the generated snapshot, made there when absent or too small")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="processes to generate the data")
    parser.add_argument("--ror", type=Path, default=SHARED_FILE)
    parser.add_argument("--fast", action="store_true",
                        help="also run the DuckDB ingestion proposal (fast_openalex.py)")
    parser.add_argument("--fast-full", action="store_true",
                        help="run the later stages again after the fast ingestion (by default "
                             "they are measured once: they read the same rows)")
    parser.add_argument("--results", type=Path,
                        help="also write the measurements as JSON to this file")
    parser.add_argument("--one-process", action="store_true",
                        help="skip the run with two reading processes (ingest jobs=2)")
    parser.add_argument("--report", type=Path, nargs="+", metavar="RESULTS",
                        help="print the tables of earlier runs' --results files, merged")
    parser.add_argument("--worker", choices=("scan", "python", "python2", "fast", "fast-ingest"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker_main(args)
    if args.report:
        merged = [row for path in args.report
                  for row in json.loads(path.read_text(encoding="utf-8"))]
        return print_tables(sorted(merged, key=lambda row: row["works"]))
    if not args.ror.is_file():
        raise SystemExit(f"{args.ror}: no such file; give the ROR subset with --ror")
    data = args.data.resolve()
    if data == PROJECT_DIR or PROJECT_DIR in data.parents:
        raise SystemExit(f"{data}: inside the repository; keep generated data under /tmp")
    sizes = sorted(set(args.sizes))
    fast_kind = None if not args.fast else ("fast" if args.fast_full else "fast-ingest")

    print("# Observatory pipeline\n")
    print("\n".join(f"- {line}" for line in machine()))
    started = time.perf_counter()
    info = ensure_corpus(data, works=max(sizes), seed=args.seed, ror=args.ror, jobs=args.jobs)
    print(f"- data: {data} (seed {info['seed']}, {info['part_size']:,} works per part, "
          f"{info['authorships'] / info['works']:.2f} authorships per work)")
    work = Path(tempfile.mkdtemp(prefix="jumelage-bench-pipeline-"))
    results: list[dict] = []
    try:
        for size in sizes:
            folder, works, authorships, size_bytes = subset(data, info, size, work / f"s{size}")
            print(f"\n{works:,} works ({authorships:,} authorships, {_mib(size_bytes)} MiB of "
                  "gzip):", file=sys.stderr, flush=True)
            row: dict = {"works": works, "authorships": authorships, "bytes": size_bytes,
                         "load_before": os.getloadavg()[0]}
            print("  raw scans", file=sys.stderr, flush=True)
            scans = [run_worker("scan", folder, ror=args.ror)]
            for variant in ["python", None if args.one_process else "python2", fast_kind]:
                if variant is None:
                    continue
                print(f"  pipeline ({variant})", file=sys.stderr, flush=True)
                db = work / f"{variant}-{size}.duckdb"
                row[variant] = run_worker(variant, folder, db=db, ror=args.ror)
                db.unlink(missing_ok=True)
                Path(f"{db}.wal").unlink(missing_ok=True)
            print("  raw scans again", file=sys.stderr, flush=True)
            scans.append(run_worker("scan", folder, ror=args.ror))
            row["scans"] = scans
            row["load_after"] = os.getloadavg()[0]
            results.append(row)
            if args.results:
                args.results.write_text(json.dumps(results, indent=1), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - started
    print(f"- load average at the end (1, 5, 15 min): "
          f"{', '.join(f'{v:.2f}' for v in os.getloadavg())}; run time {total / 60:.1f} min")
    print(f"- DuckDB threads: {results[0]['scans'][0]['threads']}")
    print_tables(results)


def _scan(row: dict, name: str) -> dict:
    """The faster of the two runs of a scan (before and after the pipelines)."""
    runs = [next(s for s in scan["stages"] if s["name"] == name) for scan in row["scans"]]
    return min(runs, key=lambda s: s["seconds"])


def _total(stages: list[dict], key: str) -> float:
    return sum(s[key] for s in stages)


def _variants(row: dict) -> list[tuple[str, list[dict]]]:
    """(label, stages) of each pipeline run; the fast ingestion is followed by the later
    stages of the Python run when they were not run again (they read the same rows)."""
    runs = [("pipeline, 1 reading process", row["python"]["stages"])]
    if "python2" in row:
        runs.append(("pipeline, 2 reading processes", row["python2"]["stages"]))
    if "fast" in row:
        runs.append(("pipeline, DuckDB ingestion", row["fast"]["stages"]))
    elif "fast-ingest" in row:
        runs.append(("pipeline, DuckDB ingestion*",
                     row["fast-ingest"]["stages"] + row["python"]["stages"][1:]))
    return runs


def print_tables(results: list[dict]) -> None:
    names = list(SCANS)
    print("\n## Throughput against DuckDB's raw scan of the same files\n")
    lines = []
    for row in results:
        works = row["works"]
        auto, named = _scan(row, names[0]), _scan(row, names[1])
        for label, scan in ((names[0], auto), (names[1], named)):
            lines.append([f"{works:,}", label + (" = baseline" if scan is auto else ""),
                          f"{scan['seconds']:.1f}", f"{scan['cpu']:.1f}",
                          _rate(works, scan["seconds"]),
                          f"{auto['seconds'] / scan['seconds']:.2f}",
                          f"{named['seconds'] / scan['seconds']:.2f}",
                          _mib(scan["peak_rss"])])
        for label, stages in _variants(row):
            seconds, cpu = _total(stages, "seconds"), _total(stages, "cpu")
            lines.append([f"{works:,}", label, f"{seconds:.1f}", f"{cpu:.1f}",
                          _rate(works, seconds), f"{auto['seconds'] / seconds:.3f}",
                          f"{named['seconds'] / seconds:.3f}",
                          _mib(max(s["peak_rss"] + s.get("children_peak_rss", 0)
                                   for s in stages))])
    print(table(["works", "run", "wall s", "CPU s", "works/s", "throughput / read_json_auto",
                 "throughput / two-column scan", "peak RSS (MiB)"], lines))
    if any("fast-ingest" in row for row in results):
        print("\n\\* DuckDB ingestion measured; the later stages are those of the Python run "
              "(same rows).")
    for position, (label, _stages) in enumerate(_variants(results[0])):
        print(f"\n## Stages: {label}\n")
        stage_names = [s["name"] for s in _variants(results[0])[position][1]]
        header = ["stage"] + [f"{row['works']:,} works: wall s (CPU s), works/s, peak MiB"
                              for row in results]
        lines = []
        for index, name in enumerate(stage_names):
            cells = [name]
            for row in results:
                stage = _variants(row)[position][1][index]
                cells.append(f"{stage['seconds']:.1f} ({stage['cpu']:.1f}), "
                             f"{_rate(row['works'], stage['seconds'])}, "
                             f"{_mib(stage['peak_rss'])}")
            lines.append(cells)
        print(table(header, lines))
    print("\n## Counts\n")
    kinds = ("python", "python2", "fast-ingest", "fast")
    keys = list(dict.fromkeys(k for row in results for kind in kinds
                              if kind in row for k in row[kind]["counts"]))
    lines = []
    for key in keys:
        cells = [key]
        for row in results:
            values = [row[k]["counts"][key] for k in kinds
                      if k in row and key in row[k]["counts"]]
            text = [f"{v:,}" if isinstance(v, int) else json.dumps(v, sort_keys=True)
                    for v in values]
            cells.append(" / ".join(dict.fromkeys(text)))
        lines.append(cells)
    print(table(["count (one value: the same in every run)"]
                + [f"{row['works']:,} works" for row in results], lines))
    for row in results:
        runs = {k: row[k]["fingerprints"] for k in ("python", "python2", "fast")
                if k in row and "fingerprints" in row[k]}
        same = len({json.dumps(v, sort_keys=True) for v in runs.values()}) == 1
        print(f"\n{row['works']:,} works: the tables written ({', '.join(FINGERPRINTED)}) are "
              + ("identical in the runs " if same else "**NOT identical** in the runs ")
              + ", ".join(runs) + " (row counts and order-independent hashes).")
    print("\n## Load average (1 min) before and after each size\n")
    print(table(["works", "before", "after"],
                [[f"{row['works']:,}", f"{row['load_before']:.1f}", f"{row['load_after']:.1f}"]
                 for row in results]))


if __name__ == "__main__":
    main()
