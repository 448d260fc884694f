from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.search_index import SearchKeyField
from khuyencong.core.text import fold
from khuyencong.projects.choices import (
    SUPPORT_SOURCES,
    ContentCategory,
    ExpectedIndicator,
    FundingSource,
    ProgrammeLevel,
    Status,
    SubType,
)
from khuyencong.projects.documents import document_upload_to

NON_NEGATIVE = [MinValueValidator(0)]


def code_key(code: str) -> str:
    """'KCĐP-2024-007' and 'kcdp-2024-007' are the same project code.

    A NUL (refused in every stored code by the forms) becomes U+FFFD, so a typed code holding one finds
    nothing instead of reaching PostgreSQL, which refuses NUL in text parameters."""
    return fold(code).strip().upper().replace("\x00", "\ufffd")


class ProjectQuerySet(models.QuerySet["Project"]):
    def visible_to(self, user: Any) -> ProjectQuerySet:
        """The projects a user may read: the one place project scope is decided."""
        from khuyencong.accounts.choices import Role
        from khuyencong.accounts.scope import ALL, scope_unit_ids

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser or user.role in {Role.ADMIN, Role.OFFICER, Role.LEADER}:
            return self
        if user.role == Role.BUSINESS:
            own = Q(created_by=user)
            if user.establishment_id:
                own |= Q(beneficiaries=user.establishment_id)
            return self.filter(own).distinct()
        if user.role == Role.COUNCIL_MEMBER:
            from khuyencong.appraisal.models import Assignment

            # Appraisal: the proposals given to councils they sit on. Acceptance: what waits for one.
            appraised = Assignment.objects.filter(council__members__user=user).values("project_id")
            return self.filter(Q(pk__in=appraised) | Q(status=Status.AWAITING_ACCEPTANCE))
        if user.role == Role.COMMUNE_OFFICER:
            ids = scope_unit_ids(user)
            return self if ids is ALL else self.filter(Q(unit_id__in=ids) | Q(created_by=user))
        return self.none()

    def update(self, **kwargs: Any) -> int:
        """An UPDATE sends no signal, so the projects' stored facts (results.facts) are refreshed here."""
        from khuyencong.results import facts

        with transaction.atomic(using=self.db):
            ids = list(self.values_list("pk", flat=True))
            count = super().update(**kwargs)
            facts.refresh(ids)
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[Project], *args: Any, **kwargs: Any) -> list[Project]:
        from khuyencong.results import facts

        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            facts.refresh(p.pk for p in created)
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


class FactsQuerySet(models.QuerySet[Any]):
    """Bulk writes send no signal: these refresh the stored facts of the projects they touch (results.facts)
    themselves, so the summary's table stays current whichever way a row is written."""

    project_path = "project_id"

    def _project_ids(self, rows: Iterable[Any] = ()) -> list[int]:
        if rows:
            return [getattr(row, self.project_path) for row in rows]
        return list(self.values_list(self.project_path, flat=True))

    def update(self, **kwargs: Any) -> int:
        from khuyencong.results import facts

        with transaction.atomic(using=self.db):
            ids = self._project_ids()
            count = super().update(**kwargs)
            facts.refresh(ids)
        return count

    update.alters_data = True  # type: ignore[attr-defined]

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        from khuyencong.results import facts

        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            facts.refresh(self._project_ids(created))
        return created

    bulk_create.alters_data = True  # type: ignore[attr-defined]


class ResultQuerySet(FactsQuerySet):
    def _project_ids(self, rows: Iterable[Any] = ()) -> list[int]:
        acceptances = {row.acceptance_id for row in rows} if rows else self.values("acceptance_id")
        return list(Acceptance.objects.filter(pk__in=acceptances).values_list("project_id", flat=True))


