"""Directory search: accent- and case-insensitive words, filters, pagination, query count."""

import pytest
from allauth.mfa.models import Authenticator

from jumelage.directory.models import Theme
from tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    PoleFactory,
    TeamFactory,
    ThemeFactory,
    UserFactory,
    oncopole,
)

pytestmark = pytest.mark.django_db

DIRECTORY = "/en/directory/"


@pytest.fixture
def network():
    """Two poles; a university with a research centre under it; four public people."""
    clara, quebec = PoleFactory(), oncopole()
    cell_therapy = ThemeFactory(code="therapie-cellulaire", name_fr="Thérapie cellulaire",
                                name_en="Cell therapy", kind=Theme.Kind.THEME)
    imaging = ThemeFactory(code="imagerie", name_fr="Imagerie médicale",
                           name_en="Medical imaging", kind=Theme.Kind.THEME)
    udem = InstitutionFactory(name_fr="Université de Montréal", name_en="Université de Montréal",
                              acronym="UdeM", city="Montréal", country="CA", pole=quebec)
    crchum = InstitutionFactory(name_fr="Centre de recherche du CHUM",
                                name_en="CHUM Research Centre", acronym="CRCHUM",
                                city="Montréal", country="CA", pole=quebec)
    crchum.parents.add(udem)
    clb = InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard",
                             acronym="CLB", city="Lyon", country="FR", pole=clara)
    immuno = TeamFactory(name_fr="Immunothérapie des tumeurs", name_en="Tumour immunotherapy",
                         institution=crchum)
    immuno.themes.add(cell_therapy)

    def person(given, family, institution, theme, team=None, **kwargs):
        entry = PersonFactory(given_name=given, family_name=family, public_profile=True,
                              **kwargs)
        entry.themes.add(theme)
        AffiliationFactory(person=entry, institution=institution, team=team)
        return entry

    return {
        "clara": clara, "quebec": quebec, "cell_therapy": cell_therapy, "imaging": imaging,
        "udem": udem, "crchum": crchum, "clb": clb, "immuno": immuno,
        "gagnon": person("Élodie", "Gagnon", udem, cell_therapy),
        "tremblay": person("Louis", "Tremblay", crchum, imaging, team=immuno),
        "bernard": person("Hugo", "Bernard", clb, cell_therapy,
                          keywords=["CAR-T", "lymphome"]),
        "roux": person("Chloé", "Roux", clb, imaging),
    }


def _people(client, **params):
    response = client.get(DIRECTORY, params)
    assert response.status_code == 200
    return [p.full_name for p in response.context["page"].object_list]


def _results(client, **params):
    response = client.get(DIRECTORY, params)
    return [str(item) for item in response.context["page"].object_list]


def test_directory_lists_public_people_by_family_name(client, network):
    assert _people(client) == ["Hugo Bernard", "Élodie Gagnon", "Chloé Roux", "Louis Tremblay"]


def test_search_ignores_accents_in_the_query_and_in_the_theme(client, network):
    assert _people(client, q="therapie cellulaire") == ["Hugo Bernard", "Élodie Gagnon"]


def test_search_matches_the_english_theme_name(client, network):
    assert _people(client, q="cell therapy") == ["Hugo Bernard", "Élodie Gagnon"]


def test_search_unaccented_word_finds_an_accented_institution_and_city(client, network):
    # Gagnon is at the Université de Montréal; Tremblay at a centre in the city of Montréal.
    assert _people(client, q="Montreal") == ["Élodie Gagnon", "Louis Tremblay"]


def test_search_ignores_case_and_accents_together(client, network):
    assert _people(client, q="MONTRÉAL") == ["Élodie Gagnon", "Louis Tremblay"]


def test_search_requires_every_word(client, network):
    # "therapie": Gagnon's theme, Tremblay's team ("Immunothérapie des tumeurs").
    assert _people(client, q="therapie montreal") == ["Élodie Gagnon", "Louis Tremblay"]
    assert _people(client, q="therapie tokyo") == []


def test_search_words_may_match_different_affiliations(client, network):
    AffiliationFactory(person=network["bernard"], institution=network["udem"])
    assert _people(client, q="montreal lyon") == ["Hugo Bernard"]


