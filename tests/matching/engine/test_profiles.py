from jumelage.matching.engine.profiles import (
    PERSON,
    TEAM,
    Profile,
    ProfileText,
    Publication,
    build_profiles,
    work_text,
)

PEOPLE = [
    {"id": "p1", "name": "Camille Martin", "side": "clara", "institution_ids": ["hcl"],
     "institution_types": ["hospital"], "team_id": "t1", "career_stage": "senior",
     "keywords": ["thérapie cellulaire", "lymphome"], "themes": ["cell-therapy"],
     "orcid": "https://orcid.org/0000-0002-1825-0097"},
    {"id": "p2", "name": "Jean Tremblay", "side": "oncopole", "institution_ids": ["chum"],
     "orcid": "0000-0001-5109-3700"},
    {"id": "p3", "name": "Léa Roy", "side": "clara", "team_id": "t1",
     "institution_ids": ["ucbl"], "institution_types": ["university"]},
]
WORKS = [
    {"id": "w1", "year": 2021, "title": "CAR-T cells in lymphoma", "abstract": "A trial.",
     "keywords": ["CAR-T"], "mesh_terms": ["Lymphoma"],
     "orcids": ["0000-0002-1825-0097", "0000-0001-5109-3700"]},
    {"id": "w2", "year": 2024, "title": "Génomique du sein", "abstract": "",
     "orcids": ["0000-0001-5109-3700"]},
    {"id": "w3", "year": 2019, "title": "Lymphome et enfants", "abstract": "Une étude."},
]
AUTHORSHIPS = [{"work_id": "w3", "person_id": "p3"}, {"work_id": "w3", "person_id": "p1"}]
PROJECTS = [{"id": "pr1", "title": "Projet CAR-T", "abstract": "Résumé.", "year": 2022,
             "person_ids": ["p2"]}]


def build(**kwargs):
    return {p.id: p for p in build_profiles(people=PEOPLE, works=WORKS, authorships=AUTHORSHIPS,
                                            projects=PROJECTS, **kwargs)}


def test_work_text_joins_title_abstract_keywords_and_mesh():
    assert work_text(WORKS[0]) == "CAR-T cells in lymphoma\nA trial.\nCAR-T\nLymphoma"


def test_person_profile_from_orcid_and_confirmed_authorship():
    camille = build()["p1"]
    assert camille.orcid == "0000-0002-1825-0097"
    assert camille.kind == PERSON
    assert camille.team_id == "t1"
    assert camille.publications == [
        Publication("w1", 2021, "CAR-T cells in lymphoma", ("p2",)),
        Publication("w3", 2019, "Lymphome et enfants", ("p3",))]
    assert camille.texts == [
        ProfileText("thérapie cellulaire; lymphome", 2.0, None, "keywords"),
        ProfileText("cell-therapy", 1.0, None, "themes"),
        ProfileText("CAR-T cells in lymphoma\nA trial.\nCAR-T\nLymphoma", 1.0, 2021,
                    "publication", "w1"),
        ProfileText("Lymphome et enfants\nUne étude.", 1.0, 2019, "publication", "w3")]
    assert camille.coauthor_ids == frozenset({"p2", "p3"})
    assert camille.coauthor_years("p2") == [2021]


def test_project_abstracts_join_the_profile():
    jean = build()["p2"]
    assert [(t.kind, t.source_id, t.year) for t in jean.texts] == [
        ("publication", "w1", 2021), ("publication", "w2", 2024), ("project", "pr1", 2022)]


def test_until_year_leaves_later_works_and_projects_out():
    jean = build(until_year=2021)["p2"]
    assert [t.source_id for t in jean.texts] == ["w1"]
    assert [p.id for p in jean.publications] == ["w1"]


def test_weights_override_the_defaults():
    camille = build(weights={"keywords": 5.0, "publication": 0.5})["p1"]
    assert [t.weight for t in camille.texts] == [5.0, 1.0, 0.5, 0.5]


def test_team_profile_unites_members_without_double_counting():
    profiles = build_profiles(people=PEOPLE, works=WORKS, authorships=AUTHORSHIPS,
                              teams=[{"id": "t1", "name": "Lymphomes", "side": "clara",
                                      "keywords": ["hématologie"]}])
    team = profiles[-1]
    assert team.kind == TEAM
    assert team.member_ids == ("p1", "p3")
    assert team.institution_ids == ("hcl", "ucbl")
    assert team.institution_types == ("hospital", "university")
    # w3 is by two members: one text, one publication, and no co-author inside the team
    assert [(t.kind, t.source_id) for t in team.texts] == [
        ("keywords", None), ("keywords", None), ("themes", None), ("publication", "w1"),
        ("publication", "w3")]
    assert sorted(team.publications, key=lambda p: p.id) == [
        Publication("w1", 2021, "CAR-T cells in lymphoma", ("p2",)),
        Publication("w3", 2019, "Lymphome et enfants", ())]
    assert team.coauthor_ids == frozenset({"p2"})


def test_profile_without_rows_is_empty():
    profile = Profile(id="x")
    assert profile.coauthor_ids == frozenset()
    assert profile.coauthor_years("y") == []
