"""openreview-matcher's CSV files: scores, constraints, groups in; the assignment out.

- scores `paper_id,reviewer_id,score` (a header row is recognised by its third field not being
  a number): one row per pair, score in [0, 1]; a pair without a row has an unknown score;
- constraints `paper_id,reviewer_id,-1` (conflict of interest) or `+1` (a pair that must be
  assigned: kept as a fixed pair); `0` is no constraint;
- groups (ours, optional) `reviewer_id,group`, e.g. `R7,ONCOPOLE`;
- the assignment `paper_id,reviewer_id`, one row per pair, no header.

Valid files take a fast path (pyarrow's CSV reader, vectorised checks); any doubt sends the
file to a line-by-line pass that collects every problem with its line number (up to
`MAX_ISSUES`) before `InputError` is raised: no problem is ever built from a partly read file.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jumelage.matching.engine.assignment import Assignment, Problem


def _(message: str) -> str:
    """Marks a message for translation; the Django layer translates it when it shows it."""
    return message


FILE_REASONS: dict[str, str] = {
    "columns": _("expected %(expected)d columns (%(names)s), found %(found)d"),
    "not_a_number": _("the score %(value)r is not a number"),
    "out_of_range": _("the score %(value)s is outside [0, 1]"),
    "duplicate": _("the pair %(paper)s, %(reviewer)s already appears on line %(first)d"),
    "duplicate_reviewer": _("the reviewer %(reviewer)s already has a group on line %(first)d"),
    "unknown_paper": _("unknown paper id %(id)s (not in the scores file)"),
    "unknown_reviewer": _("unknown reviewer id %(id)s (not in the scores file)"),
    "bad_constraint": _("the constraint %(value)r is not -1 (conflict of interest), +1 (fixed "
                        "pair) or 0"),
    "empty": _("the file has no rows"),
    "unreadable": _("the file cannot be read (%(error)s)"),
    "more": _("%(more)d more problems not shown"),
}

MAX_ISSUES = 50
SCORE_COLUMNS = "paper_id, reviewer_id, score"
CONSTRAINT_COLUMNS = "paper_id, reviewer_id, -1 or +1"
GROUP_COLUMNS = "reviewer_id, group"


@dataclass(frozen=True, slots=True)
class FileIssue:
    """A problem in an input file, and where."""

    path: str
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line is not None else self.path

    @property
    def message(self) -> str:
        return FILE_REASONS[self.code] % self.params

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class InputError(Exception):
    """The input files have problems; `issues` lists them (file, line, reason)."""

    def __init__(self, issues: Sequence[FileIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class _Issues:
    def __init__(self, path: Path) -> None:
        self.path, self.found, self.more = str(path), [], 0

    def add(self, code: str, line: int | None = None, **params) -> None:
        if len(self.found) < MAX_ISSUES:
            self.found.append(FileIssue(self.path, code, params, line))
        else:
            self.more += 1

    def all(self) -> list[FileIssue]:
        extra = [FileIssue(self.path, "more", {"more": self.more})] if self.more else []
        return self.found + extra


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value


def _has_header(path: Path) -> bool:
    """The first row is a header when its last field is not a number."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        first = next(csv.reader(handle), None)
    return bool(first) and len(first) >= 2 and _number(first[-1]) is None


def _rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    """(line number, fields) of each non-empty data row; the header is skipped."""
    header = _has_header(path)
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        first = True
        for fields in reader:
            if first and header:
                first = False
                continue
            first = False
            if fields:
                yield reader.line_num, fields


def _fast_table(path: Path, names: list[str]):
    """pyarrow's reading of a three-column file (the third a number), or None when anything
    is off."""
    try:
        import pyarrow as pa
        from pyarrow import csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is installed with the project
        return None
    text = pa.dictionary(pa.int32(), pa.string())
    types = {names[0]: text, names[1]: text, names[2]: pa.float64()}
    try:
        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(column_names=names,
                                                 skip_rows=1 if _has_header(path) else 0,
                                                 block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, UnicodeDecodeError):
        return None
    if any(table.column(name).null_count for name in names):
        return None
    return table.unify_dictionaries().combine_chunks()


def _codes(table, name: str) -> tuple[np.ndarray, list[str]]:
    column = table.column(name)
    if column.num_chunks == 0:
        return np.empty(0, dtype=np.int64), []
    array = column.chunk(0)  # one chunk: the table was combined
    return _view(array.indices, np.int32).astype(np.int64), array.dictionary.to_pylist()


