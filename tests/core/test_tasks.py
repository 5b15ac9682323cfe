import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from jumelage.core.tasks import send_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_send_email_runs_in_the_database_worker():
    task = send_email.using(backend="database")
    result = task.enqueue(subject="Bienvenue", body="Bonjour", from_email="noreply@example.org",
                          to=["camille@example.org"], html="<p>Bonjour</p>")
    assert DBTaskResult.objects.get(id=result.id).status == "READY"
    assert mail.outbox == []

    call_command("db_worker", "--batch", "--no-startup-delay", "--backend", "database",
                 verbosity=0)

    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.body, message.to, message.alternatives[0][0]) == (
        "Bienvenue", "Bonjour", ["camille@example.org"], "<p>Bonjour</p>")
