"""`jumelage observatory ingest|index|report|match`: the co-publication observatory's CLI."""

import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jumelage.observatory import selectors
from jumelage.observatory.engine import index, networks
from jumelage.observatory.engine.backends import duckdb_backend, pyspark_backend
from jumelage.observatory.engine.indicators import Scope, compute
from jumelage.observatory.engine.ingest import ingest
from jumelage.observatory.engine.matching import Matcher, Registry
from jumelage.observatory.engine.matching.cli import CsvColumnError, match_csv
from jumelage.observatory.engine.schema import DOC_TYPES, REASONS, SOURCES, ReadIssue
from jumelage.observatory.engine.store import Store
from jumelage.observatory.review_selectors import corrections_for_matcher
from jumelage.observatory.services import apply_corrections_to_store

THEME_RULES = Path(__file__).resolve().parents[2] / "engine" / "rules" / "themes.csv"


def _issue_text(issue: ReadIssue) -> str:
    return f"{issue.location}: {_(REASONS[issue.code]) % issue.params}"


def _add_scope_arguments(parser) -> None:
    parser.add_argument("--between", nargs=2, metavar=("A", "B"), default=None,
                        help="the two sides: region codes (ARA, QC) or country codes (FR, CA); "
                             "default: the two poles' regions")
    parser.add_argument("--since", type=int, default=None)
    parser.add_argument("--until", type=int, default=None)
    parser.add_argument("--type", action="append", dest="doc_types", choices=DOC_TYPES,
                        default=None)
    parser.add_argument("--theme", action="append", dest="themes", default=None)
    parser.add_argument("--backend", choices=["duckdb", "pyspark"], default="duckdb",
                        help="pyspark needs Java and the `spark` extra")


