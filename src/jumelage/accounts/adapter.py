from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from jumelage.core.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Account mail leaves the request through the task queue, once the transaction commits."""

    def send_mail(self, template_prefix, email, context):
        msg = self.render_mail(template_prefix, email, context)
        html = next((body for body, mime in getattr(msg, "alternatives", [])
                     if mime == "text/html"), None)
        payload = {
            "subject": msg.subject, "body": msg.body, "from_email": msg.from_email,
            "to": list(msg.to), "html": html,
        }
        transaction.on_commit(lambda: send_email.enqueue(**payload))