def test_search_words_may_match_different_fields(client, network):
    # "hugo" is a given name, "lymphome" a keyword, "berard" the institution.
    assert _people(client, q="hugo lymphome berard") == ["Hugo Bernard"]


def test_search_matches_accented_names_from_an_unaccented_query(client, network):
    assert _people(client, q="elodie") == ["Élodie Gagnon"]
    assert _people(client, q="CHLOÉ") == ["Chloé Roux"]


def test_search_matches_keywords(client, network):
    assert _people(client, q="car-t") == ["Hugo Bernard"]


def test_search_matches_the_team(client, network):
    assert _people(client, q="immunotherapie") == ["Louis Tremblay"]


def test_search_matches_the_english_team_name(client, network):
    assert _people(client, q="tumour") == ["Louis Tremblay"]


def test_search_teams_by_the_english_institution_name(client, network):
    assert _results(client, q="research centre", kind="teams") == ["Tumour immunotherapy"]


def test_search_with_no_match_says_so(client, network):
    response = client.get(DIRECTORY, {"q": "xylophone"})

    assert list(response.context["page"].object_list) == []
    assert "Nothing matches your search. Try fewer words or remove a filter." in \
        response.content.decode()


def test_search_counts_each_kind_of_result(client, network):
    response = client.get(DIRECTORY, {"q": "montreal"})

    # People: Gagnon (Université de Montréal) and Tremblay (a centre in Montréal); teams: the
    # one at that centre; institutions: both Montréal institutions (by name and by city).
    assert response.context["counts"] == {"people": 2, "teams": 1, "institutions": 2}
    assert "2 results" in response.content.decode()


def test_search_institutions_by_unaccented_name_and_city(client, network):
    assert _results(client, q="montreal", kind="institutions") == [
        "CHUM Research Centre", "Université de Montréal"]


def test_search_teams_by_unaccented_words(client, network):
    assert _results(client, q="IMMUNOTHERAPIE", kind="teams") == ["Tumour immunotherapy"]


def test_filter_by_pole(client, network):
    assert _people(client, pole="oncopole") == ["Élodie Gagnon", "Louis Tremblay"]
    assert _people(client, pole="clara") == ["Hugo Bernard", "Chloé Roux"]


def test_filter_by_theme(client, network):
    assert _people(client, theme="imagerie") == ["Chloé Roux", "Louis Tremblay"]


def test_filter_by_institution_includes_its_child_institutions(client, network):
    assert _people(client, institution=network["udem"].pk) == [
        "Élodie Gagnon", "Louis Tremblay"]


def test_filter_by_child_institution_excludes_the_parent(client, network):
    assert _people(client, institution=network["crchum"].pk) == ["Louis Tremblay"]


def test_filter_by_institution_includes_units_at_any_depth(client, network):
    lab = InstitutionFactory(name_fr="Laboratoire de thérapie génique", pole=network["quebec"])
    lab.parents.add(network["crchum"])
    AffiliationFactory(person=PersonFactory(given_name="Rose", family_name="Lavoie",
                                            public_profile=True), institution=lab)

    assert _people(client, institution=network["udem"].pk) == [
        "Élodie Gagnon", "Rose Lavoie", "Louis Tremblay"]


def test_filter_by_institution_survives_a_cycle_in_the_parents(client, network):
    network["udem"].parents.add(network["crchum"])

    assert _people(client, institution=network["crchum"].pk) == [
        "Élodie Gagnon", "Louis Tremblay"]


def test_filter_by_institution_names_it_on_the_page(client, network):
    response = client.get(DIRECTORY, {"institution": network["udem"].pk})

    assert response.context["institution"] == network["udem"]
    assert ("Showing people and teams of Université de Montréal and its sub-units."
            in response.content.decode())


def test_filter_by_institution_applies_to_teams(client, network):
    assert _results(client, institution=network["udem"].pk, kind="teams") == [
        "Tumour immunotherapy"]


def test_filters_combine_with_the_query(client, network):
    assert _people(client, q="therapie", pole="clara") == ["Hugo Bernard"]
    assert _people(client, q="centre", theme="imagerie", pole="oncopole") == ["Louis Tremblay"]


