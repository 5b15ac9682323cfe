from django.core.management.base import BaseCommand, CommandError

from jumelage.core.scheduled import JOBS, run_jobs


class Command(BaseCommand):
    help = "Run the scheduled jobs (reminders, retention). Call it from cron every 15 minutes."

    def add_arguments(self, parser):
        parser.add_argument("--only", action="append", metavar="JOB",
                            help="Run only this job (repeatable). Jobs: " + ", ".join(JOBS))

    def handle(self, *args, only=None, **options):
        unknown = sorted(set(only or []) - set(JOBS))
        if unknown:
            raise CommandError(f"Unknown job(s): {', '.join(unknown)}. "
                               f"Known jobs: {', '.join(JOBS)}.")
        outcomes = run_jobs(only=only)
        for outcome in outcomes:
            style = self.style.SUCCESS if outcome.ok else self.style.ERROR
            self.stdout.write(style(f"{outcome.name}: {outcome.summary}"))
        if not all(o.ok for o in outcomes):
            raise CommandError("Some scheduled jobs failed; see above.")
