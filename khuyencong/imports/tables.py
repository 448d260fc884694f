"""The columns of a course's roster (danh sách học viên), declared once for the page and its downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.imports.models import Trainee
from khuyencong.privacy import policy


def trainees_table(viewer: policy.Viewer) -> Table[Trainee]:
    """The roster as `viewer` may read it: ID numbers and phones in full or masked (privacy.policy)."""
    return Table(
        name="danh-sach-hoc-vien",
        title=_("Danh sách học viên"),
        columns=[
            Column(_("Khoá đào tạo (mã đề án)"), lambda t: t.project.code, width=18),
            Column(_("Họ và tên"), lambda t: t.full_name, width=30),
            Column(_("Giới tính"), lambda t: t.get_sex_display(), width=10),
            Column(_("Dân tộc"), lambda t: t.ethnicity, width=12),
            Column(_("Năm sinh"), lambda t: t.birth_year, kind="year", width=10),
            Column(_("Xã/phường cư trú"), lambda t: str(t.commune), width=30),
            Column(_("Số định danh cá nhân (CCCD)"), lambda t: viewer.value(t, "id_number"), width=18),
            Column(_("Điện thoại"), lambda t: viewer.value(t, "phone"), width=14),
        ],
    )
