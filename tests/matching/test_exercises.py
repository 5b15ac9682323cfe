"""Review exercises on the web: automatic assignment without conflicted reviewers, changes by
hand checked and audited, suggestions with their conflicts explained, who may see them."""

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from jumelage.core.models import AuditEntry
from jumelage.matching import services
from jumelage.matching.models import Assignment, DeclaredConflict, PoolMember, ReviewExercise
from tests.factories import (
    AffiliationFactory,
    InstitutionFactory,
    PersonFactory,
    PoleFactory,
    TeamFactory,
    UserFactory,
    oncopole,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_observatory(settings, tmp_path):
    settings.JUMELAGE_OBSERVATORY_DB = str(tmp_path / "absent.duckdb")


def _with_totp(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


@pytest.fixture
def world():
    return build_world()


def build_world():
    """Two poles; the CHUM under the Université de Montréal; four reviewers and an applicant.

    Reviewer Roy (Université de Montréal) knows CAR-T best but is in the CHUM's hierarchy,
    where the applicant works; Girard shares the applicant's team; Chevalier (CAR-T) and
    Bernard (genomics, Lyon) have no conflict.
    """
    clara, quebec = PoleFactory(), oncopole()
    udem = InstitutionFactory(name_fr="Université de Montréal", name_en="Université de Montréal",
                              city="Montréal", country="CA", pole=quebec)
    chum = InstitutionFactory(name_fr="CHUM", name_en="CHUM", city="Montréal", country="CA",
                              pole=quebec, type="hospital")
    chum.parents.add(udem)
    clb = InstitutionFactory(name_fr="Centre Léon Bérard", name_en="Centre Léon Bérard",
                             pole=clara, type="cancer_centre")
    team = TeamFactory(name_fr="Immunothérapie", name_en="Immunotherapy", institution=chum)

    def person(family, institution, keywords, team=None):
        p = PersonFactory(given_name="Alex", family_name=family, keywords=keywords)
        AffiliationFactory(person=p, institution=institution, team=team)
        return p

    applicant = person("Tremblay", chum, ["CAR-T"], team=team)
    roy = person("Roy", udem, ["CAR-T cell therapy", "lymphoma"])
    girard = person("Girard", chum, ["CAR-T cell therapy"], team=team)
    chevalier = person("Chevalier", clb, ["CAR-T cells", "lymphoma"])
    bernard = person("Bernard", clb, ["genome sequencing", "precision medicine"])
    exercise = ReviewExercise.objects.create(title="AAP 2027", pole=clara,
                                             reviewers_per_item=1, max_load=1)
    car_t = exercise.items.create(reference="P-001", title="CAR-T cell therapy for lymphoma",
                                  text="CAR-T cells against refractory lymphoma.")
    car_t.people.add(applicant)
    car_t.institutions.add(chum)
    car_t.teams.add(team)
    genome = exercise.items.create(reference="P-002", title="Genome sequencing of tumours",
                                   text="Precision medicine from whole genome sequencing.")
    for reviewer in (roy, girard, chevalier, bernard):
        PoolMember.objects.create(exercise=exercise, person=reviewer)
    staff = _with_totp(UserFactory(role="pole_staff", pole=clara, email="staff@clara.example"))
    return {"exercise": exercise, "car_t": car_t, "genome": genome, "roy": roy,
            "girard": girard, "chevalier": chevalier, "bernard": bernard, "staff": staff,
            "quebec": quebec}


def _pairs(exercise):
    return sorted((a.item.reference, a.reviewer.family_name, a.origin)
                  for a in Assignment.objects.filter(item__exercise=exercise).select_related(
                      "item", "reviewer"))


def test_the_solver_leaves_out_conflicted_reviewers_and_is_audited(world):
    outcome = services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    assert _pairs(world["exercise"]) == [("P-001", "Chevalier", "solver"),
                                         ("P-002", "Bernard", "solver")]
    assert (outcome.added, outcome.removed, outcome.kept, outcome.optimal) == (2, 0, 0, True)
    entry = AuditEntry.objects.get(action="matching.run_assignment")
    assert (entry.actor, entry.object_label, entry.changes["removed"], entry.changes["fair"]) == (
        world["staff"], "AAP 2027", [[], None], [None, False])
    assert len(entry.changes["added"][1]) == 2


def test_the_item_page_explains_each_conflict(client, world):
    client.force_login(world["staff"])
    page = client.get(reverse("matching:item", args=[world["exercise"].pk, world["car_t"].pk]))
    rows = page.context["rows"]
    assert [(r["person"].family_name, r["conflicts"]) for r in rows] == [
        ("Chevalier", []),
        ("Bernard", []),
        ("Roy", ["Université de Montréal and CHUM belong to one institution "
                 "(Université de Montréal)"]),
        ("Girard", ["same institution: CHUM", "same team: Immunotherapy"]),
    ]
    assert rows[0]["score"] > rows[1]["score"] == pytest.approx(1e-6)
    assert "Université de Montréal and CHUM belong to one institution" in page.content.decode()


def test_a_conflicted_reviewer_cannot_be_assigned_by_hand(world):
    with pytest.raises(services.AssignmentRefused) as refused:
        services.assign_reviewer(item=world["car_t"], reviewer=world["roy"],
                                 actor=world["staff"])
    assert refused.value.messages == [
        "Alex Roy has a conflict of interest with P-001: Université de Montréal and CHUM "
        "belong to one institution (Université de Montréal)."]
    assert Assignment.objects.count() == 0


def test_a_declared_conflict_is_respected(world):
    DeclaredConflict.objects.create(item=world["genome"], person=world["bernard"],
                                    reason="Former student of the applicant")
    world["exercise"].max_load = 2
    world["exercise"].save()
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    assert ("P-002", "Bernard", "solver") not in _pairs(world["exercise"])
    with pytest.raises(services.AssignmentRefused) as refused:
        services.assign_reviewer(item=world["genome"], reviewer=world["bernard"],
                                 actor=world["staff"])
    assert refused.value.messages[0] == (
        "Alex Bernard has a conflict of interest with P-002: conflict declared by the "
        "reviewer.")


def test_a_swap_by_hand_is_checked_audited_and_kept_by_the_next_run(world):
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    first = Assignment.objects.get(item=world["genome"])
    world["exercise"].max_load = 2
    world["exercise"].save()
    services.swap_reviewer(assignment=first, reviewer=world["chevalier"], actor=world["staff"])
    entry = AuditEntry.objects.get(action="matching.swap")
    assert entry.changes == {"item": ["P-002", "P-002"],
                             "reviewer": ["Alex Bernard", "Alex Chevalier"]}
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    assert _pairs(world["exercise"]) == [("P-001", "Chevalier", "solver"),
                                         ("P-002", "Chevalier", "manual")]


def test_an_impossible_exercise_says_why_and_changes_nothing(client, world):
    world["exercise"].reviewers_per_item = 3
    world["exercise"].save()
    client.force_login(world["staff"])
    response = client.post(reverse("matching:run", args=[world["exercise"].pk]), follow=True)
    texts = [str(m) for m in response.context["messages"]]
    roy, girard = world["roy"].pk, world["girard"].pk
    assert texts == [
        "No assignment satisfies every rule. Why:",
        f"item P-001 has only 2 eligible reviewers for k=3 (conflicts: Alex Roy #{roy}, "
        f"Alex Girard #{girard}; unknown score: -)",
        "total capacity 4 < 6 reviews needed (k for each of 2 items)"]
    assert Assignment.objects.count() == 0


def test_run_from_the_page_reports_the_outcome(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("matching:run", args=[world["exercise"].pk]), follow=True)
    scores = sorted(a.score for a in Assignment.objects.all())
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        f"Assignment computed: 2 added, 0 removed, 0 kept; total affinity "
        f"{sum(scores):.3f}, worst-served item {scores[0]:.3f}."]
    assert [(row["item"].reference, [a.reviewer.family_name for a in row["assignments"]],
             row["missing"], row["conflicts"]) for row in response.context["items"]] == [
        ("P-001", ["Chevalier"], 0, 2), ("P-002", ["Bernard"], 0, 0)]


@pytest.mark.parametrize("who", ["anonymous", "researcher", "other_pole_staff"])
def test_exercise_pages_are_closed_to_others(client, world, who):
    if who == "researcher":
        client.force_login(UserFactory(role="researcher"))
    elif who == "other_pole_staff":
        client.force_login(_with_totp(UserFactory(role="pole_staff", pole=world["quebec"])))
    urls = [reverse("matching:exercise", args=[world["exercise"].pk]),
            reverse("matching:item", args=[world["exercise"].pk, world["car_t"].pk])]
    for url in urls:
        response = client.get(url)
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 403
            assert b"CAR-T" not in response.content
    response = client.post(reverse("matching:run", args=[world["exercise"].pk]))
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert Assignment.objects.count() == 0


def test_exercise_page_in_french(client, world):
    client.force_login(world["staff"])
    page = client.get(reverse("matching:exercise", args=[world["exercise"].pk]).replace(
        "/en/", "/fr/"))
    body = page.content.decode()
    assert "Calculer l’affectation" in body
    assert "Évaluateur·rices et leur charge" in body


def test_exercise_list_shows_what_the_user_manages(client, world):
    other = ReviewExercise.objects.create(title="Oncopole only", pole=world["quebec"])
    both = ReviewExercise.objects.create(title="Symposium 2027")
    client.force_login(world["staff"])
    page = client.get(reverse("matching:exercises"))
    assert [(e.title, e.n_items, e.n_pool) for e in page.context["exercises"]] == [
        ("Symposium 2027", 0, 0), ("AAP 2027", 2, 4)]
    assert other.title not in page.content.decode()
    assert both.title in page.content.decode()
    client.force_login(UserFactory(role="researcher"))
    assert client.get(reverse("matching:exercises")).status_code == 403


def test_exercise_pages_query_counts_do_not_grow_with_items(client, world,
                                                            django_assert_num_queries):
    client.force_login(world["staff"])
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    url = reverse("matching:exercise", args=[world["exercise"].pk])
    item_url = reverse("matching:item", args=[world["exercise"].pk, world["car_t"].pk])
    for added in (0, 20):
        for number in range(3, 3 + added):
            item = world["exercise"].items.create(reference=f"P-{number:03d}",
                                                  title=f"Project {number}", text="lymphoma")
            item.people.add(world["chevalier"])
        with django_assert_num_queries(22):
            client.get(url)
        with django_assert_num_queries(25):
            client.get(item_url)


def test_settings_are_saved_and_audited(client, world):
    client.force_login(world["staff"])
    url = reverse("matching:settings", args=[world["exercise"].pk])
    response = client.post(url, {"reviewers_per_item": 2, "max_load": 3, "min_load": 1,
                                 "balance": "each_pole", "fair": "on",
                                 "conflict_rules": ["same_institution", "same_team"],
                                 "coauthorship_years": 5})
    assert response.status_code == 302
    exercise = ReviewExercise.objects.get(pk=world["exercise"].pk)
    assert (exercise.reviewers_per_item, exercise.max_load, exercise.min_load,
            exercise.balance, exercise.fair, exercise.conflict_rules,
            exercise.coauthorship_years) == (2, 3, 1, "each_pole", True,
                                             ["same_institution", "same_team"], 5)
    entry = AuditEntry.objects.get(action="matching.update_exercise")
    assert entry.changes == {
        "balance": ["none", "each_pole"], "coauthorship_years": [3, 5],
        "conflict_rules": [["same_institution", "institution_hierarchy", "same_team",
                            "named_on_proposal", "coauthorship", "self_declared"],
                           ["same_institution", "same_team"]],
        "fair": [False, True], "max_load": [1, 3], "min_load": [0, 1],
        "reviewers_per_item": [1, 2]}


def test_settings_with_a_minimum_above_the_maximum_keep_what_was_typed(client, world):
    client.force_login(world["staff"])
    url = reverse("matching:settings", args=[world["exercise"].pk])
    response = client.post(url, {"reviewers_per_item": 2, "max_load": 3, "min_load": 5,
                                 "balance": "none", "coauthorship_years": 3})
    assert response.status_code == 200
    assert response.context["form"].errors == {"min_load": [
        "The minimum (5 items) is above the maximum (3 items): give a minimum of 3 or less."]}
    assert response.context["form"]["min_load"].value() == "5"
    assert ReviewExercise.objects.get(pk=world["exercise"].pk).max_load == 1
    assert not AuditEntry.objects.filter(action="matching.update_exercise").exists()


def test_settings_are_closed_to_the_other_pole(client, world):
    client.force_login(_with_totp(UserFactory(role="pole_staff", pole=world["quebec"])))
    url = reverse("matching:settings", args=[world["exercise"].pk])
    assert client.post(url, {"reviewers_per_item": 5, "max_load": 9, "min_load": 0,
                             "balance": "none", "coauthorship_years": 3}).status_code == 403
    assert ReviewExercise.objects.get(pk=world["exercise"].pk).reviewers_per_item == 1


def test_pool_search_add_and_remove_are_audited(client, world):
    newcomer = PersonFactory(given_name="Inès", family_name="Lefebvre",
                             keywords=["radiothérapie"], public_profile=True)
    client.force_login(world["staff"])
    url = reverse("matching:pool", args=[world["exercise"].pk])
    page = client.get(url, {"q": "lefebvre"})
    assert [p.full_name for p in page.context["found"]] == ["Inès Lefebvre"]
    response = client.post(url, {"add": newcomer.pk, "q": "lefebvre"})
    assert response["Location"] == f"{url}?q=lefebvre"
    assert client.get(url, {"q": "lefebvre"}).context["found"] == []
    services.run_assignment(exercise=world["exercise"], actor=world["staff"])
    member = PoolMember.objects.get(exercise=world["exercise"], person=world["bernard"])
    client.post(url, {"remove": member.pk})
    assert not PoolMember.objects.filter(pk=member.pk).exists()
    assert not Assignment.objects.filter(reviewer=world["bernard"]).exists()
    assert [(e.action, e.changes) for e in AuditEntry.objects.filter(
        action__in=["matching.add_reviewer", "matching.remove_reviewer"]).order_by("pk")] == [
        ("matching.add_reviewer", {"pool": [None, "Inès Lefebvre"]}),
        ("matching.remove_reviewer", {"pool": ["Alex Bernard", None],
                                      "assignments": [["P-002"], None]})]


def test_pool_refuses_a_value_that_is_not_a_person(client, world):
    client.force_login(world["staff"])
    url = reverse("matching:pool", args=[world["exercise"].pk])
    response = client.post(url, {"add": "x'); DROP"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Choose a person from the list."]
    assert PoolMember.objects.filter(exercise=world["exercise"]).count() == 4
