"""The columns of the registry's list, declared once for the page and its XLSX/CSV downloads."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.core.templatetags.vn import mask
from khuyencong.establishments.models import Establishment


def shown_tax_code(est: Establishment) -> str:
    # A 12-digit tax code is a person's identification number: masked in lists, as on the page.
    return mask(est.tax_code) if len(est.tax_code or "") == 12 else est.tax_code


ESTABLISHMENTS: Table[Establishment] = Table(
    name="co-so-cnnt",
    title=_("Danh sách cơ sở CNNT"),
    columns=[
        Column(_("Tên cơ sở"), lambda e: e.name, link=lambda e: e.get_absolute_url(), width=50),
        Column(_("Loại hình"), lambda e: e.get_legal_form_display(), width=24),
        Column(_("Mã số thuế"), shown_tax_code, width=16),
        Column(_("Xã/phường"), lambda e: str(e.commune), width=30),
        Column(_("Ngành nghề"), lambda e: e.get_sector_display(), width=30),
        Column(_("Lao động"), lambda e: e.workers, kind="int", width=12),
    ],
)
