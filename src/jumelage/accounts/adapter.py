from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from jumelage.core.tasks import send_email

# Never mailed: an address without an account gets nothing, so the platform cannot be used to
# send mail to strangers (the page shown is the same as for a known address).
_SUPPRESSED_TEMPLATES = {"account/email/unknown_account"}


class AccountAdapter(DefaultAccountAdapter):
    """Account mail leaves the request through the task queue, once the transaction commits."""

    def send_mail(self, template_prefix, email, context):
        if template_prefix in _SUPPRESSED_TEMPLATES:
            return
        # The same context as allauth's own send_mail: without it the templates lose the
        # site's name and the address ("an account with email ." in the unknown-account mail).
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request)}
        ctx.update(context)
        msg = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(msg, "alternatives", [])
                     if mime == "text/html"), None)
        payload = {
            "subject": msg.subject, "body": msg.body, "from_email": msg.from_email,
            "to": list(msg.to), "html": html,
        }
        transaction.on_commit(lambda: send_email.enqueue(**payload))
