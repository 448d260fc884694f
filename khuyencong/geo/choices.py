from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

# Nghị quyết 1672/NQ-UBTVQH15 and the 2025 reform: districts end on 30/6/2025, the two-level system
# starts on 1/7/2025.
REFORM_DATE = dt.date(2025, 7, 1)
LEGACY_END = dt.date(2025, 6, 30)


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh/thành phố")
    DISTRICT = "district", _("Huyện/thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã/phường/thị trấn")


class Generation(models.TextChoices):
    """Which administrative system a unit belongs to: codes are reused across the two."""

    LEGACY = "legacy", _("Trước 01/07/2025 (3 cấp)")
    CURRENT = "2025", _("Từ 01/07/2025 (2 cấp)")


class PriorityKind(models.TextChoices):
    DIFFICULT = "difficult", _("Địa bàn khó khăn")
    EXTREMELY_DIFFICULT = "extremely_difficult", _("Địa bàn đặc biệt khó khăn")
    BORDER = "border", _("Xã biên giới")
    ETHNIC_MINORITY = "ethnic_minority", _("Vùng đồng bào dân tộc thiểu số")
    NEW_RURAL = "new_rural", _("Xã trong kế hoạch xây dựng nông thôn mới")
