"""Appraisal (thẩm định, xét chọn): councils that score proposals against configurable criteria.

A council (hội đồng) sits for one round: a call for proposals, or a plan year and programme level. Its
members each declare, per proposal, whether they have a conflict of interest; those without one fill a
score sheet against the council's criteria set, pre-filled from the place's priority classifications.
The centre concludes each proposal once every member who may score has submitted: the mean total goes
to `Project.appraisal_score` and the project moves on (services.appraisal_conclude).

The law names the priority factors but not their weights, so criteria sets are data (shipped
unverified) that an administrator edits; a set a council uses keeps its rows, so no total changes after
the fact.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.appraisal.choices import CouncilStatus, Outcome, Position
from khuyencong.geo.choices import PriorityKind
from khuyencong.projects.choices import ProgrammeLevel, Status

FULL_MARKS = 100  # a sheet's weighted total is on 0–100


# --- criteria ------------------------------------------------------------------------------------


class CriteriaSetQuerySet(models.QuerySet["CriteriaSet"]):
    def in_force_on(self, day: dt.date) -> CriteriaSetQuerySet:
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )


class CriteriaSet(models.Model):
    """A list of weighted criteria a council scores against, with its basis and validity."""

    name = models.CharField(_("tên bộ tiêu chí"), max_length=200)
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    # Weights we hold no official source for ship unverified and say so wherever they are shown.
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    valid_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    valid_to = models.DateField(_("áp dụng đến"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ tiêu chí thẩm định")
        verbose_name_plural = _("bộ tiêu chí thẩm định")
        ordering = [models.F("valid_from").desc(nulls_last=True), "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="appraisal_criteriaset_valid_range",
                violation_error_message=_("Ngày kết thúc áp dụng phải sau hoặc bằng ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def total_weight(self) -> int:
        return sum(c.weight for c in self.criteria.all())

    def is_in_use(self) -> bool:
        return self.pk is not None and self.councils.exists()

    def usable_error(self) -> str:
        """Why a council cannot score against this set ('' when it can)."""
        if not self.criteria.exists():
            return gettext("Bộ tiêu chí “%(name)s” chưa có tiêu chí nào.") % {"name": self.name}
        total = self.total_weight()
        if total != FULL_MARKS:
            return gettext(
                "Tổng trọng số của bộ tiêu chí “%(name)s” là %(total)s, phải bằng %(full)s để điểm tổng "
                "tính trên thang 100."
            ) % {"name": self.name, "total": total, "full": FULL_MARKS}
        return ""


class Criterion(models.Model):
    """One line of a set. A member scores it on 0..max_points; it weighs `weight` points of 100.

    A criterion tied to a priority kind is pre-filled on each sheet: full marks when the project's
    place holds that classification on the reference date, 0 otherwise; the member may change it.
    """

    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("bộ tiêu chí")
    )
    code = models.SlugField(_("mã tiêu chí"), max_length=40)
    label = models.CharField(_("tiêu chí"), max_length=300)
    max_points = models.PositiveSmallIntegerField(
        _("thang điểm (điểm tối đa)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("trọng số (điểm trên thang 100)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    priority_kind = models.CharField(
        _("điền sẵn theo loại địa bàn ưu tiên"),
        max_length=30,
        choices=PriorityKind.choices,
        blank=True,
        help_text=_("Để trống nếu thành viên tự chấm."),
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tiêu chí thẩm định")
        verbose_name_plural = _("tiêu chí thẩm định")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="appraisal_criterion_code_unique"),
            models.CheckConstraint(
                condition=Q(max_points__gte=1, max_points__lte=100), name="appraisal_criterion_max_points"
            ),
            models.CheckConstraint(condition=Q(weight__lte=100), name="appraisal_criterion_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


# --- councils ------------------------------------------------------------------------------------


class CouncilQuerySet(models.QuerySet["Council"]):
    def seating(self, user: Any) -> CouncilQuerySet:
        # A subquery, not a join, so that counts over members annotated later still count them all.
        return self.filter(pk__in=CouncilMember.objects.filter(user=user).values("council_id"))


class Council(models.Model):
    name = models.CharField(_("tên hội đồng"), max_length=300)
    call = models.ForeignKey(
        "projects.Call",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="councils",
        verbose_name=_("đợt xét chọn"),
    )
    plan_year = models.PositiveSmallIntegerField(
        _("năm kế hoạch"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("cấp khuyến công"), max_length=10, choices=ProgrammeLevel.choices)
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="councils", verbose_name=_("bộ tiêu chí")
    )
    # Typed as the document states it; nothing fills it in for the user.
    decision_reference = models.CharField(
        _("quyết định thành lập hội đồng"),
        max_length=300,
        blank=True,
        help_text=_("Số và ngày quyết định, ghi đúng như văn bản; để trống nếu chưa có."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CouncilStatus.choices, default=CouncilStatus.OPEN
    )
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)
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

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("hội đồng thẩm định")
        verbose_name_plural = _("hội đồng thẩm định")
        ordering = ["-plan_year", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("appraisal:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.call_id is not None:
            call = self.call
            if call is not None and (self.plan_year, self.level) != (call.year, call.level):
                raise ValidationError(
                    {
                        "call": _(
                            "Hội đồng của đợt “%(call)s” phải cùng năm kế hoạch (%(year)s) và cấp khuyến công."
                        )
                        % {"call": call.title, "year": call.year}
                    }
                )

    @property
    def is_open(self) -> bool:
        return self.status == CouncilStatus.OPEN


class CouncilMember(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="members", verbose_name=_("hội đồng")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="council_seats",
        verbose_name=_("thành viên"),
    )
    position = models.CharField(
        _("chức danh"), max_length=20, choices=Position.choices, default=Position.MEMBER
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("thành viên hội đồng")
        verbose_name_plural = _("thành viên hội đồng")
        ordering = ["council", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="appraisal_member_once"),
            models.UniqueConstraint(
                fields=["council"], condition=Q(position=Position.CHAIR), name="appraisal_one_chair"
            ),
            models.UniqueConstraint(
                fields=["council"], condition=Q(position=Position.SECRETARY), name="appraisal_one_secretary"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_position_display()})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def open(self) -> AssignmentQuerySet:
        """Proposals a council is still working on."""
        return self.filter(
            concluded_at__isnull=True,
            council__status=CouncilStatus.OPEN,
            project__status=Status.UNDER_APPRAISAL,
        )

    def pending_for(self, user: Any) -> AssignmentQuerySet:
        """Open proposals on which `user` still owes a declaration or a submitted sheet."""
        seat = CouncilMember.objects.filter(council=OuterRef("council"), user=user)
        conflicted = Declaration.objects.filter(
            assignment=OuterRef("pk"), member__user=user, has_conflict=True
        )
        submitted = ScoreSheet.objects.filter(
            assignment=OuterRef("pk"), member__user=user, submitted_at__isnull=False
        )
        return self.open().filter(Exists(seat), ~Exists(conflicted), ~Exists(submitted))

    def ready_to_conclude(self, minimum: int | None = None) -> AssignmentQuerySet:
        """Open proposals where every member has declared and every one without a conflict has
        submitted, with at least `minimum` sheets (KHUYENCONG_APPRAISAL_MIN_SCORES by default)."""
        minimum = settings.KHUYENCONG_APPRAISAL_MIN_SCORES if minimum is None else minimum
        conflicted = Declaration.objects.filter(
            member=OuterRef("pk"), assignment=OuterRef(OuterRef("pk")), has_conflict=True
        )
        submitted = ScoreSheet.objects.filter(
            member=OuterRef("pk"), assignment=OuterRef(OuterRef("pk")), submitted_at__isnull=False
        )
        pending = CouncilMember.objects.filter(council=OuterRef("council")).filter(
            ~Exists(conflicted), ~Exists(submitted)
        )
        sheets = (
            ScoreSheet.objects.filter(assignment=OuterRef("pk"), submitted_at__isnull=False)
            .order_by()
            .values("assignment")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.open()
            .filter(~Exists(pending))
            .annotate(submitted_sheets=Coalesce(Subquery(sheets), 0))
            .filter(submitted_sheets__gte=max(minimum, 1))
        )


class Assignment(models.Model):
    """A proposal given to a council to appraise, and the centre's conclusion on it."""

    council = models.ForeignKey(
        Council, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("hội đồng")
    )
    # One appraisal per proposal: the workflow never brings a project back to "under appraisal".
    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="appraisal", verbose_name=_("đề án")
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("kết luận"), max_length=20, choices=Outcome.choices, blank=True)
    reason = models.TextField(_("ý kiến kết luận"), blank=True)
    concluded_at = models.DateTimeField(_("thời điểm kết luận"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề án giao thẩm định")
        verbose_name_plural = _("đề án giao thẩm định")
        ordering = ["council", "assigned_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(concluded_at__isnull=True, outcome="")
                | Q(concluded_at__isnull=False) & ~Q(outcome=""),
                name="appraisal_assignment_outcome_when_concluded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} · {self.council.name}"

    def get_absolute_url(self) -> str:
        return reverse("appraisal:sheet", kwargs={"pk": self.council_id, "assignment": self.pk})

    @property
    def is_concluded(self) -> bool:
        return self.concluded_at is not None


class Declaration(models.Model):
    """A member's statement, per proposal, that they have no conflict of interest or have one (why)."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="declarations", verbose_name=_("đề án")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("thành viên")
    )
    has_conflict = models.BooleanField(_("có xung đột lợi ích"))
    reason = models.TextField(_("lý do"), blank=True)
    declared_at = models.DateTimeField(_("thời điểm khai báo"), default=timezone.now)

    class Meta:
        verbose_name = _("khai báo xung đột lợi ích")
        verbose_name_plural = _("khai báo xung đột lợi ích")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "member"], name="appraisal_declare_once"),
            models.CheckConstraint(
                condition=Q(has_conflict=False) | ~Q(reason=""), name="appraisal_conflict_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.assignment.project.code}"


class ScoreSheet(models.Model):
    """One member's scores for one proposal. Locked once submitted."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="sheets", verbose_name=_("đề án")
    )
    member = models.ForeignKey(
        CouncilMember, on_delete=models.PROTECT, related_name="sheets", verbose_name=_("thành viên")
    )
    # The date whose priority classifications pre-filled the sheet (the proposal's submission date).
    reference_date = models.DateField(_("ngày tham chiếu"))
    submitted_at = models.DateTimeField(_("thời điểm nộp phiếu"), null=True, blank=True)
    total = models.DecimalField(
        _("tổng điểm"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("phiếu chấm điểm")
        verbose_name_plural = _("phiếu chấm điểm")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "member"], name="appraisal_one_sheet"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(total__isnull=False),
                name="appraisal_submitted_sheet_has_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.assignment.project.code}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="scores", verbose_name=_("tiêu chí")
    )
    points = models.PositiveSmallIntegerField(_("điểm"), null=True, blank=True)
    # What the classifications suggested, and on what basis (kept as it was on the reference date).
    prefilled = models.PositiveSmallIntegerField(_("điểm điền sẵn"), null=True, blank=True)
    prefill_basis = models.CharField(_("căn cứ điền sẵn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("điểm theo tiêu chí")
        verbose_name_plural = _("điểm theo tiêu chí")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="appraisal_score_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.points}"

    @property
    def changed_from_prefill(self) -> bool:
        return self.prefilled is not None and self.points != self.prefilled
