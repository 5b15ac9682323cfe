"""The "find a partner" page: ranked candidates of the other pole with their reasons, filters,
co-authors from the observatory, privacy, input errors, both languages, query count.

The directory below is small enough for the affinities to be computed by hand. Every profile
is one keyword line (weight 2, which the cosine ignores), analysed as stems: "lymphome",
"lymphoma", "lymphomas" -> lymphom; "génomique", "genomics" -> genomic; "radiotherapy" ->
radiotherap. Amélie, the viewer, declares lymphom and genomic. Six people are fitted for her
(Denise's private entry is not), so idf = ln((1 + 6) / (1 + df)) + 1:

- lymphom: Amélie, Béatrice, Charles, Fanny, Gaston: df = 5 -> idf = ln(7 / 6) + 1 = 1.154151;
  genomic: Amélie, Charles, Étienne, Fanny, Gaston: df = 5, the same idf; radiotherap:
  Étienne alone, df = 1 -> idf = ln(7 / 2) + 1 = 2.252763.
- Charles (lymphom, genomic): the same direction as Amélie: 100%.
- Béatrice (lymphom): 1 / sqrt(2) = 0.7071: 71%.
- Étienne (radiotherap, genomic): 1.154151 / (sqrt(2) * sqrt(2.252763² + 1.154151²))
  = 1.154151 / (1.414214 * 2.531220) = 0.3224: 32%.
- Fanny is of Amélie's side (CLARA), Gaston of no pole: never proposed.
"""

import pytest
from django.core.cache import cache

from jumelage.directory.models import Institution
from jumelage.observatory.engine import index
from jumelage.observatory.engine.schema import Authorship, Work
from jumelage.observatory.engine.store import Store
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

PAGE = "/en/matching/partners/"
NBSP = "\xa0"
AMELIE_ORCID, BEATRICE_ORCID = "0000-0002-1825-0097", "0000-0001-5109-3700"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _no_store(settings, tmp_path):
    """No observatory store unless a test builds one: profiles are the declared words."""
    settings.JUMELAGE_OBSERVATORY_DB = tmp_path / "missing.duckdb"


def build_network() -> dict:
    """The directory of the module doc (the browser test builds it too)."""
    clara, quebec = PoleFactory(), oncopole()
    hcl = InstitutionFactory(name_fr="Hospices civils de Lyon", name_en="Hospices Civils de Lyon",
                             type=Institution.Type.HOSPITAL, pole=clara)
    chum = InstitutionFactory(name_fr="CHUM", name_en="CHUM", type=Institution.Type.HOSPITAL,
                              city="Montréal", country="CA", pole=quebec)
    udem = InstitutionFactory(name_fr="Université de Montréal", name_en="University of Montreal",
                              type=Institution.Type.UNIVERSITY, city="Montréal", country="CA",
                              pole=quebec)
    curie = InstitutionFactory(name_fr="Institut Curie", name_en="Institut Curie",
                               type=Institution.Type.CANCER_CENTRE, city="Paris", pole=None)

    def person(given, family, institution, keywords, *, public=True, **kwargs):
        entry = PersonFactory(given_name=given, family_name=family, keywords=keywords,
                              public_profile=public, **kwargs)
        AffiliationFactory(person=entry, institution=institution)
        return entry

    user = UserFactory(email="amelie@example.org", first_name="Amélie", last_name="Morel")
    return {
        "clara": clara, "quebec": quebec, "hcl": hcl, "chum": chum, "udem": udem,
        "user": user,
        "amelie": person("Amélie", "Morel", hcl, ["lymphome", "génomique"], user=user,
                         public=False, career_stage="established"),
        "beatrice": person("Béatrice", "Gagnon", chum, ["lymphomas"],
                           career_stage="established"),
        "charles": person("Charles", "Tremblay", udem, ["lymphoma", "genomics"],
                          career_stage="early_career"),
        "etienne": person("Étienne", "Roy", chum, ["radiotherapy", "genomics"],
                          career_stage="clinician"),
        "fanny": person("Fanny", "Petit", hcl, ["lymphoma", "genomics"]),
        "gaston": person("Gaston", "Leroy", curie, ["lymphoma", "genomics"]),
        "denise": person("Denise", "Côté", chum, ["lymphome", "génomique"], public=False),
    }


@pytest.fixture
def network():
    return build_network()


