import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from tests.factories import UserFactory

from jumelage.accounts.models import User
from jumelage.core.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 29, 9, 0, tzinfo=dt.UTC)


def test_run_scheduled_removes_accounts_never_confirmed(capsys):
    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False):
        stale = UserFactory(email="stale@example.org", verified=False)
        confirmed = UserFactory(email="ok@example.org")
    with time_machine.travel(NOW - dt.timedelta(days=3), tick=False):
        recent = UserFactory(email="recent@example.org", verified=False)
    with time_machine.travel(NOW, tick=False):
        call_command("run_scheduled", "--only", "remove_unconfirmed_accounts")
    assert sorted(User.objects.values_list("email", flat=True)) == [
        "ok@example.org", "recent@example.org"]
    assert not EmailAddress.objects.filter(email="stale@example.org").exists()
    entry = AuditEntry.objects.get(action="accounts.user.remove_unconfirmed")
    assert (entry.object_id, entry.changes) == (
        str(stale.pk), {"email": ["stale@example.org", None]})
    assert capsys.readouterr().out == (
        "remove_unconfirmed_accounts: 1 accounts never confirmed in 14 days removed\n")
    assert confirmed.pk and recent.pk


def test_run_scheduled_names_unknown_jobs():
    with pytest.raises(CommandError, match=r"Unknown job\(s\): reminders\. Known jobs: "):
        call_command("run_scheduled", "--only", "reminders")


def test_run_scheduled_runs_every_job(capsys):
    call_command("run_scheduled")
    assert capsys.readouterr().out.splitlines() == [
        "prune_task_results: 0 finished task results older than 30 days removed",
        "remove_unconfirmed_accounts: 0 accounts never confirmed in 14 days removed",
        "clear_expired_sessions: 0 expired sessions removed",
        "calls_review_reminders: 0 reviewers reminded of their reviews",
        "calls_report_reminders: 0 report reminders sent",
    ]
