"""Organisations as the matcher knows them, read from ROR records, dicts or the alias file."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jumelage.directory.identifiers import normalize_ror
from jumelage.observatory.engine.matching.text import looks_like_acronym

ALIASES_FILE = Path(__file__).resolve().parents[1] / "data" / "affiliation_aliases.csv"


@dataclass(frozen=True, slots=True)
class Organisation:
    """One organisation of the registry."""

    ror_id: str
    name: str
    labels: tuple[str, ...] = ()  # every other name, in any language (ROR labels and aliases)
    acronyms: tuple[str, ...] = ()
    city: str = ""
    region: str = ""
    country_code: str = ""
    parent_ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    status: str = "active"

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class Alias:
    """A row of the alias file: a name the partnership's staff know an institution by."""

    alias: str
    ror_id: str
    kind: str = "name"  # "name" or "acronym"
    city: str = ""
    note: str = ""


def read_aliases(path: Path = ALIASES_FILE) -> list[Alias]:
    """Rows of an alias file (columns alias, ror_id, kind, city, note; lines starting "#" are
    comments)."""
    with path.open(encoding="utf-8", newline="") as stream:
        lines = [line for line in stream if line.strip() and not line.lstrip().startswith("#")]
    rows = []
    for row in csv.DictReader(lines):
        ror_id = normalize_ror(row.get("ror_id") or "")
        alias = (row.get("alias") or "").strip()
        if ror_id and alias:
            rows.append(Alias(alias=alias, ror_id=ror_id,
                              kind=(row.get("kind") or "name").strip() or "name",
                              city=(row.get("city") or "").strip(),
                              note=(row.get("note") or "").strip()))
    return rows


def organisation_from(item: Any) -> Organisation | None:
    """An Organisation from a RorRecord, a dict or an Organisation; None without a ROR id."""
    if isinstance(item, Organisation):
        return item
    if isinstance(item, Mapping):
        return _from_mapping(item)
    if hasattr(item, "ror_id") and hasattr(item, "names"):  # jumelage.directory.ror.RorRecord
        labels = [value for values in item.names.values() for value in values]
        return Organisation(
            ror_id=item.ror_id, name=item.name, labels=_unique([*labels, *item.aliases]),
            acronyms=tuple(item.acronyms), city=item.city, region=item.region,
            country_code=item.country_code, parent_ids=tuple(item.parent_ids),
            types=tuple(item.types), status=item.status)
    raise TypeError(f"cannot read an organisation from {type(item).__name__}")


def _from_mapping(data: Mapping[str, Any]) -> Organisation | None:
    ror_id = normalize_ror(str(data.get("ror_id") or data.get("id") or ""))
    if not ror_id:
        return None
    names: list[str] = []
    raw_names = data.get("names")
    if isinstance(raw_names, Mapping):
        for values in raw_names.values():
            names.extend([values] if isinstance(values, str) else values)
    elif isinstance(raw_names, list | tuple):
        names.extend(n if isinstance(n, str) else n.get("value", "") for n in raw_names)
    for field in ("name", "name_fr", "name_en", "label", "labels"):
        value = data.get(field)
        names.extend([value] if isinstance(value, str) else (value or []))
    acronyms = list(_strings(data.get("acronyms")))
    if isinstance(data.get("acronym"), str):
        acronyms.insert(0, data["acronym"])
    for alias in _strings(data.get("aliases")):
        (acronyms if looks_like_acronym(alias) else names).append(alias)
    names = [n.strip() for n in names if isinstance(n, str) and n.strip()]
    if not names:
        return None
    status = data.get("status")
    if not isinstance(status, str):
        status = "active" if data.get("active", True) else "inactive"
    parents = [normalize_ror(str(p)) for p in _strings(data.get("parent_ids") or
                                                       data.get("parents"))]
    types = data.get("types") or ([data["type"]] if data.get("type") else [])
    return Organisation(
        ror_id=ror_id, name=names[0], labels=_unique(n for n in names[1:] if n != names[0]),
        acronyms=_unique([a.strip() for a in acronyms if a and a.strip()]),
        city=str(data.get("city") or ""),
        region=str(data.get("region") or data.get("subdivision_name") or ""),
        country_code=str(data.get("country_code") or data.get("country") or "").upper(),
        parent_ids=tuple(p for p in parents if p), types=tuple(types),
        status=status.lower())


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        return [value] if value else []
    return [v for v in value or [] if isinstance(v, str) and v]


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))