def _with_totp(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def results(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    return [(c.name, c.score) for c in response.context["page"].object_list]


def reasons(response) -> dict[str, list[str]]:
    return {c.name: c.reasons for c in response.context["page"].object_list}


# --- ranking -----------------------------------------------------------------------------------

def test_profile_gets_the_other_pole_ranked_with_scores_computed_by_hand(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile"})

    assert results(response) == [("Charles Tremblay", "100%"), ("Béatrice Gagnon", "71%"),
                                 ("Étienne Roy", "32%")]
    # Shared terms in their most frequent written form, the largest share first (ties: stem).
    assert reasons(response) == {
        "Charles Tremblay": ["shared terms: genomics, lymphoma"],
        "Béatrice Gagnon": ["shared terms: lymphoma"],
        "Étienne Roy": ["shared terms: genomics"],
    }
    assert response.context["target"] == network["quebec"]


def test_first_visit_shows_the_profile_partners_at_once(client, network):
    client.force_login(network["user"])

    assert results(client.get(PAGE)) == results(client.get(PAGE, {"match": "profile"}))


def test_result_links_to_the_directory_entry_with_institution_and_career_stage(client,
                                                                              network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile"})

    html = response.content.decode()
    charles = network["charles"]
    assert f'<a href="/en/directory/people/{charles.pk}/">Charles Tremblay</a>' in html
    assert "Early-career researcher · University of Montreal" in html
    assert "Affinity: 100%" in html


def test_need_in_english_finds_french_and_english_keywords(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "need", "need": "Lymphomas in adults"})

    # "adults" is in no profile: the need is lymphom alone; Béatrice's profile is lymphom
    # alone (100%); Charles's is lymphom and genomic with equal weights (71%).
    assert results(response) == [("Béatrice Gagnon", "100%"), ("Charles Tremblay", "71%")]


def test_need_in_french_finds_english_keywords(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "need", "need": "la radiothérapie"})

    # Étienne: 2.252763 / sqrt(2.252763² + 1.154151²) = 2.252763 / 2.531220 = 0.8900.
    assert results(response) == [("Étienne Roy", "89%")]
    assert reasons(response) == {"Étienne Roy": ["shared terms: radiotherapy"]}


def test_need_matching_nobody_says_so(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "need", "need": "mélanome"})

    assert results(response) == []
    assert ("No member of Oncopole shares a word with this search and these filters. Remove a "
            "filter, or describe the need in other words.") in response.content.decode()


def test_profile_without_words_is_told_what_to_add(client, network):
    network["amelie"].keywords = []
    network["amelie"].save()
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile"})

    assert results(response) == []
    assert ("This profile has no keywords, themes or publications to match yet: add keywords "
            "to your directory profile, or describe your need in words.") in (
        response.content.decode())


# --- filters -----------------------------------------------------------------------------------

def test_institution_type_filter_keeps_hospital_people(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile", "institution_type": "hospital"})

    assert [name for name, _score in results(response)] == ["Béatrice Gagnon", "Étienne Roy"]


def test_career_stage_filter_keeps_that_stage(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile", "career_stage": "early_career"})

    assert [name for name, _score in results(response)] == ["Charles Tremblay"]


def test_theme_filter_keeps_people_who_declare_it(client, network):
    theme = ThemeFactory(code="genomique", name_fr="Génomique", name_en="Genomics")
    network["etienne"].themes.add(theme)
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile", "theme": "genomique"})

    assert [name for name, _score in results(response)] == ["Étienne Roy"]


def test_shared_themes_are_named_in_the_reader_language(client, network):
    theme = ThemeFactory(code="therapie-cellulaire", name_fr="Thérapie cellulaire",
                         name_en="Cell therapy")
    network["amelie"].themes.add(theme)
    network["charles"].themes.add(theme)
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile"})

    # The theme line "Thérapie cellulaire; Cell therapy" gives therap twice (tf 2, as the
    # keywords' weight 2 gives genomic and lymphom) and a rarer one (df 2, not 5): first; cell
    # and cellular once each: last. Equal shares go by stem.
    assert reasons(response)["Charles Tremblay"] == [
        "shared terms: therapie, genomics, lymphoma, cell, cellulaire",
        "shared themes: Cell therapy"]


def test_team_finds_teams_and_people_of_the_other_pole(client, network):
    home = TeamFactory(name_fr="Lymphomes", name_en="Lymphomas", institution=network["hcl"])
    other = TeamFactory(name_fr="Génomique des lymphomes", name_en="Lymphoma genomics",
                        institution=network["chum"])
    network["amelie"].affiliations.update(team=home)
    network["fanny"].affiliations.update(team=home)
    network["beatrice"].affiliations.update(team=other)
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "team"})

    # The home team is Amélie's and Fanny's words (lymphom, genomic): Charles has the same;
    # the other team is Béatrice's words only, so it ties with her (ids: hers first).
    assert [(c.kind, c.name) for c in response.context["page"].object_list] == [
        ("person", "Charles Tremblay"), ("person", "Béatrice Gagnon"),
        ("team", "Lymphoma genomics"), ("person", "Étienne Roy")]
    assert f'<a href="/en/directory/teams/{other.pk}/">Lymphoma genomics</a>' in (
        response.content.decode())

    teams_only = client.get(PAGE, {"match": "team", "kind": "teams"})
    assert [c.name for c in teams_only.context["page"].object_list] == ["Lymphoma genomics"]


# --- co-authors from the observatory -------------------------------------------------------

def _author(position, name, orcid=None):
    return Authorship(position=position, name=name, orcid=orcid)


def _store(path, works):
    records = path.parent / "openalex.jsonl"
    records.write_text("", encoding="utf-8")
    with Store(path) as opened:
        with opened.loading(path=records, source="openalex") as load:
            for item in works:
                load.add(item)
        index.build_work_map(opened)


@pytest.fixture
def store(network, settings, tmp_path):
    """Amélie and Béatrice wrote two papers together (2021 and 2019); Étienne one alone."""
    network["amelie"].orcid = AMELIE_ORCID
    network["amelie"].save()
    network["beatrice"].orcid = BEATRICE_ORCID
    network["beatrice"].save()
    path = tmp_path / "observatory.duckdb"
    _store(path, [
        Work(source="openalex", source_id="W1", title="Génomique des lymphomes de l'adulte",
             year=2021, doc_type="article",
             authorships=(_author(1, "Amélie Morel", AMELIE_ORCID),
                          _author(2, "Béatrice Gagnon", BEATRICE_ORCID))),
        Work(source="openalex", source_id="W2", title="Lymphoma in children", year=2019,
             doc_type="article",
             authorships=(_author(1, "Béatrice Gagnon", BEATRICE_ORCID),
                          _author(2, "Amélie Morel", AMELIE_ORCID))),
        Work(source="openalex", source_id="W3", title="Radiotherapy planning", year=2022,
             doc_type="article", authorships=(_author(1, "Étienne Roy"),)),
    ])
    settings.JUMELAGE_OBSERVATORY_DB = path
    return path


def test_coauthors_are_marked_with_their_shared_publications(client, network, store):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "profile"})

    candidates = {c.name: c for c in response.context["page"].object_list}
    assert [name for name, c in candidates.items() if c.is_coauthor] == ["Béatrice Gagnon"]
    assert candidates["Béatrice Gagnon"].reasons[1:] == [
        "closest publications: Génomique des lymphomes de l'adulte (2021); Lymphoma in "
        "children (2019)",
        "already co-authors (publications in common: 2, the latest in 2021)"]
    html = response.content.decode()
    assert html.count('<span class="tag coauthor">Already co-authored</span>') == 1


