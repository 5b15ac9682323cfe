"""`jumelage matching assign`: the reviewer-assignment solver on openreview-matcher's files.

    jumelage matching assign --scores S.csv --constraints C.csv --k 3 --max-load 8 \\
        [--min-load N] [--fair] [--groups G.csv --balance CLARA,ONCOPOLE] --out A.csv
"""

from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from jumelage.matching.engine.assignment import REASONS, Infeasible, solve
from jumelage.matching.engine.files import (
    FILE_REASONS,
    InputError,
    load_problem,
    write_assignment,
)


def _number(value: float, decimals: int = 4) -> str:
    # Rounded first: Django's number_format cuts the digits (1.0499999 would show 1.0499).
    return number_format(round(value, decimals), decimal_pos=decimals)


class Command(BaseCommand):
    help = "Reviewer assignment: exactly k reviewers per item within the reviewers' loads."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        assign = sub.add_parser("assign", help="assign reviewers; files in openreview-matcher's "
                                               "formats")
        assign.add_argument("--scores", type=Path, required=True,
                            help="CSV rows paper_id,reviewer_id,score (score in [0, 1])")
        assign.add_argument("--constraints", type=Path, default=None,
                            help="CSV rows paper_id,reviewer_id,-1 (conflict) or +1 (fixed)")
        assign.add_argument("--k", type=int, required=True, help="reviewers per item")
        assign.add_argument("--max-load", type=int, required=True)
        assign.add_argument("--min-load", type=int, default=0)
        assign.add_argument("--fair", action="store_true",
                            help="raise the worst-served item's total affinity")
        assign.add_argument("--fair-tolerance", type=float, default=0.01,
                            help="share of the optimal total that --fair may give up "
                                 "(default 0.01)")
        assign.add_argument("--groups", type=Path, default=None,
                            help="CSV rows reviewer_id,group (for --balance)")
        assign.add_argument("--balance", default="",
                            help="groups each item needs a reviewer from, e.g. CLARA,ONCOPOLE")
        assign.add_argument("--out", type=Path, required=True,
                            help="CSV rows paper_id,reviewer_id")

    def handle(self, *args, action, **options):
        return getattr(self, f"_{action}")(options)

    def _assign(self, options):
        balance = [name.strip() for name in options["balance"].split(",") if name.strip()]
        if balance and options["groups"] is None:
            raise CommandError(_("--balance needs --groups, the file of reviewers' groups."))
        for name in ("k", "max_load", "min_load"):
            if options[name] < 0:
                raise CommandError(_("--%(option)s must be 0 or more, not %(value)d.") % {
                    "option": name.replace("_", "-"), "value": options[name]})
        if not 0 <= options["fair_tolerance"] < 1:
            raise CommandError(_("--fair-tolerance must be at least 0 and below 1."))
        try:
            problem = load_problem(scores_path=options["scores"],
                                   constraints_path=options["constraints"],
                                   groups_path=options["groups"], k=options["k"],
                                   max_load=options["max_load"], min_load=options["min_load"],
                                   balance=balance)
        except InputError as exc:
            raise CommandError("\n".join(
                f"{issue.location}: {_(FILE_REASONS[issue.code]) % issue.params}"
                for issue in exc.issues)) from exc
        try:
            answer = solve(problem=problem, fair=options["fair"],
                           fair_tolerance=options["fair_tolerance"])
        except Infeasible as exc:
            raise CommandError("\n".join(
                [_("No assignment meets the constraints:")]
                + [f"- {_(REASONS[reason.code]) % reason.params}" for reason in exc.reasons]
            )) from exc
        try:
            write_assignment(options["out"], answer)
        except OSError as exc:
            raise CommandError(_("Cannot write the file: %(error)s") % {"error": exc}) from exc
        self._report(answer, options["out"])

    def _report(self, answer, out: Path) -> None:
        write = self.stdout.write
        write(_("%(pairs)d pairs written to %(file)s (%(items)d items, %(reviewers)d "
                "reviewers).") % {"pairs": len(answer.item_index), "file": out,
                                  "items": len(answer.items),
                                  "reviewers": len(answer.reviewers)})
        write(_("Objective (total affinity): %(objective)s") % {
            "objective": _number(answer.objective)})
        if answer.optimal:
            write(_("Optimal: certified by reduced costs (up to %(rounding)s from rounding).")
                  % {"rounding": f"{answer.rounding:.1e}"})
        elif not answer.fair:
            write(_("Optimality not certified."))
        if answer.fair:
            write(_("Fair mode: the optimal total is %(plain)s; fairness costs %(cost)s "
                    "(%(percent)s %%); the worst item's total went from %(before)s to "
                    "%(after)s.") % {
                "plain": _number(answer.plain_objective), "cost": _number(answer.fairness_cost),
                "percent": _number(100 * answer.fairness_cost / answer.plain_objective
                                   if answer.plain_objective else 0.0, 2),
                "before": _number(answer.plain_worst_item_total),
                "after": _number(answer.worst_item_total)})
        write(_("Worst item: %(item)s, total %(total)s (no assignment can give it more than "
                "%(bound)s).") % {"item": answer.worst_item or "-",
                                  "total": _number(answer.worst_item_total),
                                  "bound": _number(answer.worst_item_bound)})
        counts = Counter(answer.loads_array.tolist())
        write(_("Loads (items: reviewers): %(loads)s") % {
            "loads": ", ".join(f"{load}: {counts[load]}" for load in sorted(counts,
                                                                             reverse=True))})
