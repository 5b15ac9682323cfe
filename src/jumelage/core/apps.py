from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jumelage.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from jumelage.core.text import install_sqlite_functions

        connection_created.connect(install_sqlite_functions, dispatch_uid="jumelage-sqlite-fold")
