"""Write and read the audit trail. Services call `record` inside their own transaction."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language

from khuyencong.core.models import AuditAction, AuditEntry

Snapshot = dict[str, dict[str, Any]]
_IGNORED = frozenset({"search_key", "name_key", "updated_at", "created_at", "password", "last_login"})


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


@functools.lru_cache(maxsize=512)
def _fields(
    model: type[models.Model], language: str | None
) -> tuple[tuple[Any, str, dict[Any, str] | None], ...]:
    """(field, label, choice labels) of the fields a snapshot shows, per model and language: a bulk
    import snapshots 100,000 records and would otherwise translate every label for each."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.name in _IGNORED or field.primary_key:
            continue
        choices = (
            {k: str(v) for k, v in field.flatchoices} if field.choices and not field.is_relation else None
        )
        fields.append((field, str(field.verbose_name), choices))
    return tuple(fields)


def snapshot(instance: models.Model) -> Snapshot:
    """Field label and human-readable value of every concrete, user-meaningful field."""
    result: Snapshot = {}
    for field, label, choices in _fields(type(instance), get_language()):
        if field.is_relation:
            raw = getattr(instance, field.attname)
            value = str(getattr(instance, field.name)) if raw is not None else None
        elif choices is not None:
            raw = getattr(instance, field.attname)
            value = choices.get(raw, raw) if raw not in (None, "") else raw
        else:
            value = getattr(instance, field.attname)
        result[field.name] = {"label": label, "value": _plain(value)}
    return result


def diff(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for name, new in after.items():
        old = before.get(name, {"value": None})
        if old["value"] != new["value"]:
            changes[name] = {"label": new["label"], "before": old["value"], "after": new["value"]}
    return changes


def record(
    *,
    instance: models.Model,
    action: AuditAction,
    actor: Any,
    before: Snapshot | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
) -> AuditEntry | None:
    """One audit row. For an update, pass the snapshot taken before the change; an update that changed
    nothing writes nothing."""
    entry = build(
        instance=instance, action=action, actor=actor, before=before, changes=changes, reason=reason
    )
    if entry is not None:
        entry.save()
    return entry


def build(
    *,
    instance: models.Model,
    action: AuditAction,
    actor: Any,
    before: Snapshot | None = None,
    changes: dict[str, dict[str, Any]] | None = None,
    reason: str = "",
) -> AuditEntry | None:
    """The row `record` would write, unsaved: a bulk loader builds many and inserts them in one go
    (AuditEntry.objects.bulk_create) inside the transaction that saved the records."""
    if changes is None:
        if action == AuditAction.CREATE:
            changes = diff({}, snapshot(instance))
        elif action == AuditAction.UPDATE:
            changes = diff(before or {}, snapshot(instance))
            if not changes:
                return None
        elif action == AuditAction.DELETE:
            changes = {
                k: {"label": v["label"], "before": v["value"], "after": None}
                for k, v in snapshot(instance).items()
            }
        else:
            changes = {}
    return AuditEntry(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changes=changes,
        reason=reason,
    )


def history(instance: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=True),
        object_id=str(instance.pk),
    ).select_related("actor")
