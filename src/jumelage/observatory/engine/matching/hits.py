"""The institutions named in one address: candidates found in its parts, scored, resolved.

Every run of a part's key tokens is looked up among the registry's names; the whole part also
as a bag of tokens (names written in another order), then, when nothing else was found, as a
registry name with a typo or cut short; and its acronyms. Each candidate ("hit") is scored by
the kind of name and by the place (see `place_level`). Then one organisation per name: the
alias file's beats ROR's, active beats inactive, close candidates make the matcher abstain, a
name found inside a longer one goes, and a parent named beside its child goes.
"""

from __future__ import annotations

from dataclasses import dataclass

from jumelage.observatory.engine.matching.addresses import (
    Part,
    place_level,
    places_of,
)
from jumelage.observatory.engine.matching.organisations import Organisation
from jumelage.observatory.engine.matching.places import compatible_country
from jumelage.observatory.engine.matching.registry import ACRONYM, UNIT, NameEntry, Registry
from jumelage.observatory.engine.matching.text import (
    GENERIC_TAIL,
    UNIT_HEADS,
    acronym_tokens,
    name_key,
)

CLOSE = 0.05  # two candidates of one name closer than this: the matcher abstains
BASE = {"exact": 0.95, "inside": 0.92, "bag": 0.85, UNIT: 0.85, ACRONYM: 0.82,
        "partial": 0.8, "typo": 0.8}
PLACE_BONUS = {"city": 0.04, "region": 0.03, "parent": 0.03, "country": 0.01, "none": 0.0}
INACTIVE_PENALTY = 0.1
MISSING_WORD = 0.02  # a name cut short loses this for each of its words not written


@dataclass(slots=True)
class Hit:
    """A candidate organisation for a name found in a part."""

    entry: NameEntry
    kind: str  # "exact", "inside", "bag", "unit", "acronym", "partial" or "typo"
    part: int
    start: int  # key tokens of the part; -1 for an acronym not found among them
    end: int
    score: float = 0.0
    level: str = "none"
    reason: str = ""  # why it is ruled out; "" when it stands
    needs_place: bool = False  # ruled out only for want of a corroborating place

    @property
    def ror_id(self) -> str:
        return self.entry.ror_id


def match_address(address: list[Part], registry: Registry, *, threshold: float
                  ) -> tuple[list[Hit], list[Hit]]:
    """(accepted hits, most specific organisations first by position; ruled-out hits)."""
    return _Address(address, registry).resolve(threshold)


