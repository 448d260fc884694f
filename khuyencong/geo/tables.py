"""The columns of the administrative units' list, declared once for the page and its downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.geo.models import AdministrativeUnit


def _parent(unit: AdministrativeUnit) -> str:
    if unit.parent is None:
        return ""
    if unit.parent.parent is not None:
        return f"{unit.parent.name}, {unit.parent.parent.name}"
    return unit.parent.name


UNITS: Table[AdministrativeUnit] = Table(
    name="don-vi-hanh-chinh",
    title=_("Danh sách đơn vị hành chính"),
    columns=[
        Column(_("Tên"), lambda u: u.name, link=lambda u: u.get_absolute_url(), width=34),
        Column(_("Mã"), lambda u: u.code, width=10),
        Column(_("Cấp"), lambda u: u.division_type or u.get_level_display(), width=16),
        Column(_("Trực thuộc"), _parent, width=40),
        Column(_("Hệ thống"), lambda u: u.get_generation_display(), width=30),
    ],
)
