"""Stable codes of the results app. Labels are Vietnamese, translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AggregationRule(models.TextChoices):
    """How one project's values over several periods become one figure; projects are then added up."""

    SUM = "sum", _("Cộng dồn các kỳ")
    COUNT = "count", _("Đếm số đề án có kết quả")
    MAX = "max", _("Giá trị lớn nhất của mỗi đề án")
    LATEST = "latest", _("Giá trị kỳ gần nhất của mỗi đề án")


class IndicatorOrigin(models.TextChoices):
    """Where an indicator's values come from."""

    ACCEPTANCE = "acceptance", _("Biên bản nghiệm thu")
    RECORDED = "recorded", _("Cán bộ ghi nhận theo kỳ")


class ValueSource(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Biên bản nghiệm thu")
    BUSINESS_REPORT = "business_report", _("Báo cáo của cơ sở")
    SITE_VISIT = "site_visit", _("Kiểm tra thực tế")
    FOLLOW_UP = "follow_up", _("Theo dõi sau hỗ trợ")
    STATISTICS = "statistics", _("Số liệu thống kê, thuế")
    OTHER = "other", _("Nguồn khác")


class FollowUpMonth(models.IntegerChoices):
    SIX = 6, _("Sau 6 tháng")
    TWELVE = 12, _("Sau 12 tháng")
    TWENTY_FOUR = 24, _("Sau 24 tháng")


class UnitMode(models.TextChoices):
    """Places as the project recorded them, or mapped to today's units through the successor links."""

    RECORDED = "recorded", _("Địa bàn như khi ghi nhận")
    CURRENT = "current", _("Quy về đơn vị hành chính hiện nay")


class ReportKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Báo cáo 6 tháng")
    ANNUAL = "annual", _("Báo cáo năm")
    MULTI_YEAR = "multi_year", _("Báo cáo giai đoạn nhiều năm")


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (XLSX)")
    CSV = "csv", _("CSV (UTF-8)")
    PDF = "pdf", _("PDF (văn bản)")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang lập")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Lỗi")
