"""Joint calls: the ranking, the exports, the optimal selection and the follow-up board on a
call of 1,000 applications, 300 reviewers and 3 reviews each (bench/calls/generate.py).

Every timing is a ratio against a baseline timed in the same run, in alternation with it:
`list(Application.objects.filter(call=call).values(...))` of the same rows, the cheapest read
of the call's applications. Query counts come from CaptureQueriesContext.

Measured:
- `ranking(call=...)` (jumelage.calls.services.panel): the panel's ranked table;
- the ranking page and the follow-up board through the test client (a signed-in pole staff
  member; the whole request: middleware, view, template);
- each export (applications, reviews, decisions, anonymised) in CSV and XLSX: the table
  built and the whole file written (jumelage.calls.exports);
- `optimal_selection` (jumelage.calls.engine.selection, OR-Tools CP-SAT) on the ranked
  projects, with and without the rank order (10 s limit, as the panel uses), and the funding
  line for comparison.

    .venv/bin/python -m bench.calls.run                          # 1,000 × 300, SQLite
    .venv/bin/python -m bench.calls.run --applications 200 --repeat 3
    .venv/bin/python -m bench.calls.run --database-url postgres://postgres@127.0.0.1:5432/jb
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file: bench/calls/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import analyze, machine, ms, ratio, setup_django, table, time_interleaved


def _queries(run: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def _client(staff_id: int):
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from jumelage.accounts.models import User

    user = User.objects.get(pk=staff_id)
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP,
                                        defaults={"data": {"secret": "x"}})
    client = Client()
    client.force_login(user)
    return client


def _page(client, url: str) -> Callable[[], int]:
    def run() -> int:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
        return len(body)

    return run


def variants(call_id: int, staff_id: int) -> tuple[dict[str, Callable], list[str]]:
    """{name: callable} of what is measured, and the notes on what could not be."""
    from django.urls import reverse
    from django.utils import translation

    from jumelage.calls import exports
    from jumelage.calls.models import Application, Call

    translation.activate("en")
    call = Call.objects.get(pk=call_id)
    found: dict[str, Callable] = {
        "baseline: values() of the applications": lambda: list(
            Application.objects.filter(call=call).values(
                "pk", "reference", "title", "status", "eligibility", "outcome")),
    }
    notes = []
    try:
        from jumelage.calls.services.panel import ranking

        found["ranking(call=…)"] = lambda: ranking(call=call)
    except ImportError as exc:
        notes.append(f"ranking selector not importable: {exc}")
    for what in exports.WHATS:
        found[f"export {what} CSV"] = (
            lambda what=what: b"".join(exports.iter_csv(exports.build(call, what))))
        found[f"export {what} XLSX"] = (
            lambda what=what: exports.to_xlsx(exports.build(call, what), call=call))
    client = _client(staff_id)
    for name, url_name in (("ranking page", "calls:ranking"),
                           ("follow-up board page", "calls:followup")):
        try:
            url = reverse(url_name, args=[call.pk])
            _page(client, url)()
        except Exception as exc:  # the page is another module's; say why it is not timed
            notes.append(f"{name} not timed: {type(exc).__name__}: {exc}")
        else:
            found[name] = _page(client, url)
    found["CSV download (reviews), whole request"] = _page(
        client, reverse("calls:export", args=[call.pk, "reviews", "csv"]))
    # The staff's other pages of a call of this size: eligibility, review progress, the
    # decisions, and the call's review exercise (affinities and conflicts of 1,000 × 300).
    from jumelage.calls.services.review import exercise_of
    from jumelage.matching.selectors import exercise_data

    for name, url_name in (("eligibility page", "calls:eligibility"),
                           ("review board page", "calls:review_board"),
                           ("decisions page", "calls:decisions")):
        found[name] = _page(client, reverse(url_name, args=[call.pk]))
    exercise = exercise_of(call)
    found["exercise_data (affinities and conflicts)"] = lambda: exercise_data(exercise)
    found["review exercise page (matching)"] = _page(
        client, reverse("matching:exercise", args=[exercise.pk]))
    return found, notes


def selection_rows(call_id: int, repeat: int, baseline: float) -> tuple[list[list], list[str]]:
    """The selection engine on the ranked projects: time, merit, proven optimal; ratios
    against the same baseline as the other timings."""
    from jumelage.calls.models import Call

    try:
        from jumelage.calls.engine import selection
        from jumelage.calls.services.panel import ranking
    except ImportError as exc:
        return [], [f"selection engine not importable: {exc}"]
    call = Call.objects.get(pk=call_id)
    rows = [row for row in ranking(call=call) if row.rank is not None]
    projects = [selection.Project(row.reference, row.mean,
                                  {side.pole.code: side.amount for side in row.requested})
                for row in rows]
    budgets = {env.pole.code: env.amount for env in call.envelopes.select_related("pole")}
    out = []
    runs = {
        "funding line (rank order)": lambda: selection.funding_line(projects, budgets),
        "optimal, rank order kept": lambda: selection.optimal_selection(
            projects, budgets, keep_rank_order=True, time_limit_s=10.0),
        "optimal, rank order lifted": lambda: selection.optimal_selection(
            projects, budgets, keep_rank_order=False, time_limit_s=10.0),
    }
    for name, run in runs.items():
        samples = []
        for _round in range(repeat):
            start = time.perf_counter()
            result = run()
            samples.append(time.perf_counter() - start)
        samples.sort()
        median = samples[len(samples) // 2]
        out.append([name, len(projects), len(result.selected), f"{result.merit:.4f}",
                    "yes" if result.proven_optimal else "no", ms(median),
                    ratio(median, baseline)])
    return out, []


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--reviewers", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds (median kept)")
    parser.add_argument("--selection-repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)

    database = setup_django(database_url=args.database_url)
    from bench.calls.generate import generate

    print("\n".join(machine()))
    print(database)
    start = time.perf_counter()
    generated = generate(applications=args.applications, reviewers=args.reviewers)
    analyze()
    print(f"generated {generated} in {time.perf_counter() - start:.1f} s", flush=True)

    found, notes = variants(generated.call_id, generated.staff_id)
    queries = {name: _queries(run) for name, run in found.items()}
    timings = time_interleaved(found, repeat=args.repeat)
    baseline_name = next(iter(found))
    baseline = timings[baseline_name].median
    rows = [[name, ratio(t.median, baseline), ms(t.median), f"{t.spread:.2f}", queries[name]]
            for name, t in timings.items()]
    print()
    print(f"### {generated.applications} applications, {generated.reviewers} reviewers, "
          f"{generated.reviews} reviews, {generated.conflicts} declared conflicts "
          f"(median of {args.repeat} rounds)")
    print()
    print(table(["what", "ratio to baseline", "median ms", "spread", "queries"], rows))
    sel_rows, sel_notes = selection_rows(generated.call_id, args.selection_repeat, baseline)
    if sel_rows:
        print()
        print(f"### Funding selection over the ranked projects (median of "
              f"{args.selection_repeat} runs; ratio to the same baseline)")
        print()
        print(table(["method", "projects", "selected", "total merit", "proven optimal",
                     "median ms", "ratio to baseline"], sel_rows))
    for note in notes + sel_notes:
        print(f"note: {note}")


if __name__ == "__main__":
    main()
