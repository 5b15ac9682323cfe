"""Find a partner (mise en relation): for a signed-in member's profile, their team or a need typed
in words, the people and teams of the other pole ranked by affinity, with the reasons.

- Privacy: the affinity model is fit on the people the viewer may see in the directory
  (`directory.selectors.visible_people`: public profiles and their own entry; all entries for
  site admins; the entries of their pole's people for pole staff) and on every team, whose
  profile gathers only those visible members' words. A private entry therefore never appears,
  nor do its keywords or publications in a team's reasons.
- Sides: a person's side is the pole of their first current affiliation (`selectors.side_of`);
  people outside both poles have none and are never candidates. Team ids are "team:<pk>" in the
  model, person ids "<pk>", so that the two never collide.
- Cache: the fitted model is kept in Django's cache under a fingerprint of the directory
  (people: count and latest change; affiliations and teams: count and largest id; the day,
  which decides current affiliations), of the observatory store file (size and modification
  time) and of the set of people fitted. A change the fingerprint does not see (a team's
  themes edited in the admin) shows within CACHE_SECONDS.
"""

import hashlib
import json
from dataclasses import dataclass

from babel.numbers import format_percent
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jumelage.core.formatting import babel_locale
from jumelage.directory.models import Person, Pole, Team, Theme
from jumelage.directory.selectors import visible_people
from jumelage.matching.engine.affinity import AffinityModel
from jumelage.matching.engine.profiles import TEAM, Profile, build_profiles
from jumelage.matching.engine.recommend import Filters, Reason, Recommendation, recommend
from jumelage.matching.partner_forms import (
    ALL,
    MATCH_NEED,
    MATCH_TEAM,
    PEOPLE,
    TEAMS,
    PartnerSearchForm,
    other_side,
)
from jumelage.matching.selectors import (
    OTHER_GROUP,
    people_with_context,
    person_row,
    side_of,
    works_of,
)
from jumelage.observatory.report_selectors import store_path

PAGE_SIZE = 10
MAX_RESULTS = 50  # candidates ranked and explained per search
CACHE_SECONDS = 3600
TEAM_PREFIX = "team:"


# --- the model --------------------------------------------------------------------------------

def team_key(pk: int | str) -> str:
    return f"{TEAM_PREFIX}{pk}"


def _theme_names(themes) -> list[str]:
    return [name for theme in themes for name in (theme.name_fr, theme.name_en)]


def fit_partner_model(*, person_ids: list[int]) -> AffinityModel:
    """The affinity model on these people (with their observatory works) and on every team."""
    people = list(people_with_context(person_ids))
    rows = []
    for person in people:
        row = person_row(person)
        if row["side"] == OTHER_GROUP:
            row["side"] = ""  # outside both poles: never on the other side of anyone
        if row["team_id"]:
            row["team_id"] = team_key(row["team_id"])
        rows.append(row)
    teams = [{"id": team_key(team.pk), "name": team.name_fr,
              "side": team.institution.pole.code if team.institution.pole else "",
              "institution_ids": [str(team.institution_id)],
              "institution_types": [team.institution.type],
              "themes": _theme_names(team.themes.all())}
             for team in Team.objects.select_related("institution__pole").prefetch_related(
                 "themes").order_by("pk")]
    profiles = build_profiles(people=rows, works=works_of(p.orcid for p in people), teams=teams)
    return AffinityModel().fit(profiles)


def _fingerprint(person_ids: list[int]) -> str:
    people = Person.objects.aggregate(count=Count("pk", distinct=True),
                                      updated=Max("updated_at"),
                                      affiliation_count=Count("affiliations", distinct=True),
                                      last_affiliation=Max("affiliations__id"))
    teams = Team.objects.aggregate(count=Count("pk"), last=Max("pk"))
    path = store_path()
    store = [path.stat().st_size, path.stat().st_mtime_ns] if path.is_file() else None
    parts = [people, teams, store, str(path), str(timezone.localdate()), person_ids]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:32]


def partner_model(*, user) -> AffinityModel:
    """The model on what `user` may see, from the cache when the directory has not changed."""
    person_ids = list(visible_people(user=user).order_by("pk").values_list("pk", flat=True))
    key = f"matching:partners:{_fingerprint(person_ids)}"
    model = cache.get(key)
    if model is None:
        model = fit_partner_model(person_ids=person_ids)
        cache.set(key, model, CACHE_SECONDS)
    return model


# --- the page ---------------------------------------------------------------------------------

@dataclass
class Candidate:
    """One recommendation as the page shows it."""

    recommendation: Recommendation
    kind: str  # "person" or "team"
    name: str
    url: str
    institutions: list[str]
    career_stage: str
    score: str
    reasons: list[str]

    @property
    def rank(self) -> int:
        return self.recommendation.rank

    @property
    def is_coauthor(self) -> bool:
        return self.recommendation.is_coauthor


def score_text(score: float) -> str:
    """The affinity as a whole percentage in the reader's language ("71 %", "71%")."""
    return format_percent(score, locale=babel_locale())


