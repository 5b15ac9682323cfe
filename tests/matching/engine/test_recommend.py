import pytest

from jumelage.matching.engine.affinity import AffinityModel
from jumelage.matching.engine.profiles import build_profiles
from jumelage.matching.engine.recommend import Filters, Reason, coauthorship, recommend

PEOPLE = [
    {"id": "c1", "side": "clara", "team_id": "t1", "career_stage": "senior",
     "institution_types": ["hospital"], "themes": ["cell-therapy"], "keywords": ["lymphome"]},
    {"id": "c2", "side": "clara", "career_stage": "early", "institution_types": ["university"],
     "themes": ["genomics-precision-medicine"], "keywords": ["cancer du sein"]},
    {"id": "c3", "side": "clara", "team_id": "t1", "career_stage": "early",
     "institution_types": ["hospital"], "themes": ["cell-therapy"]},
    {"id": "q1", "side": "oncopole", "career_stage": "senior", "themes": ["cell-therapy"],
     "keywords": ["CAR-T"]},
    {"id": "q2", "side": "oncopole", "keywords": ["organisation des soins"]},
    {"id": "x1", "side": "", "keywords": ["CAR-T", "lymphoma"]},  # no pole: never proposed
]
WORKS = [
    {"id": "w1", "year": 2021, "title": "CAR-T cells for lymphoma in children"},
    {"id": "w2", "year": 2023, "title": "Génomique des tumeurs du sein"},
    {"id": "w3", "year": 2022, "title": "Lymphocytes CAR-T et leucémies"},
    {"id": "w4", "year": 2020, "title": "CAR-T cell manufacturing for leukaemia"},
]
AUTHORSHIPS = [{"work_id": "w1", "person_id": "c1"}, {"work_id": "w1", "person_id": "q1"},
               {"work_id": "w2", "person_id": "c2"}, {"work_id": "w3", "person_id": "c3"},
               {"work_id": "w4", "person_id": "q1"}]
TEAMS = [{"id": "t1", "side": "clara", "themes": ["cell-therapy"]}]


@pytest.fixture(scope="module")
def world():
    profiles = build_profiles(people=PEOPLE, works=WORKS, authorships=AUTHORSHIPS, teams=TEAMS)
    return AffinityModel().fit(profiles), {p.id: p for p in profiles}


def summary(recommendations):
    return [(r.profile_id, r.rank, r.is_coauthor, [r.code for r in r.reasons])
            for r in recommendations]


def test_person_gets_the_other_side_ranked_with_coauthors_marked(world):
    model, by_id = world
    found = recommend(model, by_id["q1"])
    # c2 (breast genomics) shares nothing and is left out; q2 and x1 are not of the other side
    assert summary(found) == [
        ("t1", 1, True, ["shared_terms", "shared_themes", "representative_publications",
                         "coauthor"]),
        ("c1", 2, True, ["shared_terms", "shared_themes", "representative_publications",
                         "coauthor"]),
        ("c3", 3, False, ["shared_terms", "shared_themes", "representative_publications"]),
    ]
    assert found[0].score > found[1].score > found[2].score > 0
    assert found[1].reasons == (
        Reason("shared_terms", {"terms": "cell, car, lymphoma, children, therapy"}),
        Reason("shared_themes", {"themes": "cell-therapy"}),
        Reason("representative_publications",
               {"publications": "CAR-T cells for lymphoma in children (2021)"}),
        Reason("coauthor", {"count": 1, "year": 2021}),
    )
    assert found[1].reasons[3].message == (
        "already co-authors (publications in common: 1, the latest in 2021)")


def test_free_text_need_with_filters(world):
    model, _by_id = world
    found = recommend(model, "thérapie cellulaire CAR-T des leucémies", side="oncopole",
                      filters=Filters(kinds=("person",), career_stages=("early",)))
    assert summary(found) == [("c3", 1, False, ["shared_terms",
                                                "representative_publications"])]
    assert found[0].reasons[0].params == {"terms": "leucemies, therapy, car"}


def test_filters_on_themes_and_institution_types(world):
    model, by_id = world
    assert [r.profile_id for r in recommend(
        model, by_id["q1"], filters=Filters(institution_types=("university",)))] == []
    assert [r.profile_id for r in recommend(
        model, by_id["q1"], filters=Filters(themes=("cell-therapy",),
                                            institution_types=("hospital",)))] == [
        "t1", "c1", "c3"]
    assert [r.profile_id for r in recommend(model, by_id["q1"],
                                            filters=Filters(kinds=("team",)))] == ["t1"]


def test_exclude_coauthors_and_limit(world):
    model, by_id = world
    assert [r.profile_id for r in recommend(model, by_id["q1"], exclude_coauthors=True)] == [
        "c3"]
    assert [r.profile_id for r in recommend(model, by_id["q1"], limit=1)] == ["t1"]


def test_team_query_sees_the_other_side_and_its_coauthors(world):
    model, by_id = world
    assert summary(recommend(model, by_id["t1"])) == [
        ("q1", 1, True, ["shared_terms", "shared_themes", "representative_publications",
                         "coauthor"])]


def test_coauthorship_counts_team_members(world):
    _model, by_id = world
    assert coauthorship(by_id["q1"], by_id["t1"]) == (1, 2021)
    assert coauthorship(by_id["q1"], by_id["c3"]) == (0, None)


def test_text_query_needs_a_side(world):
    model, _by_id = world
    with pytest.raises(ValueError, match="side: give the pole of whoever asks"):
        recommend(model, "CAR-T")
