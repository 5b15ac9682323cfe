from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = ("Load the demo partnership: poles, themes, institutions, fictional teams and people, "
            "one sign-in per role, and the observatory's demo publications (synthetic works "
            "and, when ../shared/data is there, real MEDLINE records). Running it again adds "
            "and changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true",
            help="Run even though DEBUG is off, for a demonstration server. Never on a server "
                 "with real data: the demo administrator's password and TOTP secret are public.")
        parser.add_argument(
            "--no-observatory", action="store_true",
            help="Load only the directory, not the observatory's demo publications.")

    def handle(self, *args, force=False, no_observatory=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(_(
                "seed_demo creates a site administrator whose password and TOTP secret are "
                "published, so it runs only with DEBUG=true. To load the demo on a "
                "demonstration server that holds no real data, add --force."))
        from jumelage.accounts.models import User
        from jumelage.calls.demo import seed_calls
        from jumelage.directory.demo import seed_demo
        from jumelage.directory.demo.publications import seed_publications
        from jumelage.matching.demo import seed_review_exercise

        self.stdout.write(_("Rows created:"))
        report = seed_demo(stdout=self.stdout)
        if report.total_created:
            self.stdout.write(self.style.SUCCESS(_("The demo partnership is loaded.")))
        else:
            self.stdout.write(self.style.SUCCESS(
                _("The demo partnership was already loaded: nothing was added or changed.")))

        header = [_("Email"), _("Role"), _("Password"), _("TOTP secret")]
        rows = [[login.email, str(User.Role(login.role).label), login.password,
                 login.totp_secret or "-"] for login in report.logins]
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        self.stdout.write("")
        self.stdout.write(_("Demo sign-ins (unless changed since they were created):"))
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths,
                                                                          strict=True)).rstrip())
        self.stdout.write(_(
            "Staff and administrators are asked for a six-digit code after the password: add "
            "the TOTP secret to an authenticator app, or run `jumelage demo_totp EMAIL`."))
        if not no_observatory:
            self.stdout.write("")
            seed_publications(stdout=self.stdout)
        self.stdout.write("")
        seed_review_exercise(stdout=self.stdout)
        self.stdout.write("")
        seed_calls(stdout=self.stdout)
