"""The organisations an affiliation can resolve to, indexed once for fast look-ups.

A `Registry` is built from ROR records (`jumelage.directory.ror.RorRecord`), from plain dicts
(what the Django layer reads from the Institution table) or from `Organisation` objects, plus the
partnership's own aliases (data/affiliation_aliases.csv). It indexes every name by its key tokens
(see text.name_key), acronyms case-sensitively, and the cities and regions of the organisations.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from jumelage.observatory.engine.matching.organisations import (
    Alias,
    Organisation,
    organisation_from,
    read_aliases,
)
from jumelage.observatory.engine.matching.places import (
    CITY_VARIANTS,
    COUNTRY_KEYS,
    PROVINCE_KEYS,
    region_code,
)
from jumelage.observatory.engine.matching.text import (
    CANONICAL,
    GENERIC_WORDS,
    UNIT_HEADS,
    fold,
    looks_like_acronym,
    name_key,
    plain_tokens,
    unaccent,
)

# Acronyms that name a kind of place, not one institution, or that are words of addresses.
_GENERIC_ACRONYMS = (
    "CHU CHRU CHR CHG CHS CH GH AP UMR UMS UPR USR EA FRE ERL UR UFR IRL CIC SAS SA SARL INC "
    "LTD LLC GMBH PHD MD MSC BP CS CEDEX QC PQ ON BC AB SK MB NS NB NL PE USA UK US FR CA EU "
    "DEPT LAB INST UNIV HOSP CTR RES DIV SCH FAC ST STE IN DE LA LE")
GENERIC_ACRONYMS = frozenset(_GENERIC_ACRONYMS.split())
_UNIT_RE = re.compile(r"^(?:umr|umi|u|ea|ups|ums|upr|uar|fre|erl|usr|ur|um|uma|cic|irl|"
                      r"inserm|sfr|fr|gdr)$")
_PARENTHESIS_RE = re.compile(r"\s*\([^)]*\)\s*$")
MULTI_SITE_CITIES = 3  # an organisation with children in this many cities works everywhere

# How much a kind of name is worth before the place is looked at.
LABEL, ALIAS, LOCAL, UNIT, ACRONYM = "label", "alias", "local", "unit", "acronym"


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A name (or acronym) of an organisation, as indexed."""

    ror_id: str
    text: str
    kind: str  # LABEL, ALIAS, LOCAL (alias file), UNIT ("UMR 5286") or ACRONYM
    weak: str = ""  # "word": one word; "unit": "Department of ..."; needs a corroborating place
    city: tuple[str, ...] = ()  # alias file: the alias counts only where this city is named
    size: int = 0  # number of key tokens
    local: bool = False  # from the partnership's alias file
    commas: int = 0  # commas in the name: "Laboratoire sur le Langage, le Cerveau et la ..."
    tokens: tuple[str, ...] = ()  # key tokens


