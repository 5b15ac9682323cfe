import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = ("Print the current six-digit TOTP code of a demo account (an address on "
            "demo.jumelage.example), to sign in as demo staff or administrator.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="For example staff.clara@demo.jumelage.example")

    def handle(self, *args, email, **options):
        from allauth.mfa import app_settings
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
        from allauth.mfa.utils import decrypt

        from jumelage.directory.demo import DEMO_DOMAIN, is_demo_email

        email = email.strip().lower()
        if not is_demo_email(email):
            raise CommandError(_(
                "“%(email)s” is not a demo account: demo_totp only gives codes for addresses "
                "on %(domain)s, such as staff.clara@%(domain)s.")
                % {"email": email, "domain": DEMO_DOMAIN})
        authenticator = Authenticator.objects.filter(
            user__email=email, type=Authenticator.Type.TOTP).first()
        if authenticator is None:
            raise CommandError(_(
                "“%(email)s” has no TOTP authenticator. Only the demo staff and administrator "
                "accounts have one; run `jumelage seed_demo` if they are missing.")
                % {"email": email})
        period = app_settings.TOTP_PERIOD
        now = int(time.time())
        secret = decrypt(authenticator.data["secret"])
        self.stdout.write(format_hotp_value(hotp_value(secret, now // period)))
        self.stderr.write(
            _("Valid for %(seconds)d more seconds; each code can be used once.")
            % {"seconds": period - now % period}, style_func=str)
