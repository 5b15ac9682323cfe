"""Match the `affiliation` column of a CSV file: the engine behind `jumelage observatory match`.

    python -m jumelage.observatory.engine.matching --ror ror.jsonl --csv in.csv --out out.csv

The output is the input with two more columns (replaced if they are there): `ror_id` (empty
when the matcher abstains) and `confidence` (for an abstention, the score of the best candidate
that was ruled out; 0 when there was none). Corrections from the review queue can be given as a
CSV with the columns `affiliation` and `ror_id` (empty: no institution of the registry).
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from jumelage.observatory.engine.matching.matcher import Matcher
from jumelage.observatory.engine.matching.registry import Registry

COLUMN = "affiliation"


class CsvColumnError(ValueError):
    """The input has no column to read the affiliations from."""

    def __init__(self, *, path: Path, column: str, found: list[str]):
        self.path, self.column, self.found = path, column, found
        super().__init__(f"{path} has no column “{column}”; its columns are: "
                         f"{', '.join(found) or '(none)'}. Name the column of the affiliation "
                         f"strings “{column}”.")


@dataclass(frozen=True, slots=True)
class CsvReport:
    rows: int
    matched: int

    @property
    def abstained(self) -> int:
        return self.rows - self.matched


def match_csv(matcher: Matcher, *, source: Path, target: Path, column: str = COLUMN
              ) -> CsvReport:
    """Write `source` to `target` with `ror_id` and `confidence` for each row."""
    with source.open(encoding="utf-8-sig", newline="") as stream:
        reader = csv.DictReader(stream)
        fields = list(reader.fieldnames or [])
        if column not in fields:
            raise CsvColumnError(path=source, column=column, found=fields)
        rows = list(reader)
    out_fields = fields + [f for f in ("ror_id", "confidence") if f not in fields]
    matched = 0
    with target.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=out_fields, lineterminator="\n",
                                extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            match = matcher.match(row.get(column) or "")
            matched += match.ror_id is not None
            row["ror_id"] = match.ror_id or ""
            row["confidence"] = f"{match.confidence:.2f}"
            writer.writerow(row)
    return CsvReport(rows=len(rows), matched=matched)


def read_corrections(path: Path) -> dict[str, str | None]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return {row[COLUMN]: (row.get("ror_id") or None) for row in csv.DictReader(stream)
                if row.get(COLUMN)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jumelage.observatory.engine.matching",
        description="Add ror_id and confidence to a CSV file with an affiliation column.")
    parser.add_argument("--ror", type=Path, required=True,
                        help="ROR file: v2 dump (.json, .zip, .gz) or JSON Lines")
    parser.add_argument("--csv", type=Path, required=True, help="input CSV")
    parser.add_argument("--out", type=Path, required=True, help="output CSV")
    parser.add_argument("--corrections", type=Path,
                        help="CSV of corrections (columns affiliation, ror_id)")
    parser.add_argument("--column", default=COLUMN, help="column of the affiliation strings")
    args = parser.parse_args(argv)
    try:
        registry = Registry.from_ror_file(args.ror)
        corrections = read_corrections(args.corrections) if args.corrections else {}
        report = match_csv(Matcher(registry, corrections=corrections), source=args.csv,
                           target=args.out, column=args.column)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{report.rows} rows: {report.matched} matched, {report.abstained} left for review "
          f"({len(registry)} organisations in the registry).")
    return 0
