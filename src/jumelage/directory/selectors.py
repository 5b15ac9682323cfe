"""Reads of the directory: search with visibility applied, and the profile queries."""

from django.db.models import Prefetch, Q, QuerySet, TextField
from django.db.models.functions import Cast

from jumelage.core.text import Fold, fold
from jumelage.directory.models import Affiliation, Institution, Person, Team


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


def _match_all(terms: list[str], fields: list[str]) -> Q:
    """Every term must appear in at least one of the folded fields."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for field in fields:
            any_field |= Q(**{f"{field}__contains": term})
        condition &= any_field
    return condition


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
        ids = Person.objects.annotate(
            f_inst=Fold("affiliations__institution__name_fr"),
            f_inst_en=Fold("affiliations__institution__name_en"),
            f_acr=Fold("affiliations__institution__acronym"),
            f_team=Fold("affiliations__team__name_fr"),
            f_team_en=Fold("affiliations__team__name_en"),
            f_theme_fr=Fold("themes__name_fr"), f_theme_en=Fold("themes__name_en"),
            f_given=Fold("given_name"), f_family=Fold("family_name"),
            f_keywords=Fold(Cast("keywords", TextField())),
        ).filter(_match_all(terms, [
            "f_given", "f_family", "f_keywords", "f_inst", "f_inst_en", "f_acr", "f_team",
            "f_team_en", "f_theme_fr", "f_theme_en",
        ])).values("pk")
        people = people.filter(pk__in=ids)
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
        ids = Team.objects.annotate(
            f_fr=Fold("name_fr"), f_en=Fold("name_en"), f_acr=Fold("acronym"),
            f_inst=Fold("institution__name_fr"), f_inst_en=Fold("institution__name_en"),
            f_inst_acr=Fold("institution__acronym"),
            f_theme_fr=Fold("themes__name_fr"), f_theme_en=Fold("themes__name_en"),
        ).filter(_match_all(terms, ["f_fr", "f_en", "f_acr", "f_inst", "f_inst_en",
                                    "f_inst_acr", "f_theme_fr", "f_theme_en"])).values("pk")
        teams = teams.filter(pk__in=ids)
    return teams.distinct().prefetch_related("themes").order_by("name_fr", "pk")


def search_institutions(*, query: str = "", pole: str = "") -> QuerySet[Institution]:
    institutions = Institution.objects.select_related("pole")
    if pole:
        institutions = institutions.filter(pole__code=pole)
    terms = _terms(query)
    if terms:
        institutions = institutions.annotate(
            f_fr=Fold("name_fr"), f_en=Fold("name_en"), f_acr=Fold("acronym"),
            f_city=Fold("city"), f_aliases=Fold(Cast("aliases", TextField())),
        ).filter(_match_all(terms, ["f_fr", "f_en", "f_acr", "f_city", "f_aliases"]))
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