class _Address:
    def __init__(self, address: list[Part], registry: Registry):
        self.parts = address
        self.registry = registry
        self.places = places_of(address, registry)

    def resolve(self, threshold: float) -> tuple[list[Hit], list[Hit]]:
        registry = self.registry
        hits: list[Hit] = []
        covered: set[int] = set()  # parts that continue a name with commas in it
        for index, part in enumerate(self.parts):
            if part.skip or index in covered:
                continue
            comma_hits = self._comma_hits(index)
            for hit in comma_hits:
                if hit.reason in ("", "ambiguous"):
                    covered.update(range(index + 1, index + hit.entry.commas + 1))
            hits.extend(comma_hits)
            hits.extend(self._hits(index, part))
        standing = self._one_per_name([h for h in hits if not h.reason], hits)
        # A "Department of ..." or one-word name stands when its parent is named beside it.
        named = {h.ror_id for h in standing}
        for hit in hits:
            if hit.needs_place and registry.ancestors(hit.ror_id) & named:
                hit.reason, hit.level = "", "parent"
                hit.score = round(hit.score + PLACE_BONUS["parent"], 3)
                standing.append(hit)
        for hit in standing:
            if hit.score < threshold:
                hit.reason = "weak"
        standing = [h for h in standing if not h.reason]
        above: set[str] = set()
        for hit in standing:
            above |= registry.ancestors(hit.ror_id)
        accepted = sorted((h for h in standing if h.ror_id not in above),
                          key=lambda h: (h.part, h.start))
        return accepted, [h for h in hits if h.reason]

    # --- finding ---

    def _hits(self, index: int, part: Part) -> list[Hit]:
        registry = self.registry
        tokens = part.key.tokens
        size = len(tokens)
        hits: list[Hit] = []
        whole_part = False
        for start in range(size):
            for length in registry.lengths.get(tokens[start], ()):
                end = start + length
                entries = registry.names.get(tokens[start:end]) if end <= size else None
                if not entries:
                    continue
                whole_part = whole_part or (start == 0 and end == size)
                kind = "exact" if start == 0 and end == size else "inside"
                for entry in entries:
                    hit = Hit(entry, UNIT if entry.kind == UNIT else kind, index, start, end)
                    hits.append(self._assess(hit))
        if size >= 2 and not whole_part and len(set(tokens)) == size:
            for entry in registry.bags.get(frozenset(tokens), ()):
                hits.append(self._assess(Hit(entry, "bag", index, 0, size)))
        if not any(h.reason in ("", "ambiguous") for h in hits):
            hits.extend(self._partial_hits(index, part))
        whole = part.raw.strip()
        for token in acronym_tokens(part.raw):
            entries = registry.acronyms.get(token)
            if not entries or (self.places.shouting and token != whole):
                continue
            start, end = _find(name_key(token).tokens, tokens)
            for entry in entries:
                hits.append(self._assess(Hit(entry, ACRONYM, index, start, end),
                                         acronym=token))
        return hits

    def _partial_hits(self, index: int, part: Part) -> list[Hit]:
        """A part that is a registry name with a typo in a rare word ("Institut Gustav
        Roussy"), or made of some of a name's words, one of them rare ("Hôpital Bichat" for
        "Hôpital Bichat-Claude-Bernard"). Both need a city or a region that corroborates."""
        registry = self.registry
        tokens = list(part.key.tokens)
        typo = False
        for i, token in enumerate(tokens):
            corrected = registry.correct(token)
            if corrected:
                tokens[i], typo = corrected, True
        key = tuple(tokens)
        hits: list[Hit] = []
        if typo:
            hits = [self._assess(Hit(entry, "typo", index, 0, len(key)))
                    for entry in registry.names.get(key, ()) if not entry.weak]
            if hits:
                return hits
        rare = [t for t in key if t in registry.rare]
        if len(key) < 2 or not rare:
            return hits
        seen: set[str] = set()
        for entry in registry.rare[rare[0]]:
            own = registry.city_key.get(entry.ror_id, ())
            words = set(entry.tokens)
            rest = [t for t in key if (t,) != own]
            if (entry.ror_id not in seen and len(entry.tokens) > len(rest) >= 2
                    and all(t in words for t in rest) and all(t in words for t in rare)):
                seen.add(entry.ror_id)
                hit = self._assess(Hit(entry, "partial", index, 0, len(key)))
                if hit.score:  # the name that needs the fewest words added
                    missing = len(entry.tokens) - len(rest)
                    hit.score = round(max(0.0, hit.score - MISSING_WORD * missing), 3)
                hits.append(hit)
        return hits

    def _comma_hits(self, index: int) -> list[Hit]:
        """Names with commas in them, written across consecutive parts."""
        hits: list[Hit] = []
        first = self.parts[index].key.tokens
        tokens = first
        last = min(self.registry.max_commas, len(self.parts) - index - 1)
        for commas in range(1, last + 1):
            part = self.parts[index + commas]
            if part.skip:
                break
            tokens = tokens + part.key.tokens
            for entry in self.registry.names.get(tokens, ()):
                if entry.commas == commas:
                    hits.append(self._assess(Hit(entry, "exact", index, 0, len(first))))
        return hits

    # --- scoring ---

    def _assess(self, hit: Hit, *, acronym: str = "") -> Hit:
        registry = self.registry
        places = self.places
        org = registry.orgs[hit.ror_id]
        entry = hit.entry
        hit.level, conflict = place_level(org, places, registry)
        if conflict:
            hit.reason = conflict
            return hit
        if entry.city and entry.city not in places.near:
            hit.reason = "alias-city"
            return hit
        score = BASE[hit.kind]
        if hit.kind == "inside":
            penalty = self._context_penalty(hit, org)
            if penalty is None:
                hit.reason = "other-city"
                return hit
            score -= penalty
        if hit.kind == ACRONYM:
            if not self._acronym_corroborated(acronym, org, hit.level):
                hit.reason = "uncorroborated"
        elif hit.kind in ("partial", "typo"):
            if hit.level not in ("city", "region"):
                hit.reason = "uncorroborated"
        elif entry.weak == "word" and hit.kind != "exact":
            hit.reason = "uncorroborated"  # one word inside a longer part: a common word
        elif ((entry.weak == "word" and hit.level == "none")
              or (entry.weak == "unit" and hit.level not in ("city", "region"))
              or (hit.level == "none" and not registry.distinctive(entry.tokens))):
            hit.reason = "uncorroborated"  # "Department of Virology" or "Health Sciences
            hit.needs_place = True  # Centre" with no place: a parent named beside will do
        score += PLACE_BONUS[hit.level]
        if not org.active:
            score -= INACTIVE_PENALTY
        hit.score = round(score, 3)
        return hit

    def _acronym_corroborated(self, acronym: str, org: Organisation, level: str) -> bool:
        registry = self.registry
        if level == "city":
            return True
        if len(acronym) <= 2:  # two letters collide too often: only the city will do
            return False
        if level == "region":
            return True
        if level != "country" or not compatible_country(org.country_code,
                                                        self.places.countries):
            return False  # the country must be written, not guessed from a city's name
        if org.ror_id in registry.multi_site:
            return True
        region = registry.region.get(org.ror_id, "")
        if any(country == org.country_code and r != region
               for city in self.places.near for country, r in registry.city_places[city]):
            return False  # a city elsewhere in the same country is named
        countries = registry.acronym_countries.get(acronym, {})
        return countries.get(org.country_code, 0) == 1 and org.active

    def _context_penalty(self, hit: Hit, org: Organisation) -> float | None:
        """How much the words around a name inside a part weaken it; None when they name
        another city (then the name is the start of another institution's name)."""
        key = self.parts[hit.part].key
        tokens, joins = key.tokens, key.after_connector
        size = hit.end - hit.start
        step = 0.25 if size <= 2 else 0.1 if size == 3 else 0.05
        prefix = tokens[:hit.start]
        suffix: list[str] = []
        for i in range(hit.end, len(tokens)):
            if joins[i]:
                break
            suffix.append(tokens[i])
        if self._other_city(prefix[-2:], org) or self._other_city(suffix[:2], org):
            return None
        penalty = 0.0
        if prefix and not joins[hit.start] and prefix[0] not in UNIT_HEADS and not all(
                self._harmless(t, org) for t in prefix):
            penalty += step
        if suffix and not all(self._harmless(t, org) for t in suffix):
            penalty += step
        return penalty

    def _harmless(self, token: str, org: Organisation) -> bool:
        """A word beside a name that does not make it another institution's name."""
        return (token in GENERIC_TAIL or token.isdigit()
                or (token,) == self.registry.city_key.get(org.ror_id))

    def _other_city(self, words: tuple[str, ...] | list[str], org: Organisation) -> bool:
        registry = self.registry
        own = registry.city_key.get(org.ror_id, ())
        region = registry.region.get(org.ror_id, "")
        for size in (2, 1):
            for i in range(len(words) - size + 1):
                city = tuple(words[i:i + size])
                if city == own or city not in registry.city_places:
                    continue
                if region and any(r == region for _c, r in registry.city_places[city]):
                    continue
                return True
        return False

    # --- resolving ---

    def _one_per_name(self, standing: list[Hit], hits: list[Hit]) -> list[Hit]:
        """One organisation per name: the alias file's beats ROR's, active beats inactive,
        close candidates are ambiguous, and a name found inside a longer one goes."""
        registry = self.registry
        groups: dict[tuple[int, int, int, str], list[Hit]] = {}
        for hit in standing:
            tag = hit.entry.text if hit.kind == ACRONYM and hit.start < 0 else ""
            groups.setdefault((hit.part, hit.start, hit.end, tag), []).append(hit)
        kept: list[Hit] = []
        for group in groups.values():
            if any(h.entry.local for h in group):
                group = [h for h in group if h.entry.local]
            if any(registry.orgs[h.ror_id].active for h in group):
                group = [h for h in group if registry.orgs[h.ror_id].active]
            best: dict[str, Hit] = {}
            for hit in group:
                if hit.ror_id not in best or best[hit.ror_id].score < hit.score:
                    best[hit.ror_id] = hit
            ranked = sorted(best.values(), key=lambda h: -h.score)
            close = [h for h in ranked if ranked[0].score - h.score < CLOSE]
            chosen = self._most_specific(close)
            if chosen is None:
                for hit in close:
                    hit.reason = "ambiguous"
            else:
                kept.append(chosen)
        spans = [(h.part, h.start, h.end) for h in hits
                 if h.start >= 0 and h.reason in ("", "ambiguous", "uncorroborated", "weak")]
        return [h for h in kept if h.start < 0 or not any(
            p == h.part and s <= h.start and h.end <= e and e - s > h.end - h.start
            for p, s, e in spans)]

    def _most_specific(self, close: list[Hit]) -> Hit | None:
        """The one candidate below all the others in the hierarchy, or None."""
        if len(close) == 1:
            return close[0]
        below = self.registry.ancestors
        for hit in close:
            if all(o is hit or o.ror_id in below(hit.ror_id) for o in close):
                return hit
        return None


def _find(needle: tuple[str, ...], haystack: tuple[str, ...]) -> tuple[int, int]:
    """(start, end) of `needle` in `haystack`, or (-1, -1)."""
    size = len(needle)
    if size:
        for i in range(len(haystack) - size + 1):
            if haystack[i:i + size] == needle:
                return i, i + size
    return -1, -1