class Project(models.Model):
    code = models.CharField(_("mã đề án"), max_length=40)
    code_key = models.CharField(max_length=40, unique=True, editable=False)
    title = models.CharField(_("tên đề án"), max_length=300)
    category = models.CharField(_("nội dung hỗ trợ"), max_length=40, choices=ContentCategory.choices)
    subtype = models.CharField(_("loại chi tiết"), max_length=40, choices=SubType.choices, blank=True)
    level = models.CharField(_("cấp khuyến công"), max_length=10, choices=ProgrammeLevel.choices)
    is_pilot = models.BooleanField(_("đề án điểm"), default=False)
    plan_year = models.PositiveSmallIntegerField(_("năm kế hoạch"))
    call = models.ForeignKey(
        "projects.Call",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("đợt xét chọn"),
    )
    implementing_unit = models.CharField(_("đơn vị thực hiện"), max_length=300)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name=_("địa điểm"),
    )
    beneficiaries = models.ManyToManyField(
        "establishments.Establishment", blank=True, related_name="projects", verbose_name=_("cơ sở thụ hưởng")
    )
    partners = models.TextField(
        _("cơ quan phối hợp"), blank=True, help_text=_("Mỗi dòng một cơ quan, tổ chức")
    )
    description = models.TextField(_("mô tả"), blank=True)
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    eligible_cost = models.BigIntegerField(_("chi phí hợp lệ (đồng)"), validators=NON_NEGATIVE, default=0)

    status = models.CharField(_("trạng thái"), max_length=30, choices=Status.choices, default=Status.DRAFT)
    submitted_on = models.DateField(_("ngày nộp"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định phê duyệt"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    approved_support = models.BigIntegerField(
        _("kinh phí hỗ trợ được duyệt (đồng)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    contract_number = models.CharField(_("số hợp đồng"), max_length=60, blank=True)
    contract_date = models.DateField(_("ngày ký hợp đồng"), null=True, blank=True)
    contract_amount = models.BigIntegerField(
        _("giá trị hợp đồng (đồng)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    settled_amount = models.BigIntegerField(
        _("kinh phí quyết toán (đồng)"), null=True, blank=True, validators=NON_NEGATIVE
    )
    liquidation_date = models.DateField(_("ngày thanh lý hợp đồng"), null=True, blank=True)
    suspended_from = models.CharField(max_length=30, choices=Status.choices, blank=True, editable=False)
    repeat_justification = models.TextField(_("giải trình hỗ trợ lặp lại"), blank=True)
    # Written once by the appraisal when its council concludes; the annual plan ranks by it.
    appraisal_score = models.DecimalField(
        _("điểm thẩm định"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
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
    search_key = SearchKeyField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("đề án")
        verbose_name_plural = _("đề án")
        ordering = ["-plan_year", "code_key"]
        indexes = [
            models.Index(fields=["status", "plan_year"], name="project_status_year"),
            # Every list of projects is in this order: with 40,000 rows a page is an index walk, not a sort.
            models.Index(fields=["-plan_year", "code_key"], name="project_year_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible_cost__gte=0), name="project_eligible_cost_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(settled_amount__isnull=True)
                | Q(approved_support__isnull=False, settled_amount__lte=models.F("approved_support")),
                name="project_settled_le_approved",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="project_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"code": self.code_key})

    # Money, derived from the rows that record it (never stored twice).
    def budget(self) -> dict[str, int]:
        return {line.source: line.amount for line in self.budget_lines.all()}

    @property
    def requested_support(self) -> int:
        return sum(amount for source, amount in self.budget().items() if source in SUPPORT_SOURCES)

    @property
    def total_cost(self) -> int:
        return sum(self.budget().values())

    def advanced_total(self) -> int:
        return int(self.advances.aggregate(total=Sum("amount"))["total"] or 0)

    def recovered_total(self) -> int:
        return int(self.recoveries.aggregate(total=Sum("amount"))["total"] or 0)


class BudgetLine(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    source = models.CharField(_("nguồn kinh phí"), max_length=20, choices=FundingSource.choices)
    amount = models.BigIntegerField(_("số tiền (đồng)"), validators=NON_NEGATIVE)

    objects = FactsQuerySet.as_manager()

    class Meta:
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = _("dòng kinh phí")
        # The results figures read one line's amount per project and source: answered from the index alone.
        indexes = [models.Index(fields=["project", "source", "amount"], name="budget_line_cover")]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="budget_line_one_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.amount}"


class ExpectedResult(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expected_results")
    indicator = models.CharField(_("chỉ tiêu"), max_length=40, choices=ExpectedIndicator.choices)
    value = models.PositiveIntegerField(_("giá trị dự kiến"))

    class Meta:
        verbose_name = _("kết quả dự kiến")
        verbose_name_plural = _("kết quả dự kiến")
        constraints = [
            models.UniqueConstraint(fields=["project", "indicator"], name="expected_one_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value}"


class Advance(models.Model):
    """Money paid out before settlement (tạm ứng)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="advances")
    amount = models.BigIntegerField(_("số tiền tạm ứng (đồng)"), validators=[MinValueValidator(1)])
    paid_on = models.DateField(_("ngày tạm ứng"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("tạm ứng")
        verbose_name_plural = _("tạm ứng")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="advance_positive")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.amount}"


class Recovery(models.Model):
    """Money advanced above the settled amount, to be paid back (thu hồi)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="recoveries")
    amount = models.BigIntegerField(_("số tiền thu hồi (đồng)"), validators=[MinValueValidator(1)])
    recorded_on = models.DateField(_("ngày ghi nhận"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("thu hồi")
        verbose_name_plural = _("thu hồi")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_positive")]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.amount}"


# Calls for proposals (đợt xét chọn) -------------------------------------------------------------------


def validate_call_categories(value: Any) -> None:
    """A call accepts a non-empty list of distinct content-category codes (DESIGN §3)."""
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Đợt xét chọn phải nhận ít nhất một nội dung hỗ trợ."), code="no_category")
    unknown = [code for code in value if not isinstance(code, str) or code not in ContentCategory.values]
    if unknown:
        raise ValidationError(
            _("Nội dung hỗ trợ không có trong danh mục: %(codes)s.")
            % {"codes": ", ".join(str(code) for code in unknown)},
            code="unknown_category",
        )
    if len(set(value)) != len(value):
        raise ValidationError(_("Mỗi nội dung hỗ trợ chỉ ghi một lần."), code="duplicate_category")


class CallStatus(models.TextChoices):
    """Derived from the call's dates at a given moment; never stored."""

    UPCOMING = "upcoming", _("Chưa mở")
    OPEN = "open", _("Đang nhận hồ sơ")
    CLOSED = "closed", _("Đã hết hạn nộp")


class CallQuerySet(models.QuerySet["Call"]):
    def open_at(self, moment: Any) -> CallQuerySet:
        return self.filter(opens_at__lte=moment, deadline__gte=moment)

    def upcoming_at(self, moment: Any) -> CallQuerySet:
        return self.filter(opens_at__gt=moment)

    def closed_at(self, moment: Any) -> CallQuerySet:
        return self.filter(deadline__lt=moment)


class Call(models.Model):
    """A call for proposals: a plan year, a programme level, a window of dates and the categories it takes.

    Open from `opens_at` up to and including `deadline`; whether it is open is read from those dates.
    """

    year = models.PositiveSmallIntegerField(
        _("năm kế hoạch"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    level = models.CharField(_("cấp khuyến công"), max_length=10, choices=ProgrammeLevel.choices)
    title = models.CharField(_("tên đợt"), max_length=300)
    opens_at = models.DateTimeField(_("ngày mở nhận hồ sơ"))
    deadline = models.DateTimeField(_("hạn nộp hồ sơ"))
    categories = models.JSONField(
        _("nội dung nhận hồ sơ"),
        default=list,
        validators=[validate_call_categories],
        error_messages={"blank": _("Đợt xét chọn phải nhận ít nhất một nội dung hỗ trợ.")},
    )
    note = models.TextField(_("ghi chú"), blank=True)
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

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt xét chọn")
        verbose_name_plural = _("đợt xét chọn")
        ordering = ["-deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")), name="call_deadline_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        if self.opens_at and self.deadline and self.deadline <= self.opens_at:
            raise ValidationError({"deadline": _("Hạn nộp phải sau ngày mở nhận hồ sơ.")})

    def status_at(self, moment: Any) -> CallStatus:
        if moment < self.opens_at:
            return CallStatus.UPCOMING
        if moment > self.deadline:
            return CallStatus.CLOSED
        return CallStatus.OPEN

    @property
    def status(self) -> CallStatus:
        return self.status_at(timezone.now())

    def accepts(self, category: str) -> bool:
        return category in self.categories

    def category_labels(self) -> list[str]:
        return [
            str(ContentCategory(code).label) for code in self.categories if code in ContentCategory.values
        ]


COUNCIL_TEXT_MAX = 200


def validate_council_members(value: Any) -> None:
    """A list of {"name", "position"} rows, both filled in, each within COUNCIL_TEXT_MAX characters."""
    if not isinstance(value, list):
        raise ValidationError(_("Danh sách thành viên hội đồng không hợp lệ."), code="invalid")
    for number, row in enumerate(value, start=1):
        if (
            not isinstance(row, dict)
            or set(row) != {"name", "position"}
            or not all(isinstance(row[key], str) and row[key].strip() for key in ("name", "position"))
        ):
            raise ValidationError(
                _("Thành viên hội đồng thứ %(n)s cần ghi đủ họ tên và chức vụ.") % {"n": number},
                code="incomplete",
            )
        if any(len(row[key]) > COUNCIL_TEXT_MAX for key in ("name", "position")):
            raise ValidationError(
                _("Họ tên, chức vụ của thành viên hội đồng thứ %(n)s dài quá %(max)s ký tự.")
                % {"n": number, "max": COUNCIL_TEXT_MAX},
                code="too_long",
            )


class Acceptance(models.Model):
    """The council's on-site acceptance (nghiệm thu): what was achieved against what was expected."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="acceptance")
    held_on = models.DateField(_("ngày nghiệm thu"))
    accepted = models.BooleanField(_("đạt yêu cầu"))
    notes = models.TextField(_("nhận xét của hội đồng"), blank=True)
    # Trainees by sex and ethnic minority, reported beside the workers_trained result.
    trained_women = models.PositiveIntegerField(_("trong đó nữ"), default=0)
    trained_ethnic_minority = models.PositiveIntegerField(_("trong đó dân tộc thiểu số"), default=0)
    # [{"name": ..., "position": ...}] in the order the minutes list them; the minutes print this list.
    council_members = models.JSONField(
        _("thành viên hội đồng có mặt"), default=list, blank=True, validators=[validate_council_members]
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = FactsQuerySet.as_manager()

    class Meta:
        verbose_name = _("biên bản nghiệm thu")
        verbose_name_plural = _("biên bản nghiệm thu")

    def __str__(self) -> str:
        return f"{self.project.code} ({self.held_on:%d/%m/%Y})"

    def council(self) -> list[tuple[str, str]]:
        """(name, position) of each member present, in order."""
        return [(row["name"], row["position"]) for row in self.council_members]


class ActualResult(models.Model):
    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="results")
    indicator = models.CharField(_("chỉ tiêu"), max_length=40, choices=ExpectedIndicator.choices)
    value = models.PositiveIntegerField(_("giá trị đạt được"))

    objects = ResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("kết quả đạt được")
        verbose_name_plural = _("kết quả đạt được")
        # The results figures read one value per acceptance and indicator: answered from the index alone.
        indexes = [models.Index(fields=["acceptance", "indicator", "value"], name="actual_result_cover")]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "indicator"], name="actual_one_per_indicator")
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()}: {self.value}"


class Machine(models.Model):
    """A machine or line handed over under the project, identified by its serial number."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="machines")
    name = models.CharField(_("tên máy, thiết bị"), max_length=200)
    serial_number = models.CharField(_("số hiệu (serial)"), max_length=100)

    class Meta:
        verbose_name = _("máy móc bàn giao")
        verbose_name_plural = _("máy móc bàn giao")
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "serial_number"], name="machine_serial_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.serial_number})"


# Documents attached to a project (issue 3 §7) ------------------------------------------------------


class DocumentKind(models.TextChoices):
    DECISION = "decision", _("Quyết định")
    CONTRACT = "contract", _("Hợp đồng")
    SETTLEMENT = "settlement", _("Hồ sơ quyết toán")
    INVOICE = "invoice", _("Hoá đơn, chứng từ")
    PHOTO = "photo", _("Ảnh")
    MINUTES = "minutes", _("Biên bản")
    OTHER = "other", _("Khác")


class ProjectDocument(models.Model):
    """A file attached to a project, kept under MEDIA_ROOT (never in the database) and named by its hash."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("loại tài liệu"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("tên tài liệu"), max_length=300)
    file = models.FileField(_("tệp"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tải lên")
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tài liệu đính kèm")
        verbose_name_plural = _("tài liệu đính kèm")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sha256"], name="project_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("projects:document", kwargs={"code": self.project.code_key, "pk": self.pk})


# The acceptance checklist (issue 3 §6) --------------------------------------------------------------


class ChecklistAnswer(models.TextChoices):
    MET = "met", _("Đạt")
    NOT_MET = "not_met", _("Không đạt")
    NOT_APPLICABLE = "not_applicable", _("Không áp dụng")


class AcceptanceChecklistItem(models.Model):
    """One point the acceptance council checks for projects of a content category.

    Configurable data: no legal text lists these points, so the shipped items are the development team's
    suggestion (verified=False, shown as "chưa đối chiếu văn bản gốc") for administrators to edit.
    An item is retired (active=False), never deleted, because past acceptances refer to it.
    """

    category = models.CharField(_("nội dung hỗ trợ"), max_length=40, choices=ContentCategory.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.CharField(_("nội dung kiểm tra"), max_length=500)
    required = models.BooleanField(
        _("bắt buộc"),
        default=False,
        help_text=_("Mục bắt buộc được ghi “không đạt” thì hội đồng không thể kết luận đạt."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    verified = models.BooleanField(
        _("đã đối chiếu văn bản"),
        default=False,
        help_text=_("Bỏ trống khi mục chỉ là gợi ý, chưa đối chiếu với văn bản hay quy định của tỉnh."),
    )
    note = models.TextField(_("ghi chú, căn cứ"), blank=True)

    class Meta:
        verbose_name = _("mục kiểm tra khi nghiệm thu")
        verbose_name_plural = _("danh mục kiểm tra khi nghiệm thu")
        ordering = ["category", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["category", "text"], name="checklist_item_once_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text}"


class AcceptanceChecklistAnswer(models.Model):
    """The council's answer to one checklist item, with the item's wording and weight as they were asked."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="checklist")
    item = models.ForeignKey(AcceptanceChecklistItem, on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    item_text = models.CharField(_("nội dung kiểm tra"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=False)
    answer = models.CharField(_("kết quả kiểm tra"), max_length=20, choices=ChecklistAnswer.choices)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kết quả kiểm tra khi nghiệm thu")
        verbose_name_plural = _("kết quả kiểm tra khi nghiệm thu")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "item"], name="checklist_answer_once_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_text}: {self.get_answer_display()}"


# Amendments (điều chỉnh đề án, issue 3 §2) ------------------------------------------------------------


class AmendmentStatus(models.TextChoices):
    REQUESTED = "requested", _("Chờ phê duyệt")
    APPROVED = "approved", _("Đã phê duyệt")
    REJECTED = "rejected", _("Không phê duyệt")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Amendment(models.Model):
    """A request to change an approved project, with its reason and each field's value before and after.

    `changes` is {field key: {"before": value, "after": value}} with JSON values (ISO dates, whole numbers,
    text, or null for a budget line or result that does not exist); khuyencong.projects.amendments names
    the keys. Nothing changes on the project until the leader approves.
    """

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="amendments")
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.REQUESTED
    )
    reason = models.TextField(_("lý do điều chỉnh"))
    changes = models.JSONField(_("nội dung điều chỉnh"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đề nghị")
    )
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người quyết định"),
    )
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến khi quyết định"), blank=True)

    class Meta:
        verbose_name = _("điều chỉnh đề án")
        verbose_name_plural = _("điều chỉnh đề án")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request at a time: a second would be judged against "before" values the first
            # may change.
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="requested"),
                name="amendment_one_open_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code}: {self.get_status_display()} ({self.requested_at:%d/%m/%Y})"

    @property
    def is_open(self) -> bool:
        return self.status == AmendmentStatus.REQUESTED
