"""Expertise profiles of people and teams, built from plain rows (no Django, no database).

A profile gathers what says what someone works on, each piece a `ProfileText` with a weight:
the titles and abstracts of their publications (the observatory's works attributed to them by
ORCID or by a confirmed authorship), the keywords and themes they declared, and the abstracts of
their projects. A team's profile is the union of its members' texts and publications plus its own
declared keywords and themes.

Rows are plain mappings (what a Django `values()` query or a CSV gives); missing keys take the
defaults documented on `build_profiles`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERSON = "person"
TEAM = "team"

# Default weight of each kind of text in a profile (a keyword line weighs as much as an abstract:
# it is short, so each of its words counts more).
DEFAULT_WEIGHTS: dict[str, float] = {"publication": 1.0, "keywords": 2.0, "themes": 1.0,
                                     "project": 1.0}


@dataclass(frozen=True, slots=True)
class ProfileText:
    text: str
    weight: float = 1.0
    year: int | None = None
    kind: str = "publication"  # publication, keywords, themes or project
    source_id: str | None = None  # the publication's or the project's id


@dataclass(frozen=True, slots=True)
class Publication:
    id: str
    year: int | None
    title: str = ""
    coauthor_ids: tuple[str, ...] = ()  # the other profiles' ids among its authors


@dataclass(slots=True)
class Profile:
    id: str
    kind: str = PERSON  # PERSON or TEAM
    side: str = ""  # the pole's code ("clara", "oncopole"); "" when unknown
    name: str = ""
    institution_ids: tuple[str, ...] = ()
    institution_types: tuple[str, ...] = ()
    team_id: str | None = None
    career_stage: str = ""
    themes: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    orcid: str | None = None
    texts: list[ProfileText] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    member_ids: tuple[str, ...] = ()  # a team's people

    @property
    def coauthor_ids(self) -> frozenset[str]:
        return frozenset(c for p in self.publications for c in p.coauthor_ids if c != self.id)

    def coauthor_years(self, other_id: str) -> list[int]:
        """Years of the publications shared with `other_id` (None years left out)."""
        return sorted(p.year for p in self.publications
                      if other_id in p.coauthor_ids and p.year is not None)


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value if v not in (None, ""))


def _orcid(value: Any) -> str | None:
    text = str(value or "").strip().upper().removeprefix("HTTPS://ORCID.ORG/")
    return text or None


def work_text(work: Mapping[str, Any]) -> str:
    """The text of a work for matching: title, abstract, keywords and MeSH terms."""
    parts = [work.get("title") or "", work.get("abstract") or ""]
    parts += list(_tuple(work.get("keywords"))) + list(_tuple(work.get("mesh_terms")))
    return "\n".join(p for p in parts if p)


def build_profiles(*, people: Iterable[Mapping[str, Any]],
                   works: Iterable[Mapping[str, Any]] = (),
                   authorships: Iterable[Mapping[str, Any]] = (),
                   projects: Iterable[Mapping[str, Any]] = (),
                   teams: Iterable[Mapping[str, Any]] = (),
                   weights: Mapping[str, float] | None = None,
                   until_year: int | None = None) -> list[Profile]:
    """Person profiles, then team profiles, from plain rows.

    - people: id, and optionally name, side, institution_ids, institution_types, team_id,
      career_stage, themes, keywords (declared), orcid.
    - works: id, year, title, abstract, keywords, mesh_terms, orcids (the ORCIDs of its authors).
      A work belongs to a person whose ORCID is among its `orcids`, or who has a confirmed
      authorship row for it.
    - authorships: work_id, person_id (confirmed authorships).
    - projects: id, title, abstract, year, person_ids.
    - teams: id, and optionally name, side, institution_ids, institution_types, themes, keywords.
    - weights: the weight of each kind of text (DEFAULT_WEIGHTS for the kinds not given).
    - until_year: works and projects after this year are left out (the evaluation's split).
    """
    weight = {**DEFAULT_WEIGHTS, **(weights or {})}
    people = list(people)
    by_orcid = {_orcid(p.get("orcid")): str(p["id"]) for p in people if _orcid(p.get("orcid"))}
    authors: dict[str, set[str]] = defaultdict(set)
    for row in authorships:
        authors[str(row["work_id"])].add(str(row["person_id"]))
    kept = [w for w in works if until_year is None or (w.get("year") or 0) <= until_year]
    for work in kept:
        for orcid in _tuple(work.get("orcids")):
            if _orcid(orcid) in by_orcid:
                authors[str(work["id"])].add(by_orcid[_orcid(orcid)])

    profiles: dict[str, Profile] = {}
    for row in people:
        profile = Profile(
            id=str(row["id"]), kind=PERSON, side=str(row.get("side") or ""),
            name=str(row.get("name") or ""), institution_ids=_tuple(row.get("institution_ids")),
            institution_types=_tuple(row.get("institution_types")),
            team_id=str(row["team_id"]) if row.get("team_id") else None,
            career_stage=str(row.get("career_stage") or ""), themes=_tuple(row.get("themes")),
            keywords=_tuple(row.get("keywords")), orcid=_orcid(row.get("orcid")))
        _add_declared(profile, weight)
        profiles[profile.id] = profile

    for work in kept:
        work_id = str(work["id"])
        people_ids = sorted(authors.get(work_id, ()))
        text = work_text(work)
        for person_id in people_ids:
            if person_id not in profiles:
                continue
            profile = profiles[person_id]
            others = tuple(p for p in people_ids if p != person_id)
            profile.publications.append(Publication(
                id=work_id, year=work.get("year"), title=str(work.get("title") or ""),
                coauthor_ids=others))
            if text:
                profile.texts.append(ProfileText(text, weight["publication"], work.get("year"),
                                                 "publication", work_id))
    for project in projects:
        if until_year is not None and (project.get("year") or 0) > until_year:
            continue
        text = "\n".join(t for t in (project.get("title"), project.get("abstract")) if t)
        for person_id in _tuple(project.get("person_ids")):
            if person_id in profiles and text:
                profiles[person_id].texts.append(ProfileText(
                    text, weight["project"], project.get("year"), "project",
                    str(project["id"])))

    result = list(profiles.values())
    for row in teams:
        result.append(team_profile(row, [p for p in result if p.kind == PERSON
                                         and p.team_id == str(row["id"])], weight))
    return result


def _add_declared(profile: Profile, weight: Mapping[str, float]) -> None:
    if profile.keywords:
        profile.texts.append(ProfileText("; ".join(profile.keywords), weight["keywords"],
                                         None, "keywords"))
    if profile.themes:
        profile.texts.append(ProfileText("; ".join(profile.themes), weight["themes"], None,
                                         "themes"))


def team_profile(row: Mapping[str, Any], members: list[Profile],
                 weights: Mapping[str, float] | None = None) -> Profile:
    """A team: its declared keywords and themes, its members' texts and publications (a
    publication by several members counts once; co-authors inside the team are left out)."""
    weight = {**DEFAULT_WEIGHTS, **(weights or {})}
    team = Profile(id=str(row["id"]), kind=TEAM, side=str(row.get("side") or ""),
                   name=str(row.get("name") or ""),
                   institution_ids=_tuple(row.get("institution_ids"))
                   or tuple(dict.fromkeys(i for m in members for i in m.institution_ids)),
                   institution_types=_tuple(row.get("institution_types"))
                   or tuple(dict.fromkeys(t for m in members for t in m.institution_types)),
                   themes=_tuple(row.get("themes")), keywords=_tuple(row.get("keywords")),
                   member_ids=tuple(m.id for m in members))
    _add_declared(team, weight)
    inside = set(team.member_ids)
    seen_texts: set[tuple[str, str | None]] = set()
    seen_publications: dict[str, Publication] = {}
    for member in members:
        for text in member.texts:
            if text.kind in ("keywords", "themes"):
                team.texts.append(text)
            elif (text.kind, text.source_id) not in seen_texts:
                seen_texts.add((text.kind, text.source_id))
                team.texts.append(text)
        for publication in member.publications:
            outside = {c for c in publication.coauthor_ids if c not in inside}
            known = seen_publications.get(publication.id)
            if known:
                outside |= set(known.coauthor_ids)
            seen_publications[publication.id] = Publication(
                publication.id, publication.year, publication.title, tuple(sorted(outside)))
    team.publications = list(seen_publications.values())
    return team
