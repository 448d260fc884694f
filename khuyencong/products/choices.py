"""Stable codes of the typical-product contest (bình chọn sản phẩm CNNT tiêu biểu)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# From 1/7/2025 districts are abolished (Nghị quyết 1672/NQ-UBTVQH15, DESIGN §5): no district round
# or district recognition can be dated on or after this day.
REFORM_DATE = dt.date(2025, 7, 1)

DEFAULT_PASS_MARK = 70
FULL_MARKS = 100


class ProductGroup(models.TextChoices):
    HANDICRAFTS = "handicrafts", _("Thủ công mỹ nghệ")
    PROCESSED_FOOD = "processed_food", _("Chế biến nông, lâm sản và thực phẩm")
    MACHINERY = "machinery", _("Máy móc, thiết bị, dụng cụ và phụ tùng")
    OTHER = "other", _("Sản phẩm khác")


class RecognitionLevel(models.TextChoices):
    # District is kept for rounds held before the 2025 reform.
    DISTRICT = "district", _("Cấp huyện")
    PROVINCE = "province", _("Cấp tỉnh")
    REGION = "region", _("Cấp khu vực")
    NATIONAL = "national", _("Cấp quốc gia")


# Highest first: what a product's badge shows when it was recognised at several levels.
LEVEL_RANK = {
    RecognitionLevel.NATIONAL: 0,
    RecognitionLevel.REGION: 1,
    RecognitionLevel.PROVINCE: 2,
    RecognitionLevel.DISTRICT: 3,
}


class RoundStatus(models.TextChoices):
    DRAFT = "draft", _("Đang chuẩn bị")
    SCORING = "scoring", _("Đang chấm điểm")
    CLOSED = "closed", _("Đã kết thúc")
    CANCELLED = "cancelled", _("Đã huỷ")


class MemberPosition(models.TextChoices):
    CHAIR = "chair", _("Chủ tịch hội đồng")
    MEMBER = "member", _("Ủy viên")


@dataclass(frozen=True)
class Criterion:
    code: str
    label: Promise
    max_points: int


# The 100-point sheet of issue 6 §2 as the customer gave it; no legal basis is recorded for it yet
# (shown as "chưa đối chiếu văn bản gốc" beside the sheet). Codes are the sheet's column names.
CRITERIA: tuple[Criterion, ...] = (
    Criterion("market", _("Thị trường"), 40),
    Criterion("economic", _("Kinh tế – kỹ thuật – xã hội – môi trường"), 40),
    Criterion("culture", _("Văn hoá – thẩm mỹ"), 10),
    Criterion("other", _("Tiêu chí khác"), 10),
)
assert sum(c.max_points for c in CRITERIA) == FULL_MARKS
