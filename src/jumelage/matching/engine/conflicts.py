"""Conflicts of interest between items to review (proposals, abstracts) and reviewers.

Rules, each switched on or off in `ConflictRules` (per call for proposals or per event):

- same_institution: the reviewer and the item share an institution;
- institution_hierarchy: an institution of the reviewer and one of the item are in one
  hierarchy: one is an ancestor of the other in the parent map (CHUM and Université de Montréal),
  or both sit under one ancestor (two hospitals of one university). Only the parent map makes a
  hierarchy: Hospices Civils de Lyon and Université Claude Bernard Lyon 1 are unrelated unless
  the map links them. Identical institutions are the same_institution rule's, not this one's;
- same_team: the reviewer and the item share a team;
- named_on_proposal: the reviewer is one of the people named on the item;
- coauthorship: the reviewer co-authored a publication with a person named on the item within
  the window: a publication of year Y counts when Y >= reference_year - coauthorship_years.
  The boundary is inclusive: with a window of 3 years and reference year 2026, a 2023
  co-publication is a conflict, a 2022 one is not. Later years (up to the reference year and
  beyond, for a paper in press) always count;
- self_declared: the reviewer declared a conflict with the item.

`detect` returns the reasons of each conflicting (item, reviewer) pair; `conflict_matrix` returns
the boolean matrix (items × reviewers) that the assignment solver takes, with the same reasons.
Reason messages are marked for translation; the Django layer translates them and may replace the
ids in `params` by names (or pass `labels` here).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

import numpy as np
from scipy import sparse


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


MESSAGES: dict[str, str] = {
    "same_institution": _("same institution: %(institution)s"),
    "institution_hierarchy": _("%(reviewer_institution)s and %(item_institution)s belong to "
                               "one institution (%(common)s)"),
    "same_team": _("same team: %(team)s"),
    "named_on_proposal": _("named on the proposal"),
    "coauthorship": _("co-authored with %(person)s in %(years)s (co-publications count from "
                      "%(first_year)s)"),
    "self_declared": _("conflict declared by the reviewer"),
}
RULES = tuple(MESSAGES)


@dataclass(frozen=True, slots=True)
class ConflictRules:
    same_institution: bool = True
    institution_hierarchy: bool = True
    same_team: bool = True
    named_on_proposal: bool = True
    coauthorship: bool = True
    self_declared: bool = True
    coauthorship_years: int = 3
    reference_year: int | None = None  # needed when the co-authorship rule is on

    def __post_init__(self) -> None:
        if self.coauthorship_years < 0:
            raise ValueError(f"coauthorship_years={self.coauthorship_years}: give 0 or more "
                             "years")
        if self.coauthorship and self.reference_year is None:
            raise ValueError("reference_year is needed when the coauthorship rule is on "
                             "(the year of the call or event)")

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> ConflictRules:
        """From a call's or event's stored settings (JSON); unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown conflict rule settings {unknown}: accepted are "
                             f"{sorted(known)}")
        return cls(**config)


@dataclass(frozen=True, slots=True)
class Party:
    """An item (with the people named on it) or a reviewer (person_ids: the reviewer alone)."""

    id: str
    institution_ids: tuple[str, ...] = ()
    team_ids: tuple[str, ...] = ()
    person_ids: tuple[str, ...] = ()
    declared_item_ids: tuple[str, ...] = ()  # reviewers: items they declared a conflict with


@dataclass(frozen=True, slots=True)
class Conflict:
    code: str  # one of RULES
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES[self.code]

    @property
    def message(self) -> str:
        return self.template % self.params


@dataclass
class ConflictMatrix:
    item_ids: list[str]
    reviewer_ids: list[str]
    mask: np.ndarray  # bool, items × reviewers
    reasons: dict[tuple[str, str], list[Conflict]]


def ancestors(institution: str, parents: Mapping[str, str | Iterable[str]]) -> set[str]:
    """The institution and every ancestor in the parent map (a parent may be one id or
    several; cycles are cut)."""
    seen: set[str] = set()
    todo = [institution]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        up = parents.get(current, ())
        todo.extend([up] if isinstance(up, str) else up)
    return seen


def coauthor_years_from_publications(
        publications: Iterable[tuple[int | None, Iterable[str]]]) -> dict[
            frozenset[str], list[int]]:
    """{frozenset({person, person}): sorted years} from (year, author ids) pairs."""
    out: dict[frozenset[str], set[int]] = {}
    for year, authors in publications:
        people = sorted(set(authors))
        if year is None:
            continue
        for i, a in enumerate(people):
            for b in people[i + 1:]:
                out.setdefault(frozenset((a, b)), set()).add(year)
    return {pair: sorted(years) for pair, years in out.items()}


def detect(items: Iterable[Party], reviewers: Iterable[Party], *, rules: ConflictRules,
           parents: Mapping[str, str | Iterable[str]] | None = None,
           coauthor_years: Mapping[frozenset[str], Iterable[int]] | None = None,
           labels: Mapping[str, str] | None = None) -> dict[tuple[str, str], list[Conflict]]:
    """The reasons of each conflicting (item id, reviewer id) pair, in the order of RULES;
    pairs without a conflict are absent."""
    return conflict_matrix(items, reviewers, rules=rules, parents=parents,
                           coauthor_years=coauthor_years, labels=labels).reasons


