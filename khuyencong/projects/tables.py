"""The columns of the project and call lists, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.projects.models import Call, Project


def _demo(project: Project) -> str | None:
    return str(_("minh hoạ")) if project.is_demo else None


PROJECTS: Table[Project] = Table(
    name="de-an",
    title=_("Đề án khuyến công"),
    columns=[
        Column(_("Mã"), lambda p: p.code, link=lambda p: p.get_absolute_url(), width=16),
        Column(_("Tên đề án"), lambda p: p.title, note=_demo, width=60),
        Column(_("Năm"), lambda p: p.plan_year, kind="year", width=8),
        Column(_("Địa điểm"), lambda p: str(p.unit), width=30),
        Column(_("Trạng thái"), lambda p: p.get_status_display(), width=20),
        Column(_("Hỗ trợ đề nghị"), lambda p: p.requested_support, kind="money", width=20),
    ],
)


CALLS: Table[Call] = Table(
    name="dot-xet-chon",
    title=_("Đợt xét chọn"),
    columns=[
        Column(_("Tên đợt"), lambda c: c.title, link=lambda c: c.get_absolute_url(), width=50),
        Column(_("Năm"), lambda c: c.year, kind="year", width=8),
        Column(_("Cấp"), lambda c: c.get_level_display(), width=22),
        Column(_("Mở nhận hồ sơ"), lambda c: c.opens_at, kind="datetime"),
        Column(_("Hạn nộp"), lambda c: c.deadline, kind="datetime"),
        Column(_("Trạng thái"), lambda c: c.status.label, width=16),
        Column(_("Nội dung nhận"), lambda c: "; ".join(c.category_labels()), width=60),
    ],
)
