"""Indicators, the values recorded for them per project and period, follow-ups, and report files.

Values achieved at the on-site acceptance live in `projects.ActualResult` (and the trainees by sex and
ethnic minority on `projects.Acceptance`); they are read from there, never copied, so an acceptance is
the single source of what was accepted. Values of later periods (trained workers employed afterwards,
revenue after support, counterpart money mobilised, products recognised) are `IndicatorValue` rows
recorded by officers through `results.services`.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from khuyencong.results.choices import (
    AggregationRule,
    FollowUpMonth,
    IndicatorOrigin,
    ReportFormat,
    ReportKind,
    ReportStatus,
    ValueSource,
)

NON_NEGATIVE = [MinValueValidator(0)]


class Indicator(models.Model):
    """One entry of the indicator catalogue. Codes shared with projects.ExpectedIndicator mean the same."""

    code = models.CharField(_("mã chỉ tiêu"), max_length=40, primary_key=True)
    name_vi = models.CharField(_("tên chỉ tiêu (tiếng Việt)"), max_length=200)
    name_en = models.CharField(_("tên chỉ tiêu (tiếng Anh)"), max_length=200)
    unit_vi = models.CharField(_("đơn vị tính (tiếng Việt)"), max_length=40)
    unit_en = models.CharField(_("đơn vị tính (tiếng Anh)"), max_length=40)
    rule = models.CharField(_("cách tổng hợp"), max_length=10, choices=AggregationRule.choices)
    origin = models.CharField(_("nguồn số liệu"), max_length=20, choices=IndicatorOrigin.choices)
    is_money = models.BooleanField(_("là số tiền (đồng)"), default=False)
    # Trainees and trained workers employed are reported by sex and ethnic minority as well.
    disaggregated = models.BooleanField(_("tách theo giới tính và dân tộc thiểu số"), default=False)
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("danh mục chỉ tiêu")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi

    @property
    def unit(self) -> str:
        return self.unit_en if (get_language() or "vi").startswith("en") else self.unit_vi


class IndicatorValue(models.Model):
    """A value of a recorded indicator for one project and one period, with its source and evidence."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="indicator_values", verbose_name=_("đề án")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("chỉ tiêu")
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    value = models.BigIntegerField(_("giá trị"), validators=NON_NEGATIVE)
    women = models.PositiveIntegerField(_("trong đó nữ"), null=True, blank=True)
    ethnic_minority = models.PositiveIntegerField(_("trong đó dân tộc thiểu số"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=20, choices=ValueSource.choices)
    evidence = models.ForeignKey(
        "projects.ProjectDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tài liệu minh chứng"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi")
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("giá trị chỉ tiêu")
        verbose_name_plural = _("giá trị chỉ tiêu")
        ordering = ["indicator__position", "period_start", "id"]
        # Covers the aggregation's per-project subqueries (latest period, sum, max) without reading the table.
        indexes = [
            models.Index(
                fields=["project", "indicator", "period_end", "period_start", "value"],
                name="results_value_cover",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator", "period_start", "period_end"],
                name="results_value_one_per_period",
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="results_value_non_negative"),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="results_value_period_in_order"
            ),
            models.CheckConstraint(
                condition=Q(women__isnull=True) | Q(women__lte=models.F("value")),
                name="results_value_women_le",
            ),
            models.CheckConstraint(
                condition=Q(ethnic_minority__isnull=True) | Q(ethnic_minority__lte=models.F("value")),
                name="results_value_minority_le",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.project.code} {self.indicator_id} {self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}"
        )


class FollowUp(models.Model):
    """The answers of a follow-up 6, 12 or 24 months after the acceptance: did the results last?"""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.PROTECT, related_name="follow_ups", verbose_name=_("đề án")
    )
    months = models.PositiveSmallIntegerField(_("mốc theo dõi"), choices=FollowUpMonth.choices)
    visited_on = models.DateField(_("ngày kiểm tra"))
    still_operating = models.BooleanField(_("cơ sở còn hoạt động"))
    jobs_kept = models.PositiveIntegerField(_("số lao động còn làm việc"), null=True, blank=True)
    # Blank when the project handed over no machine.
    equipment_in_use = models.BooleanField(_("máy móc còn sử dụng"), null=True, blank=True)
    evidence = models.ForeignKey(
        "projects.ProjectDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tài liệu minh chứng"),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi")
    )
    recorded_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)

    class Meta:
        verbose_name = _("theo dõi sau hỗ trợ")
        verbose_name_plural = _("theo dõi sau hỗ trợ")
        ordering = ["project_id", "months"]
        constraints = [
            models.UniqueConstraint(fields=["project", "months"], name="results_follow_up_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_months_display()}"


class ReportRun(models.Model):
    """A report file asked for by a user: made in the background, kept for download."""

    kind = models.CharField(_("loại báo cáo"), max_length=20, choices=ReportKind.choices)
    format = models.CharField(_("định dạng"), max_length=10, choices=ReportFormat.choices)
    parameters = models.JSONField(_("tham số"), default=dict)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    step = models.CharField(_("bước đang làm"), max_length=200, blank=True)
    file = models.FileField(_("tệp"), upload_to="reports/", max_length=300, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người yêu cầu")
    )
    requested_at = models.DateTimeField(_("thời điểm yêu cầu"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo đã lập")
        verbose_name_plural = _("báo cáo đã lập")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.requested_at:%d/%m/%Y %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("reports:run", kwargs={"pk": self.pk})


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the last day of the month when that month is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class IndicatorTarget(models.Model):
    """What a project is expected to reach on a recorded indicator (revenue after support, counterpart
    mobilised, ...). Targets of the indicators the acceptance records are the proposal's expected results
    (projects.ExpectedResult)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="indicator_targets",
        verbose_name=_("đề án"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("chỉ tiêu")
    )
    value = models.BigIntegerField(_("giá trị dự kiến"), validators=NON_NEGATIVE)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đặt")
    )
    updated_at = models.DateTimeField(_("thời điểm cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("chỉ tiêu dự kiến")
        verbose_name_plural = _("chỉ tiêu dự kiến")
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="results_target_once"),
            models.CheckConstraint(condition=Q(value__gte=0), name="results_target_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.indicator_id}: {self.value}"


class ProjectFact(models.Model):
    """One project's figures as the summary groups them, kept current on every change (results.facts).

    A cache, never a source: every column is recomputed from the project, its budget lines, beneficiaries
    and accepted acceptance by `results.facts.refresh`, and a test compares the table with that computation
    after every test of the suite. Units are plain ids (not foreign keys) because the table only groups
    by them; projects can only be deleted through their own row, which cascades here.
    """

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    plan_year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=30)
    category = models.CharField(max_length=40)
    level = models.CharField(max_length=10)
    recorded_unit = models.BigIntegerField()
    current_unit = (
        models.BigIntegerField()
    )  # the recorded unit mapped to a current one (its default successor)
    sector = models.CharField(max_length=40)
    central = models.BigIntegerField()
    provincial = models.BigIntegerField()
    own = models.BigIntegerField()
    other = models.BigIntegerField()
    settled = models.BigIntegerField()
    accepted = models.BigIntegerField()
    jobs_created = models.BigIntegerField()
    workers_trained = models.BigIntegerField()
    establishments_supported = models.BigIntegerField()
    models_built = models.BigIntegerField(db_column="models")
    machines = models.BigIntegerField()
    trained_women = models.BigIntegerField()
    trained_ethnic_minority = models.BigIntegerField()
    completion_n = models.BigIntegerField()
    completion_days = models.BigIntegerField()
    settlement_n = models.BigIntegerField()
    settlement_days = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["plan_year", "status"], name="results_fact_year_status")]

    def __str__(self) -> str:
        return f"facts of project {self.project_id}"
