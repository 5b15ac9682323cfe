"""PostgreSQL: the unaccent extension behind accent-insensitive search (a trusted extension)."""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop, elidable=False)]
