"""The audit log's one write path: services call `record()` for every state change."""

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from jumelage.core.middleware import current_ip
from jumelage.core.models import AuditEntry


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of an object's concrete fields (and many-to-many ids), ready for JSON."""
    values: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"password"}:
            continue
        values[field.name] = _jsonable(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if fields is not None and field.name not in fields:
                continue
            values[field.name] = sorted(_jsonable(o.pk) for o in getattr(obj, field.name).all())
    return values


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as {field: [old, new]}."""
    keys = sorted(set(before) | set(after))
    return {k: [before.get(k), after.get(k)] for k in keys if before.get(k) != after.get(k)}


def record(*, actor, action: str, obj: models.Model | None = None,
           changes: dict[str, list[Any]] | None = None, label: str | None = None) -> AuditEntry:
    """Append one entry. `actor` may be None for the system (commands, scheduled jobs)."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=(actor.get_username() if is_user else "system"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_label=((label or str(obj)) if obj is not None else (label or ""))[:255],
        changes=changes or {},
        ip_address=current_ip(),
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return value