def _numbers(table, name: str) -> np.ndarray:
    column = table.column(name)
    if column.num_chunks == 0:
        return np.empty(0)
    return _view(column.chunk(0), np.float64)


def _view(array, dtype) -> np.ndarray:
    """A numpy view of a pyarrow array without nulls (its data buffer; `to_numpy` would
    import pandas, a second of start-up)."""
    return np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array),
                         offset=array.offset * np.dtype(dtype).itemsize)


def _repeated(indices: np.ndarray, size: int) -> bool:
    """Whether a linear index appears twice (a bitmap: faster than np.unique)."""
    seen = np.zeros(size, dtype=bool)
    seen[indices] = True
    return int(np.count_nonzero(seen)) != len(indices)


@dataclass(frozen=True, eq=False)
class Scores:
    items: tuple[str, ...]
    reviewers: tuple[str, ...]
    matrix: np.ndarray  # 0 where the file gives no score


def read_scores(path: Path) -> Scores:
    """The scores file, or InputError naming each bad line."""
    path = Path(path)
    try:
        fast = _read_scores_fast(path)
        if fast is not None:
            return fast
        return _read_scores_slow(path)
    except OSError as exc:
        raise InputError([FileIssue(str(path), "unreadable", {"error": exc.strerror or exc})]) \
            from exc


def _read_scores_fast(path: Path) -> Scores | None:
    table = _fast_table(path, ["paper", "reviewer", "score"])
    if table is None or table.num_rows == 0:
        return None
    papers, items = _codes(table, "paper")
    people, reviewers = _codes(table, "reviewer")
    values = _numbers(table, "score")
    if not (np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1):
        return None
    if _repeated(papers * len(reviewers) + people, len(items) * len(reviewers)):
        return None
    matrix = np.zeros((len(items), len(reviewers)))
    matrix[papers, people] = values
    return Scores(tuple(items), tuple(reviewers), matrix)


def _read_scores_slow(path: Path) -> Scores:
    issues = _Issues(path)
    items: dict[str, int] = {}
    reviewers: dict[str, int] = {}
    seen: dict[tuple[str, str], int] = {}
    rows, columns, values = [], [], []
    for line, fields in _rows(path):
        if len(fields) != 3:
            issues.add("columns", line, expected=3, names=SCORE_COLUMNS, found=len(fields))
            continue
        paper, reviewer, text = fields
        value = _number(text)
        if value is None:
            issues.add("not_a_number", line, value=text)
            continue
        if not (math.isfinite(value) and 0 <= value <= 1):
            issues.add("out_of_range", line, value=text.strip())
            continue
        first = seen.setdefault((paper, reviewer), line)
        if first != line:
            issues.add("duplicate", line, paper=paper, reviewer=reviewer, first=first)
            continue
        rows.append(items.setdefault(paper, len(items)))
        columns.append(reviewers.setdefault(reviewer, len(reviewers)))
        values.append(value)
    if not seen and not issues.found:
        issues.add("empty")
    if issues.found:
        raise InputError(issues.all())
    matrix = np.zeros((len(items), len(reviewers)))
    matrix[rows, columns] = values
    return Scores(tuple(items), tuple(reviewers), matrix)


@dataclass(frozen=True, eq=False)
class Constraints:
    conflicts: np.ndarray  # boolean, items x reviewers
    fixed: tuple[tuple[str, str], ...]


def read_constraints(path: Path, *, scores: Scores) -> Constraints:
    """The constraints file against the ids of the scores file, or InputError."""
    path = Path(path)
    try:
        fast = _read_constraints_fast(path, scores)
        if fast is not None:
            return fast
        return _read_constraints_slow(path, scores)
    except OSError as exc:
        raise InputError([FileIssue(str(path), "unreadable", {"error": exc.strerror or exc})]) \
            from exc


def _lookup(codes: np.ndarray, names: list[str], index: dict[str, int]) -> np.ndarray | None:
    mapping = np.array([index.get(name, -1) for name in names], dtype=np.int64)
    found = mapping[codes]
    return None if (found < 0).any() else found


def _read_constraints_fast(path: Path, scores: Scores) -> Constraints | None:
    table = _fast_table(path, ["paper", "reviewer", "value"])
    shape = (len(scores.items), len(scores.reviewers))
    if table is None:
        return None
    papers, paper_names = _codes(table, "paper")
    people, reviewer_names = _codes(table, "reviewer")
    rows = _lookup(papers, paper_names, {item: i for i, item in enumerate(scores.items)})
    columns = _lookup(people, reviewer_names, {r: j for j, r in enumerate(scores.reviewers)})
    values = _numbers(table, "value")
    if rows is None or columns is None or not np.isin(values, (-1.0, 0.0, 1.0)).all():
        return None
    if _repeated(rows * shape[1] + columns, shape[0] * shape[1]):
        return None
    conflicts = np.zeros(shape, dtype=bool)
    negative = values < 0
    conflicts[rows[negative], columns[negative]] = True
    positive = np.flatnonzero(values > 0)
    fixed = tuple((scores.items[rows[p]], scores.reviewers[columns[p]]) for p in positive)
    return Constraints(conflicts, fixed)


