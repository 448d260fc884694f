"""The columns of the councils' list, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table

COUNCILS: Table[Any] = Table(
    name="hoi-dong-tham-dinh",
    title=_("Hội đồng thẩm định"),
    columns=[
        Column(
            _("Hội đồng"),
            lambda c: c.name,
            link=lambda c: c.get_absolute_url(),
            note=lambda c: _("minh hoạ") if c.is_demo else None,
            width=50,
        ),
        Column(_("Năm"), lambda c: c.plan_year, kind="year", width=8),
        Column(_("Cấp"), lambda c: c.get_level_display(), width=22),
        Column(_("Đợt xét chọn"), lambda c: c.call.title if c.call_id else None, empty="—", width=40),
        Column(_("Thành viên"), lambda c: c.member_count, kind="int", width=12),
        Column(_("Đề án"), lambda c: c.proposal_count, kind="int", width=10),
        Column(_("Trạng thái"), lambda c: c.get_status_display(), width=18),
    ],
)