def reason_text(reason: Reason, *, shared_themes: list[Theme]) -> str:
    """The engine's reason in the reader's language; shared themes named in that language."""
    params = dict(reason.params)
    if reason.code == "shared_themes":
        params["themes"] = ", ".join(theme.name for theme in shared_themes)
    return _(reason.template) % params


def _shared_themes(query: Profile | str, candidate: Profile, themes: list[Theme]) -> list[Theme]:
    if isinstance(query, str):
        return []
    shared = set(query.themes) & set(candidate.themes)
    return [t for t in themes if t.name_fr in shared or t.name_en in shared]


def _candidates(recommendations: list[Recommendation], *, model: AffinityModel,
                query: Profile | str, themes: list[Theme]) -> list[Candidate]:
    """The page's recommendations with their directory entries (two reads for the page)."""
    person_ids = [int(r.profile_id) for r in recommendations
                  if not r.profile_id.startswith(TEAM_PREFIX)]
    team_ids = [int(r.profile_id.removeprefix(TEAM_PREFIX)) for r in recommendations
                if r.profile_id.startswith(TEAM_PREFIX)]
    people = {str(p.pk): p for p in people_with_context(person_ids)} if person_ids else {}
    teams = ({team_key(t.pk): t for t in Team.objects.select_related("institution").filter(
        pk__in=team_ids)} if team_ids else {})
    out = []
    for recommendation in recommendations:
        profile = model.profiles[model.index[recommendation.profile_id]]
        shared = _shared_themes(query, profile, themes)
        reasons = [reason_text(r, shared_themes=shared) for r in recommendation.reasons]
        if profile.kind == TEAM:
            team = teams[recommendation.profile_id]
            out.append(Candidate(recommendation, "team", team.name, team.get_absolute_url(),
                                 [team.institution.name], "", score_text(recommendation.score),
                                 reasons))
        else:
            person = people[recommendation.profile_id]
            institutions = list(dict.fromkeys(
                a.institution.name for a in person.current_affiliations))
            out.append(Candidate(recommendation, "person", person.full_name,
                                 person.get_absolute_url(), institutions,
                                 person.get_career_stage_display(),
                                 score_text(recommendation.score), reasons))
    return out


def _viewer(request) -> tuple[Person | None, str, str | None, str]:
    """The viewer's directory entry, its side, their current team (key, or None) and its side."""
    person = people_with_context().filter(user=request.user).first()
    if person is None:
        return None, "", None, ""
    side = side_of(person)
    side = "" if side == OTHER_GROUP else side
    team_id = next((a.team_id for a in person.current_affiliations if a.team_id), None)
    if team_id is None:
        return person, side, None, ""
    team = Team.objects.select_related("institution__pole").get(pk=team_id)
    return person, side, team_key(team_id), team.institution.pole.code if (
        team.institution.pole) else ""


def _filters(params: dict, themes: list[Theme]) -> Filters:
    theme = next((t for t in themes if t.code == params.get("theme")), None)
    kinds = {PEOPLE: ("person",), TEAMS: ("team",), ALL: ()}[params["kind"]]
    return Filters(themes=(theme.name_fr, theme.name_en) if theme else (),
                   institution_types=tuple(filter(None, [params.get("institution_type")])),
                   career_stages=tuple(filter(None, [params.get("career_stage")])),
                   kinds=kinds)


@login_required
def find_partner(request):
    themes = list(Theme.objects.all())
    poles = list(Pole.objects.order_by("code"))
    person, profile_side, team, team_side = _viewer(request)
    staff_pole = next((p.code for p in poles if p.pk == request.user.pole_id), "")
    form = PartnerSearchForm(
        request.GET or None, themes=themes, poles=poles, has_profile=person is not None,
        profile_side=profile_side, team_side=team_side if team else None,
        own_side=profile_side or staff_pole)
    params = None
    if form.is_bound:
        if form.is_valid():
            params = form.cleaned_data
    elif form.default_match() != MATCH_NEED:
        # The first visit of a member with a pole shows their profile's partners at once.
        params = {"match": form.default_match(), "kind": PEOPLE,
                  "target": other_side(profile_side, poles)}

    context = {"form": form, "page": None}
    if params is not None:
        model = partner_model(user=request.user)
        query: Profile | str
        if params["match"] == MATCH_NEED:
            query = params["need"]
            asker = other_side(params["target"], poles)
        else:
            key = str(person.pk) if params["match"] != MATCH_TEAM else team
            query = model.profiles[model.index[key]]
            asker = query.side
        found = [r for r in recommend(model, query, side=asker, filters=_filters(params, themes),
                                      limit=MAX_RESULTS)
                 if model.profiles[model.index[r.profile_id]].side == params["target"]]
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = _candidates(list(page.object_list), model=model, query=query,
                                       themes=themes)
        base_query = request.GET.copy()
        base_query.pop("page", None)
        context.update({"page": page, "target": next(p for p in poles
                                                     if p.code == params["target"]),
                        "base_query": base_query.urlencode(),
                        "empty_query": not isinstance(query, str) and not query.texts,
                        "max_results": MAX_RESULTS})
    return render(request, "matching/partners.html", context)
