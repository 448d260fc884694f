"""The columns of the plans' list, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.plans.models import AnnualPlan

PLANS: Table[AnnualPlan] = Table(
    name="ke-hoach",
    title=_("Kế hoạch khuyến công năm"),
    columns=[
        Column(_("Kế hoạch"), lambda p: str(p), link=lambda p: p.get_absolute_url(), width=50),
        Column(_("Trạng thái"), lambda p: p.get_status_display(), width=20),
        Column(_("Số quyết định"), lambda p: p.decision_number or None, empty="—", width=20),
        Column(_("Ngày quyết định"), lambda p: p.decision_date, kind="date", empty="—"),
    ],
)