def _shared(left: list[Iterable[str]], right: list[Iterable[str]]) -> np.ndarray:
    """Boolean matrix: row i and column j have a value in common (sparse incidence product)."""
    column: dict[str, int] = {}
    a = [list(v) for v in left]
    b = [list(v) for v in right]
    for group in (a, b):
        for values in group:
            for value in values:
                column.setdefault(value, len(column))

    def matrix(group: list[list[str]]) -> sparse.csr_matrix:
        rows = [i for i, values in enumerate(group) for _v in set(values)]
        cols = [column[v] for values in group for v in set(values)]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                 shape=(len(group), len(column)))

    return (matrix(a) @ matrix(b).T).toarray() > 0


def conflict_matrix(items: Iterable[Party], reviewers: Iterable[Party], *,
                    rules: ConflictRules,
                    parents: Mapping[str, str | Iterable[str]] | None = None,
                    coauthor_years: Mapping[frozenset[str], Iterable[int]] | None = None,
                    labels: Mapping[str, str] | None = None) -> ConflictMatrix:
    """The bulk form: candidate pairs are found with sparse products, reasons are written
    only for the pairs that conflict."""
    items, reviewers = list(items), list(reviewers)
    parents = parents or {}
    label = (lambda key: labels.get(key, key)) if labels else (lambda key: key)
    mask = np.zeros((len(items), len(reviewers)), dtype=bool)
    reasons: dict[tuple[str, str], list[Conflict]] = {}
    if not items or not reviewers:
        return ConflictMatrix([p.id for p in items], [r.id for r in reviewers], mask, reasons)

    def add(i: int, j: int, conflict: Conflict) -> None:
        mask[i, j] = True
        reasons.setdefault((items[i].id, reviewers[j].id), []).append(conflict)

    def pairs(candidates: np.ndarray) -> list[tuple[int, int]]:
        return [(int(i), int(j)) for i, j in zip(*np.nonzero(candidates), strict=True)]

    if rules.same_institution:
        found = _shared([p.institution_ids for p in items], [r.institution_ids for r in reviewers])
        for i, j in pairs(found):
            for inst in sorted(set(items[i].institution_ids) & set(reviewers[j].institution_ids)):
                add(i, j, Conflict("same_institution", {"institution": label(inst)}))
    if rules.institution_hierarchy and parents:
        up = {inst: ancestors(inst, parents)
              for party in (*items, *reviewers) for inst in party.institution_ids}
        found = _shared([set().union(*(up[x] for x in p.institution_ids)) for p in items],
                        [set().union(*(up[x] for x in r.institution_ids)) for r in reviewers])
        for i, j in pairs(found):
            for conflict in _hierarchy(items[i], reviewers[j], up, parents, label):
                add(i, j, conflict)
    if rules.same_team:
        found = _shared([p.team_ids for p in items], [r.team_ids for r in reviewers])
        for i, j in pairs(found):
            for team in sorted(set(items[i].team_ids) & set(reviewers[j].team_ids)):
                add(i, j, Conflict("same_team", {"team": label(team)}))
    if rules.named_on_proposal:
        found = _shared([p.person_ids for p in items], [r.person_ids for r in reviewers])
        for i, j in pairs(found):
            add(i, j, Conflict("named_on_proposal"))
    if rules.coauthorship and coauthor_years:
        first = rules.reference_year - rules.coauthorship_years
        partners: dict[str, set[str]] = {}
        recent: dict[frozenset[str], list[int]] = {}
        for pair, years in coauthor_years.items():
            kept = sorted(y for y in years if y >= first)
            if kept and len(pair) == 2:
                recent[pair] = kept
                a, b = sorted(pair)
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
        found = _shared([p.person_ids for p in items],
                        [set().union(*(partners.get(x, set()) for x in r.person_ids))
                         for r in reviewers])
        for i, j in pairs(found):
            for person in sorted(set(items[i].person_ids)):
                years = sorted({y for x in reviewers[j].person_ids
                                for y in recent.get(frozenset((person, x)), ())})
                if years:
                    add(i, j, Conflict("coauthorship", {
                        "person": label(person), "years": ", ".join(map(str, years)),
                        "first_year": first, "window": rules.coauthorship_years,
                        "reference_year": rules.reference_year}))
    if rules.self_declared:
        column = {p.id: i for i, p in enumerate(items)}
        for j, reviewer in enumerate(reviewers):
            for item_id in reviewer.declared_item_ids:
                if item_id in column:
                    add(column[item_id], j, Conflict("self_declared"))
    return ConflictMatrix([p.id for p in items], [r.id for r in reviewers], mask, reasons)


def _hierarchy(item: Party, reviewer: Party, up: dict[str, set[str]],
               parents: Mapping[str, str | Iterable[str]], label) -> list[Conflict]:
    out = []
    for theirs in sorted(set(reviewer.institution_ids)):
        for ours in sorted(set(item.institution_ids)):
            common = up[theirs] & up[ours]
            if theirs == ours or not common:
                continue
            # The nearest common institution: the one with the most ancestors of its own.
            nearest = min(common, key=lambda c: (-len(ancestors(c, parents)), c))
            out.append(Conflict("institution_hierarchy", {
                "reviewer_institution": label(theirs), "item_institution": label(ours),
                "common": label(nearest)}))
    return out