def _read_constraints_slow(path: Path, scores: Scores) -> Constraints:
    issues = _Issues(path)
    items = {item: i for i, item in enumerate(scores.items)}
    reviewers = {r: j for j, r in enumerate(scores.reviewers)}
    conflicts = np.zeros((len(items), len(reviewers)), dtype=bool)
    fixed: list[tuple[str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for line, fields in _rows(path):
        if len(fields) != 3:
            issues.add("columns", line, expected=3, names=CONSTRAINT_COLUMNS, found=len(fields))
            continue
        paper, reviewer, text = fields
        value = _number(text)
        if value not in (-1.0, 0.0, 1.0):
            issues.add("bad_constraint", line, value=text)
            continue
        bad = False
        if paper not in items:
            issues.add("unknown_paper", line, id=paper)
            bad = True
        if reviewer not in reviewers:
            issues.add("unknown_reviewer", line, id=reviewer)
            bad = True
        first = seen.setdefault((paper, reviewer), line)
        if first != line:
            issues.add("duplicate", line, paper=paper, reviewer=reviewer, first=first)
            continue
        if bad:
            continue
        if value < 0:
            conflicts[items[paper], reviewers[reviewer]] = True
        elif value > 0:
            fixed.append((paper, reviewer))
    if issues.found:
        raise InputError(issues.all())
    return Constraints(conflicts, tuple(fixed))


def read_groups(path: Path, *, scores: Scores) -> dict[str, str]:
    """`reviewer_id,group` rows: each reviewer's group, or InputError."""
    path = Path(path)
    issues = _Issues(path)
    known = set(scores.reviewers)
    groups: dict[str, str] = {}
    lines: dict[str, int] = {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            for fields in reader:
                line = reader.line_num
                if not fields or (line == 1 and fields[0] == "reviewer_id"):
                    continue
                if len(fields) != 2:
                    issues.add("columns", line, expected=2, names=GROUP_COLUMNS,
                               found=len(fields))
                    continue
                reviewer, group = fields[0], fields[1].strip()
                if reviewer not in known:
                    issues.add("unknown_reviewer", line, id=reviewer)
                elif reviewer in lines:
                    issues.add("duplicate_reviewer", line, reviewer=reviewer,
                               first=lines[reviewer])
                else:
                    lines[reviewer], groups[reviewer] = line, group
    except OSError as exc:
        raise InputError([FileIssue(str(path), "unreadable", {"error": exc.strerror or exc})]) \
            from exc
    if issues.found:
        raise InputError(issues.all())
    return groups


def load_problem(*, scores_path: Path, constraints_path: Path | None = None,
                 groups_path: Path | None = None, k: int, max_load: int, min_load: int = 0,
                 balance: Iterable[str] = ()) -> Problem:
    """The problem the files describe; InputError lists the problems of every file read."""
    scores = read_scores(scores_path)
    issues: list[FileIssue] = []
    constraints = Constraints(np.zeros(scores.matrix.shape, dtype=bool), ())
    groups: dict[str, str] = {}
    if constraints_path is not None:
        try:
            constraints = read_constraints(constraints_path, scores=scores)
        except InputError as exc:
            issues += exc.issues
    if groups_path is not None:
        try:
            groups = read_groups(groups_path, scores=scores)
        except InputError as exc:
            issues += exc.issues
    if issues:
        raise InputError(issues)
    return Problem(items=scores.items, reviewers=scores.reviewers, scores=scores.matrix,
                   conflicts=constraints.conflicts, k=k, max_load=max_load, min_load=min_load,
                   groups=groups, balance=frozenset(balance), fixed=constraints.fixed)


def write_assignment(path: Path, assignment: Assignment) -> None:
    """`paper_id,reviewer_id` rows, in the order of the items, then of the reviewers."""
    items = np.asarray(assignment.items, dtype=object)[assignment.item_index]
    reviewers = np.asarray(assignment.reviewers, dtype=object)[assignment.reviewer_index]
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(zip(items, reviewers, strict=True))
