"""The columns of the registry's list, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.establishments.models import Establishment
from khuyencong.privacy import policy


def establishments_table(viewer: policy.Viewer) -> Table[Establishment]:
    """The list as `viewer` may read it: a person's 12-digit number in full or masked (privacy.policy)."""
    return Table(
        name="co-so-cnnt",
        title=_("Danh sách cơ sở CNNT"),
        columns=[
            Column(_("Tên cơ sở"), lambda e: e.name, link=lambda e: e.get_absolute_url(), width=50),
            Column(_("Loại hình"), lambda e: e.get_legal_form_display(), width=24),
            Column(_("Mã số thuế"), lambda e: viewer.value(e, "tax_code"), width=16),
            Column(_("Xã/phường"), lambda e: str(e.commune), width=30),
            Column(_("Ngành nghề"), lambda e: e.get_sector_display(), width=30),
            Column(_("Lao động"), lambda e: e.workers, kind="int", width=12),
        ],
    )


# The columns without a reader: personal numbers masked, nothing logged.
ESTABLISHMENTS: Table[Establishment] = establishments_table(policy.MASKED)
