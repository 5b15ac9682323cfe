"""openreview-matcher's CSV files: reading scores and constraints, errors with their lines."""

from pathlib import Path

import numpy as np
import pytest

from jumelage.matching.engine.assignment import solve
from jumelage.matching.engine.files import (
    InputError,
    load_problem,
    read_constraints,
    read_groups,
    read_scores,
    write_assignment,
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SCORES = "P1,R1,0.9\nP1,R2,0.5\nP2,R1,0.25\nP2,R3,1\n"


def messages(caught) -> list[str]:
    return [str(issue) for issue in caught.value.issues]


def test_read_scores_without_header_gives_ids_in_order_and_zero_for_missing_pairs(tmp_path):
    scores = read_scores(write(tmp_path / "S.csv", SCORES))
    assert scores.items == ("P1", "P2")
    assert scores.reviewers == ("R1", "R2", "R3")
    assert scores.matrix.tolist() == [[0.9, 0.5, 0.0], [0.25, 0.0, 1.0]]


def test_read_scores_with_header_reads_the_same(tmp_path):
    plain = read_scores(write(tmp_path / "a.csv", SCORES))
    headed = read_scores(write(tmp_path / "b.csv", "paper_id,reviewer_id,score\n" + SCORES))
    assert (headed.items, headed.reviewers) == (plain.items, plain.reviewers)
    assert headed.matrix.tolist() == plain.matrix.tolist()


def test_read_scores_many_rows_takes_every_value(tmp_path):
    rng = np.random.default_rng(3)
    values = np.round(rng.random((40, 30)), 6)
    given = ((np.arange(40)[:, None] + np.arange(30)[None, :]) % 7 > 0)
    given[0] = True  # the first item has every reviewer: ids come in order of appearance
    lines = [f"P{i},R{j},{values[i, j]}" for i in range(40) for j in range(30) if given[i, j]]
    scores = read_scores(write(tmp_path / "S.csv", "\n".join(lines) + "\n"))
    expected = np.where(given, values, 0.0)
    assert scores.items == tuple(f"P{i}" for i in range(40))
    assert scores.reviewers == tuple(f"R{j}" for j in range(30))
    assert scores.matrix.tolist() == expected.tolist()


def test_read_scores_collects_every_bad_line(tmp_path):
    path = write(tmp_path / "S.csv", "paper_id,reviewer_id,score\nP1,R1,0.9\nP1,R2,1.5\n"
                                     "P2,R1,abc\nP1,R1,0.3\nP2,R2\nP2,R3,-0.1\nP3,R1,nan\n")
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert messages(caught) == [
        f"{path}:3: the score 1.5 is outside [0, 1]",
        f"{path}:4: the score 'abc' is not a number",
        f"{path}:5: the pair P1, R1 already appears on line 2",
        f"{path}:6: expected 3 columns (paper_id, reviewer_id, score), found 2",
        f"{path}:7: the score -0.1 is outside [0, 1]",
        f"{path}:8: the score nan is outside [0, 1]"]


def test_read_scores_empty_and_missing_files(tmp_path):
    path = write(tmp_path / "S.csv", "")
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert messages(caught) == [f"{path}: the file has no rows"]
    with pytest.raises(InputError) as caught:
        read_scores(tmp_path / "none.csv")
    assert messages(caught) == [f"{tmp_path / 'none.csv'}: the file cannot be read (No such "
                                "file or directory)"]


def test_read_scores_stops_listing_after_fifty_problems(tmp_path):
    path = write(tmp_path / "S.csv", "".join(f"P{i},R1,2\n" for i in range(60)))
    with pytest.raises(InputError) as caught:
        read_scores(path)
    assert len(caught.value.issues) == 51
    assert messages(caught)[-1] == f"{path}: 10 more problems not shown"


def test_read_constraints_conflicts_and_fixed_pairs(tmp_path):
    scores = read_scores(write(tmp_path / "S.csv", SCORES))
    constraints = read_constraints(write(tmp_path / "C.csv", "P1,R2,-1\nP2,R3,+1\nP2,R2,0\n"),
                                   scores=scores)
    assert constraints.conflicts.tolist() == [[False, True, False], [False, False, False]]
    assert constraints.fixed == (("P2", "R3"),)


def test_read_constraints_names_unknown_ids_duplicates_and_bad_values(tmp_path):
    scores = read_scores(write(tmp_path / "S.csv", SCORES))
    path = write(tmp_path / "C.csv", "P1,R2,-1\nP9,R1,-1\nP1,R7,-1\nP1,R2,-1\nP2,R1,2\n"
                                     "P2,R1\n")
    with pytest.raises(InputError) as caught:
        read_constraints(path, scores=scores)
    assert messages(caught) == [
        f"{path}:2: unknown paper id P9 (not in the scores file)",
        f"{path}:3: unknown reviewer id R7 (not in the scores file)",
        f"{path}:4: the pair P1, R2 already appears on line 1",
        f"{path}:5: the constraint '2' is not -1 (conflict of interest), +1 (fixed pair) or 0",
        f"{path}:6: expected 3 columns (paper_id, reviewer_id, -1 or +1), found 2"]


def test_read_groups(tmp_path):
    scores = read_scores(write(tmp_path / "S.csv", SCORES))
    groups = read_groups(write(tmp_path / "G.csv", "reviewer_id,group\nR1,CLARA\n"
                                                   "R3,ONCOPOLE\n"), scores=scores)
    assert groups == {"R1": "CLARA", "R3": "ONCOPOLE"}
    path = write(tmp_path / "H.csv", "R1,CLARA\nR1,OTHER\nR8,CLARA\nR2\n")
    with pytest.raises(InputError) as caught:
        read_groups(path, scores=scores)
    assert messages(caught) == [
        f"{path}:2: the reviewer R1 already has a group on line 1",
        f"{path}:3: unknown reviewer id R8 (not in the scores file)",
        f"{path}:4: expected 2 columns (reviewer_id, group), found 1"]


def test_load_problem_reports_every_file_and_builds_nothing(tmp_path):
    scores = write(tmp_path / "S.csv", SCORES)
    constraints = write(tmp_path / "C.csv", "P1,R9,-1\n")
    groups = write(tmp_path / "G.csv", "R9,CLARA\n")
    with pytest.raises(InputError) as caught:
        load_problem(scores_path=scores, constraints_path=constraints, groups_path=groups,
                     k=1, max_load=2)
    assert messages(caught) == [
        f"{constraints}:1: unknown reviewer id R9 (not in the scores file)",
        f"{groups}:1: unknown reviewer id R9 (not in the scores file)"]


def test_load_problem_solve_and_write_round_trip(tmp_path):
    problem = load_problem(scores_path=write(tmp_path / "S.csv", SCORES),
                           constraints_path=write(tmp_path / "C.csv", "P2,R1,-1\n"),
                           k=1, max_load=1)
    answer = solve(problem=problem)
    write_assignment(tmp_path / "A.csv", answer)
    assert (tmp_path / "A.csv").read_text() == "P1,R1\nP2,R3\n"
    assert answer.objective == pytest.approx(1.9)
