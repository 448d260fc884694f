"""Read a commune as typed in old files: today's names, pre-2025 names, with or without "Xã"/"Phường".

Loaded once per import (the province's current and legacy communes and the successor links), so each
row is a dictionary lookup. An old commune is carried to today's unit through the successor links; when
an old commune was divided, or a name fits several units, the officer is asked, never guessed for.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from khuyencong.core.text import fold
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession

_PREFIX = re.compile(r"^(xa|phuong|thi tran|tt|p|x|thanh pho|tp|huyen|h|thi xa|tx|quan|q)[\s.]+")
_SPLIT = re.compile(r"\s*[,;–—-]\s*|\s+/\s+")


def place_key(text: str) -> str:
    """'Phường Tam Thanh', 'P. Tam Thanh', 'tam thanh' -> 'tam thanh'."""
    key = " ".join(re.sub(r"[^0-9a-z.\s]", " ", fold(text)).split())
    key = _PREFIX.sub("", key).replace(".", " ")
    return " ".join(key.split())


@dataclass(frozen=True)
class Resolved:
    unit: AdministrativeUnit | None
    error: str = ""
    note: str = ""


def _label(unit: AdministrativeUnit) -> str:
    parent = unit.parent
    if unit.generation == Generation.LEGACY and parent is not None:
        return _("%(name)s (%(district)s, trước 01/07/2025)") % {"name": unit.name, "district": parent.name}
    return unit.name


class CommuneIndex:
    """Every commune of the installation's province, both generations, keyed by folded short name."""

    def __init__(self, province_code: str | None = None) -> None:
        province_code = province_code if province_code is not None else settings.KHUYENCONG_PROVINCE
        units = AdministrativeUnit.objects.filter(level=Level.COMMUNE).select_related(
            "parent", "parent__parent"
        )
        if province_code and province_code != "all":
            from django.db.models import Q

            units = units.filter(
                Q(generation=Generation.CURRENT, parent__code=province_code)
                | Q(generation=Generation.LEGACY, parent__parent__code=province_code)
            )
        self.current: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        self.legacy: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        self.by_code: dict[str, list[AdministrativeUnit]] = defaultdict(list)
        legacy_ids: list[int] = []
        for unit in units:
            target = self.current if unit.generation == Generation.CURRENT else self.legacy
            for name in {unit.short_name, unit.name}:
                if unit not in target[place_key(name)]:
                    target[place_key(name)].append(unit)
            self.by_code[unit.code.lstrip("0")].append(unit)
            if unit.generation == Generation.LEGACY:
                legacy_ids.append(unit.pk)
        self._memo: dict[tuple[str, str], Resolved] = {}
        self.successors: dict[int, list[tuple[AdministrativeUnit, bool]]] = defaultdict(list)
        links = UnitSuccession.objects.filter(predecessor_id__in=legacy_ids).select_related(
            "successor__parent"
        )
        for link in links.order_by("-is_default", "successor__name"):
            self.successors[link.predecessor_id].append((link.successor, link.is_default))

    def resolve(self, text: str, district: str = "") -> Resolved:
        """The current commune meant by `text` (an optional district narrows an old name); a file names
        the same few dozen communes thousands of times, so answers are remembered for the run."""
        key = (text, district)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._resolve(text, district)
        return found

    def _resolve(self, text: str, district: str) -> Resolved:
        raw = " ".join(str(text).split())
        if raw.isdigit():
            found = [u for u in self.by_code.get(raw.lstrip("0"), []) if u.generation == Generation.CURRENT]
            if len(found) == 1:
                return Resolved(found[0])
        parts = [p for p in _SPLIT.split(raw) if p.strip()]
        name = parts[0] if parts else raw
        district = district or (parts[1] if len(parts) > 1 else "")
        key = place_key(name)
        current = self.current.get(key, [])
        if len(current) == 1 and not district:
            return Resolved(current[0])
        legacy = list(self.legacy.get(key, []))
        if district:
            wanted = place_key(district)
            narrowed = [u for u in legacy if u.parent is not None and place_key(u.parent.name) == wanted]
            if narrowed or not current:
                legacy = narrowed
            elif len(current) == 1:
                return Resolved(current[0])
        if len(current) > 1 and not legacy:
            return Resolved(
                None,
                error=_("Có %(n)s xã/phường tên “%(name)s”: %(options)s; hãy ghi mã thống kê của đơn vị.")
                % {
                    "n": len(current),
                    "name": name,
                    "options": "; ".join(f"{u.name} ({u.code})" for u in current),
                },
            )
        if len(current) == 1:
            return Resolved(current[0])
        if not legacy:
            return Resolved(
                None,
                error=_(
                    "Không tìm thấy xã/phường “%(name)s” trong tỉnh (cả tên hiện nay và tên trước 01/07/2025)."
                )
                % {"name": raw},
            )
        if len(legacy) > 1:
            return Resolved(
                None,
                error=_(
                    "Tên cũ “%(name)s” ứng với nhiều xã/phường trước 01/07/2025: %(options)s; hãy ghi thêm "
                    "huyện (cột Huyện hoặc “%(name)s, tên huyện”)."
                )
                % {"name": name, "options": "; ".join(_label(u) for u in legacy)},
            )
        old = legacy[0]
        successors = self.successors.get(old.pk, [])
        if not successors:
            return Resolved(
                None,
                error=_("%(old)s không có đơn vị kế thừa trong dữ liệu địa giới; hãy ghi xã/phường hiện nay.")
                % {"old": _label(old)},
            )
        if len(successors) > 1:
            return Resolved(
                None,
                error=_(
                    "%(old)s đã được chia cho nhiều đơn vị: %(options)s; hãy ghi xã/phường hiện nay mà cơ sở "
                    "thuộc về."
                )
                % {
                    "old": _label(old),
                    "options": "; ".join(
                        unit.name + (_(" (kế thừa chính)") if default else "") for unit, default in successors
                    ),
                },
            )
        new = successors[0][0]
        return Resolved(new, note=_("%(old)s nay là %(new)s") % {"old": _label(old), "new": new.name})
