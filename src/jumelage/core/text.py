"""Accent- and case-insensitive text matching that behaves the same on SQLite and PostgreSQL.

`fold()` is the Python side; `Fold` is the database side: a registered function on SQLite and
`lower(unaccent(...))` on PostgreSQL (the extension is created by a migration of this app).
"""

import functools

from django.db.models import Func, TextField

from jumelage.core.folding import fold

# SQLite calls the function once per row: names repeat, so a cache saves most of the work.
_cached_fold = functools.lru_cache(maxsize=65536)(fold)


def install_sqlite_functions(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("jumelage_fold", 1, _cached_fold,
                                              deterministic=True)


class Fold(Func):
    """Database expression equal to `fold()` of its argument."""

    function = "jumelage_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection,
            template="replace(lower(unaccent(%(expressions)s::text)), '’', '''')",
            **extra_context,
        )
