from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "jumelage.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from jumelage.accounts import audit_hooks

        audit_hooks.connect()
