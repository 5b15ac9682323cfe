import numpy as np
import pytest

from jumelage.matching.engine.conflicts import (
    Conflict,
    ConflictRules,
    Party,
    ancestors,
    coauthor_years_from_publications,
    conflict_matrix,
    detect,
)

PARENTS = {"chum": "udem", "chu-sainte-justine": "udem", "crchum": "chum"}
LABELS = {"chum": "CHUM", "udem": "Université de Montréal", "hcl": "Hospices Civils de Lyon",
          "ucbl": "Université Claude Bernard Lyon 1", "p1": "Camille Martin"}
RULES = ConflictRules(reference_year=2026)


def pair(item: Party, reviewer: Party, rules: ConflictRules = RULES, **kwargs):
    return detect([item], [reviewer], rules=rules, parents=kwargs.pop("parents", PARENTS),
                  **kwargs).get((item.id, reviewer.id), [])


def test_same_institution():
    assert pair(Party("i1", institution_ids=("chum",)),
                Party("r1", institution_ids=("chum", "x"))) == [
        Conflict("same_institution", {"institution": "chum"})]


def test_hospital_and_its_university_are_one_hierarchy():
    assert pair(Party("i1", institution_ids=("chum",)),
                Party("r1", institution_ids=("udem",))) == [
        Conflict("institution_hierarchy", {"reviewer_institution": "udem",
                                           "item_institution": "chum", "common": "udem"})]


def test_two_hospitals_of_one_university_are_one_hierarchy_nearest_common_named():
    assert pair(Party("i1", institution_ids=("chu-sainte-justine",)),
                Party("r1", institution_ids=("crchum",))) == [
        Conflict("institution_hierarchy", {"reviewer_institution": "crchum",
                                           "item_institution": "chu-sainte-justine",
                                           "common": "udem"})]
    assert pair(Party("i1", institution_ids=("chum",)),
                Party("r1", institution_ids=("crchum",)))[0].params["common"] == "chum"


def test_lyon_hospital_and_university_unrelated_unless_the_map_says_so():
    item, reviewer = Party("i1", institution_ids=("hcl",)), Party("r1", institution_ids=("ucbl",))
    assert pair(item, reviewer) == []
    assert pair(item, reviewer, parents={"hcl": ["ucbl"]}) == [
        Conflict("institution_hierarchy", {"reviewer_institution": "ucbl",
                                           "item_institution": "hcl", "common": "ucbl"})]


def test_same_institution_is_not_reported_twice_as_hierarchy():
    assert [c.code for c in pair(Party("i1", institution_ids=("chum",)),
                                 Party("r1", institution_ids=("chum",)))] == [
        "same_institution"]


def test_same_team():
    assert pair(Party("i1", team_ids=("t1", "t2")), Party("r1", team_ids=("t2",))) == [
        Conflict("same_team", {"team": "t2"})]


def test_named_on_proposal():
    assert pair(Party("i1", person_ids=("p1", "p2")), Party("r1", person_ids=("p2",))) == [
        Conflict("named_on_proposal")]


def test_coauthorship_window_boundary_is_inclusive():
    years = coauthor_years_from_publications([(2022, ["p1", "r"]), (2019, ["p1", "r"])])
    item, reviewer = Party("i1", person_ids=("p1",)), Party("r1", person_ids=("r",))
    # reference 2026, window 3: 2023 is the first year that counts
    assert pair(item, reviewer, coauthor_years=years) == []
    assert pair(item, reviewer, ConflictRules(reference_year=2025),
                coauthor_years=years) == [
        Conflict("coauthorship", {"person": "p1", "years": "2022", "first_year": 2022,
                                  "window": 3, "reference_year": 2025})]
    assert pair(item, reviewer, ConflictRules(reference_year=2026, coauthorship_years=7),
                coauthor_years=years)[0].params["years"] == "2019, 2022"


def test_coauthor_years_from_publications():
    assert coauthor_years_from_publications([
        (2020, ["a", "b", "c"]), (2021, ["b", "a"]), (None, ["a", "c"]), (2021, ["a", "b"])]) == {
        frozenset({"a", "b"}): [2020, 2021], frozenset({"a", "c"}): [2020],
        frozenset({"b", "c"}): [2020]}


