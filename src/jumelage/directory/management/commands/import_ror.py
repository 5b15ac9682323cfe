"""`jumelage import_ror PATH [--country FR --country CA]`: institutions from a ROR dump."""

import sys
from pathlib import Path

from babel import Locale
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from tqdm import tqdm

from jumelage.directory.ror import BadRecord, ImportReport, RorFileError, read_ror_file
from jumelage.directory.services import import_ror_records

# Babel's territories are ISO 3166-1 codes plus a few groupings that no organisation is in.
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
COUNTRY_CODES = frozenset(code for code in Locale.parse("en").territories
                          if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES)


class Command(BaseCommand):
    help = _("Create or update institutions from a ROR dump: the schema v2 JSON array, or JSON "
             "Lines (one record a line), plain, gzip or zip. Running it again with the same "
             "file changes nothing.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path,
                            help=_("ROR file: .json, .jsonl, .gz or .zip."))
        parser.add_argument("--country", action="append", default=[], dest="countries",
                            metavar="CODE",
                            help=_("Import only organisations of this country (ISO 3166-1 "
                                   "code such as FR or CA); repeat for several countries. "
                                   "Default: every country."))

    def handle(self, *args, path: Path, countries: list[str], **options) -> None:
        codes = clean_country_codes(values=countries)
        if not path.is_file():
            raise CommandError(gettext("No ROR file at %(path)s: give the path of a .json, "
                                       ".jsonl, .gz or .zip file.") % {"path": path})
        try:
            items = read_ror_file(path=path)
            progress = tqdm(items, desc=gettext("Reading %(name)s") % {"name": path.name},
                            unit=gettext(" records"), file=getattr(self.stderr, "_out",
                                                                  sys.stderr),
                            disable=None)
            with progress:
                report = import_ror_records(records=progress, countries=codes, actor=None,
                                            source=path.name)
        except RorFileError as exc:
            raise CommandError(gettext(exc.template) % exc.params) from exc
        except OSError as exc:
            raise CommandError(gettext("Cannot read %(path)s: %(error)s")
                               % {"path": path, "error": exc.strerror or exc}) from exc

        for issue in report.issues:
            self.stderr.write(describe_issue(issue=issue), style_func=self.style.WARNING)
        for line in summary_lines(report=report, path=path):
            self.stdout.write(line)
        if report.read == 0:
            raise CommandError(gettext("No valid ROR record in %(path)s; nothing was imported.")
                               % {"path": path})


def clean_country_codes(*, values: list[str]) -> list[str]:
    """Upper-case ISO 3166-1 alpha-2 codes; CommandError naming the first code that is not one."""
    codes: list[str] = []
    for value in values:
        code = value.strip().upper()
        if code not in COUNTRY_CODES:
            raise CommandError(
                gettext("--country “%(value)s” is not an ISO 3166-1 country code: give two "
                        "letters, such as FR for France or CA for Canada.") % {"value": value})
        if code not in codes:
            codes.append(code)
    return codes


def describe_issue(*, issue: BadRecord) -> str:
    return f"{issue.location}: {gettext(issue.template) % issue.params}"


def summary_lines(*, report: ImportReport, path: Path) -> list[str]:
    return [
        gettext("Read %(count)d valid records from %(name)s.")
        % {"count": report.read, "name": path.name},
        gettext("Created: %(count)d") % {"count": report.created},
        gettext("Updated: %(count)d") % {"count": report.updated},
        gettext("Unchanged: %(count)d") % {"count": report.unchanged},
        gettext("Skipped (other country): %(count)d") % {"count": report.skipped},
        gettext("Invalid: %(count)d") % {"count": report.invalid},
        gettext("Parent links added: %(count)d") % {"count": report.parents_linked},
        gettext("Parent links not made (parent not in the directory): %(count)d")
        % {"count": report.parents_missing},
    ]
