"""Directory search: the cost of accent folding on the directory page, against plain icontains.

The page's work for an anonymous visitor is `search_people(user=AnonymousUser(), query=...)`
counted and its first page of 20 evaluated, with the affiliations and themes the template shows
(jumelage/directory/views.py: Paginator(..., 20).get_page(1)). The baseline, timed in the same run
and in alternation with it, is the same queryset shape with plain `icontains` on the raw columns
(no folding): same visibility filter, same joins in the same `pk IN (...)` subquery, same
DISTINCT, ordering and prefetches. The ratio folded/baseline is what folding costs.

    .venv/bin/python -m bench.directory.search                         # SQLite, 1k/10k/50k
    .venv/bin/python -m bench.directory.search --people 20000          # one size
    .venv/bin/python -m bench.directory.search \\
        --database-url postgres://postgres@127.0.0.1:5432/jumelage_bench   # PostgreSQL
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file: bench/directory/search.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.common import (
    analyze,
    machine,
    mib,
    ms,
    peak_memory,
    ratio,
    reset_database,
    setup_django,
    table,
    time_interleaved,
)

SIZES = (1000, 10000, 50000)
QUERIES = ("therapie cellulaire", "montreal", "Gagnon")
PAGE_SIZE = 20  # jumelage.directory.views.PAGE_SIZE

# The fields search_people folds, by the path of the raw column (keywords is a JSON list).
PERSON_FIELDS = {
    "given_name": "given_name", "family_name": "family_name", "keywords": "keywords",
    "inst": "affiliations__institution__name_fr",
    "inst_en": "affiliations__institution__name_en",
    "acr": "affiliations__institution__acronym",
    "team": "affiliations__team__name_fr", "team_en": "affiliations__team__name_en",
    "theme_fr": "themes__name_fr", "theme_en": "themes__name_en",
}


def baseline_search_people(*, user, query: str = ""):
    """search_people's queryset with the folding taken out: raw columns, `icontains`."""
    from django.db.models import F, Prefetch, Q, TextField
    from django.db.models.functions import Cast

    from jumelage.directory.models import Affiliation, Person
    from jumelage.directory.selectors import visible_people

    people = visible_people(user=user)
    terms = query.split()
    if terms:
        annotations = {f"r_{name}": (Cast(path, TextField()) if name == "keywords" else F(path))
                       for name, path in PERSON_FIELDS.items()}
        condition = Q()
        for term in terms:
            any_field = Q()
            for name in annotations:
                any_field |= Q(**{f"{name}__icontains": term})
            condition &= any_field
        ids = Person.objects.annotate(**annotations).filter(condition).values("pk")
        people = people.filter(pk__in=ids)
    return people.distinct().prefetch_related(
        Prefetch("affiliations",
                 queryset=Affiliation.objects.select_related("institution__pole", "team")),
        "themes",
    ).order_by("family_name", "given_name", "pk")


def folded_search_people(*, user, query: str = ""):
    from jumelage.directory.selectors import search_people

    return search_people(user=user, query=query)


# --- what-if variants (--what-if): candidate fixes measured, not the platform's code ---

def names_first_search_people(*, user, query: str = ""):
    """search_people's results, matched another way: fold the names of the few institutions,
    teams and themes once each, then take the people linked to the matches, instead of folding
    every name again on every (person, affiliation, theme) row of a five-table join.

    One difference: each word may match through a different affiliation or theme ("montreal
    lyon" finds someone with an appointment in each city), where search_people requires all the
    words to match within one (affiliation, theme) row of its join and finds nobody."""
    from django.db.models import Prefetch, Q, TextField
    from django.db.models.functions import Cast

    from jumelage.core.text import Fold
    from jumelage.directory.models import Affiliation, Institution, Person, Team, Theme
    from jumelage.directory.selectors import _terms, visible_people

    def matching(model, fields, term):
        folded = {f"f_{field}": Fold(field) for field in fields}
        condition = Q()
        for name in folded:
            condition |= Q(**{f"{name}__contains": term})
        return model.objects.annotate(**folded).filter(condition).values("pk")

    people = visible_people(user=user)
    for term in _terms(query):
        own = Person.objects.annotate(
            f_given=Fold("given_name"), f_family=Fold("family_name"),
            f_keywords=Fold(Cast("keywords", TextField())),
        ).filter(Q(f_given__contains=term) | Q(f_family__contains=term)
                 | Q(f_keywords__contains=term)).values("pk")
        affiliated = Affiliation.objects.filter(
            Q(institution__in=matching(Institution, ["name_fr", "name_en", "acronym"], term))
            | Q(team__in=matching(Team, ["name_fr", "name_en"], term))).values("person_id")
        themed = Person.themes.through.objects.filter(
            theme__in=matching(Theme, ["name_fr", "name_en"], term)).values("person_id")
        people = people.filter(Q(pk__in=own) | Q(pk__in=affiliated) | Q(pk__in=themed))
    return people.distinct().prefetch_related(
        Prefetch("affiliations",
                 queryset=Affiliation.objects.select_related("institution__pole", "team")),
        "themes",
    ).order_by("family_name", "given_name", "pk")


