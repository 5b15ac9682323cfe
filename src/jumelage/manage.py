"""The `jumelage` command: Django's management utility with the project's settings preset."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jumelage.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import OperationalError

    try:
        execute_from_command_line(argv or sys.argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"jumelage: configuration error: {exc}\n")
        sys.exit(2)
    except OperationalError as exc:
        from django.conf import settings

        db = settings.DATABASES["default"]
        where = db.get("HOST") or db.get("NAME")
        sys.stderr.write(
            f"jumelage: the database does not answer ({db['ENGINE'].rsplit('.', 1)[-1]} at "
            f"{where}{':' + str(db['PORT']) if db.get('PORT') else ''}): {exc}".rstrip()
            + "\nCheck that the server is running and that DATABASE_URL points to it.\n"
        )
        sys.exit(3)


if __name__ == "__main__":
    main()
