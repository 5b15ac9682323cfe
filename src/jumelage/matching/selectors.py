"""Reads for matching: the directory and the observatory as the engine's plain rows.

Profiles of people come from the directory (declared keywords and themes, current
affiliations, team) and from the observatory's works that carry their ORCID. Co-authorship
years for the conflict rules come from the same works. Ids given to the engine are the
directory's primary keys as strings; the pages map them back.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
from django.db.models import Prefetch, Q
from django.utils import timezone

from jumelage.directory.models import Affiliation, Institution, Person
from jumelage.matching.engine.affinity import AffinityModel
from jumelage.matching.engine.conflicts import ConflictMatrix, ConflictRules, Party, conflict_matrix
from jumelage.matching.engine.profiles import Profile, build_profiles
from jumelage.matching.models import DeclaredConflict, ReviewExercise, ReviewItem
from jumelage.observatory.report_selectors import store_path

OTHER_GROUP = "other"  # reviewers outside both poles, for the balance constraint


def _current_affiliations(today: dt.date) -> Prefetch:
    return Prefetch(
        "affiliations",
        queryset=Affiliation.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=today)).select_related(
                "institution__pole", "team").order_by("pk"),
        to_attr="current_affiliations")


def people_with_context(person_ids: Iterable[int] | None = None):
    """People with their current affiliations, institutions, poles and themes prefetched."""
    queryset = Person.objects.prefetch_related(
        _current_affiliations(timezone.localdate()), "themes")
    if person_ids is not None:
        queryset = queryset.filter(pk__in=list(person_ids))
    return queryset.order_by("pk")


def side_of(person: Person) -> str:
    """The code of the pole of the person's first current affiliation, or OTHER_GROUP."""
    for affiliation in person.current_affiliations:
        pole = affiliation.institution.pole
        if pole is not None:
            return pole.code
    return OTHER_GROUP


def person_row(person: Person) -> dict:
    affiliations = person.current_affiliations
    return {
        "id": str(person.pk), "name": person.full_name, "side": side_of(person),
        "institution_ids": [str(a.institution_id) for a in affiliations],
        "institution_types": sorted({a.institution.type for a in affiliations}),
        "team_id": next((str(a.team_id) for a in affiliations if a.team_id), None),
        "career_stage": person.career_stage,
        "themes": [t for theme in person.themes.all() for t in (theme.name_fr, theme.name_en)],
        "keywords": list(person.keywords or []), "orcid": person.orcid,
    }


def works_of(orcids: Iterable[str]) -> list[dict]:
    """The observatory's works (one record per work) with an author of these ORCIDs: id,
    year, title, abstract, keywords, mesh_terms and the ORCIDs among their authors. Empty
    when the store is missing, not indexed or being written."""
    wanted = sorted({o for o in orcids if o})
    path = store_path()
    if not wanted or not path.is_file():
        return []
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return []
    try:
        rows = con.execute("""
            WITH mine AS (
                SELECT DISTINCT m.work_id, a.orcid
                FROM authorships a JOIN work_map m USING (source, source_id)
                WHERE a.orcid IN (SELECT unnest($orcids))
            )
            SELECT m.work_id, w.year, w.title, coalesce(ab.abstract, ''), w.keywords,
                   w.mesh_terms, list(DISTINCT mine.orcid ORDER BY mine.orcid)
            FROM mine
            JOIN work_map m ON m.work_id = mine.work_id AND m.representative
            JOIN works w USING (source, source_id)
            LEFT JOIN abstracts ab USING (source, source_id)
            GROUP BY ALL ORDER BY m.work_id""", {"orcids": wanted}).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
    return [{"id": work_id, "year": year, "title": title or "", "abstract": abstract,
             "keywords": keywords or [], "mesh_terms": mesh or [], "orcids": authors}
            for work_id, year, title, abstract, keywords, mesh, authors in rows]


def profiles_of(people: list[Person]) -> list[Profile]:
    rows = [person_row(p) for p in people]
    return build_profiles(people=rows, works=works_of(p.orcid for p in people))


def inst_key(pk: int) -> str:
    """An institution's id for the conflict rules ("i12"; teams are "t…", people bare)."""
    return f"i{pk}"


def team_key(pk: int) -> str:
    return f"t{pk}"


def parent_map() -> dict[str, list[str]]:
    """Every institution's parents, for the hierarchy rule."""
    parents: dict[str, list[str]] = {}
    for child, parent in Institution.parents.through.objects.values_list(
            "from_institution_id", "to_institution_id"):
        parents.setdefault(inst_key(child), []).append(inst_key(parent))
    return parents


def coauthor_years(profiles: Iterable[Profile]) -> dict[frozenset[str], list[int]]:
    """{frozenset({person id, person id}): years} from the profiles' shared publications."""
    out: dict[frozenset[str], set[int]] = {}
    for profile in profiles:
        for publication in profile.publications:
            if publication.year is None:
                continue
            for other in publication.coauthor_ids:
                out.setdefault(frozenset((profile.id, other)), set()).add(publication.year)
    return {pair: sorted(years) for pair, years in out.items()}


