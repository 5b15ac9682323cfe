"""An affiliation string cut into addresses, and the evidence of place of each address.

A chunk (the text between two ";") is cut into comma parts; a part that names a country ends an
address when an institution's part follows ("..., Toronto, Canada, Department of Biochemistry,
University of Toronto, ..."). Place parts ("Montréal, QC H3T 1J4", "69372 Lyon Cedex 08",
"Canada") say where the address is; city names inside the other parts ("Université de Lyon")
count as well, to corroborate, not to contradict.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jumelage.observatory.engine.matching.organisations import Organisation
from jumelage.observatory.engine.matching.places import (
    COUNTRY_KEYS,
    PlacePart,
    compatible_country,
    parse_place,
)
from jumelage.observatory.engine.matching.registry import Registry
from jumelage.observatory.engine.matching.text import (
    Key,
    fold,
    is_street,
    mostly_upper,
    name_key,
    plain_tokens,
)


@dataclass(slots=True)
class Part:
    """One comma part of an address."""

    raw: str
    key: Key
    place: PlacePart
    skip: bool  # a place or a street: no institution in it
    cities: set[tuple[str, ...]] = field(default_factory=set)  # city names inside the part


@dataclass(slots=True)
class Places:
    """Where an address says it is."""

    countries: set[str]
    regions: set[str]
    cities: set[tuple[str, ...]]  # named as places
    near: set[tuple[str, ...]]  # named as places or inside institutions' names
    implied: set[str]  # countries of the place cities, when no country is named
    shouting: bool  # all capitals (old Web of Science): every word looks like an acronym


def addresses(chunk: list[str], registry: Registry) -> list[list[Part]]:
    """The addresses of a chunk's parts."""
    parts = [_part(raw, registry) for raw in chunk]
    result: list[list[Part]] = [[]]
    for i, part in enumerate(parts):
        result[-1].append(part)
        following = parts[i + 1] if i + 1 < len(parts) else None
        if (part.place.country_named and part.place.is_place and following is not None
                and not following.place.is_place):
            result.append([])
    return [a for a in result if a]


def _part(raw: str, registry: Registry) -> Part:
    folded = fold(raw)
    place = parse_place(raw, city_keys=registry.city_places, city_max=registry.city_max)
    part = Part(raw=raw, key=name_key(folded, folded=True), place=place,
                skip=place.is_place or is_street(raw))
    if not part.skip:
        tokens = plain_tokens(folded)
        for i in range(len(tokens)):
            for size in range(1, min(registry.city_max, len(tokens) - i) + 1):
                city = tuple(tokens[i:i + size])
                if city in registry.city_places:
                    part.cities.add(city)
    return part


def places_of(address: list[Part], registry: Registry) -> Places:
    countries: set[str] = set()
    regions: set[str] = set()
    fr_regions: set[str] = set()
    cities: set[tuple[str, ...]] = set()
    near: set[tuple[str, ...]] = set()
    quebec_alone = False
    for part in address:
        place = part.place
        countries |= place.countries
        if place.is_place:
            regions |= place.regions
            fr_regions |= place.fr_regions
            cities |= place.cities
            quebec_alone = quebec_alone or place.quebec_alone
        near |= part.cities
    if quebec_alone and not cities:  # "Québec, Canada": the city, when no other is named
        cities.add(("quebec",))
    if fr_regions and (not countries or "FR" in countries):
        regions |= fr_regions
        if not countries:
            countries.add("FR")
    implied: set[str] = set()
    if not countries:
        for city in cities:
            implied |= {country for country, _region in registry.city_places[city]}
    return Places(countries=countries, regions=regions, cities=cities, near=near | cities,
                  implied=implied, shouting=mostly_upper(" ".join(p.raw for p in address)))


def place_level(org: Organisation, places: Places, registry: Registry) -> tuple[str, str]:
    """(evidence, conflict) for `org` in an address. Evidence: "city", "region", "country" or
    "none"; conflict: "" or why the organisation cannot be the address's ("country",
    "region", "city": a city of the same country elsewhere is named as the place)."""
    if places.countries and not compatible_country(org.country_code, places.countries):
        return "none", "country"
    if places.implied and org.country_code not in places.implied:
        return "none", "country"
    region = registry.region.get(org.ror_id, "")
    multi_site = org.ror_id in registry.multi_site
    if (region and region not in places.regions and not multi_site
            and any(r[:2] == region[:2] for r in places.regions)):
        return "none", "region"
    city = registry.city_key.get(org.ror_id, ())
    if city and city in places.near:
        return "city", ""
    city_regions = {r for c in places.near for (_country, r) in registry.city_places[c]}
    if region and (region in places.regions or region in city_regions):
        return "region", ""
    if places.cities and not multi_site and any(
            country == org.country_code for c in places.cities
            for (country, _r) in registry.city_places[c]):
        return "none", "city"
    if compatible_country(org.country_code, places.countries | places.implied):
        return "country", ""
    return "none", ""


def ends_with_country(text: str) -> bool:
    """"..., 69002 Lyon, France": the text before a full stop ends an address."""
    tokens = plain_tokens(fold(text[-40:]))
    return any(tuple(tokens[-size:]) in COUNTRY_KEYS for size in (1, 2, 3) if size <= len(tokens))
