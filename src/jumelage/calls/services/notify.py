"""Who is told about an application, and the site address that links in emails start with.

Every email about an application (eligibility outcome, decision, report reminders) goes to the
same people: the account that created it and the confirmed members of its consortium, each once.
"""

from django.conf import settings

from jumelage.calls.models import Application, Participant


def recipients(application: Application) -> list[tuple[str, str]]:
    """(email, language) of the creator and the confirmed members of the consortium, each
    address once (lower case), sorted. The language is the one the person chose for their
    account, else the application's."""
    found: dict[str, str] = {}
    creator = application.created_by
    if creator.email:
        found[creator.email.lower()] = creator.language or application.language
    confirmed = Participant.objects.filter(
        application=application, status=Participant.Status.CONFIRMED
    ).select_related("person__user")
    for participant in confirmed:
        if not participant.email:
            continue
        user = participant.person.user if participant.person else None
        found.setdefault(
            participant.email.lower(), (user.language if user else "") or application.language
        )
    return sorted(found.items())


def recipient_emails(application: Application) -> list[str]:
    """The addresses of `recipients`, for a message sent to all of them at once."""
    return [email for email, _language in recipients(application)]


def site_url() -> str:
    """The site's address for links in emails, without a final slash: the JUMELAGE_SITE_URL
    setting when set, else https:// and the first named host of ALLOWED_HOSTS ("" if none)."""
    configured = getattr(settings, "JUMELAGE_SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    hosts = [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    return f"https://{hosts[0]}" if hosts else ""
