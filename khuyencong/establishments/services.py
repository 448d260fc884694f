"""The one way to change the registry. Views, the API, importers and commands call these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import can_edit_in_place, can_manage_registry
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.text import search_tokens
from khuyencong.establishments import tax_code as tax_codes
from khuyencong.establishments.models import Establishment

EDITABLE_FIELDS = (
    "name",
    "legal_form",
    "tax_code",
    "representative",
    "phone",
    "address",
    "commune",
    "sector",
    "workers",
    "women_workers",
    "ethnic_minority_workers",
    "founded_year",
    "products",
)


@dataclass(frozen=True)
class Duplicate:
    establishment: Establishment
    reason: str


class DuplicateWarning(ValidationError):
    """Likely duplicates exist; the caller may confirm and save anyway."""

    def __init__(self, duplicates: list[Duplicate]) -> None:
        self.duplicates = duplicates
        super().__init__(
            _("Có thể trùng với hồ sơ đã có: %(names)s. Hãy kiểm tra, hoặc xác nhận để vẫn lưu.")
            % {"names": "; ".join(f"{d.establishment.name} ({d.reason})" for d in duplicates)},
            code="possible_duplicate",
        )


def find_duplicates(
    *, name: str, commune_id: int | None, tax_code: str = "", exclude_pk: int | None = None
) -> list[Duplicate]:
    """Active records with the same tax code, or the same normalised name in the same commune."""
    found: dict[int, Duplicate] = {}
    qs = Establishment.objects.active()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if tax_code:
        for est in qs.filter(tax_code=tax_codes.normalise(tax_code)):
            found[est.pk] = Duplicate(est, _("cùng mã số thuế"))
    name_key = " ".join(search_tokens(name))
    if name_key and commune_id is not None:
        for est in qs.filter(commune_id=commune_id, name_key=name_key):
            found.setdefault(est.pk, Duplicate(est, _("cùng tên, cùng xã/phường")))
    return list(found.values())


def _check_duplicates(establishment: Establishment, *, confirm_duplicate: bool) -> None:
    duplicates = find_duplicates(
        name=establishment.name,
        commune_id=establishment.commune_id,
        tax_code=establishment.tax_code,
        exclude_pk=establishment.pk,
    )
    same_tax = [
        d for d in duplicates if d.establishment.tax_code == establishment.tax_code and establishment.tax_code
    ]
    if same_tax:
        # One tax code, one active record: merge instead of saving a second.
        raise ValidationError(
            {
                "tax_code": _(
                    "Mã số thuế %(code)s đã có ở hồ sơ “%(name)s”. Hãy mở hồ sơ đó hoặc gộp hai hồ sơ."
                )
                % {"code": establishment.tax_code, "name": same_tax[0].establishment.name}
            },
            code="duplicate_tax_code",
        )
    if duplicates and not confirm_duplicate:
        raise DuplicateWarning(duplicates)


def can_edit(actor: Any, establishment: Establishment) -> bool:
    """Officers anywhere, commune officers in their units, a representative on their own record."""
    if establishment.merged_into_id is not None:
        return False
    if getattr(actor, "role", None) == Role.BUSINESS and not actor.is_superuser:
        return bool(actor.is_active and actor.establishment_id == establishment.pk)
    return can_edit_in_place(actor, establishment.commune_id)


def _require_edit(actor: Any, unit_id: int | None) -> None:
    if not can_edit_in_place(actor, unit_id):
        raise PermissionDenied(_("Bạn không có quyền ghi hồ sơ ở địa bàn này."))


@transaction.atomic
def establishment_create(
    *, actor: Any, data: dict[str, Any], confirm_duplicate: bool = False
) -> Establishment:
    establishment = Establishment(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    establishment.full_clean(validate_constraints=False)
    _require_edit(actor, establishment.commune_id)
    _check_duplicates(establishment, confirm_duplicate=confirm_duplicate)
    establishment.save()
    audit.record(instance=establishment, action=AuditAction.CREATE, actor=actor)
    return establishment


@transaction.atomic
def establishment_update(
    *, establishment: Establishment, actor: Any, data: dict[str, Any], confirm_duplicate: bool = False
) -> Establishment:
    locked = Establishment.objects.select_for_update().get(pk=establishment.pk)
    if locked.merged_into_id is not None:
        raise ValidationError(_("Hồ sơ này đã được gộp vào hồ sơ khác; hãy sửa hồ sơ còn lại."))
    if not can_edit(actor, locked):
        raise PermissionDenied(_("Bạn không có quyền sửa hồ sơ này."))
    representative = actor.role == Role.BUSINESS
    if (
        representative
        and "tax_code" in data
        and tax_codes.normalise(data["tax_code"] or "") != locked.tax_code
    ):
        raise ValidationError(
            {"tax_code": _("Đại diện cơ sở không tự đổi mã số thuế; hãy liên hệ Trung tâm.")}
        )
    before = audit.snapshot(locked)
    identity_before = (locked.name_key, locked.commune_id, locked.tax_code)
    for key, value in data.items():
        if key in EDITABLE_FIELDS:
            setattr(locked, key, value)
    locked.full_clean(validate_constraints=False)
    if not representative:
        _require_edit(actor, locked.commune_id)  # a record may only move to a place the officer serves
    if (locked.name_key, locked.commune_id, locked.tax_code) != identity_before:
        # Only a change of name, place or tax code can make a record a new duplicate.
        _check_duplicates(locked, confirm_duplicate=confirm_duplicate)
    locked.save()
    audit.record(instance=locked, action=AuditAction.UPDATE, actor=actor, before=before)
    return locked


@transaction.atomic
def establishment_merge(
    *, source: Establishment, target: Establishment, actor: Any, reason: str = ""
) -> Establishment:
    """Fold a duplicate into the record that stays. The duplicate is kept, marked merged, with its
    history; blank fields of the kept record are filled from it; its representatives move over."""
    if not can_manage_registry(actor):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm được gộp hồ sơ."))
    if source.pk == target.pk:
        raise ValidationError({"target": _("Không thể gộp một hồ sơ vào chính nó.")})
    # Lock both rows in a fixed order so two opposite merges cannot interleave.
    locked = {
        e.pk: e
        for e in Establishment.objects.select_for_update()
        .filter(pk__in=[source.pk, target.pk])
        .order_by("pk")
    }
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise ValidationError({"target": _("Một trong hai hồ sơ đã được gộp trước đó.")})
    before_target = audit.snapshot(target)
    before_source = audit.snapshot(source)
    for field in EDITABLE_FIELDS:
        if field == "tax_code":
            continue
        if getattr(target, field) in ("", None) and getattr(source, field) not in ("", None):
            setattr(target, field, getattr(source, field))
    if not target.tax_code and source.tax_code:
        # The tax code can move only once the duplicate stops holding it (unique among active records).
        moved_code = source.tax_code
        source.tax_code = ""
        source.merged_into = target
        source.save()
        target.tax_code = moved_code
    else:
        source.merged_into = target
        source.save()
    target.workers = max(target.workers, source.workers)
    target.full_clean()
    target.save()
    source.representatives.update(establishment=target)
    note = reason or _("Gộp hồ sơ trùng")
    audit.record(
        instance=source,
        action=AuditAction.MERGE,
        actor=actor,
        before=before_source,
        reason=note,
        changes=audit.diff(before_source, audit.snapshot(source)),
    )
    audit.record(
        instance=target,
        action=AuditAction.MERGE,
        actor=actor,
        reason=note,
        changes={
            "merged_from": {"label": _("gộp từ"), "before": None, "after": f"#{source.pk} {source.name}"},
            **audit.diff(before_target, audit.snapshot(target)),
        },
    )
    return target
