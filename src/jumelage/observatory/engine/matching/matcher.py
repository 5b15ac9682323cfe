"""Resolve raw affiliation strings to organisations of a `Registry`, or abstain.

An affiliation string is cleaned (e-mails, author lists), cut into chunks at ";" (and at the
full stops MEDLINE puts between addresses), each chunk into comma parts and addresses (see
addresses.py); the institutions of each address are found and scored (see hits.py). A name
counts by its kind and by the place: a country or region that contradicts it rules it out;
acronyms, one-word names and "Department of ..." names count only when a city, a region or
(for acronyms) a written country corroborates them. The matcher abstains when the best
candidates of one name are close, or when the evidence stays under THRESHOLD.

Corrections made by staff in the review queue (folded raw string -> ROR id, or None for "no
institution of the registry") override everything, for a whole string or for one of its chunks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jumelage.directory.identifiers import normalize_ror
from jumelage.observatory.engine.matching.addresses import (
    Part,
    addresses,
    ends_with_country,
)
from jumelage.observatory.engine.matching.hits import Hit, match_address
from jumelage.observatory.engine.matching.registry import Registry
from jumelage.observatory.engine.matching.text import (
    clean,
    correction_key,
    split_chunks,
    split_sentences,
)
from jumelage.observatory.engine.schema import Affiliation


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


THRESHOLD = 0.75  # below this, the matcher abstains
CACHE_SIZE = 100_000
_ROR_IN_TEXT_RE = re.compile(r"ror\.org/(0[a-z0-9]{6}\d{2})", re.IGNORECASE)

# What a Match's reason means. A match's reason is "<what matched>+<place evidence>", such as
# "exact+city" or "acronym+country"; an abstention's is one of the codes below.
REASONS = {
    "correction": _("corrected by staff in the review queue"),
    "source": _("ROR id given by the source"),
    "ror-id": _("ROR id written in the affiliation"),
    "no-candidate": _("no name of the registry found in the affiliation"),
    "ambiguous": _("several institutions bear this name and nothing tells them apart"),
    "uncorroborated": _("an acronym, a short or a generic name that no city or country "
                        "confirms"),
    "country": _("the institution found is in another country than the affiliation"),
    "region": _("the institution found is in another province or region"),
    "city": _("the institution found is in another city"),
    "other-city": _("the name found is followed by another city's name"),
    "alias-city": _("this alias counts only in its own city"),
    "weak": _("the evidence is too weak"),
}


@dataclass(frozen=True, slots=True)
class Candidate:
    ror_id: str
    name: str
    score: float
    reason: str


@dataclass(frozen=True, slots=True)
class Match:
    """An institution found in an affiliation, or an abstention (ror_id None)."""

    ror_id: str | None
    confidence: float
    reason: str
    candidates: tuple[Candidate, ...] = ()
    matched: str = ""  # the part of the string that named it
    parent_ids: tuple[str, ...] = ()  # the registry's parents of the institution

    @property
    def abstained(self) -> bool:
        return self.ror_id is None


Result = tuple[tuple[Match, ...], Match]  # every institution found; the abstention otherwise


class Matcher:
    """`match(raw)` -> the best Match; `match_all(raw)` -> every institution of the string.

    Results are cached by raw string (repeated affiliations are the rule in bibliographic
    records); build one Matcher per registry and corrections and reuse it.
    """

    def __init__(self, registry: Registry, *,
                 corrections: Mapping[str, str | None] | None = None,
                 threshold: float = THRESHOLD):
        self.registry = registry
        self.threshold = threshold
        self.corrections: dict[str, str | None] = {
            correction_key(raw): (normalize_ror(ror_id) if ror_id else None)
            for raw, ror_id in (corrections or {}).items()}
        self._cache: dict[str, Result] = {}
        self._hits = self._misses = 0

    def match(self, raw: str) -> Match:
        found, abstention = self._resolve(raw)
        if not found:
            return abstention
        return max(found, key=lambda m: m.confidence)  # the first of equals

    def match_all(self, raw: str) -> list[Match]:
        return list(self._resolve(raw)[0])

    def place(self, raw: str) -> tuple[str | None, str | None]:
        """(country, region) of an address that ends with a country's name: "Calgary,
        Alberta, Canada" -> ("CA", "AB"); "69373 Lyon Cedex 08, France" -> ("FR", "ARA").

        Strict, since nothing corroborates it: only a country spelled out at the end of an
        address counts (not a city that exists in some country, not "CA" or a bare number),
        and a region only when the same address points to one in that country (by name,
        postal code, or a city of the registry in one region). Addresses in several
        countries, or none named: (None, None)."""
        countries: set[str] = set()
        regions: set[str] = set()
        text = split_sentences(clean(raw), ends_address=ends_with_country)
        for chunk in split_chunks(text):
            for address in addresses(chunk, self.registry):
                last = address[-1].place
                if not (last.country_named and len(last.countries) == 1):
                    continue
                country = next(iter(last.countries))
                countries.add(country)
                for part in address:
                    here = {r for r in part.place.regions if r.startswith(f"{country}-")}
                    if country == "FR":
                        here |= part.place.fr_regions
                    if not here:
                        here = {region for city in part.place.cities
                                for found, region in self.registry.city_places.get(city, ())
                                if found == country and region}
                    regions |= here
        if len(countries) != 1:
            return None, None
        country = next(iter(countries))
        regions = {r.split("-", 1)[1] for r in regions if r.startswith(f"{country}-")}
        return country, (next(iter(regions)) if len(regions) == 1 else None)

    def match_many(self, strings: Iterable[str]) -> list[Match]:
        return [self.match(raw) for raw in strings]

    def cache_info(self) -> tuple[int, int]:
        """(strings answered from the cache, strings matched)."""
        return self._hits, self._misses

    def resolve(self, affiliation: Affiliation) -> list[Match]:
        """Matches of a schema.Affiliation: the source's ROR ids when it gives some."""
        if affiliation.ror_ids:
            return [self._known(ror_id, "source", affiliation.raw)
                    for ror_id in dict.fromkeys(affiliation.ror_ids)]
        return self.match_all(affiliation.raw)

    # --- resolution ---

    def _resolve(self, raw: str) -> Result:
        cached = self._cache.get(raw)
        if cached is not None:
            self._hits += 1
            return cached
        self._misses += 1
        cached = self._compute(raw or "")
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[raw] = cached
        return cached

    def _compute(self, raw: str) -> Result:
        key = correction_key(raw) if self.corrections else ""
        if key in self.corrections:
            return self._corrected(self.corrections[key], raw)
        written = [r for r in (normalize_ror(m) for m in _ROR_IN_TEXT_RE.findall(raw)) if r]
        if written:
            found = tuple(self._known(r, "ror-id", raw) for r in dict.fromkeys(written))
            return found, found[0]
        found_by_id: dict[str, Match] = {}
        rejected: list[tuple[Hit, list[Part]]] = []
        text = split_sentences(clean(raw), ends_address=ends_with_country)
        for chunk in split_chunks(text):
            chunk_key = correction_key(", ".join(chunk)) if self.corrections else ""
            if chunk_key in self.corrections:
                for match in self._corrected(self.corrections[chunk_key], raw)[0]:
                    found_by_id.setdefault(match.ror_id or "", match)
                continue
            for address in addresses(chunk, self.registry):
                accepted, ruled_out = match_address(address, self.registry,
                                                    threshold=self.threshold)
                rejected.extend((hit, address) for hit in ruled_out)
                for hit in accepted:
                    match = self._to_match(hit, address)
                    previous = found_by_id.get(hit.ror_id)
                    if previous is None or previous.confidence < match.confidence:
                        found_by_id[hit.ror_id] = match
        return tuple(found_by_id.values()), self._abstention(rejected)

    def _corrected(self, ror_id: str | None, raw: str) -> Result:
        if ror_id is None:
            return (), Match(None, 1.0, "correction", matched=raw)
        match = self._known(ror_id, "correction", raw)
        return (match,), match

    def _known(self, ror_id: str, reason: str, raw: str) -> Match:
        org = self.registry.get(ror_id)
        return Match(ror_id, 1.0, reason, matched=raw, parent_ids=org.parent_ids if org else ())

    def _to_match(self, hit: Hit, address: list[Part]) -> Match:
        org = self.registry.orgs[hit.ror_id]
        return Match(hit.ror_id, round(min(hit.score, 1.0), 3), f"{hit.kind}+{hit.level}",
                     candidates=(Candidate(hit.ror_id, org.name, hit.score, hit.kind),),
                     matched=address[hit.part].raw, parent_ids=org.parent_ids)

    def _abstention(self, rejected: list[tuple[Hit, list[Part]]]) -> Match:
        """The abstention, with the best candidates that were ruled out and why."""
        if not rejected:
            return Match(None, 0.0, "no-candidate")
        ranked = sorted(rejected, key=lambda item: -item[0].score)
        candidates: dict[str, Candidate] = {}
        for hit, _address in ranked:
            if hit.ror_id not in candidates and len(candidates) < 5:
                org = self.registry.orgs[hit.ror_id]
                candidates[hit.ror_id] = Candidate(hit.ror_id, org.name, hit.score, hit.reason)
        best, address = ranked[0]
        return Match(None, round(best.score, 3), best.reason,
                     candidates=tuple(candidates.values()), matched=address[best.part].raw)
