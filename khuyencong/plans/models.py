"""The annual plan (kế hoạch khuyến công năm): envelopes, the officer's rules, scenarios and the choice.

A plan is one year × programme level. Its rules live on the plan (and its envelope and category rows);
each optimisation is saved as a named `Scenario` with a snapshot of the rules it ran with and one line
per proposal, so two scenarios can be compared after the rules have changed. Submitting locks the plan
on one scenario; approving it approves those projects; a change after that is a revision: a new plan
record that points to the one it revises and says why.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.geo.choices import PriorityKind
from khuyencong.plans.choices import Objective, OverrideDecision, PlanStatus, ScenarioStatus
from khuyencong.projects.choices import ContentCategory, FundingSource, ProgrammeLevel

NON_NEGATIVE = [MinValueValidator(0)]
BASIS_POINTS = [MinValueValidator(0), MaxValueValidator(10_000)]
SUPPORT_SOURCE_CHOICES = [
    (FundingSource.CENTRAL.value, FundingSource.CENTRAL.label),
    (FundingSource.PROVINCIAL.value, FundingSource.PROVINCIAL.label),
]


def all_priority_kinds() -> list[str]:
    return list(PriorityKind.values)


class AnnualPlanQuerySet(models.QuerySet["AnnualPlan"]):
    def visible_to(self, user: Any) -> AnnualPlanQuerySet:
        """Province-wide roles read plans; a plan is the centre's and the leaders' working document."""
        from khuyencong.accounts.choices import PROVINCE_WIDE

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in PROVINCE_WIDE:
            return self
        return self.none()


class AnnualPlan(models.Model):
    year = models.PositiveSmallIntegerField(
        _("năm kế hoạch"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("cấp khuyến công"), max_length=10, choices=ProgrammeLevel.choices)
    revision = models.PositiveSmallIntegerField(_("lần điều chỉnh"), default=0)
    revises = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
        verbose_name=_("điều chỉnh kế hoạch"),
    )
    revision_reason = models.TextField(_("lý do điều chỉnh"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    reference_date = models.DateField(
        _("ngày tham chiếu"),
        help_text=_("Ngày xét phân loại địa bàn ưu tiên của từng xã."),
    )
    priority_min_bp = models.PositiveIntegerField(
        _("tỷ lệ tối thiểu cho địa bàn ưu tiên (phần vạn)"), default=0, validators=BASIS_POINTS
    )
    priority_kinds = models.JSONField(
        _("loại địa bàn ưu tiên được tính"), default=all_priority_kinds, blank=True
    )
    commune_max = models.BigIntegerField(
        _("mức hỗ trợ tối đa mỗi xã (đồng)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    establishment_max = models.BigIntegerField(
        _("mức hỗ trợ tối đa mỗi cơ sở (đồng)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    objective = models.CharField(
        _("tiêu chí tối ưu"), max_length=20, choices=Objective.choices, default=Objective.SCORE
    )
    time_limit = models.PositiveSmallIntegerField(
        _("thời gian giải tối đa (giây)"),
        default=30,
        # A page or API request has 60 s (gunicorn); longer runs go through `khuyencong plan_optimize`.
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    gap_ppm = models.PositiveIntegerField(
        _("sai số cho phép (phần triệu)"),
        default=100,
        validators=[MinValueValidator(0), MaxValueValidator(100_000)],
        help_text=_("100 phần triệu = 0,01 %."),
    )
    chosen_scenario = models.ForeignKey(
        "plans.Scenario",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phương án trình duyệt"),
    )
    decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnualPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("kế hoạch khuyến công năm")
        verbose_name_plural = _("kế hoạch khuyến công năm")
        ordering = ["-year", "level", "-revision"]
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "revision"], name="plan_one_per_revision"),
            # One plan in force per year and level: the others are revised (superseded) records.
            models.UniqueConstraint(
                fields=["year", "level"], condition=~Q(status="revised"), name="plan_one_live_per_year_level"
            ),
            models.CheckConstraint(
                condition=Q(priority_min_bp__gte=0, priority_min_bp__lte=10_000),
                name="plan_priority_share_range",
            ),
            models.CheckConstraint(
                condition=Q(commune_max__isnull=True) | Q(commune_max__gte=0),
                name="plan_commune_max_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(establishment_max__isnull=True) | Q(establishment_max__gte=0),
                name="plan_establishment_max_non_negative",
            ),
        ]

    def __str__(self) -> str:
        label = _("Kế hoạch %(level)s năm %(year)s") % {
            "level": ProgrammeLevel(self.level).label.lower(),
            "year": self.year,
        }
        if self.revision:
            label += " " + str(_("(điều chỉnh lần %(n)s)") % {"n": self.revision})
        return str(label)

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", kwargs={"pk": self.pk})

    def envelope_map(self) -> dict[str, int]:
        return {e.source: e.amount for e in self.envelopes.all()}

    @property
    def is_locked(self) -> bool:
        return self.status != PlanStatus.DRAFT


class PlanEnvelope(models.Model):
    """The money for the year from one source (dự toán kinh phí)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="envelopes")
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=SUPPORT_SOURCE_CHOICES)
    amount = models.BigIntegerField(_("dự toán (đồng)"), validators=NON_NEGATIVE)

    class Meta:
        verbose_name = _("dự toán theo nguồn")
        verbose_name_plural = _("dự toán theo nguồn")
        constraints = [
            models.UniqueConstraint(fields=["plan", "source"], name="plan_envelope_one_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="plan_envelope_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class PlanCategoryRule(models.Model):
    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="category_rules")
    category = models.CharField(_("nội dung hỗ trợ"), max_length=40, choices=ContentCategory.choices)
    min_share_bp = models.PositiveIntegerField(
        _("tỷ lệ tối thiểu (phần vạn)"), null=True, blank=True, validators=BASIS_POINTS
    )
    max_share_bp = models.PositiveIntegerField(
        _("tỷ lệ tối đa (phần vạn)"), null=True, blank=True, validators=BASIS_POINTS
    )
    min_count = models.PositiveIntegerField(_("số đề án tối thiểu"), null=True, blank=True)
    max_count = models.PositiveIntegerField(_("số đề án tối đa"), null=True, blank=True)

    class Meta:
        verbose_name = _("ràng buộc theo nội dung")
        verbose_name_plural = _("ràng buộc theo nội dung")
        constraints = [models.UniqueConstraint(fields=["plan", "category"], name="plan_category_rule_once")]

    def __str__(self) -> str:
        return str(self.get_category_display())


class PlanOverride(models.Model):
    """A proposal the officer puts in or leaves out whatever the optimiser says, with the reason."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="overrides")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("quyết định"), max_length=3, choices=OverrideDecision.choices)
    reason = models.TextField(_("lý do"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("quyết định đưa vào/loại ra")
        verbose_name_plural = _("quyết định đưa vào/loại ra")
        constraints = [
            models.UniqueConstraint(fields=["plan", "project"], name="plan_override_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="plan_override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_decision_display()}"


class PartialFunding(models.Model):
    """Partial funding allowed for one proposal, down to a minimum viable amount."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="partials")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    minimum = models.BigIntegerField(
        _("mức hỗ trợ tối thiểu khả thi (đồng)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("hỗ trợ một phần")
        verbose_name_plural = _("hỗ trợ một phần")
        constraints = [
            models.UniqueConstraint(fields=["plan", "project"], name="plan_partial_once"),
            models.CheckConstraint(condition=Q(minimum__gt=0), name="plan_partial_minimum_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project}: ≥ {self.minimum}"


class Scenario(models.Model):
    """One optimisation, named, with the rules it ran with and what came out (also the greedy ranking)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.PROTECT, related_name="scenarios")
    name = models.CharField(_("tên phương án"), max_length=120)
    objective = models.CharField(_("tiêu chí tối ưu"), max_length=20, choices=Objective.choices)
    inputs = models.JSONField(_("dữ liệu đầu vào"), default=dict, blank=True)
    status = models.CharField(_("kết quả"), max_length=20, choices=ScenarioStatus.choices)
    value = models.FloatField(_("tổng giá trị"), default=0)
    bound = models.FloatField(_("cận trên đã chứng minh"), default=0)
    gap = models.FloatField(_("khoảng cách tối đa tới phương án tốt nhất"), default=0)
    total = models.BigIntegerField(_("tổng hỗ trợ (đồng)"), default=0)
    totals = models.JSONField(_("hỗ trợ theo nguồn"), default=dict, blank=True)
    priority_amount = models.BigIntegerField(_("hỗ trợ cho địa bàn ưu tiên (đồng)"), default=0)
    priority_bp = models.PositiveIntegerField(_("tỷ lệ cho địa bàn ưu tiên (phần vạn)"), default=0)
    greedy_value = models.FloatField(_("tổng giá trị (xếp hạng theo điểm)"), default=0)
    greedy_total = models.BigIntegerField(_("tổng hỗ trợ (xếp hạng theo điểm)"), default=0)
    greedy_totals = models.JSONField(default=dict, blank=True)
    greedy_priority_bp = models.PositiveIntegerField(default=0)
    greedy_unmet = models.JSONField(default=list, blank=True)
    binding = models.JSONField(default=list, blank=True)
    infeasibility = models.JSONField(null=True, blank=True)
    build_ms = models.PositiveIntegerField(default=0)
    solve_ms = models.PositiveIntegerField(default=0)
    explain_ms = models.PositiveIntegerField(default=0)
    tightened = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phương án")
        verbose_name_plural = _("phương án")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="scenario_name_once_per_plan")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("plans:scenario", kwargs={"pk": self.plan_id, "scenario": self.pk})

    @property
    def feasible(self) -> bool:
        return self.status in (ScenarioStatus.OPTIMAL, ScenarioStatus.TIME_LIMIT)

    @property
    def priority_text(self) -> str:
        from khuyencong.plans.explain import percent

        return percent(self.priority_bp)


class ScenarioLine(models.Model):
    """One proposal in one scenario: funded (with the amount per source) or not (with the reasons)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="lines")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    selected = models.BooleanField(_("được chọn"))
    fixed = models.BooleanField(_("đã phê duyệt trước"), default=False)
    score = models.DecimalField(_("điểm thẩm định"), max_digits=5, decimal_places=2, null=True, blank=True)
    jobs = models.PositiveIntegerField(_("lao động dự kiến"), default=0)
    priority = models.BooleanField(_("địa bàn ưu tiên"), default=False)
    requested = models.BigIntegerField(_("hỗ trợ đề nghị (đồng)"), validators=NON_NEGATIVE)
    central = models.BigIntegerField(_("ngân sách trung ương (đồng)"), default=0, validators=NON_NEGATIVE)
    provincial = models.BigIntegerField(_("ngân sách tỉnh (đồng)"), default=0, validators=NON_NEGATIVE)
    funded = models.BigIntegerField(_("hỗ trợ được bố trí (đồng)"), default=0, validators=NON_NEGATIVE)
    partial = models.BooleanField(_("hỗ trợ một phần"), default=False)
    value = models.FloatField(_("giá trị"), default=0)
    reasons = models.JSONField(_("lý do"), default=list, blank=True)
    greedy_amount = models.BigIntegerField(_("hỗ trợ khi xếp hạng theo điểm (đồng)"), default=0)

    class Meta:
        verbose_name = _("dòng phương án")
        verbose_name_plural = _("dòng phương án")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "project"], name="scenario_line_once"),
            models.CheckConstraint(
                condition=Q(funded=models.F("central") + models.F("provincial")), name="scenario_line_sums"
            ),
            models.CheckConstraint(
                condition=Q(funded__lte=models.F("requested")), name="scenario_line_within_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scenario}: {self.project}"

    def amounts(self) -> dict[str, int]:
        return {FundingSource.CENTRAL: self.central, FundingSource.PROVINCIAL: self.provincial}