def what_if_variants(query: str) -> dict[str, Callable]:
    from django.db import connection

    from jumelage.core.text import fold

    variants = {"what-if names first": lambda: page_work(names_first_search_people, query)}
    if connection.vendor == "sqlite":
        memoised = functools.lru_cache(maxsize=1 << 16)(fold)

        def with_memoised_fold():
            connection.ensure_connection()
            connection.connection.create_function("jumelage_fold", 1, memoised,
                                                  deterministic=True)
            try:
                return page_work(folded_search_people, query)
            finally:
                connection.connection.create_function("jumelage_fold", 1, fold,
                                                      deterministic=True)

        variants["what-if memoised fold"] = with_memoised_fold
    return variants


def page_work(make_queryset: Callable, query: str) -> tuple[int, list[str]]:
    """What the directory view and its template do with the people tab: count, first page,
    each person's affiliations (institution, team) and themes."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator

    page = Paginator(make_queryset(user=AnonymousUser(), query=query), PAGE_SIZE).get_page(1)
    shown = []
    for person in page.object_list:
        places = [(a.institution.name, a.team.name if a.team else "")
                  for a in person.affiliations.all()]
        themes = [t.name for t in person.themes.all()]
        shown.append(f"{person.full_name} {places} {themes}")
    return page.paginator.count, shown


def count_queries(run: Callable) -> tuple[int, object]:
    """The number of SQL queries `run()` makes, and what it returns."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = run()
    return len(captured.captured_queries), result


