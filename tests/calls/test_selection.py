"""Funding recommendations within both envelopes at once: the funding line and CP-SAT's
optimal selection, on hand-computed cases and against brute force."""

import itertools
import random
from decimal import Decimal

import pytest

from jumelage.calls.engine.selection import (
    Project,
    fits_alone,
    funding_line,
    optimal_selection,
)

BUDGETS = {"clara": Decimal("100000"), "oncopole": Decimal("150000")}


def project(reference, merit, clara, oncopole):
    return Project(
        reference, Decimal(merit), {"clara": Decimal(clara), "oncopole": Decimal(oncopole)}
    )


# One big project first, then two mid-sized ones that together fit both envelopes.
BIG_THEN_TWO = [
    project("P1", "4.5", 80000, 100000),
    project("P2", "4.0", 50000, 70000),
    project("P3", "3.9", 50000, 70000),
]
# A small project below a mid one that does not fit after the first.
SMALL_BELOW = [
    project("P1", "4.5", 80000, 100000),
    project("P2", "4.0", 50000, 70000),
    project("P3", "3.0", 10000, 20000),
]


def test_funding_line_stops_at_the_first_project_that_does_not_fit():
    result = funding_line(SMALL_BELOW, BUDGETS)
    assert (result.selected, result.merit, result.spent, result.proven_optimal) == (
        ("P1",),
        Decimal("4.5"),
        {"clara": Decimal("80000"), "oncopole": Decimal("100000")},
        False,
    )


def test_funding_line_without_rank_order_funds_what_still_fits():
    result = funding_line(SMALL_BELOW, BUDGETS, keep_rank_order=False)
    assert (result.selected, result.merit) == (("P1", "P3"), Decimal("7.5"))


def test_optimal_with_rank_order_does_not_skip_a_project():
    result = optimal_selection(SMALL_BELOW, BUDGETS, keep_rank_order=True, time_limit_s=5)
    assert (result.selected, result.merit, result.proven_optimal) == (("P1",), Decimal("4.5"), True)


def test_optimal_without_rank_order_funds_two_mid_projects_instead_of_the_big_one():
    result = optimal_selection(BIG_THEN_TWO, BUDGETS, keep_rank_order=False, time_limit_s=5)
    assert (result.selected, result.merit, result.spent, result.proven_optimal) == (
        ("P2", "P3"),
        Decimal("7.9"),
        {"clara": Decimal("100000"), "oncopole": Decimal("140000")},
        True,
    )


def test_funding_line_funds_only_the_big_project():
    assert funding_line(BIG_THEN_TWO, BUDGETS).selected == ("P1",)


def test_optimal_respects_both_envelopes_at_once():
    # Within CLARA's envelope alone P1+P3+P4 (11.5) would fit; within the Oncopole's alone
    # P1+P2 (7.9). Both together allow P1+P3 at best: 90,000 € and 150,000 $CA.
    projects = [
        project("P1", "4.0", 60000, 20000),
        project("P2", "3.9", 50000, 20000),
        project("P3", "3.8", 30000, 130000),
        project("P4", "3.7", 10000, 120000),
    ]
    result = optimal_selection(projects, BUDGETS, keep_rank_order=False, time_limit_s=5)
    assert (result.selected, result.merit, result.spent) == (
        ("P1", "P3"),
        Decimal("7.8"),
        {"clara": Decimal("90000"), "oncopole": Decimal("150000")},
    )


def test_project_above_an_envelope_on_its_own_does_not_stop_the_line():
    projects = [project("P1", "5.0", 120000, 10000), project("P2", "4.0", 50000, 50000)]
    assert (
        funding_line(projects, BUDGETS).selected,
        optimal_selection(projects, BUDGETS, keep_rank_order=True, time_limit_s=5).selected,
    ) == (("P2",), ("P2",))


def test_request_from_a_pole_without_envelope_never_fits():
    assert fits_alone(Project("P", Decimal(4), {"other": Decimal("1")}), BUDGETS) is False


def test_no_project_gives_an_empty_selection():
    result = optimal_selection([], BUDGETS, keep_rank_order=False, time_limit_s=1)
    assert (result.selected, result.merit, result.spent, result.proven_optimal) == (
        (),
        Decimal(0),
        {"clara": Decimal(0), "oncopole": Decimal(0)},
        True,
    )


def brute_force(projects, budgets, keep_rank_order):
    """The best total merit over every subset (in merit units, to compare exactly)."""
    fundable = [fits_alone(p, budgets) for p in projects]
    best = Decimal(0)
    for mask in itertools.product((0, 1), repeat=len(projects)):
        if any(x and not ok for x, ok in zip(mask, fundable, strict=True)):
            continue
        if any(
            sum(p.requests[pole] for p, x in zip(projects, mask, strict=True) if x) > limit
            for pole, limit in budgets.items()
        ):
            continue
        if keep_rank_order:
            chain = [x for x, ok in zip(mask, fundable, strict=True) if ok]
            if any(later > earlier for earlier, later in itertools.pairwise(chain)):
                continue
        best = max(
            best, sum((p.merit for p, x in zip(projects, mask, strict=True) if x), Decimal(0))
        )
    return best


def random_instance(rng):
    n = rng.randint(1, 8)
    projects = [
        Project(
            f"P{i}",
            Decimal(rng.randint(10000, 50000)) / 10000,
            {
                "clara": Decimal(rng.randint(0, 60) * 1000),
                "oncopole": Decimal(rng.randint(0, 90) * 1000) + Decimal("0.50"),
            },
        )
        for i in range(n)
    ]
    projects.sort(key=lambda p: -p.merit)
    budgets = {
        "clara": Decimal(rng.randint(30, 150) * 1000),
        "oncopole": Decimal(rng.randint(40, 220) * 1000),
    }
    return projects, budgets


@pytest.mark.parametrize("keep_rank_order", [False, True])
@pytest.mark.parametrize("seed", range(25))
def test_optimal_matches_brute_force(seed, keep_rank_order):
    projects, budgets = random_instance(random.Random(seed))
    result = optimal_selection(
        projects, budgets, keep_rank_order=keep_rank_order, time_limit_s=5, workers=1
    )
    chosen = [p for p in projects if p.reference in result.selected]
    assert (result.merit, result.proven_optimal) == (
        brute_force(projects, budgets, keep_rank_order),
        True,
    )
    assert all(
        sum((p.requests[pole] for p in chosen), Decimal(0)) <= limit
        for pole, limit in budgets.items()
    )


@pytest.mark.parametrize("seed", range(25))
def test_optimal_with_rank_order_equals_the_funding_line(seed):
    projects, budgets = random_instance(random.Random(seed))
    assert (
        optimal_selection(projects, budgets, keep_rank_order=True, time_limit_s=5, workers=1).merit
        == funding_line(projects, budgets).merit
    )
