from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.utils import translation

from jumelage.core.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Account mail leaves the request through the task queue, once the transaction commits."""

    def send_mail(self, template_prefix, email, context):
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

    def save_user(self, request, user, form, commit=True):
        """A new account speaks the language the person signed up in, not the site default."""
        user = super().save_user(request, user, form, commit=False)
        language = (translation.get_language() or "")[:2]
        if language in dict(settings.LANGUAGES):
            user.language = language
        if commit:
            user.save()
        return user
