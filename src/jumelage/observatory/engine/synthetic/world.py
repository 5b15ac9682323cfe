"""The institutions synthetic works are written over, with deterministic publishing weights.

Two ways in: `load_world` reads a ROR file (the France–Canada subset in ../shared/data/ror),
`world_from_records` takes plain records (the demo's directory institutions, for instance).
Either way the real foreign institutions of `places.FOREIGN` are added after them.
"""

from __future__ import annotations

import bisect
import json
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path

from jumelage.observatory.engine.synthetic.places import FOREIGN, PROVINCES, TYPE_WEIGHT

ZONES = ("FR_ARA", "FR", "CA_QC", "CA", "US", "GB", "DE")


@dataclass(slots=True)
class Institution:
    index: int
    ror_id: str
    name: str
    country: str  # ISO code
    zone: str  # FR_ARA, FR, CA_QC, CA, US, GB, DE
    kind: str  # first ROR type
    city: str
    province: str = ""  # Canada: QC, ON…; elsewhere the state or ""
    postal: str = ""  # foreign institutions: their postal code
    labels: tuple[str, ...] = ()  # other names (the other language, aliases)
    acronyms: tuple[str, ...] = ()
    parents: tuple[int, ...] = ()  # indexes of parent institutions
    weight: float = 1.0
    pool: int = 10  # how many authors it has


@dataclass
class World:
    institutions: list[Institution]
    zones: dict[str, tuple[list[int], list[float]]] = field(default_factory=dict)

    def pick(self, rng: random.Random, zone: str) -> Institution:
        members, cumulative = self.zones[zone]
        if not members:  # a small registry (a test's): any institution of the country, or any
            members, cumulative = self.zones.get(f"{zone[:2]}*", ([], []))
            if not members:
                members, cumulative = self.zones["*"]
        position = bisect.bisect_right(cumulative, rng.random() * cumulative[-1])
        return self.institutions[members[min(position, len(members) - 1)]]



def _partner_regions(path: Path) -> dict[str, str]:
    regions = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if '"partner_region": "' in line:
                record = json.loads(line)
                regions[record["id"].rsplit("/", 1)[-1]] = record["partner_region"]
    return regions


def load_world(ror_path: Path, *, seed: int = 1) -> World:
    """The active organisations of a ROR file (with a city), region flags ARA and QC from its
    `partner_region`, plus the foreign institutions."""
    from jumelage.directory.ror import RorRecord, read_ror_file

    regions = _partner_regions(ror_path)
    records = sorted((r for r in read_ror_file(path=ror_path)
                      if isinstance(r, RorRecord) and r.status == "active" and r.city),
                     key=lambda r: r.ror_id)
    plain = []
    for record in records:
        others = [label for labels in record.names.values() for label in labels]
        plain.append({
            "ror_id": record.ror_id, "name": record.name, "country_code": record.country_code,
            "region_code": regions.get(record.ror_id), "types": record.types,
            "city": record.city,
            "province": (PROVINCES.get(record.region, ("", ""))[0]
                         if record.country_code == "CA" else ""),
            "labels": [*others, *record.aliases[:2]], "acronyms": record.acronyms,
            "parent_ids": record.parent_ids})
    return world_from_records(plain, seed=seed)


def world_from_records(records: Iterable[dict], *, seed: int = 1) -> World:
    """A world over plain records, taken in the order given (sort them for a stable world).

    Each record: `ror_id`, `name`, `country_code` (ISO), `city`, and optionally `region_code`
    ("ARA", "QC": the partner regions), `types` (ROR types, e.g. ("education",)), `province`
    (Canada: "QC", "ON"…), `labels` (other names), `acronyms` and `parent_ids` (ROR ids).
    """
    rng = random.Random(f"institutions:{seed}")
    institutions: list[Institution] = []
    by_ror: dict[str, int] = {}
    parent_ids: dict[int, tuple[str, ...]] = {}
    for record in records:
        types = tuple(record.get("types") or ())
        kind = next((t for t in TYPE_WEIGHT if t in types), "other")
        region = record.get("region_code")
        country = record["country_code"]
        zone = f"{country}_{region}" if region else country
        labels = tuple(dict.fromkeys(
            label for label in record.get("labels") or () if label and label != record["name"]))
        by_ror[record["ror_id"]] = len(institutions)
        institutions.append(Institution(
            index=len(institutions), ror_id=record["ror_id"], name=record["name"],
            country=country, zone=zone, kind=kind, city=record["city"],
            province=record.get("province") or "", labels=labels,
            acronyms=tuple(a for a in record.get("acronyms") or () if 2 <= len(a) <= 12)))
        parent_ids[len(institutions) - 1] = tuple(record.get("parent_ids") or ())
    for ror_id, name, acronym, city, postal, country in FOREIGN:
        by_ror[ror_id] = len(institutions)
        institutions.append(Institution(
            index=len(institutions), ror_id=ror_id, name=name, country=country, zone=country,
            kind="education", city=city, postal=postal, acronyms=(acronym,) if acronym else ()))
    children = [0] * len(institutions)
    for inst in institutions:
        inst.parents = tuple(by_ror[p] for p in parent_ids.get(inst.index, ()) if p in by_ror)
        for parent in inst.parents:
            children[parent] += 1
    for inst in institutions:
        # A long tail: big organisations (those with many laboratories and centres in ROR)
        # publish most of the works.
        inst.weight = (TYPE_WEIGHT[inst.kind] * (1 + children[inst.index]) ** 1.2
                       * rng.lognormvariate(0.0, 0.8))
        if inst.zone in ("US", "GB", "DE"):
            inst.weight = 40.0 * rng.lognormvariate(0.0, 0.5)
        inst.pool = max(8, int(60 * inst.weight))
    world = World(institutions)
    for zone in ZONES:
        members = [i.index for i in institutions if i.zone == zone]
        world.zones[zone] = (members, list(accumulate(institutions[i].weight for i in members)))
    world.zones["*"] = (list(range(len(institutions))),
                        list(accumulate(i.weight for i in institutions)))
    # France and Canada as a whole (regions included, by their own weights).
    for country in ("FR", "CA"):
        members = [i.index for i in institutions if i.country == country]
        world.zones[f"{country}*"] = (
            members, list(accumulate(institutions[i].weight for i in members)))
    return world