def exercise_rules(exercise: ReviewExercise, *, year: int | None = None) -> ConflictRules:
    enabled = set(exercise.conflict_rules or [])
    return ConflictRules(
        same_institution="same_institution" in enabled,
        institution_hierarchy="institution_hierarchy" in enabled,
        same_team="same_team" in enabled,
        named_on_proposal="named_on_proposal" in enabled,
        coauthorship="coauthorship" in enabled,
        self_declared="self_declared" in enabled,
        coauthorship_years=exercise.coauthorship_years,
        reference_year=year or timezone.localdate().year)


@dataclass
class ExerciseData:
    """Everything the pages and the solver need about one exercise, computed once."""

    exercise: ReviewExercise
    items: list[ReviewItem]
    reviewers: list[Person]
    scores: np.ndarray  # items × reviewers, in [0, 1]; 0 for a reviewer with no profile
    conflicts: ConflictMatrix
    groups: dict[str, str]  # reviewer id -> pole code or OTHER_GROUP
    max_loads: list[int]
    labels: dict[str, str]

    def item_index(self, item: ReviewItem) -> int:
        return next(i for i, it in enumerate(self.items) if it.pk == item.pk)

    def reviewer_index(self, person: Person) -> int:
        return next(j for j, p in enumerate(self.reviewers) if p.pk == person.pk)

    def reasons(self, item: ReviewItem, person: Person) -> list:
        return self.conflicts.reasons.get((str(item.pk), str(person.pk)), [])


# A reviewer whose profile has text but shares no word with an item is not "unknown": they
# keep this small score so that the solver may still use them when nobody better is free.
NO_OVERLAP_SCORE = 1e-6


def exercise_data(exercise: ReviewExercise) -> ExerciseData:
    # Declared conflicts are read as pairs: prefetching them per item costs a queryset clone
    # per item (a second at a thousand items), the pairs one query.
    items = list(exercise.items.prefetch_related(
        "people", "teams", "institutions", "themes").order_by("reference", "pk"))
    members = list(exercise.pool.filter(active=True).select_related("person"))
    reviewers = list(people_with_context(m.person_id for m in members))
    load_of = {m.person_id: m.max_load or exercise.max_load for m in members}
    profiles = profiles_of(reviewers)
    texts = [_item_text(item) for item in items]
    if items and reviewers:
        model = AffinityModel().fit(profiles)
        scores = model.score_texts(texts)
        has_text = np.array([bool(p.texts) for p in profiles])
        scores = np.where(has_text[None, :], np.maximum(scores, NO_OVERLAP_SCORE), 0.0)
    else:
        scores = np.zeros((len(items), len(reviewers)))
    declared: dict[str, list[str]] = {}
    for person_id, item_id in DeclaredConflict.objects.filter(
            item__exercise=exercise).order_by("item__reference", "item_id").values_list(
                "person_id", "item_id"):
        declared.setdefault(str(person_id), []).append(str(item_id))
    named = {str(p.pk) for item in items for p in item.people.all()}
    named_people = list(people_with_context(int(pk) for pk in named))
    coauthors = coauthor_years(profiles_of(_unique_people(reviewers + named_people)))
    parents = parent_map()
    labels = {inst_key(i.pk): str(i) for item in items for i in item.institutions.all()}
    labels |= {inst_key(a.institution_id): str(a.institution)
               for p in reviewers for a in p.current_affiliations}
    labels |= {team_key(t.pk): str(t) for item in items for t in item.teams.all()}
    labels |= {team_key(a.team_id): str(a.team) for p in reviewers
               for a in p.current_affiliations if a.team_id}
    labels |= {str(p.pk): p.full_name for p in named_people}
    ancestors = {int(x[1:]) for ids in parents.values() for x in ids}
    labels |= {inst_key(i.pk): str(i) for i in Institution.objects.filter(pk__in=ancestors)}
    item_parties = [Party(id=str(item.pk),
                          institution_ids=tuple(inst_key(i.pk) for i in item.institutions.all()),
                          team_ids=tuple(team_key(t.pk) for t in item.teams.all()),
                          person_ids=tuple(str(p.pk) for p in item.people.all()))
                    for item in items]
    reviewer_parties = [Party(id=str(p.pk),
                              institution_ids=tuple(dict.fromkeys(
                                  inst_key(a.institution_id) for a in p.current_affiliations)),
                              team_ids=tuple(dict.fromkeys(
                                  team_key(a.team_id) for a in p.current_affiliations
                                  if a.team_id)),
                              person_ids=(str(p.pk),),
                              declared_item_ids=tuple(declared.get(str(p.pk), ())))
                        for p in reviewers]
    matrix = conflict_matrix(item_parties, reviewer_parties, rules=exercise_rules(exercise),
                             parents=parents, coauthor_years=coauthors, labels=labels)
    return ExerciseData(exercise=exercise, items=items, reviewers=reviewers, scores=scores,
                        conflicts=matrix, groups={str(p.pk): side_of(p) for p in reviewers},
                        max_loads=[load_of[p.pk] for p in reviewers], labels=labels)


def _unique_people(people: list[Person]) -> list[Person]:
    return list({p.pk: p for p in people}.values())


def _item_text(item: ReviewItem) -> str:
    themes = [t for theme in item.themes.all() for t in (theme.name_fr, theme.name_en)]
    return "\n".join(part for part in (item.title, item.text, "; ".join(item.keywords or []),
                                       "; ".join(themes)) if part)
