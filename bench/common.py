"""What every benchmark shares: a throw-away database, timing, the machine's description.

Timings are reported as ratios against a baseline measured in the same run (docs/performance.md);
the absolute times only describe this machine on this day.
"""

from __future__ import annotations

import atexit
import gc
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]


def setup_django(*, database_url: str | None) -> str:
    """Point the test settings at a fresh SQLite file (default) or at `database_url`
    (PostgreSQL, created when absent), migrate it, and return a printable description."""
    if str(PROJECT_DIR) not in sys.path:
        sys.path.insert(0, str(PROJECT_DIR))
    work = Path(tempfile.mkdtemp(prefix="jumelage-bench-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    if database_url is None:
        database_url = f"sqlite:///{work / 'bench.sqlite3'}"
    elif database_url.startswith(("postgres://", "postgresql://")):
        _create_postgres_database(database_url)
    else:
        raise SystemExit(f"--database-url {database_url!r}: give postgres://USER@HOST:PORT/NAME "
                         "(without it, the benchmark uses a temporary SQLite file)")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    os.environ["JUMELAGE_VAR_DIR"] = str(work)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return describe_database()


def _create_postgres_database(url: str) -> None:
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(url)
    params = {"host": config.get("HOST") or "127.0.0.1", "port": config.get("PORT") or 5432,
              "user": config.get("USER") or "postgres", "dbname": "postgres"}
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                              [config["NAME"]]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def describe_database() -> str:
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (temporary file, WAL)"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    return f"PostgreSQL {version} ({connection.settings_dict['NAME']})"


def reset_database() -> None:
    """Empty every table, then let the planner see the empty state."""
    from django.core.management import call_command
    from django.db import connection

    call_command("flush", verbosity=0, interactive=False)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")


def analyze() -> None:
    """Refresh planner statistics, as autovacuum (PostgreSQL) or `PRAGMA optimize` would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def machine() -> list[str]:
    """Lines describing the machine: cores, memory, CPU model, Python and Django."""
    import django

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    lines = [f"cores available (nproc): {cores}"]
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True).stdout
        mem = next(line for line in free.splitlines() if line.startswith("Mem:")).split()
        lines.append(f"memory (free -h): {mem[1]} total, {mem[-1]} available")
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    model = _cpu_model()
    if model:
        lines.append(f"CPU: {model}")
    if hasattr(os, "getloadavg"):
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        lines.append(f"load average at start (1, 5, 15 min): {load}")
    lines.append(f"Python {platform.python_version()}, Django {django.get_version()}, "
                 f"{platform.system()} {platform.release()}")
    return lines


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


# --- measuring ---

@dataclass
class Timing:
    """Wall-clock samples of one variant, in seconds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def spread(self) -> float:
        """(max - min) / median: how noisy the samples were."""
        return (max(self.samples) - min(self.samples)) / self.median if self.median else 0.0


@contextmanager
def gc_paused() -> Iterator[None]:
    """Collect now, then keep the cyclic garbage collector out of the timed code (as timeit
    does): a collection that happens to fall inside one sample is noise, not cost."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds that `run()` takes, and what it returns."""
    with gc_paused():
        start = time.perf_counter()
        result = run()
        return time.perf_counter() - start, result


def time_interleaved(variants: dict[str, Callable[[], Any]], *, repeat: int,
                     warmup: int = 1) -> dict[str, Timing]:
    """Run the variants in turn, `repeat` rounds after `warmup` untimed rounds, so that a
    slow spell of the machine hits all of them alike."""
    for _round in range(warmup):
        for run in variants.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _round in range(repeat):
        for name, run in variants.items():
            samples[name].append(timed(run)[0])
    return {name: Timing(values) for name, values in samples.items()}


def peak_memory(run: Callable[[], Any]) -> int:
    """Peak bytes allocated by Python objects while `run()` runs (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        run()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}" if baseline else "-"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}" if seconds < 10 else f"{seconds * 1000:.0f}"


def mib(size: int) -> str:
    return f"{size / (1 << 20):.2f}"


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table, to paste into docs/performance.md."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