class Command(BaseCommand):
    help = "The co-publication observatory: ingest records, index them, report indicators."

    def add_arguments(self, parser):
        parser.add_argument("--db", type=Path, default=None,
                            help="DuckDB file (default: JUMELAGE_OBSERVATORY_DB)")
        parser.add_argument("--jobs", type=int, default=1,
                            help="processes that read files (ingest) or match affiliation "
                                 "strings (index) side by side; default 1")
        sub = parser.add_subparsers(dest="action", required=True)
        p_ingest = sub.add_parser("ingest", help="read files of one source into the store")
        p_ingest.add_argument("--source", required=True, choices=SOURCES)
        p_ingest.add_argument("paths", nargs="+", type=Path)
        sub.add_parser("index", help="merge duplicates, resolve affiliations, find themes")
        p_report = sub.add_parser("report", help="compute the indicators")
        p_report.add_argument("--json", action="store_true", help="print one JSON object")
        _add_scope_arguments(p_report)
        p_network = sub.add_parser("network", help="write a network of institutions or authors "
                                                  "(GEXF, GraphML, Pajek or VOSviewer files)")
        p_network.add_argument("--kind", choices=["institutions", "authors"], required=True)
        p_network.add_argument("--out", type=Path, required=True,
                               help="FILE.gexf, FILE.graphml or FILE.net, or any name with "
                                    "--format; vosviewer writes the map file there and the "
                                    "network file beside it (FILE_network.txt)")
        p_network.add_argument("--format", dest="fmt", choices=networks.FORMATS, default=None,
                               help="default: from the file name's suffix")
        p_network.add_argument("--all-works", action="store_true",
                               help="institutions: every work with an address on either side, "
                                    "not only co-publications")
        p_network.add_argument("--top", type=int, default=10)
        _add_scope_arguments(p_network)
        p_match = sub.add_parser("match", help="add ror_id and confidence to a CSV file")
        p_match.add_argument("--csv", type=Path, required=True)
        p_match.add_argument("--out", type=Path, required=True)

    def handle(self, *args, action, db=None, **options):
        if options.get("jobs", 1) < 1:
            raise CommandError(_("--jobs %(jobs)d: give 1 or more processes.")
                               % {"jobs": options["jobs"]})
        path = db or settings.JUMELAGE_OBSERVATORY_DB
        if action == "match":
            return self._match(options)
        with Store(path, memory_limit=settings.JUMELAGE_OBSERVATORY_MEMORY) as store:
            return getattr(self, f"_{action}")(store, options)

    def _matcher(self) -> Matcher:
        records = selectors.institution_records()
        if not records:
            raise CommandError(_("The directory has no institution with a ROR id: load the "
                                 "registry first with `jumelage import_ror PATH`."))
        return Matcher(Registry(records), corrections=corrections_for_matcher())

    def _ingest(self, store, options):
        progress = tqdm(unit=_(" records"), disable=not sys.stderr.isatty(), file=sys.stderr)
        report = ingest(store=store, source=options["source"], paths=options["paths"],
                        on_record=lambda: progress.update(), jobs=options["jobs"])
        progress.close()
        for issue in report.issues:
            self.stderr.write(_issue_text(issue))
        self.stdout.write(_("%(works)d records read from %(files)d files (%(skipped)d already "
                            "loaded, skipped); %(issues)d records could not be read.") % {
            "works": report.works, "files": report.files_loaded,
            "skipped": report.files_skipped, "issues": len(report.issues)})
        if report.read_nothing:
            raise CommandError(_("No valid record was read."))

    def _index(self, store, options):
        dedupe = index.build_work_map(store)
        records = selectors.institution_records()
        index.load_institutions(store, records)
        # Staff's corrections first: the strings they decided are never matched again.
        apply_corrections_to_store(store=store)
        matcher = (Matcher(Registry(records), corrections=corrections_for_matcher())
                   if records else None)
        looked, resolved = (0, 0)
        if matcher is not None:
            looked, resolved = index.resolve_affiliations(
                store, index.MatcherResolve(matcher), jobs=options["jobs"])
        themes = index.attribute_themes(store, index.read_theme_rules(THEME_RULES))
        self.stdout.write(_("%(records)d records, %(works)d distinct works (%(merged)d "
                            "duplicates merged).") % {
            "records": dedupe.records, "works": dedupe.works, "merged": dedupe.merged})
        self.stdout.write(_("%(looked)d new affiliation strings, %(resolved)d resolved to an "
                            "institution.") % {"looked": looked, "resolved": resolved})
        self.stdout.write(_("Works per theme: %(themes)s") % {
            "themes": ", ".join(f"{k} {v}" for k, v in sorted(themes.items())) or "-"})

    @staticmethod
    def _scope(options) -> Scope:
        return Scope(sides=tuple(code.upper() for code in options["between"] or ("ARA", "QC")),
                     since=options["since"], until=options["until"],
                     doc_types=tuple(options["doc_types"] or ()),
                     themes=tuple(options["themes"] or ()))

    @staticmethod
    def _backend(store, options):
        return (pyspark_backend(store) if options["backend"] == "pyspark"
                else duckdb_backend(store))

    def _network(self, store, options):
        index.ensure_tables(store)
        out = options["out"]
        try:
            backend = self._backend(store, options)
            scope = self._scope(options)
            graph = (networks.institution_network(
                        backend, scope, copublications_only=not options["all_works"])
                     if options["kind"] == "institutions"
                     else networks.author_network(backend, scope))
            networks.export(graph, out, fmt=options["fmt"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(_("Cannot read or write the file: %(error)s") % {
                "error": exc}) from exc
        self.stdout.write(_("%(nodes)d nodes and %(edges)d links written to %(file)s.") % {
            "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), "file": out})
        if options["fmt"] == "vosviewer":
            self.stdout.write(_("VOSviewer network file: %(file)s (open both with Create a map "
                                "> based on network data).") % {
                "file": networks.vosviewer_network_path(out)})
        self.stdout.write(_("Highest betweenness:"))
        for row in networks.top_nodes(graph, by="betweenness", n=options["top"]):
            self.stdout.write(f"  {row['label']}: {row['value']:.4f}")

    def _report(self, store, options):
        index.ensure_tables(store)
        scope = self._scope(options)
        try:
            report = compute(self._backend(store, options), scope)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        data = report.as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
            return
        a, b = scope.sides
        self.stdout.write(_("%(n)d co-publications between %(a)s and %(b)s.") % {
            "n": report.copublications, "a": a, "b": b})
        for year, count in report.copublications_by_year.items():
            self.stdout.write(f"  {year}: {count}")

    def _match(self, options):
        try:
            report = match_csv(self._matcher(), source=options["csv"], target=options["out"])
        except CsvColumnError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(_("Cannot read or write the file: %(error)s") % {
                "error": exc}) from exc
        self.stdout.write(_("%(rows)d rows: %(matched)d matched, %(abstained)d left for "
                            "review.") % {"rows": report.rows, "matched": report.matched,
                                          "abstained": report.abstained})
