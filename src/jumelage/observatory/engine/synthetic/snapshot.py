"""Writing synthetic works as an OpenAlex snapshot folder: gzip JSON Lines parts under
updated_date partitions, a manifest, a SYNTHETIC.txt and a generator.json that says how they
were made. The same seed and part size give the same files, byte for byte, whatever `jobs`."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from jumelage.observatory.engine.synthetic.works import WorkMaker
from jumelage.observatory.engine.synthetic.world import World, load_world

FIRST_DATE = dt.date(2025, 1, 1)
PARTS_PER_DATE = 10  # a new updated_date partition every ten parts



@dataclass(frozen=True)
class Part:
    path: Path
    relative: str  # updated_date=…/part_NNN.gz
    works: int
    authorships: int
    size: int


def part_path(out: Path, number: int) -> tuple[Path, str]:
    date = FIRST_DATE + dt.timedelta(days=number // PARTS_PER_DATE)
    relative = f"updated_date={date.isoformat()}/part_{number:03d}.gz"
    return out / "data" / "works" / relative, relative


def write_part(out: Path, *, number: int, part_size: int, total: int, seed: int,
               ror_path: Path | None = None, compresslevel: int = 6,
               world: World | None = None) -> Part:
    """Write part `number` (works number*part_size … up to total) as gzip JSON Lines, over
    `world` or else the institutions of the ROR file `ror_path`."""
    if world is None:
        if ror_path is None:
            raise ValueError("write_part needs a world or a ROR file (ror_path)")
        world = _world(ror_path, seed)
    path, relative = part_path(out, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    start = number * part_size
    count = max(0, min(part_size, total - start))
    maker = WorkMaker(world, seed=seed)
    authorships = 0
    partial = path.with_suffix(".gz.partial")
    with partial.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                  compresslevel=compresslevel,
                                                  mtime=0) as stream:
        lines = []
        for work in maker.works(start=start, count=count):
            authorships += len(work["authorships"])
            lines.append(json.dumps(work, ensure_ascii=False))
            if len(lines) >= 500:
                stream.write(("\n".join(lines) + "\n").encode())
                lines.clear()
        if lines:
            stream.write(("\n".join(lines) + "\n").encode())
    partial.replace(path)
    return Part(path=path, relative=relative, works=count, authorships=authorships,
                size=path.stat().st_size)


_WORLDS: dict[tuple[str, int], World] = {}


def _world(ror_path: Path, seed: int) -> World:
    key = (str(ror_path), seed)
    if key not in _WORLDS:
        _WORLDS[key] = load_world(ror_path, seed=seed)
    return _WORLDS[key]


def _write_part_job(args: tuple) -> Part:
    out, number, part_size, total, seed, ror_path, level, world = args
    return write_part(out, number=number, part_size=part_size, total=total, seed=seed,
                      ror_path=ror_path, compresslevel=level, world=world)


@dataclass
class Snapshot:
    out: Path
    works: int
    authorships: int
    parts: list[Part]
    seconds: float

    @property
    def size(self) -> int:
        return sum(p.size for p in self.parts)


def write_snapshot(out: Path, *, works: int, seed: int = 1, part_size: int = 10_000,
                   jobs: int = 1, ror_path: Path | None = None, compresslevel: int = 6,
                   progress=None, world: World | None = None) -> Snapshot:
    """Write `works` synthetic works under `out` in the OpenAlex snapshot layout, over
    `world` (see world.world_from_records) or else the institutions of the ROR file
    `ror_path`."""
    if world is None and ror_path is None:
        raise ValueError("write_snapshot needs a world or a ROR file (ror_path)")
    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    (out / "SYNTHETIC.txt").write_text(
        "SYNTHETIC DATA: fictional works written by jumelage.observatory.engine.synthetic "
        f"(seed {seed}, {works} works, {part_size} per part).\nEvery title starts with "
        "\"[synthetic] \" and every work id is W9…: none of these records is real.\n",
        encoding="utf-8")
    numbers = range(math.ceil(works / part_size))
    jobs_args = [(out, n, part_size, works, seed, ror_path, compresslevel, world)
                 for n in numbers]
    parts: list[Part] = []
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for part in pool.map(_write_part_job, jobs_args):
                parts.append(part)
                if progress:
                    progress(part)
    else:
        for args in jobs_args:
            parts.append(_write_part_job(args))
            if progress:
                progress(parts[-1])
    manifest = {"entries": [
        {"url": f"s3://openalex/data/works/{p.relative}",
         "meta": {"content_length": p.size, "record_count": p.works}} for p in parts],
        "meta": {"content_length": sum(p.size for p in parts),
                 "record_count": sum(p.works for p in parts)}}
    (out / "data" / "works" / "manifest").write_text(json.dumps(manifest, indent=2),
                                                     encoding="utf-8")
    (out / "generator.json").write_text(json.dumps({
        "seed": seed, "works": works, "part_size": part_size,
        "authorships": sum(p.authorships for p in parts),
        "parts": [{"path": p.relative, "works": p.works, "authorships": p.authorships,
                   "size": p.size} for p in parts]}, indent=1), encoding="utf-8")
    return Snapshot(out=out, works=sum(p.works for p in parts),
                    authorships=sum(p.authorships for p in parts), parts=parts,
                    seconds=time.perf_counter() - started)

