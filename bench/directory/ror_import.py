"""ROR import: reading a ROR file, and importing it into the directory twice.

Uses the shared subset ../shared/data/ror/ror_fr_ca_subset.jsonl (or --file). Measured, each
against a baseline timed in the same run:

* reading: `read_ror_file` consumed to the end, against `json.loads` of every line (the least a
  JSON Lines reader can do); and the same records written as one JSON array (the registry's own
  dump layout), read with `read_ror_file`, against `json.load` of the whole file;
* importing: `import_ror_records(records=read_ror_file(...))` into an empty directory, then again
  with the same file (nothing to change), against the JSON baseline, with records per second,
  SQL queries and peak Python memory.

    .venv/bin/python -m bench.directory.ror_import
    .venv/bin/python -m bench.directory.ror_import \\
        --database-url postgres://postgres@127.0.0.1:5432/jumelage_bench
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a file: bench/directory/ror_import.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import (
    PROJECT_DIR,
    Timing,
    machine,
    mib,
    ms,
    peak_memory,
    ratio,
    reset_database,
    setup_django,
    table,
    time_interleaved,
    timed,
)

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"


def json_lines(path: Path) -> int:
    """Baseline: decode every line, nothing else."""
    count = 0
    with open(path, "rb") as stream:
        for line in stream:
            if line.strip():
                json.loads(line)
                count += 1
    return count


def json_array(path: Path) -> int:
    """Baseline for the array layout: one json.load of the whole file."""
    with open(path, "rb") as stream:
        return len(json.load(stream))


def read_all(path: Path) -> int:
    from jumelage.directory.ror import read_ror_file

    return sum(1 for _item in read_ror_file(path=path))


def import_file(path: Path):
    from jumelage.directory.ror import read_ror_file
    from jumelage.directory.services import import_ror_records

    return import_ror_records(records=read_ror_file(path=path), actor=None, source=path.name)


def bench_reading(*, path: Path, repeat: int) -> list[list[str]]:
    with tempfile.TemporaryDirectory(prefix="jumelage-bench-ror-") as tmp:
        array = Path(tmp) / "ror.json"
        with open(path, "rb") as source:
            records = [json.loads(line) for line in source if line.strip()]
        array.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
        records_count = len(records)
        del records
        timings = time_interleaved({
            "lines": lambda: json_lines(path), "read lines": lambda: read_all(path),
            "array": lambda: json_array(array), "read array": lambda: read_all(array),
        }, repeat=repeat)
        peaks = {name: peak_memory(run) for name, run in {
            "lines": lambda: json_lines(path), "read lines": lambda: read_all(path),
            "array": lambda: json_array(array), "read array": lambda: read_all(array)}.items()}
        sizes = {"lines": path.stat().st_size, "array": array.stat().st_size}
    rows = []
    for layout, label in (("lines", "JSON Lines"), ("array", "JSON array (indented)")):
        read, base = timings[f"read {layout}"], timings[layout]
        rows.append([label, f"{sizes[layout] / 1e6:.1f} MB", f"{records_count:,}",
                     ratio(read.median, base.median), ms(read.median), ms(base.median),
                     f"{records_count / read.median:,.0f}",
                     mib(peaks[f"read {layout}"]), mib(peaks[layout])])
    return rows


def bench_import(*, path: Path, repeat: int) -> tuple[list[list[str]], dict]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jumelage.directory.models import Institution

    first, second, baseline = [], [], []
    queries, peaks, reports = {}, {}, {}
    for round_number in range(repeat + 1):  # round 0 warms up, counts queries and memory
        reset_database()
        baseline.append(timed(lambda: json_lines(path))[0])
        for name, samples in (("first", first), ("second", second)):
            if round_number == 0:
                with CaptureQueriesContext(connection) as captured:
                    reports[name] = import_file(path)
                queries[name] = len(captured.captured_queries)
                continue
            seconds, report = timed(lambda: import_file(path))
            samples.append(seconds)
            if report.counts() != reports[name].counts():
                raise SystemExit(f"the {name} import changed: {report.counts()}")
        if round_number == 0:
            reset_database()
            peaks["first"] = peak_memory(lambda: import_file(path))
            peaks["second"] = peak_memory(lambda: import_file(path))
            peaks["baseline"] = peak_memory(lambda: json_lines(path))
    institutions = Institution.objects.count()
    links = Institution.parents.through.objects.count()
    base = Timing(baseline)
    rows = []
    for name, label, samples in (("first", "import into an empty directory", first),
                                 ("second", "same file again (no change)", second)):
        timing, rep = Timing(samples), reports[name]
        rows.append([label, ratio(timing.median, base.median),
                     ratio(timing.median, Timing(first).median), ms(timing.median),
                     f"{rep.read / timing.median:,.0f}", queries[name],
                     mib(peaks[name]),
                     ", ".join(f"{key} {value:,}" for key, value in rep.counts().items()
                               if value)])
    info = {"baseline_ms": ms(base.median), "baseline_peak": mib(peaks["baseline"]),
            "institutions": institutions, "links": links, "rounds": repeat}
    return rows, info


def main() -> None:
    parser = argparse.ArgumentParser(description="ROR import: reading and importing a ROR file.")
    parser.add_argument("--file", type=Path, default=SHARED_FILE,
                        help=f"ROR file (default: {SHARED_FILE})")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds")
    parser.add_argument("--database-url", default=None,
                        help="postgres://USER@HOST:PORT/NAME, created if absent and emptied "
                             "(default: a temporary SQLite file)")
    args = parser.parse_args()
    if not args.file.is_file():
        print(f"ROR benchmark skipped: no ROR file at {args.file} (give one with --file).")
        return

    database = setup_django(database_url=args.database_url)
    print("# ROR import benchmark")
    for line in [*machine(), f"database: {database}", f"file: {args.file}"]:
        print(f"- {line}")
    started = time.perf_counter()
    reading = bench_reading(path=args.file, repeat=3 * args.repeat)  # reading is cheap
    print("\nReading (no database), read_ror_file / json baseline\n")
    print(table(["layout", "size", "records", "time read/baseline", "read (ms)",
                 "baseline (ms)", "records/s", "peak read (MiB)", "peak baseline (MiB)"],
                reading))
    importing, info = bench_import(path=args.file, repeat=args.repeat)
    print(f"\nImport ({info['rounds']} rounds; baseline json.loads of every line: "
          f"{info['baseline_ms']} ms, peak {info['baseline_peak']} MiB; "
          f"{info['institutions']:,} institutions and {info['links']:,} parent links after)\n")
    print(table(["run", "time / json baseline", "time / first import", "time (ms, median)",
                 "records/s", "SQL queries", "peak (MiB)", "report"], importing))
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