def test_self_declared():
    assert pair(Party("i1"), Party("r1", declared_item_ids=("i1", "i9"))) == [
        Conflict("self_declared")]


def test_every_rule_at_once_in_rule_order_and_each_switched_off():
    item = Party("i1", institution_ids=("chum",), team_ids=("t1",), person_ids=("p1",))
    reviewer = Party("r1", institution_ids=("chum", "udem"), team_ids=("t1",),
                     person_ids=("p1",), declared_item_ids=("i1",))
    years = {frozenset({"p1", "p9"}): [2025]}
    reviewer_with_coauthor = Party("r1", institution_ids=reviewer.institution_ids,
                                   team_ids=("t1",), person_ids=("p1", "p9"),
                                   declared_item_ids=("i1",))
    codes = [c.code for c in pair(item, reviewer_with_coauthor, coauthor_years=years)]
    assert codes == ["same_institution", "institution_hierarchy", "same_team",
                     "named_on_proposal", "coauthorship", "self_declared"]
    for rule in codes:
        off = ConflictRules(reference_year=2026, **{rule: False})
        assert [c.code for c in pair(item, reviewer_with_coauthor, off,
                                     coauthor_years=years)] == [c for c in codes if c != rule]


def test_all_rules_off_means_no_conflict():
    rules = ConflictRules.from_mapping({
        "same_institution": False, "institution_hierarchy": False, "same_team": False,
        "named_on_proposal": False, "coauthorship": False, "self_declared": False})
    item = Party("i1", institution_ids=("chum",), person_ids=("p1",))
    assert pair(item, Party("r1", institution_ids=("chum",), person_ids=("p1",)), rules) == []


def test_rules_from_mapping_refuse_unknown_settings_and_need_a_reference_year():
    with pytest.raises(ValueError, match=r"unknown conflict rule settings \['window'\]"):
        ConflictRules.from_mapping({"window": 3})
    with pytest.raises(ValueError, match="reference_year is needed"):
        ConflictRules()
    with pytest.raises(ValueError, match="coauthorship_years=-1: give 0 or more years"):
        ConflictRules(reference_year=2026, coauthorship_years=-1)
    assert ConflictRules(coauthorship=False).reference_year is None


def test_messages_with_labels():
    conflicts = detect([Party("i1", institution_ids=("chum",), person_ids=("p1",))],
                       [Party("r1", institution_ids=("udem",), person_ids=("r",))],
                       rules=RULES, parents=PARENTS, labels=LABELS,
                       coauthor_years={frozenset({"p1", "r"}): [2024, 2025]})[("i1", "r1")]
    assert [c.message for c in conflicts] == [
        "Université de Montréal and CHUM belong to one institution (Université de Montréal)",
        "co-authored with Camille Martin in 2024, 2025 (co-publications count from 2023)"]


def test_conflict_matrix_mask_and_reasons():
    items = [Party("i1", institution_ids=("chum",)), Party("i2", person_ids=("p2",)),
             Party("i3", institution_ids=("hcl",))]
    reviewers = [Party("r1", institution_ids=("udem",)), Party("r2", person_ids=("p2",)),
                 Party("r3", institution_ids=("ucbl",), declared_item_ids=("i3",))]
    result = conflict_matrix(items, reviewers, rules=RULES, parents=PARENTS)
    assert result.item_ids == ["i1", "i2", "i3"]
    assert result.reviewer_ids == ["r1", "r2", "r3"]
    assert result.mask.dtype == np.bool_
    assert result.mask.tolist() == [[True, False, False], [False, True, False],
                                    [False, False, True]]
    assert {key: [c.code for c in value] for key, value in result.reasons.items()} == {
        ("i1", "r1"): ["institution_hierarchy"], ("i2", "r2"): ["named_on_proposal"],
        ("i3", "r3"): ["self_declared"]}
    assert detect(items, reviewers, rules=RULES, parents=PARENTS) == result.reasons


def test_conflict_matrix_of_nothing():
    result = conflict_matrix([], [Party("r1")], rules=RULES)
    assert result.mask.shape == (0, 1)
    assert result.reasons == {}


def test_ancestors_cut_cycles():
    assert ancestors("a", {"a": "b", "b": ["c", "a"]}) == {"a", "b", "c"}