# --- privacy and access --------------------------------------------------------------------

def test_private_profile_is_never_proposed_to_a_researcher(client, network):
    client.force_login(UserFactory(email="reader@example.org"))

    response = client.get(PAGE, {"match": "need", "need": "lymphome génomique",
                                 "side": "oncopole"})

    # Denise declares exactly these words, but her entry is private.
    assert [name for name, _score in results(response)] == ["Charles Tremblay",
                                                             "Béatrice Gagnon", "Étienne Roy"]
    assert "Denise" not in response.content.decode()


def test_private_profile_is_not_proposed_to_staff_of_the_other_pole(client, network):
    client.force_login(_with_totp(UserFactory(role="pole_staff", pole=network["clara"])))

    response = client.get(PAGE, {"match": "need", "need": "lymphome génomique"})

    assert response.context["target"] == network["quebec"]
    assert "Denise Côté" not in [name for name, _score in results(response)]


def test_private_profile_is_proposed_to_a_site_admin(client, network):
    client.force_login(_with_totp(UserFactory(role="site_admin")))

    response = client.get(PAGE, {"match": "need", "need": "lymphome génomique",
                                 "side": "oncopole"})

    # Denise and Charles both have exactly the need's words: ties go by id, Charles first.
    assert [name for name, _score in results(response)][:2] == ["Charles Tremblay",
                                                                 "Denise Côté"]


def test_anonymous_visitor_is_sent_to_sign_in(client, network):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/matching/partners/"


def test_nav_links_to_the_page_for_members_only(client, network):
    link = '<a href="/en/matching/partners/"'
    assert link not in client.get("/en/").content.decode()

    client.force_login(network["user"])
    assert link in client.get("/en/").content.decode()


