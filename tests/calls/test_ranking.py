"""The ranking engine on hand-computed examples (weights 2, 1, 1)."""

import subprocess
import sys
from decimal import Decimal

from jumelage.calls.engine.ranking import Scored, rank_applications, weighted_score

WEIGHTS = {"sci": Decimal("2"), "feas": Decimal("1"), "partner": Decimal("1")}


def review(sci, feas, partner):
    return {"sci": sci, "feas": feas, "partner": partner}


def by_reference(rows):
    return {row.reference: row for row in rows}


def example():
    return rank_applications(
        [
            # (2·5 + 4 + 3)/4 = 4.25 and (2·3 + 3 + 4)/4 = 3.25: mean 3.75, spread 1.
            Scored("JC-A", [review(5, 4, 3), review(3, 3, 4)]),
            Scored("JC-B", [review(4, 4, 4)]),
            # 5, (4 + 3 + 1)/4 = 2 and (8 + 2 + 2)/4 = 3: mean 10/3, spread 3.
            Scored("JC-C", [review(5, 5, 5), review(2, 3, 1), review(4, 2, 2)]),
            Scored("JC-D", []),
            Scored("JC-E", [review(4, 4, 4), review(4, 4, 4)]),
        ],
        WEIGHTS,
        threshold=Decimal("1.50"),
    )


def test_weighted_score_of_one_review():
    assert weighted_score(review(5, 4, 3), WEIGHTS) == Decimal("4.25")


def test_ranking_order_with_tie_breaks_and_unreviewed_last():
    assert [(r.reference, r.rank) for r in example()] == [
        ("JC-E", 1),
        ("JC-B", 2),
        ("JC-A", 3),
        ("JC-C", 4),
        ("JC-D", None),
    ]


def test_ranking_mean_spread_and_reviews_exact():
    row = by_reference(example())["JC-A"]
    assert (row.mean, row.spread, row.n_reviews, row.review_scores) == (
        Decimal("3.7500"),
        Decimal("1.0000"),
        2,
        (Decimal("4.2500"), Decimal("3.2500")),
    )


def test_ranking_mean_of_thirds_rounded_half_up():
    row = by_reference(example())["JC-C"]
    assert (row.mean, row.spread) == (Decimal("3.3333"), Decimal("3.0000"))


def test_ranking_criterion_means():
    assert by_reference(example())["JC-C"].criterion_means == {
        "sci": Decimal("3.6667"),
        "feas": Decimal("3.3333"),
        "partner": Decimal("2.6667"),
    }


def test_ranking_flags_disagreement_above_threshold():
    rows = by_reference(example())
    assert (rows["JC-C"].disagreement, rows["JC-A"].disagreement) == (True, False)


def test_ranking_application_without_review_is_unranked():
    row = by_reference(example())["JC-D"]
    assert (row.rank, row.mean, row.spread, row.disagreement, row.n_reviews) == (
        None,
        None,
        None,
        False,
        0,
    )


def test_equal_mean_and_reviews_ordered_by_reference():
    rows = rank_applications(
        [Scored("JC-Z", [review(3, 3, 3)]), Scored("JC-M", [review(3, 3, 3)])], WEIGHTS, threshold=1
    )
    assert [r.reference for r in rows] == ["JC-M", "JC-Z"]


def test_disagreement_not_flagged_at_the_threshold_exactly():
    # 4 and (6 + 2 + 2)/4 = 2.5: spread 1.5, the threshold itself.
    row = rank_applications(
        [Scored("JC-X", [review(4, 4, 4), review(3, 2, 2)])], WEIGHTS, threshold=Decimal("1.50")
    )[0]
    assert (row.spread, row.disagreement) == (Decimal("1.5000"), False)


def test_disagreement_flagged_just_above_the_threshold():
    # 4 and (6 + 2 + 1)/4 = 2.25: spread 1.75.
    row = rank_applications(
        [Scored("JC-X", [review(4, 4, 4), review(3, 2, 1)])], WEIGHTS, threshold=Decimal("1.50")
    )[0]
    assert (row.spread, row.disagreement) == (Decimal("1.7500"), True)


def test_unscored_criterion_leaves_its_weight_out():
    assert weighted_score({"sci": 4, "feas": 1}, WEIGHTS) == 3


def test_engine_imports_without_django():
    code = (
        "import sys; import jumelage.calls.engine.ranking, jumelage.calls.engine.selection; "
        "assert 'django' not in sys.modules"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
