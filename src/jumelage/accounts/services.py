from django.db import transaction

from jumelage.core import audit


@transaction.atomic
def update_preferences(*, user, actor, language: str, time_zone: str,
                       first_name: str, last_name: str):
    fields = ("language", "time_zone", "first_name", "last_name")
    before = audit.snapshot(user, fields)
    user.language, user.time_zone = language, time_zone
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=list(fields))
    changes = audit.diff(before, audit.snapshot(user, fields))
    if changes:
        audit.record(actor=actor, action="accounts.user.preferences", obj=user, changes=changes)
    return user
