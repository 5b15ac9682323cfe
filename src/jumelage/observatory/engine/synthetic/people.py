"""Synthetic authors (made-up names from Faker's lists, ORCIDs in a block ORCID never issues)
and the raw affiliation strings they write, in French and English."""

from __future__ import annotations

import functools
import random
import unicodedata
from dataclasses import dataclass

from jumelage.observatory.engine.synthetic.places import (
    CA_FSA,
    CA_LETTERS,
    COUNTRY_NAMES,
    DEPTS_DE,
    DEPTS_EN,
    DEPTS_FR,
    EMAIL_DOMAINS,
    FR_DEPT,
    PROVINCE_FSA,
    STREETS_EN,
    STREETS_FR,
    STREETS_QC,
)
from jumelage.observatory.engine.synthetic.world import Institution


def _unaccent(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(ch))


def _names() -> dict[str, tuple[tuple[str, ...], tuple[str, ...]]]:
    from faker.providers.person.de_DE import Provider as German
    from faker.providers.person.en_GB import Provider as British
    from faker.providers.person.en_US import Provider as American
    from faker.providers.person.fr_CA import Provider as Quebec
    from faker.providers.person.fr_FR import Provider as French

    def names(provider) -> tuple[tuple[str, ...], tuple[str, ...]]:
        return tuple(sorted(provider.first_names)), tuple(sorted(provider.last_names))

    french, quebec, american = names(French), names(Quebec), names(American)
    return {"FR": french, "CA_QC": quebec,
            "CA": (quebec[0] + american[0], quebec[1] + american[1]), "US": american,
            "GB": names(British), "DE": names(German)}


NAMES = _names()


def _mix(*values: int) -> int:
    """A 64-bit hash of integers (splitmix64 steps): stable across runs and machines."""
    x = 0x9E3779B97F4A7C15
    for value in values:
        x = (x ^ (value & 0xFFFFFFFFFFFFFFFF)) * 0xBF58476D1CE4E5B9 & 0xFFFFFFFFFFFFFFFF
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB & 0xFFFFFFFFFFFFFFFF
        x ^= x >> 31
    return x


def _orcid(number: int) -> str:
    """An ORCID in the 0000-0000-… block, which ORCID never issues, with a valid check digit."""
    digits = f"00000000{number % 10**7:07d}"
    total = 0
    for ch in digits:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    base = digits + ("X" if check == 10 else str(check))
    return "-".join(base[i:i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class Author:
    key: int
    name: str
    orcid: str | None
    email: str


def author_of(seed: int, inst: Institution, number: int) -> Author:
    """Author `number` of an institution: the same person in every work that cites them."""
    return _author(seed, inst.zone, inst.country, inst.index, number)


@functools.lru_cache(maxsize=1 << 16)  # bounded: memory stays flat
def _author(seed: int, zone: str, country: str, index: int, number: int) -> Author:
    h = _mix(seed, index, number)
    pool = NAMES.get(zone) or NAMES.get(country) or NAMES["FR"]
    first = pool[0][h % len(pool[0])]
    last = pool[1][(h >> 20) % len(pool[1])]
    key = index * 1_000_000 + number
    orcid = _orcid(key) if (h >> 40) % 100 < 55 else None
    email = f"{_unaccent(first).lower()}.{_unaccent(last).lower()}@{EMAIL_DOMAINS[country]}"
    return Author(key=key, name=f"{first} {last}", orcid=orcid, email=email.replace(" ", "-"))


def _postal(rng: random.Random, inst: Institution) -> str:
    if inst.postal:
        return inst.postal
    if inst.country == "FR":
        dept = FR_DEPT.get(inst.city)
        if dept is None:
            return ""
        if dept == "75":
            return f"750{rng.randint(1, 20):02d}"
        return f"{dept}{rng.choice(('0', '0', '1', '3'))}{rng.randint(0, 99):02d}"
    if inst.country == "CA":
        fsa = CA_FSA.get(inst.city, "")[:1] or rng.choice(PROVINCE_FSA.get(inst.province, " "))
        if fsa == " ":
            return ""
        letters = CA_LETTERS
        return (f"{fsa}{rng.randint(0, 9)}{rng.choice(letters)} "
                f"{rng.randint(0, 9)}{rng.choice(letters)}{rng.randint(0, 9)}")
    return ""


def _name_variant(rng: random.Random, inst: Institution) -> str:
    roll = rng.random()
    if roll < 0.52 or (roll < 0.67 and not inst.labels):
        name = inst.name
    elif roll < 0.67:
        name = rng.choice(inst.labels)
    elif roll < 0.80 and inst.acronyms:
        name = rng.choice(inst.acronyms)
    elif roll < 0.92:
        name = _unaccent(inst.name)
    else:
        name = inst.name.upper()
    return name


def affiliation_string(rng: random.Random, inst: Institution, *, parent: Institution | None,
                       author: Author, partner: Institution | None = None) -> str:
    """One raw affiliation string for `author` at `inst` (and its parent, or a partner
    institution written in the same string)."""
    parts: list[str] = []
    french = ((inst.country == "FR" and rng.random() < 0.6)
              or (inst.province == "QC" and rng.random() < 0.5))
    if rng.random() < (0.5 if inst.kind in ("education", "healthcare") else 0.1):
        if inst.country == "DE" and rng.random() < 0.3:
            parts.append(rng.choice(DEPTS_DE))
        else:
            parts.append(rng.choice(DEPTS_FR if french else DEPTS_EN))
        if inst.country == "FR" and rng.random() < 0.15:
            parts.append(f"UMR {rng.randint(5000, 5320)}")
    parts.append(_name_variant(rng, inst))
    if partner is not None:
        parts[-1] += (" et " if french else " and ") + _name_variant(rng, partner)
    if parent is not None:
        parts.append(_name_variant(rng, parent))
    roll = rng.random()
    city = inst.city if rng.random() < 0.7 else _unaccent(inst.city)
    if roll < 0.25:
        postal = _postal(rng, inst)
        number = rng.randint(1, 3500) if inst.country == "CA" else rng.randint(1, 180)
        streets = (STREETS_FR if inst.country == "FR" else STREETS_QC if inst.province == "QC"
                   else STREETS_EN)
        street = streets[rng.randrange(len(streets))]
        if inst.country == "FR":
            parts.append(f"{number} {street}")
            parts.append(f"{postal} {city}".strip() + (" Cedex" if rng.random() < 0.2 else ""))
        elif inst.country == "CA":
            parts.append(f"{number} {street}")
            parts.append(city)
            parts.append(f"{inst.province} {postal}".strip())
        elif postal:
            parts.append(city)
            parts.append(postal)
        else:
            parts.append(city)
    elif roll < 0.88:
        parts.append(city)
        if inst.country == "CA" and inst.province and rng.random() < 0.6:
            parts.append(inst.province if rng.random() < 0.7 else
                         {"QC": "Québec", "ON": "Ontario"}.get(inst.province, inst.province))
    if rng.random() < 0.82:
        parts.append(rng.choice(COUNTRY_NAMES[inst.country]))
    text = ", ".join(parts)
    if rng.random() < 0.03:
        text += f". Electronic address: {author.email}"
    return text

