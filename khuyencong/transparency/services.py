"""Changes to the publication policy: one audited function, used by the admin and by tests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.scope import is_administrator
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.transparency.choices import PublicField
from khuyencong.transparency.models import PublicationRule


@transaction.atomic
def policy_set(*, field: str, public: bool, actor: Any, note: str | None = None) -> PublicationRule:
    """Publish or withdraw one project field everywhere at once (pages, CSV, JSON, IATI)."""
    if not is_administrator(actor):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa quy định công khai."))
    if field not in PublicField.values:
        raise ValidationError(
            {
                "field": _("Thông tin “%(field)s” không có trong danh mục được phép công khai.")
                % {"field": field}
            }
        )
    rule = PublicationRule.objects.select_for_update().filter(field=field).first()
    before = audit.snapshot(rule) if rule is not None else None
    if rule is None:
        rule = PublicationRule(field=field)
    rule.public = public
    if note is not None:
        rule.note = note
    rule.full_clean()
    rule.save()
    audit.record(
        instance=rule,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        actor=actor,
        before=before,
    )
    return rule
