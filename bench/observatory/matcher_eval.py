"""Affiliation matcher: quality on the labelled set, and speed against a baseline.

Loads the ROR subset (../shared/data/ror/ror_fr_ca_subset.jsonl, or --ror) and the labelled set
(tests/fixtures/affiliations/labelled.csv, or --labelled), then prints:

* precision, recall and F1 of `Matcher.match` (precision = correct answers / answers, recall =
  correct answers / rows that have an id), overall, on the generated rows and on the
  hand-labelled rows; the same per institution for `Matcher.match_all`; and, for comparison,
  the baseline's and the matcher's without the alias file;
* strings per second of the matcher (a new Matcher each round: no cache) against a baseline
  timed in the same run, in alternation: the exact look-up of the folded string, then of each
  comma part, among the folded names and acronyms of the registry;
* the errors, row by row.

    .venv/bin/python -m bench.observatory.matcher_eval
    .venv/bin/python -m bench.observatory.matcher_eval --rounds 9 --errors hand
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import PROJECT_DIR, machine, ratio, table, time_interleaved
from jumelage.observatory.engine.matching import Matcher, Registry
from jumelage.observatory.engine.matching.evaluation import (
    Evaluation,
    Outcome,
    Row,
    Scores,
    read_labelled,
)
from jumelage.observatory.engine.matching.text import clean, fold, split_chunks

SHARED_FILE = PROJECT_DIR.parent / "shared" / "data" / "ror" / "ror_fr_ca_subset.jsonl"
LABELLED = PROJECT_DIR / "tests" / "fixtures" / "affiliations" / "labelled.csv"


class ExactLookup:
    """Baseline: the folded string, else its first comma part, found among the folded names."""

    def __init__(self, registry: Registry):
        self.names: dict[str, str] = {}
        for org in registry.orgs.values():
            for name in (org.name, *org.labels, *org.acronyms):
                self.names.setdefault(" ".join(fold(name).split()), org.ror_id)

    def match(self, raw: str) -> str | None:
        whole = " ".join(fold(raw).split()).strip(" .")
        if whole in self.names:
            return self.names[whole]
        for chunk in split_chunks(clean(raw)):
            for part in chunk:
                found = self.names.get(" ".join(fold(part).split()))
                if found:
                    return found
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ror", type=Path, default=SHARED_FILE)
    parser.add_argument("--labelled", type=Path, default=LABELLED)
    parser.add_argument("--rounds", type=int, default=7, help="timed rounds (at least 2)")
    parser.add_argument("--errors", choices=("all", "hand", "generated", "none"), default="all")
    args = parser.parse_args()
    if not args.ror.is_file():
        raise SystemExit(f"{args.ror}: no such file; give the ROR subset with --ror")

    print("# Affiliation matcher\n")
    print("\n".join(f"- {line}" for line in machine()))
    start = time.perf_counter()
    registry = Registry.from_ror_file(args.ror)
    built = time.perf_counter() - start
    no_aliases = Registry(registry.orgs.values(), aliases=[])
    rows = read_labelled(args.labelled)
    print(f"- registry: {len(registry)} organisations from {args.ror.name}, "
          f"{registry.aliases_used} aliases, built in {built:.2f} s")
    print(f"- labelled set: {len(rows)} rows ({_count(rows, 'generated')} generated, "
          f"{_count(rows, 'hand')} hand-labelled)\n")

    evaluation = _evaluate(Matcher(registry), rows)
    baseline = ExactLookup(registry)
    print("## Quality (Matcher.match: one answer per string)\n")
    header = ["variant", "rows", "precision", "recall", "F1", "answers", "correct"]
    lines = []
    for label, group in (("all", None), ("generated", "generated"), ("hand-labelled", "hand")):
        lines.append(_line(f"matcher, {label}", evaluation.scores(_keep(group))))
    lines.append(_line("matcher without the alias file, hand-labelled",
                       _evaluate(Matcher(no_aliases), rows).scores(_keep("hand"))))
    for label, group in (("all", None), ("hand-labelled", "hand")):
        lines.append(_line(f"baseline (exact folded look-up), {label}",
                           _baseline_scores(baseline, rows, group)))
    print(table(header, lines))

    print("\n## Quality per institution (Matcher.match_all: every institution of a string)\n")
    lines = []
    for label, group in (("all", None), ("generated", "generated"), ("hand-labelled", "hand")):
        s = evaluation.scores(_keep(group))
        lines.append([label, s.expected_pairs, f"{s.all_precision:.3f}",
                      f"{s.all_recall:.3f}", f"{s.all_f1:.3f}"])
    print(table(["rows", "institutions expected", "precision", "recall", "F1"], lines))

    print("\n## Speed (no cache: a new Matcher each round)\n")
    strings = [r.affiliation for r in rows]
    timings = time_interleaved({
        "baseline": lambda: [baseline.match(s) for s in strings],
        "matcher": lambda: Matcher(registry).match_many(strings),
    }, repeat=max(2, args.rounds))
    base, mine = timings["baseline"], timings["matcher"]
    print(table(["variant", "median ms", "spread", "strings/s", "time ratio to baseline"], [
        ["baseline (exact folded look-up)", f"{base.median * 1000:.1f}", f"{base.spread:.2f}",
         f"{len(strings) / base.median:,.0f}", "1.00"],
        ["matcher", f"{mine.median * 1000:.1f}", f"{mine.spread:.2f}",
         f"{len(strings) / mine.median:,.0f}", ratio(mine.median, base.median)]]))
    repeated = strings * 10
    cached = Matcher(registry)
    start = time.perf_counter()
    cached.match_many(repeated)
    elapsed = time.perf_counter() - start
    print(f"\nWith the cache, each string 10 times: {len(repeated) / elapsed:,.0f} strings/s "
          f"(cache hits, misses: {cached.cache_info()}).")

    if args.errors != "none":
        print("\n## Errors of Matcher.match\n")
        group = None if args.errors == "all" else args.errors
        for outcome in evaluation.errors():
            if group is None or outcome.row.group == group:
                print(_describe(outcome, registry))


def _evaluate(matcher: Matcher, rows: list[Row]) -> Evaluation:
    from jumelage.observatory.engine.matching.evaluation import evaluate

    return evaluate(matcher, rows)


def _baseline_scores(baseline: ExactLookup, rows: list[Row], group: str | None) -> Scores:
    scores = Scores()
    for row in rows:
        if group and row.group != group:
            continue
        found = baseline.match(row.affiliation)
        scores.rows += 1
        scores.with_id += bool(row.ror_ids)
        scores.answered += found is not None
        scores.correct += found is not None and found in row.ror_ids
    return scores


def _keep(group: str | None) -> Callable[[Row], bool]:
    return lambda row: group is None or row.group == group


def _count(rows: list[Row], group: str) -> int:
    return sum(r.group == group for r in rows)


def _line(label: str, s: Scores) -> list[object]:
    return [label, s.rows, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", s.answered,
            s.correct]


def _describe(outcome: Outcome, registry: Registry) -> str:
    def name(ror_id: str | None) -> str:
        org = registry.get(ror_id or "")
        return f"{ror_id} {org.name}" if org else "-"

    match = outcome.match
    expected = "; ".join(name(i) for i in outcome.row.ror_ids) or "(abstain)"
    got = name(match.ror_id) if match.ror_id else f"abstained ({match.reason})"
    return (f"- [{outcome.error}] {outcome.row.origin}: {outcome.row.affiliation}\n"
            f"  expected: {expected}\n  got: {got}, {match.confidence:.2f} {match.reason}")


if __name__ == "__main__":
    main()
