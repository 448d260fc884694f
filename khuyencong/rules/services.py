"""The one way to change the support caps. Only administrators do (a provincial council resolution is
entered here, with no code change); every change goes through full_clean and leaves an audit row in
the same transaction.

A cap rule is a line of its rule set, so changes to lines are written to the set's audit trail: the
set's page then shows the whole history of the text as entered, deleted lines included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.scope import is_administrator
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.money import vnd
from khuyencong.rules.models import CapRule, RuleSet


@dataclass(frozen=True)
class RuleSetData:
    document: str
    level: str
    article: str = ""
    amended_by: str = ""
    province: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    verified: bool = False
    note: str = ""

    def apply_to(self, rule_set: RuleSet) -> None:
        rule_set.document = self.document.strip()
        rule_set.article = self.article.strip()
        rule_set.amended_by = self.amended_by.strip()
        rule_set.level = self.level
        rule_set.province = self.province.strip()
        rule_set.valid_from = self.valid_from
        rule_set.valid_to = self.valid_to
        rule_set.verified = self.verified
        rule_set.note = self.note.strip()


@dataclass(frozen=True)
class CapRuleData:
    category: str
    subtype: str = ""
    max_share_bp: int | None = None
    max_amount_vnd: int | None = None
    multiplier: Decimal = Decimal("1")
    verified: bool = False
    note: str = ""

    def apply_to(self, rule: CapRule) -> None:
        rule.category = self.category
        rule.subtype = self.subtype
        rule.max_share_bp = self.max_share_bp
        rule.max_amount_vnd = self.max_amount_vnd
        rule.multiplier = self.multiplier
        rule.verified = self.verified
        rule.note = self.note.strip()


def can_manage_rules(user: Any) -> bool:
    """Caps decide how much public money a project may get: only administrators change them."""
    return is_administrator(user)


def require_admin(actor: Any) -> None:
    # `actor=None` is the command line or a migration, which run with the server's own rights.
    if actor is not None and not can_manage_rules(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa mức hỗ trợ tối đa."))


def _lock_tier(*, level: str, province: str) -> None:
    # Two administrators entering overlapping texts for the same level and place at once: the second
    # waits for the first and then sees its row in the overlap check (PostgreSQL; SQLite serialises).
    list(
        RuleSet.objects.select_for_update()
        .filter(level=level, province=province)
        .values_list("pk", flat=True)
    )


@transaction.atomic
def ruleset_create(*, actor: Any, data: RuleSetData) -> RuleSet:
    require_admin(actor)
    rule_set = RuleSet()
    data.apply_to(rule_set)
    _lock_tier(level=rule_set.level, province=rule_set.province)
    rule_set.full_clean()
    rule_set.save()
    audit.record(instance=rule_set, action=AuditAction.CREATE, actor=actor)
    return rule_set


@transaction.atomic
def ruleset_update(*, actor: Any, rule_set: RuleSet, data: RuleSetData, reason: str = "") -> RuleSet:
    """Change a set's citation, scope or validity; writes an audit row only if something changed."""
    require_admin(actor)
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    before = audit.snapshot(locked)
    data.apply_to(locked)
    _lock_tier(level=locked.level, province=locked.province)
    locked.full_clean()
    locked.save()
    audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason)
    return locked


@transaction.atomic
def ruleset_delete(*, actor: Any, rule_set: RuleSet, reason: str = "") -> None:
    """Remove a set entered by mistake; one that stopped applying gets an end date instead."""
    require_admin(actor)
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    lines = [f"{rule.label}: {_rule_summary(rule)}" for rule in locked.cap_rules.all()]
    changes = {
        name: {"label": item["label"], "before": item["value"], "after": None}
        for name, item in audit.snapshot(locked).items()
    }
    if lines:
        changes["cap_rules"] = {"label": _("các mức"), "before": "; ".join(lines), "after": None}
    audit.record(instance=locked, action=AuditAction.DELETE, actor=actor, changes=changes, reason=reason)
    locked.delete()


def _rule_summary(rule: CapRule) -> str:
    parts = []
    if rule.max_share_bp is not None:
        parts.append(rule.share_text)
    if rule.max_amount_vnd is not None:
        parts.append(vnd(rule.max_amount_vnd))
    if rule.has_multiplier:
        parts.append(f"× {rule.multiplier_text}")
    return ", ".join(parts)


def _rule_snapshot(rule: CapRule) -> audit.Snapshot:
    snap = audit.snapshot(rule)
    snap.pop("rule_set", None)
    return snap


def _record_rule(
    *,
    rule: CapRule,
    actor: Any,
    before: audit.Snapshot,
    after: audit.Snapshot,
    reason: str = "",
) -> None:
    """One audit row on the rule set for a change to one of its lines; nothing if nothing changed."""
    changes: dict[str, dict[str, Any]] = {}
    for name in {**before, **after}:
        old = before.get(name, {}).get("value")
        new = after.get(name, {}).get("value")
        if old != new:
            label = (after.get(name) or before[name])["label"]
            key = f"cap_rule:{rule.pk}:{name}"
            changes[key] = {"label": f"{rule.label} – {label}", "before": old, "after": new}
    if changes:
        audit.record(
            instance=rule.rule_set, action=AuditAction.UPDATE, actor=actor, changes=changes, reason=reason
        )


def _locked_rule(rule: CapRule) -> CapRule:
    # Lines are changed under their set's row lock, one writer per legal text at a time.
    rule_set = RuleSet.objects.select_for_update().get(pk=rule.rule_set_id)
    locked = CapRule.objects.get(pk=rule.pk, rule_set=rule_set)
    locked.rule_set = rule_set
    return locked


@transaction.atomic
def caprule_create(*, actor: Any, rule_set: RuleSet, data: CapRuleData, reason: str = "") -> CapRule:
    require_admin(actor)
    locked = RuleSet.objects.select_for_update().get(pk=rule_set.pk)  # see _locked_rule
    rule = CapRule(rule_set=locked)
    data.apply_to(rule)
    rule.full_clean()
    rule.save()
    _record_rule(rule=rule, actor=actor, before={}, after=_rule_snapshot(rule), reason=reason)
    return rule


@transaction.atomic
def caprule_update(*, actor: Any, rule: CapRule, data: CapRuleData, reason: str = "") -> CapRule:
    require_admin(actor)
    locked = _locked_rule(rule)
    before = _rule_snapshot(locked)
    data.apply_to(locked)
    locked.full_clean()
    locked.save()
    _record_rule(rule=locked, actor=actor, before=before, after=_rule_snapshot(locked), reason=reason)
    return locked


@transaction.atomic
def caprule_delete(*, actor: Any, rule: CapRule, reason: str = "") -> None:
    require_admin(actor)
    locked = _locked_rule(rule)
    _record_rule(rule=locked, actor=actor, before=_rule_snapshot(locked), after={}, reason=reason)
    locked.delete()