def bench_size(*, people: int, queries: tuple[str, ...], repeat: int, budget: float,
               what_if: bool = False) -> list[dict]:
    from bench.directory.generate import generate

    reset_database()
    made = generate(people=people)
    analyze()
    print(f"  generated {made.people:,} people ({made.public:,} public), {made.teams:,} teams, "
          f"{made.institutions:,} institutions, {made.affiliations:,} affiliations "
          f"in {made.seconds:.1f} s", flush=True)
    results = []
    for query in queries:
        variants = {
            "folded": lambda query=query: page_work(folded_search_people, query),
            "baseline": lambda query=query: page_work(baseline_search_people, query),
        }
        if what_if:
            variants.update(what_if_variants(query))
        # The first run of each variant warms the caches and counts the SQL queries.
        started = time.perf_counter()
        counted = {name: count_queries(variants[name]) for name in ("folded", "baseline")}
        pair = time.perf_counter() - started
        counted.update((name, count_queries(run)) for name, run in variants.items()
                       if name not in counted)
        found = {name: result[0] for name, (_n, result) in counted.items()}
        for name, n in found.items():
            if name.startswith("what-if") and n != found["folded"]:
                print(f"  warning: {query!r}: {name} finds {n:,} people, search_people "
                      f"{found['folded']:,}; its timing compares different results", flush=True)
        peaks = {name: peak_memory(variants[name]) for name in ("folded", "baseline")}
        # Slow pages get fewer rounds (at least 2), so that every run stays within minutes.
        rounds = max(2, min(repeat, int(budget // pair)))
        timings = time_interleaved(variants, repeat=rounds, warmup=0)
        row = {
            "people": people, "query": query, "found": found["folded"],
            "found_baseline": found["baseline"], "rounds": rounds,
            "folded_s": timings["folded"].median, "baseline_s": timings["baseline"].median,
            "spread": max(timings["folded"].spread, timings["baseline"].spread),
            "queries": counted["folded"][0], "queries_baseline": counted["baseline"][0],
            "peak": peaks["folded"], "peak_baseline": peaks["baseline"],
            "what_if": {name: timing.median for name, timing in timings.items()
                        if name.startswith("what-if")},
            "what_if_found": {name: n for name, n in found.items() if name.startswith("what-if")},
        }
        results.append(row)
        print(f"  {query!r}: {row['found']:,} found (baseline {row['found_baseline']:,}), "
              f"folded {ms(row['folded_s'])} ms, baseline {ms(row['baseline_s'])} ms, "
              f"ratio {ratio(row['folded_s'], row['baseline_s'])}, "
              f"{row['queries']} queries"
              + "".join(f", {name} {ms(t)} ms" for name, t in row["what_if"].items()),
              flush=True)
    return results


def report(results: list[dict]) -> str:
    ratios = table(
        ["people", "query", "found (folded / baseline)", "time folded/baseline",
         "SQL queries (folded / baseline)", "peak memory folded/baseline"],
        [[f"{r['people']:,}", f"“{r['query']}”", f"{r['found']:,} / {r['found_baseline']:,}",
          ratio(r["folded_s"], r["baseline_s"]), f"{r['queries']} / {r['queries_baseline']}",
          ratio(r["peak"], r["peak_baseline"])] for r in results])
    absolute = table(
        ["people", "query", "folded (ms, median)", "baseline (ms, median)", "rounds",
         "spread", "peak folded (MiB)", "peak baseline (MiB)"],
        [[f"{r['people']:,}", f"“{r['query']}”", ms(r["folded_s"]), ms(r["baseline_s"]),
          r["rounds"], f"{r['spread']:.0%}", mib(r["peak"]), mib(r["peak_baseline"])]
         for r in results])
    text = f"Ratios\n\n{ratios}\n\nAbsolute\n\n{absolute}\n"
    names = sorted({name for r in results for name in r["what_if"]})
    if names:
        text += "\nWhat-if variants, time / baseline (folded for comparison)\n\n" + table(
            ["people", "query", "folded", *names],
            [[f"{r['people']:,}", f"“{r['query']}”", ratio(r["folded_s"], r["baseline_s"]),
              *(_what_if_cell(r, n) for n in names)] for r in results]) + "\n"
    return text


def _what_if_cell(row: dict, name: str) -> str:
    if name not in row["what_if"]:
        return "-"
    cell = ratio(row["what_if"][name], row["baseline_s"])
    found = row["what_if_found"][name]
    return cell if found == row["found"] else f"{cell} (finds {found:,}, not {row['found']:,})"


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Directory search: folded search_people against plain icontains.")
    parser.add_argument("--people", type=int, action="append",
                        help=f"directory size; repeat for several (default: {SIZES})")
    parser.add_argument("--query", action="append",
                        help=f"words typed in the search box; repeat (default: {QUERIES})")
    parser.add_argument("--repeat", type=int, default=7,
                        help="timed rounds per query, at most (default: 7)")
    parser.add_argument("--budget", type=float, default=20,
                        help="seconds of timed rounds per query and size, roughly; slow "
                             "pages get fewer rounds, never fewer than 2 (default: 20)")
    parser.add_argument("--database-url", default=None,
                        help="postgres://USER@HOST:PORT/NAME, created if absent and emptied "
                             "(default: a temporary SQLite file)")
    parser.add_argument("--what-if", action="store_true",
                        help="also time candidate fixes (same results, other SQL); slower")
    args = parser.parse_args()

    database = setup_django(database_url=args.database_url)
    print("# Directory search benchmark")
    for line in [*machine(), f"database: {database}"]:
        print(f"- {line}")
    results = []
    started = time.perf_counter()
    for people in args.people or SIZES:
        print(f"\n{people:,} people", flush=True)
        results += bench_size(people=people, queries=tuple(args.query or QUERIES),
                              repeat=args.repeat, budget=args.budget,
                              what_if=args.what_if)
    print(f"\n(total {time.perf_counter() - started:.0f} s)\n")
    print(report(results))


if __name__ == "__main__":
    main()