# --- input errors --------------------------------------------------------------------------

def test_too_long_need_is_refused_with_its_length_and_kept(client, network):
    client.force_login(network["user"])
    need = "lymphome " * 223  # 2007 characters, 2006 once stripped

    response = client.get(PAGE, {"match": "need", "need": need})

    assert response.context["page"] is None
    assert response.context["form"].errors == {"need": [
        "Your need is 2006 characters long: shorten it to 2000 characters at most."]}
    assert need.strip() in response.content.decode()


def test_empty_need_asks_for_words(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "need", "need": "  "})

    assert response.context["form"].errors == {"need": [
        "Describe your need in a few words, in French or English."]}


def test_need_of_common_words_only_is_refused(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "need", "need": "the and of les"})

    assert response.context["form"].errors == {"need": [
        "“the and of les” has no word to match on, only very short or very common ones: "
        "name a disease, a technique or a population, for example."]}


def test_member_without_a_pole_must_choose_the_side(client, network):
    client.force_login(UserFactory(email="reader@example.org"))

    response = client.get(PAGE, {"match": "need", "need": "lymphoma"})

    assert response.context["form"].errors == {"side": [
        "Choose the pole whose members you are looking for: CLARA, Oncopole."]}


def test_member_without_a_profile_cannot_match_it(client, network):
    client.force_login(UserFactory(email="reader@example.org"))

    response = client.get(PAGE, {"match": "profile"})

    assert response.context["form"].errors == {"match": [
        "You have no directory profile yet: create it under “My profile”, or describe your "
        "need in words."]}


def test_member_without_a_team_cannot_match_it(client, network):
    client.force_login(network["user"])

    response = client.get(PAGE, {"match": "team"})

    assert response.context["form"].errors == {"match": [
        "Your profile names no current team: choose “My profile”, or describe your need in "
        "words."]}


# --- languages -----------------------------------------------------------------------------

def test_english_page_reads_english(client, network):
    client.force_login(network["user"])

    html = client.get(PAGE, {"match": "profile"}).content.decode()

    assert "<h1>Find a partner on the other side</h1>" in html
    assert "Members of Oncopole, closest first" in html
    assert "Affinity: 71%" in html


def test_french_page_reads_french(client, network):
    client.force_login(network["user"])

    response = client.get("/fr/matching/partners/", {"match": "profile"})

    html = response.content.decode()
    assert "<h1>Trouver un partenaire de l’autre côté</h1>" in html
    assert "Membres du pôle Oncopole, les plus proches d’abord" in html
    assert "Type d’établissement" in html
    assert f"Affinité{NBSP}: 71{NBSP}%" in html
    assert reasons(response)["Béatrice Gagnon"] == [f"termes communs{NBSP}: lymphoma"]


# --- cache and query count -----------------------------------------------------------------

def test_a_changed_profile_is_seen_at_the_next_search(client, network):
    client.force_login(network["user"])
    assert [name for name, _ in results(client.get(PAGE, {"match": "profile"}))] == [
        "Charles Tremblay", "Béatrice Gagnon", "Étienne Roy"]

    network["etienne"].keywords = ["lymphoma", "génomique"]
    network["etienne"].save()

    assert [name for name, _ in results(client.get(PAGE, {"match": "profile"}))][0:2] == [
        "Charles Tremblay", "Étienne Roy"]


def test_query_count_does_not_grow_with_the_directory(client, network, store,
                                                      django_assert_max_num_queries):
    """Twelve more people of the other side with Charles's words, each in a team of their own
    (a team of one has its member's words: all tie, people's ids first); the viewer in a team
    too. Béatrice, co-author, comes first; the second page holds four people and six teams,
    which the page reads in one query each. The cold request also fits the model (people,
    affiliations, themes, teams, team themes); the warm one finds it in the cache."""
    for _n in range(12):
        AffiliationFactory(
            person=PersonFactory(keywords=["lymphoma", "genomics"], public_profile=True),
            institution=network["udem"], team=TeamFactory(institution=network["chum"]))
    network["amelie"].affiliations.update(team=TeamFactory(institution=network["hcl"]))
    client.force_login(network["user"])
    params = {"match": "profile", "kind": "all", "page": "2"}

    with django_assert_max_num_queries(22):
        cold = client.get(PAGE, params)
    with django_assert_max_num_queries(17):
        warm = client.get(PAGE, params)

    kinds = [c.kind for c in cold.context["page"].object_list]
    assert kinds == ["person"] * 4 + ["team"] * 6
    assert results(cold) == results(warm)
