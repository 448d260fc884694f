"""The columns of the rule sets' list, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.rules.models import RuleSet


def _period(rs: RuleSet) -> str:
    if rs.is_in_force_on(timezone.localdate()):
        return f"{rs.period} ({_('đang có hiệu lực')})"
    return rs.period


RULE_SETS: Table[RuleSet] = Table(
    name="muc-ho-tro-toi-da",
    title=_("Các bộ mức hỗ trợ tối đa"),
    columns=[
        Column(
            _("Căn cứ pháp lý"),
            lambda rs: rs.legal_basis,
            link=lambda rs: rs.get_absolute_url(),
            note=lambda rs: None if rs.verified else _("chưa đối chiếu văn bản gốc"),
            width=60,
        ),
        Column(_("Cấp chương trình"), lambda rs: rs.get_level_display(), width=24),
        Column(
            _("Phạm vi"),
            lambda rs: (getattr(rs, "province_name", "") or rs.province) if rs.province else _("Toàn quốc"),
            width=20,
        ),
        Column(_("Hiệu lực"), _period, width=40),
        Column(_("Số mức"), lambda rs: getattr(rs, "rule_count", 0), kind="int", width=10),
    ],
)