class Registry:
    """Organisations and their indexes. Build it once; look-ups are dict accesses.

    `organisations`: RorRecord objects, dicts (ror_id, names or name_fr/name_en, acronyms or
    acronym, aliases, city, region, country_code or country, parent_ids, types or type, status
    or active) or Organisation objects; records without a valid ROR id are skipped.
    `aliases`: the partnership's aliases; None reads data/affiliation_aliases.csv, () uses none.
    """

    def __init__(self, organisations: Iterable[Any], *,
                 aliases: Iterable[Alias] | None = None):
        self.orgs: dict[str, Organisation] = {}
        for item in organisations:
            org = organisation_from(item)
            if org is not None and org.ror_id not in self.orgs:
                self.orgs[org.ror_id] = org
        self.aliases = list(read_aliases() if aliases is None else aliases)
        self._index_places()
        self._index_hierarchy()
        self.names: dict[tuple[str, ...], list[NameEntry]] = defaultdict(list)
        self.bags: dict[frozenset[str], list[NameEntry]] = defaultdict(list)
        self.acronyms: dict[str, list[NameEntry]] = defaultdict(list)
        for org in self.orgs.values():
            self._index_names(org)
        self.aliases_used = 0
        for alias in self.aliases:
            if alias.ror_id in self.orgs:
                self.aliases_used += 1
                self._index_alias(alias)
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self.names:
            lengths[key[0]].add(len(key))
        self.max_commas = max((e.commas for entries in self.names.values() for e in entries),
                              default=0)
        self._index_rare_words()
        self.lengths = {token: sorted(sizes, reverse=True) for token, sizes in lengths.items()}
        self.acronym_countries = {
            acronym: Counter(self.orgs[e.ror_id].country_code for e in entries
                             if self.orgs[e.ror_id].active)
            for acronym, entries in self.acronyms.items()}

    @classmethod
    def from_ror_file(cls, path: Path, *, aliases: Iterable[Alias] | None = None) -> Registry:
        """The registry of a ROR file (dump, JSON Lines, gzip or zip); bad records skipped."""
        from jumelage.directory.ror import RorRecord, read_ror_file

        records = (r for r in read_ror_file(path=path) if isinstance(r, RorRecord))
        return cls(records, aliases=aliases)

    def __len__(self) -> int:
        return len(self.orgs)

    def __contains__(self, ror_id: object) -> bool:
        return ror_id in self.orgs

    def get(self, ror_id: str) -> Organisation | None:
        return self.orgs.get(ror_id)

    # --- places ---

    def _index_places(self) -> None:
        self.city_key: dict[str, tuple[str, ...]] = {}
        self.region: dict[str, str] = {}
        votes: dict[tuple[str, tuple[str, ...]], Counter[str]] = defaultdict(Counter)
        for org in self.orgs.values():
            key = tuple(plain_tokens(fold(org.city)))
            self.city_key[org.ror_id] = key
            code = region_code(country=org.country_code, region=org.region)
            self.region[org.ror_id] = code
            if key and code:
                votes[(org.country_code, key)][code] += 1
        # A record without its region takes the one of the other records of its city.
        for org in self.orgs.values():
            key = self.city_key[org.ror_id]
            if not self.region[org.ror_id] and votes.get((org.country_code, key)):
                self.region[org.ror_id] = votes[(org.country_code, key)].most_common(1)[0][0]
        self.city_places: dict[tuple[str, ...], set[tuple[str, str]]] = defaultdict(set)
        for org in self.orgs.values():
            key = self.city_key[org.ror_id]
            if key:
                self.city_places[key].add((org.country_code, self.region[org.ror_id]))
        for variant, target in CITY_VARIANTS.items():
            if target in self.city_places:
                self.city_places[variant] |= self.city_places[target]
        self.city_max = max((len(k) for k in self.city_places), default=1)

    # --- hierarchy ---

    def _index_hierarchy(self) -> None:
        self.children: dict[str, list[str]] = defaultdict(list)
        for org in self.orgs.values():
            for parent in org.parent_ids:
                self.children[parent].append(org.ror_id)
        self.multi_site = frozenset(
            ror_id for ror_id, kids in self.children.items()
            if len({self.city_key.get(k) for k in kids} - {()}) >= MULTI_SITE_CITIES)

    def ancestors(self, ror_id: str) -> frozenset[str]:
        """Every organisation above `ror_id` (parents, their parents...)."""
        return self._ancestors.get(ror_id, frozenset())

    @cached_property
    def _ancestors(self) -> dict[str, frozenset[str]]:
        result: dict[str, frozenset[str]] = {}
        for ror_id in self.orgs:
            seen: set[str] = set()
            stack = list(self.orgs[ror_id].parent_ids)
            while stack:
                parent = stack.pop()
                if parent not in seen and parent != ror_id:
                    seen.add(parent)
                    org = self.orgs.get(parent)
                    stack.extend(org.parent_ids if org else ())
            result[ror_id] = frozenset(seen)
        return result

    # --- names ---

    def _index_names(self, org: Organisation) -> None:
        acronyms = list(org.acronyms)
        names = []
        for value in (org.name, *org.labels):
            if looks_like_acronym(value):
                acronyms.append(value)
                continue
            names.append((value, LABEL))
            bare = _PARENTHESIS_RE.sub("", value)  # "Pfizer (France)" is also "Pfizer"
            if bare and bare != value:
                names.append((bare, ALIAS))
        for value, kind in names:
            self._add_name(org.ror_id, value, kind)
        folded = {fold(a) for a in acronyms}
        acronyms += [v for v, _kind in names if " " not in v.strip() and fold(v) in folded]
        for acronym in acronyms:  # "Inserm" is written as often as "INSERM"
            self._add_acronym(org.ror_id, acronym, ACRONYM)

    def _index_alias(self, alias: Alias) -> None:
        city = tuple(plain_tokens(fold(alias.city)))
        if alias.kind == "acronym":
            self._add_acronym(alias.ror_id, alias.alias, ACRONYM, city=city, local=True)
        else:
            self._add_name(alias.ror_id, alias.alias, LOCAL, city=city)

    def _add_name(self, ror_id: str, value: str, kind: str, *, city: tuple[str, ...] = ()
                  ) -> None:
        tokens = name_key(value).tokens
        if not tokens:
            return
        weak = ""
        if len(tokens) == 1:
            if tokens in self.city_places or tokens in COUNTRY_KEYS or tokens in PROVINCE_KEYS:
                return  # "Sherbrooke" is a city before it is the city's administration
            weak = "word"
        elif len(tokens) == 2 and _UNIT_RE.match(tokens[0]) and tokens[1].isdigit():
            kind = UNIT
        elif tokens[0] in UNIT_HEADS:
            weak = "unit"
        if tuple(tokens) in self.city_places:
            return
        new = NameEntry(ror_id, value, kind, weak, city, len(tokens), kind == LOCAL,
                        value.count(","), tokens)
        entries = self.names[tokens]
        for i, entry in enumerate(entries):
            if entry.ror_id == ror_id:
                if _RANK[kind] < _RANK[entry.kind] or (city == () and entry.city):
                    entries[i] = new
                return
        entries.append(new)
        if len(tokens) >= 2 and kind != UNIT and len(set(tokens)) == len(tokens):
            bag = self.bags[frozenset(tokens)]
            if all(e.ror_id != ror_id for e in bag):
                bag.append(new)

    def _index_rare_words(self) -> None:
        """Words found in few names ("Bichat", "Becquerel"): a part made of a name's words,
        one of them rare, may be that name cut short ("Hôpital Bichat" for "Hôpital
        Bichat-Claude-Bernard"); and a word one letter away from a rare word may be a typo
        ("Gustav Roussy")."""
        self.vocabulary: Counter[str] = Counter()
        for key in self.names:
            self.vocabulary.update(set(key))
        self.rare: dict[str, list[NameEntry]] = defaultdict(list)
        self.deletions: dict[str, set[str]] = defaultdict(set)
        for key, entries in self.names.items():
            for token in set(key):
                if (self.vocabulary[token] > RARE_WORD or len(token) < 4 or token.isdigit()
                        or (token,) in self.city_places):
                    continue
                self.rare[token].extend(e for e in entries if not e.weak and e.kind != UNIT)
                if len(token) >= TYPO_MIN_LENGTH:
                    for variant in _deletions(token):
                        self.deletions[variant].add(token)

    def distinctive(self, tokens: tuple[str, ...]) -> bool:
        """Whether a name has a word that few names share ("McGill", "Pasteur"): without
        one, a name says nothing of which institution it is unless a place tells."""
        return any(self.vocabulary[t] <= DISTINCTIVE_WORD and len(t) >= 4 and
                   not t.isdigit() and t not in GENERIC_WORDS and t not in CANONICAL
                   for t in tokens)

    def correct(self, token: str) -> str | None:
        """The rare word `token` is one letter away from, when there is exactly one."""
        if len(token) < TYPO_MIN_LENGTH or token in self.vocabulary:
            return None
        found: set[str] = set()
        for variant in _deletions(token):
            found |= self.deletions.get(variant, set())
        return found.pop() if len(found) == 1 else None

    def _add_acronym(self, ror_id: str, value: str, kind: str, *,
                     city: tuple[str, ...] = (), local: bool = False) -> None:
        key = unaccent(value).strip()
        if (len(key) < 2 or key.upper() in GENERIC_ACRONYMS or key.isdigit() or
                not any(ch.isalpha() for ch in key)):
            return
        entries = self.acronyms[key]
        if all(e.ror_id != ror_id for e in entries):
            entries.append(NameEntry(ror_id, value, kind, "", city, 1, local))


_RANK = {LABEL: 0, UNIT: 0, LOCAL: 1, ALIAS: 2, ACRONYM: 3}
RARE_WORD = 8  # a word in at most this many names is rare
DISTINCTIVE_WORD = 20  # a word in at most this many names tells institutions apart
TYPO_MIN_LENGTH = 6


def _deletions(token: str) -> set[str]:
    """`token` and every string one letter shorter: two words one edit apart share one."""
    return {token} | {token[:i] + token[i + 1:] for i in range(len(token))}
