"""Jobs that run on a schedule: `jumelage run_scheduled` (from cron, e.g. every 15 minutes).

Apps register jobs with `@scheduled_job(name)`; each job returns a short summary line and
is isolated from the others: one failing job is reported and the rest still run.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jumelage.core import audit

JOBS: dict[str, Callable[[], str]] = {}


def scheduled_job(name: str):
    def register(func: Callable[[], str]) -> Callable[[], str]:
        JOBS[name] = func
        return func

    return register


@dataclass(frozen=True)
class JobOutcome:
    name: str
    ok: bool
    summary: str


def run_jobs(*, only: list[str] | None = None) -> list[JobOutcome]:
    outcomes = []
    for name, job in JOBS.items():
        if only and name not in only:
            continue
        try:
            outcomes.append(JobOutcome(name=name, ok=True, summary=job()))
        except Exception as exc:
            outcomes.append(JobOutcome(name=name, ok=False, summary=f"{type(exc).__name__}: {exc}"))
    return outcomes


@scheduled_job("prune_task_results")
def prune_task_results() -> str:
    from django_tasks_db.models import DBTaskResult

    days = settings.JUMELAGE_RETENTION["task_results_days"]
    cutoff = timezone.now() - dt.timedelta(days=days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    return f"{deleted} finished task results older than {days} days removed"


@scheduled_job("remove_unconfirmed_accounts")
def remove_unconfirmed_accounts() -> str:
    from django.contrib.auth import get_user_model

    days = settings.JUMELAGE_RETENTION["unconfirmed_accounts_days"]
    cutoff = timezone.now() - dt.timedelta(days=days)
    stale = (get_user_model().objects.filter(date_joined__lt=cutoff, last_login__isnull=True,
                                             is_staff=False, is_superuser=False)
             .exclude(emailaddress__verified=True))
    count = 0
    for user in stale:
        with transaction.atomic():
            audit.record(actor=None, action="accounts.user.remove_unconfirmed", obj=user,
                         label=f"user #{user.pk}", changes={"email": [user.email, None]})
            user.delete()
            count += 1
    return f"{count} accounts never confirmed in {days} days removed"


@scheduled_job("clear_expired_sessions")
def clear_expired_sessions() -> str:
    from django.contrib.sessions.models import Session

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return f"{deleted} expired sessions removed"
