"""Synthetic OpenAlex works over real institutions, at any scale: a snapshot folder to benchmark
and demonstrate the observatory with.

The command line over jumelage.observatory.engine.synthetic (which says what the works are
and how each one is marked as synthetic); by default over the ROR subset of
../shared/data/ror/ror_fr_ca_subset.jsonl.

    .venv/bin/python -m bench.observatory.generate --works 1000000 --out /tmp/synth --seed 1
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR
from jumelage.observatory.engine.synthetic import snapshot
from jumelage.observatory.engine.synthetic.marks import (  # noqa: F401 - the bench's names
    DOI_PREFIX,
    FIRST_ID,
    FIRST_PMID,
    TITLE_PREFIX,
)
from jumelage.observatory.engine.synthetic.snapshot import Part, Snapshot, part_path  # noqa: F401
from jumelage.observatory.engine.synthetic.world import World, load_world  # noqa: F401

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"


def write_part(out: Path, *, number: int, part_size: int, total: int, seed: int,
               ror_path: Path = SHARED_FILE, compresslevel: int = 6,
               world: World | None = None) -> Part:
    """snapshot.write_part, over the shared ROR subset unless told otherwise."""
    return snapshot.write_part(out, number=number, part_size=part_size, total=total, seed=seed,
                               ror_path=ror_path, compresslevel=compresslevel, world=world)


def write_snapshot(out: Path, *, works: int, seed: int = 1, part_size: int = 10_000,
                   jobs: int = 1, ror_path: Path = SHARED_FILE, compresslevel: int = 6,
                   progress=None) -> Snapshot:
    """snapshot.write_snapshot, over the shared ROR subset unless told otherwise."""
    return snapshot.write_snapshot(out, works=works, seed=seed, part_size=part_size, jobs=jobs,
                                   ror_path=ror_path, compresslevel=compresslevel,
                                   progress=progress)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--works", type=int, default=10_000)
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (outside the repository, e.g. under /tmp)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--part-size", type=int, default=10_000, help="works per part file")
    parser.add_argument("--jobs", type=int, default=1, help="parts written in parallel")
    parser.add_argument("--compresslevel", type=int, default=6, choices=range(1, 10))
    parser.add_argument("--ror", type=Path, default=SHARED_FILE)
    args = parser.parse_args()
    out = args.out.resolve()
    if out == PROJECT_DIR or PROJECT_DIR in out.parents:
        raise SystemExit(f"{out}: inside the repository; write generated data elsewhere "
                         "(for instance under /tmp)")
    if not args.ror.is_file():
        raise SystemExit(f"{args.ror}: no such file; give the ROR subset with --ror")
    if args.works < 1 or args.part_size < 1:
        raise SystemExit("--works and --part-size must be at least 1")

    def progress(part: Part) -> None:
        print(f"  {part.relative}: {part.works:,} works, {part.authorships:,} authorships, "
              f"{part.size / 2**20:.1f} MiB", file=sys.stderr)

    snapshot = write_snapshot(out, works=args.works, seed=args.seed, part_size=args.part_size,
                              jobs=args.jobs, ror_path=args.ror,
                              compresslevel=args.compresslevel, progress=progress)
    print(f"{out}: {snapshot.works:,} synthetic works, {snapshot.authorships:,} authorships "
          f"({snapshot.authorships / max(1, snapshot.works):.2f} per work), "
          f"{len(snapshot.parts)} parts, {snapshot.size / 2**20:,.1f} MiB, "
          f"{snapshot.seconds:.1f} s ({snapshot.works / snapshot.seconds:,.0f} works/s)")


if __name__ == "__main__":
    main()
