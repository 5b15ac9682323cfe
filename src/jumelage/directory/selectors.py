"""Reads of the directory: search with visibility applied, and the profile queries."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from jumelage.core.text import Fold, fold
from jumelage.directory.models import Affiliation, Institution, Person, Team, Theme


def visible_people(*, user) -> QuerySet[Person]:
    """People whose entry `user` may see: public profiles, their own, and for pole staff the
    people affiliated with their pole; site admins see everyone."""
    people = Person.objects.all()
    if user.is_authenticated and user.is_active and user.is_site_admin:
        return people
    visible = Q(public_profile=True)
    if user.is_authenticated:
        visible |= Q(user=user)
        if user.role == "pole_staff" and user.pole_id:
            visible |= Q(affiliations__institution__pole_id=user.pole_id)
    return people.filter(visible).distinct()


def _terms(query: str) -> list[str]:
    return [t for t in fold(query).split() if t]


def _any_contains(fields, term: str) -> Q:
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__contains": term})
    return condition


def _folded(**fields: str) -> dict:
    """Annotations: the folded text of each field (JSON lists are searched as their text)."""
    return {alias: Fold(Cast(field, TextField()) if field in {"aliases", "keywords"} else field)
            for alias, field in fields.items()}


INSTITUTION_TEXT = _folded(f_fr="name_fr", f_en="name_en", f_acr="acronym", f_city="city",
                           f_aliases="aliases")
TEAM_TEXT = _folded(f_fr="name_fr", f_en="name_en", f_acr="acronym")
THEME_TEXT = _folded(f_fr="name_fr", f_en="name_en")
PERSON_TEXT = _folded(f_given="given_name", f_family="family_name", f_keywords="keywords")


def _ids_matching(model, text: dict, term: str) -> QuerySet:
    """Primary keys of the rows of `model` one of whose folded fields contains `term`.

    The institution, team and theme tables are small: matching them first and then the
    people linked to them folds each name once, not once per person and affiliation."""
    return model.objects.annotate(**text).filter(_any_contains(text, term)).values("pk")


def institution_and_descendants(institution_id: int) -> set[int]:
    """The institution and every unit under it, through `Institution.parents` at any depth
    (a team of a laboratory of a research centre of a university). One query per level."""
    found = {institution_id}
    level = {institution_id}
    while level:
        level = set(Institution.parents.through.objects.filter(
            to_institution_id__in=level).values_list("from_institution_id", flat=True)) - found
        found |= level
    return found


def search_people(*, user, query: str = "", pole: str = "", institution: int | None = None,
                  theme: str = "") -> QuerySet[Person]:
    people = visible_people(user=user)
    if pole:
        people = people.filter(affiliations__institution__pole__code=pole)
    if institution:
        people = people.filter(
            affiliations__institution_id__in=institution_and_descendants(institution))
    if theme:
        people = people.filter(themes__code=theme)
    terms = _terms(query)
    if terms:
        people = people.annotate(**PERSON_TEXT)
    for term in terms:
        # Each word must be found somewhere in the person's entry: a name, a keyword, one of
        # their institutions or teams, or one of their themes ("montreal lyon" finds people
        # with an appointment in each city).
        institutions = _ids_matching(Institution, INSTITUTION_TEXT, term)
        teams = _ids_matching(Team, TEAM_TEXT, term)
        themes = _ids_matching(Theme, THEME_TEXT, term)
        people = people.filter(
            _any_contains(PERSON_TEXT, term)
            | Exists(Affiliation.objects.filter(person=OuterRef("pk")).filter(
                Q(institution__in=institutions) | Q(team__in=teams)))
            | Exists(Person.themes.through.objects.filter(person=OuterRef("pk"),
                                                          theme__in=themes)))
    return people.distinct().prefetch_related(
        Prefetch("affiliations",
                 queryset=Affiliation.objects.select_related("institution__pole", "team")),
        "themes",
    ).order_by("family_name", "given_name", "pk")


def search_teams(*, query: str = "", pole: str = "", institution: int | None = None,
                 theme: str = "") -> QuerySet[Team]:
    teams = Team.objects.select_related("institution__pole")
    if pole:
        teams = teams.filter(institution__pole__code=pole)
    if institution:
        teams = teams.filter(institution_id__in=institution_and_descendants(institution))
    if theme:
        teams = teams.filter(themes__code=theme)
    terms = _terms(query)
    if terms:
        teams = teams.annotate(**TEAM_TEXT)
    for term in terms:
        teams = teams.filter(
            _any_contains(TEAM_TEXT, term)
            | Q(institution__in=_ids_matching(Institution, INSTITUTION_TEXT, term))
            | Exists(Team.themes.through.objects.filter(
                team=OuterRef("pk"), theme__in=_ids_matching(Theme, THEME_TEXT, term))))
    return teams.distinct().prefetch_related("themes").order_by("name_fr", "pk")


def search_institutions(*, query: str = "", pole: str = "") -> QuerySet[Institution]:
    institutions = Institution.objects.select_related("pole")
    if pole:
        institutions = institutions.filter(pole__code=pole)
    terms = _terms(query)
    if terms:
        institutions = institutions.annotate(**INSTITUTION_TEXT)
    for term in terms:
        institutions = institutions.filter(_any_contains(INSTITUTION_TEXT, term))
    return institutions.order_by("name_fr", "pk")


def person_profile(*, pk: int) -> Person:
    return (
        Person.objects.select_related("user")
        .prefetch_related(
            Prefetch("affiliations", queryset=Affiliation.objects.select_related(
                "institution__pole", "team")),
            "themes",
        )
        .get(pk=pk)
    )
