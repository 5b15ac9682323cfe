"""Background work that leaves the request: runs in `jumelage db_worker`."""

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="default")
def send_email(*, subject: str, body: str, from_email: str, to: list[str],
               html: str | None = None) -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
