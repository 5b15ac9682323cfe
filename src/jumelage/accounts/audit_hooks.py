"""Account events that happen inside django-allauth, written to the audit log.

allauth owns these state changes (sign-up, confirmation, password, email, second factor), so its
signals are the one place to observe them; each receiver only records, it decides nothing.
"""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals

from jumelage.core import audit


def _record(action: str, user, changes: dict | None = None) -> None:
    audit.record(actor=user, action=action, obj=user, changes=changes or {})


def on_signed_up(sender, request, user, **kwargs):
    _record("accounts.user.sign_up", user, {"email": [None, user.email]})


def on_email_confirmed(sender, request, email_address, **kwargs):
    _record("accounts.email.confirm", email_address.user,
            {"verified": [False, True], "email": [email_address.email, email_address.email]})


def on_email_changed(sender, request, user, from_email_address=None, to_email_address=None,
                     **kwargs):
    _record("accounts.email.change_primary", user, {"email": [
        getattr(from_email_address, "email", None), getattr(to_email_address, "email", None)]})


def on_password_changed(sender, request, user, **kwargs):
    _record("accounts.password.change", user)


def on_password_reset(sender, request, user, **kwargs):
    _record("accounts.password.reset", user)


def on_authenticator_added(sender, request, user, authenticator, **kwargs):
    _record("accounts.mfa.add", user, {"authenticator": [None, authenticator.type]})


def on_authenticator_removed(sender, request, user, authenticator, **kwargs):
    _record("accounts.mfa.remove", user, {"authenticator": [authenticator.type, None]})


def connect() -> None:
    pairs = [
        (account_signals.user_signed_up, on_signed_up),
        (account_signals.email_confirmed, on_email_confirmed),
        (account_signals.email_changed, on_email_changed),
        (account_signals.password_changed, on_password_changed),
        (account_signals.password_reset, on_password_reset),
        (mfa_signals.authenticator_added, on_authenticator_added),
        (mfa_signals.authenticator_removed, on_authenticator_removed),
    ]
    for signal, receiver in pairs:
        signal.connect(receiver, dispatch_uid=f"jumelage-audit-{receiver.__name__}")
