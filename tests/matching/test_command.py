"""`jumelage matching assign` on openreview-matcher's files."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

# Greedy gives R1 to P1 and leaves P2 with R2 (0.1); the optimum is P1-R2, P2-R1, P3-R3.
SCORES = ("paper_id,reviewer_id,score\nP1,R1,0.9\nP1,R2,0.8\nP2,R1,0.85\nP2,R2,0.1\n"
          "P3,R1,0.2\nP3,R2,0.7\nP3,R3,0.3\nP3,R4,0.1\n")


def files(tmp_path: Path, scores: str = SCORES, constraints: str = "P3,R4,-1\n") -> list[str]:
    (tmp_path / "S.csv").write_text(scores)
    (tmp_path / "C.csv").write_text(constraints)
    return ["--scores", str(tmp_path / "S.csv"), "--constraints", str(tmp_path / "C.csv"),
            "--out", str(tmp_path / "A.csv")]


def run(*args) -> str:
    out = StringIO()
    call_command("matching", "assign", *args, stdout=out)
    return out.getvalue()


def test_assign_writes_the_optimum_and_prints_objective_worst_item_and_loads(tmp_path):
    out = run(*files(tmp_path), "--k", "1", "--max-load", "1")
    assert (tmp_path / "A.csv").read_text() == "P1,R2\nP2,R1\nP3,R3\n"
    assert out.splitlines() == [
        f"3 pairs written to {tmp_path / 'A.csv'} (3 items, 4 reviewers).",
        "Objective (total affinity): 1.9500",
        "Optimal: certified by reduced costs (up to 3.0e-08 from rounding).",
        "Worst item: P3, total 0.3000 (no assignment can give it more than 0.7000).",
        "Loads (items: reviewers): 1: 3, 0: 1"]


def test_assign_formats_numbers_for_french(tmp_path):
    with translation.override("fr"):
        out = run(*files(tmp_path), "--k", "1", "--max-load", "1")
    assert out.splitlines()[1].endswith(" 1,9500")


def test_assign_fair_reports_what_fairness_costs(tmp_path):
    scores = "P1,R1,0.9\nP1,R2,0.35\nP2,R1,0.7\nP2,R2,0.2\n"
    out = run(*files(tmp_path, scores, ""), "--k", "1", "--max-load", "1", "--fair",
              "--fair-tolerance", "0.05")
    assert (tmp_path / "A.csv").read_text() == "P1,R2\nP2,R1\n"
    assert out.splitlines()[1:4] == [
        "Objective (total affinity): 1.0500",
        "Fair mode: the optimal total is 1.1000; fairness costs 0.0500 (4.55 %); the worst "
        "item's total went from 0.2000 to 0.3500.",
        "Worst item: P1, total 0.3500 (no assignment can give it more than 0.7000)."]


def test_assign_with_balance_between_the_poles(tmp_path):
    (tmp_path / "G.csv").write_text("R1,CLARA\nR2,CLARA\nR3,ONCOPOLE\nR4,OTHER\n")
    scores = "P1,R1,0.9\nP1,R2,0.8\nP1,R3,0.3\nP1,R4,0.5\n"
    run(*files(tmp_path, scores, ""), "--k", "2", "--max-load", "1", "--groups",
        str(tmp_path / "G.csv"), "--balance", "CLARA,ONCOPOLE")
    assert (tmp_path / "A.csv").read_text() == "P1,R1\nP1,R3\n"


def test_assign_bad_input_names_every_line_and_writes_nothing(tmp_path):
    args = files(tmp_path, "P1,R1,0.9\nP1,R1,0.8\nP2,R1,1.2\n", "P1,R5,-1\n")
    with pytest.raises(CommandError) as caught:
        run(*args, "--k", "1", "--max-load", "2")
    assert str(caught.value).splitlines() == [
        f"{tmp_path / 'S.csv'}:2: the pair P1, R1 already appears on line 1",
        f"{tmp_path / 'S.csv'}:3: the score 1.2 is outside [0, 1]"]
    assert not (tmp_path / "A.csv").exists()


def test_assign_unknown_id_in_constraints(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(*files(tmp_path, constraints="P3,R4,-1\nP7,R1,-1\n"), "--k", "1", "--max-load", "1")
    assert str(caught.value) == (f"{tmp_path / 'C.csv'}:2: unknown paper id P7 (not in the "
                                 "scores file)")
    assert not (tmp_path / "A.csv").exists()


def test_assign_infeasible_lists_the_reasons(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(*files(tmp_path), "--k", "2", "--max-load", "1")
    assert str(caught.value).splitlines() == [
        "No assignment meets the constraints:",
        "- total capacity 4 < 6 reviews needed (k for each of 3 items)"]
    assert not (tmp_path / "A.csv").exists()
    with pytest.raises(CommandError) as caught:
        run(*files(tmp_path, constraints="P1,R1,-1\nP1,R2,-1\n"), "--k", "1", "--max-load", "2")
    assert str(caught.value).splitlines()[1] == (
        "- item P1 has only 0 eligible reviewers for k=1 (conflicts: R1, R2; unknown score: "
        "R3, R4)")


def test_assign_balance_without_groups_is_refused(tmp_path):
    with pytest.raises(CommandError) as caught:
        run(*files(tmp_path), "--k", "1", "--max-load", "1", "--balance", "CLARA")
    assert str(caught.value) == "--balance needs --groups, the file of reviewers' groups."