def test_filter_by_unknown_pole_drops_that_filter_only(client, network):
    response = client.get(DIRECTORY, {"pole": "atlantis", "q": "montreal"})

    assert [p.full_name for p in response.context["page"].object_list] == [
        "Élodie Gagnon", "Louis Tremblay"]
    assert response.context["form"].errors == {"pole": [
        "Select a valid choice. atlantis is not one of the available choices."]}


@pytest.mark.parametrize("institution", ["99999999999999999999999", "0", "abc"])
def test_filter_by_invalid_institution_drops_that_filter_only(client, network, institution):
    assert _people(client, institution=institution, q="centre") == [
        "Hugo Bernard", "Chloé Roux", "Louis Tremblay"]


def _many_people(count, institution, theme, team):
    for n in range(count):
        entry = PersonFactory(given_name="Anne", family_name=f"Zeller{n:03d}",
                              public_profile=True, career_stage="postdoc",
                              keywords=["oncologie"])
        entry.themes.add(theme)
        AffiliationFactory(person=entry, institution=institution, team=team)


def test_directory_pages_by_twenty(client, network):
    _many_people(41, network["crchum"], network["imaging"], network["immuno"])

    first = client.get(DIRECTORY, {"q": "zeller"})
    third = client.get(DIRECTORY, {"q": "zeller", "page": 3})

    assert [p.family_name for p in first.context["page"].object_list] == [
        f"Zeller{n:03d}" for n in range(20)]
    assert [p.family_name for p in third.context["page"].object_list] == ["Zeller040"]
    assert (first.context["page"].paginator.count, first.context["page"].paginator.num_pages) \
        == (41, 3)
    assert "Page 1 of 3" in first.content.decode()
    assert 'href="?q=zeller&amp;page=2" rel="next"' in first.content.decode()


def test_directory_out_of_range_page_shows_the_last_page(client, network):
    _many_people(21, network["crchum"], network["imaging"], network["immuno"])

    response = client.get(DIRECTORY, {"q": "zeller", "page": 99})

    assert [p.family_name for p in response.context["page"].object_list] == ["Zeller020"]


# Poles and themes for the form, three counts, the page, its affiliations and its themes.
MAX_QUERIES_ANONYMOUS = 8
# The same, plus the session, the user, the check for a TOTP authenticator and the two
# permission lookups of the menu.
MAX_QUERIES_STAFF = 13


@pytest.mark.parametrize("count", [1, 20, 60])
def test_directory_query_count_does_not_grow_with_results(
        client, network, django_assert_max_num_queries, count):
    _many_people(count, network["crchum"], network["imaging"], network["immuno"])

    with django_assert_max_num_queries(MAX_QUERIES_ANONYMOUS):
        response = client.get(DIRECTORY, {"q": "centre"})

    assert len(response.context["page"].object_list) == min(count + 3, 20)


def test_directory_query_count_with_an_institution_filter_does_not_grow_with_results(
        client, network, django_assert_max_num_queries):
    _many_people(60, network["crchum"], network["imaging"], network["immuno"])

    # The institution itself, and two levels of sub-units for people and again for teams.
    with django_assert_max_num_queries(MAX_QUERIES_ANONYMOUS + 5):
        response = client.get(DIRECTORY, {"institution": network["udem"].pk})

    assert len(response.context["page"].object_list) == 20


def test_directory_query_count_is_bounded_for_signed_in_staff(
        client, network, django_assert_max_num_queries):
    _many_people(60, network["crchum"], network["imaging"], network["immuno"])
    staff = UserFactory(role="pole_staff", pole=network["quebec"])
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)

    with django_assert_max_num_queries(MAX_QUERIES_STAFF):
        response = client.get(DIRECTORY)

    assert len(response.context["page"].object_list) == 20


@pytest.mark.parametrize("kind", ["teams", "institutions"])
def test_directory_query_count_is_bounded_for_teams_and_institutions(
        client, network, django_assert_max_num_queries, kind):
    for _ in range(25):
        team = TeamFactory(institution=InstitutionFactory(pole=network["clara"]))
        team.themes.add(network["imaging"])

    with django_assert_max_num_queries(MAX_QUERIES_ANONYMOUS):
        response = client.get(DIRECTORY, {"kind": kind})

    assert len(response.context["page"].object_list) == 20
