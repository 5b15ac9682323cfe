"""Partner recommendations (mise en relation): for a person, a team or a free-text need, the
profiles of the other side ranked by affinity, with the reasons.

- Other side only: the candidates are the fitted profiles whose side is set and differs from the
  query's (a text query says its side with `side=`). The query itself, its team and, for a team,
  its members are never candidates.
- Filters (`Filters`): themes (the candidate declares at least one), institution types (one of
  the candidate's institutions has one), career stages, kinds (person, team); empty means any.
- Existing co-authors are kept and marked (`is_coauthor`, and a "coauthor" reason), because an
  existing partnership is worth showing; `exclude_coauthors=True` leaves them out.
- Order: score, highest first, then profile id; candidates scoring `min_score` or less (default
  0: nothing in common) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jumelage.matching.engine.affinity import AffinityModel, Explanation
from jumelage.matching.engine.profiles import Profile


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


MESSAGES: dict[str, str] = {
    "shared_terms": _("shared terms: %(terms)s"),
    "shared_themes": _("shared themes: %(themes)s"),
    "representative_publications": _("closest publications: %(publications)s"),
    "coauthor": _("already co-authors (publications in common: %(count)s, the latest in "
                  "%(year)s)"),
}


@dataclass(frozen=True, slots=True)
class Reason:
    code: str  # a key of MESSAGES
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return MESSAGES[self.code]

    @property
    def message(self) -> str:
        return self.template % self.params


@dataclass(frozen=True, slots=True)
class Filters:
    themes: tuple[str, ...] = ()
    institution_types: tuple[str, ...] = ()
    career_stages: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()

    def accepts(self, profile: Profile) -> bool:
        return ((not self.themes or bool(set(self.themes) & set(profile.themes)))
                and (not self.institution_types
                     or bool(set(self.institution_types) & set(profile.institution_types)))
                and (not self.career_stages or profile.career_stage in self.career_stages)
                and (not self.kinds or profile.kind in self.kinds))


@dataclass(frozen=True, slots=True)
class Recommendation:
    profile_id: str
    rank: int  # 1-based
    score: float
    is_coauthor: bool
    reasons: tuple[Reason, ...]
    explanation: Explanation


def _people(profile: Profile) -> set[str]:
    return {profile.id, *profile.member_ids}


def coauthorship(query: Profile, candidate: Profile) -> tuple[int, int | None]:
    """(number of publications shared, latest year) between two profiles (a team counts its
    members' publications)."""
    theirs = _people(candidate)
    shared = {p.id: p.year for p in query.publications if theirs & set(p.coauthor_ids)}
    ours = _people(query)
    shared.update({p.id: p.year for p in candidate.publications if ours & set(p.coauthor_ids)})
    years = [y for y in shared.values() if y is not None]
    return len(shared), (max(years) if years else None)


def recommend(model: AffinityModel, query: Profile | str, *, side: str | None = None,
              filters: Filters | None = None, limit: int = 10, min_score: float = 0.0,
              exclude_coauthors: bool = False, terms: int = 5,
              publications: int = 3) -> list[Recommendation]:
    """The best `limit` candidates of the other side for `query` (see the module doc)."""
    is_text = isinstance(query, str)
    side = side if side is not None else ("" if is_text else query.side)
    if not side:
        raise ValueError("side: give the pole of whoever asks (the candidates are those of the "
                         "other side)")
    filters = filters or Filters()
    scores = (model.score_texts([query]) if is_text else model.score_profiles([query]))[0]
    own: set[str] = set()
    if not is_text:
        own = _people(query) | ({query.team_id} if query.team_id else set())
    found: list[tuple[float, str, Profile, tuple[int, int | None]]] = []
    for position, candidate in enumerate(model.profiles):
        score = float(scores[position])
        if (not candidate.side or candidate.side == side or candidate.id in own
                or score <= min_score or not filters.accepts(candidate)):
            continue
        if not is_text and (query.id in candidate.member_ids or candidate.team_id == query.id):
            continue
        shared = coauthorship(query, candidate) if not is_text else (0, None)
        if shared[0] and exclude_coauthors:
            continue
        found.append((score, candidate.id, candidate, shared))
    found.sort(key=lambda entry: (-entry[0], entry[1]))
    out = []
    for rank, (score, candidate_id, candidate, shared) in enumerate(found[:limit], start=1):
        explanation = model.explain(query, candidate_id, terms=terms, publications=publications,
                                    score=score)
        out.append(Recommendation(candidate_id, rank, score, bool(shared[0]),
                                  _reasons(query, candidate, explanation, shared), explanation))
    return out


def _reasons(query: Profile | str, candidate: Profile, explanation: Explanation,
             shared: tuple[int, int | None]) -> tuple[Reason, ...]:
    reasons = []
    if explanation.terms:
        reasons.append(Reason("shared_terms", {
            "terms": ", ".join(t.term for t in explanation.terms)}))
    if not isinstance(query, str):
        themes = sorted(set(query.themes) & set(candidate.themes))
        if themes:
            reasons.append(Reason("shared_themes", {"themes": ", ".join(themes)}))
    if explanation.publications:
        reasons.append(Reason("representative_publications", {"publications": "; ".join(
            f"{p.title} ({p.year})" if p.year else p.title for p in explanation.publications)}))
    if shared[0]:
        reasons.append(Reason("coauthor", {"count": shared[0], "year": shared[1]}))
    return tuple(reasons)
