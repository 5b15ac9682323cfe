"""Scoring a matcher on a labelled set of affiliation strings.

A labelled row has an `affiliation`, its `ror_id` (empty when the right answer is to abstain;
several ids joined by "|" when the string names several institutions of the registry), an
`origin` ("generated:..." or "hand:...") and a `note`.

* Per string (`Matcher.match`): precision = correct answers / answers, recall = correct answers /
  rows with an id; an answer is correct when it is one of the row's ids.
* Per institution (`Matcher.match_all`): every (string, institution) pair, the most specific
  ones: an id listed or found beside one of its own descendants is left out on both sides.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from jumelage.observatory.engine.matching.matcher import Match, Matcher

COLUMNS = ("affiliation", "ror_id", "origin", "note")


@dataclass(frozen=True, slots=True)
class Row:
    affiliation: str
    ror_ids: tuple[str, ...]
    origin: str
    note: str = ""

    @property
    def group(self) -> str:
        """"generated" or "hand": the part of the set the row belongs to."""
        return self.origin.split(":", 1)[0]


def read_labelled(path: Path) -> list[Row]:
    with path.open(encoding="utf-8", newline="") as stream:
        return [Row(affiliation=r["affiliation"],
                    ror_ids=tuple(i for i in (r["ror_id"] or "").split("|") if i),
                    origin=r["origin"], note=r.get("note") or "")
                for r in csv.DictReader(stream)]


def write_labelled(path: Path, rows: Iterable[Row]) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([row.affiliation, "|".join(row.ror_ids), row.origin, row.note])


@dataclass(slots=True)
class Scores:
    rows: int = 0
    with_id: int = 0  # rows that have at least one id
    answered: int = 0  # rows where match() gave an id
    correct: int = 0
    expected_pairs: int = 0  # institutions match_all() should find
    found_pairs: int = 0  # institutions it found
    correct_pairs: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.answered if self.answered else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.with_id if self.with_id else 1.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)

    @property
    def all_precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def all_recall(self) -> float:
        return self.correct_pairs / self.expected_pairs if self.expected_pairs else 1.0

    @property
    def all_f1(self) -> float:
        return _f1(self.all_precision, self.all_recall)


@dataclass(slots=True)
class Outcome:
    row: Row
    match: Match
    found: tuple[str, ...]  # match_all(), ancestors of other ids left out
    expected: frozenset[str]  # the row's ids, ancestors of other ids left out

    @property
    def correct(self) -> bool:
        return self.match.ror_id is not None and self.match.ror_id in self.row.ror_ids

    @property
    def error(self) -> str:
        """"" when match() is right (an answer among the ids, or an abstention on an empty row);
        else "wrong", "missed" or "false-positive"."""
        if self.match.ror_id is None:
            return "missed" if self.row.ror_ids else ""
        if not self.row.ror_ids:
            return "false-positive"
        return "" if self.correct else "wrong"


@dataclass(slots=True)
class Evaluation:
    outcomes: list[Outcome] = field(default_factory=list)

    def scores(self, keep: Callable[[Row], bool] = lambda row: True) -> Scores:
        scores = Scores()
        for outcome in self.outcomes:
            if not keep(outcome.row):
                continue
            scores.rows += 1
            scores.with_id += bool(outcome.row.ror_ids)
            scores.answered += outcome.match.ror_id is not None
            scores.correct += outcome.correct
            found = set(outcome.found)
            scores.expected_pairs += len(outcome.expected)
            scores.found_pairs += len(found)
            scores.correct_pairs += len(found & outcome.expected)
        return scores

    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error]


def evaluate(matcher: Matcher, rows: Iterable[Row]) -> Evaluation:
    evaluation = Evaluation()
    registry = matcher.registry
    for row in rows:
        above: set[str] = set()
        for ror_id in row.ror_ids:
            above |= registry.ancestors(ror_id)
        expected = frozenset(i for i in row.ror_ids if i not in above)
        found_ids = [m.ror_id for m in matcher.match_all(row.affiliation) if m.ror_id]
        below: set[str] = set()
        for ror_id in found_ids:
            below |= registry.ancestors(ror_id)
        found = tuple(i for i in found_ids if i not in below)
        evaluation.outcomes.append(Outcome(row=row, match=matcher.match(row.affiliation),
                                           found=found, expected=expected))
    return evaluation


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0
