"""An uploaded file on its way in, and the trainee lists that had no home before this app.

A trainee (học viên) of a training project: the acceptance records only how many were trained, of whom
women and ethnic minority; the lists by name that centres keep in Excel land here.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.imports.choices import ImportKind, RunStatus, Sex


def run_upload_to(instance: ImportRun, filename: str) -> str:
    return f"imports/{instance.kind}/{filename}"


class ImportRun(models.Model):
    """One uploaded file: checked first (dry run), then imported whole or not at all."""

    kind = models.CharField(_("loại dữ liệu"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(_("tệp"), upload_to=run_upload_to, max_length=300)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"), default=0)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    # The last pass's report (ImportReport.as_dict): counts, errors (the first ones), notices.
    report = models.JSONField(_("kết quả kiểm tra"), default=dict, blank=True)
    annotated = models.FileField(
        _("bản chú thích lỗi"), upload_to="imports/annotated/", max_length=300, blank=True
    )
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    created = models.PositiveIntegerField(_("số bản ghi tạo mới"), default=0)
    updated = models.PositiveIntegerField(_("số bản ghi cập nhật"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tải lên")
    )
    requested_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)
    finished_at = models.DateTimeField(_("thời điểm xong"), null=True, blank=True)

    class Meta:
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("các lần nhập dữ liệu")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:run", kwargs={"pk": self.pk})

    @property
    def finished(self) -> bool:
        return self.status in {RunStatus.CHECKED, RunStatus.DONE, RunStatus.FAILED}


class Trainee(models.Model):
    """One person trained under a training project (the course)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("khoá đào tạo (đề án)"),
    )
    full_name = models.CharField(_("họ và tên"), max_length=150)
    # Folded name: with the project and birth year, what recognises the same person in a second file.
    name_key = models.CharField(max_length=150, editable=False)
    sex = models.CharField(_("giới tính"), max_length=10, choices=Sex.choices)
    ethnicity = models.CharField(_("dân tộc"), max_length=40)
    birth_year = models.PositiveSmallIntegerField(
        _("năm sinh"), validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="trainees",
        verbose_name=_("xã/phường cư trú"),
    )
    # A course's roster carries them for certificates and the settlement of its allowances; personal
    # data, shown in full only as privacy.policy says.
    id_number = models.CharField(_("số định danh cá nhân (CCCD)"), max_length=12, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")
        ordering = ["project_id", "full_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name_key", "birth_year"], name="imports_trainee_once_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.birth_year})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from khuyencong.imports.choices import Sex
        from khuyencong.privacy import validators

        errors: dict[str, list[str]] = {}
        if self.id_number:
            try:
                self.id_number = validators.citizen_id(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
            else:
                year, female = validators.citizen_id_birth(self.id_number)
                if self.birth_year and year != self.birth_year:
                    errors["id_number"] = [
                        gettext("Số định danh cá nhân ghi năm sinh %(year)s, không khớp năm sinh %(birth)s.")
                        % {"year": year, "birth": self.birth_year}
                    ]
                elif self.sex and female != (self.sex == Sex.FEMALE):
                    errors["id_number"] = [gettext("Số định danh cá nhân không khớp giới tính đã ghi.")]
        if self.phone:
            try:
                self.phone = validators.phone(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def is_ethnic_minority(self) -> bool:
        from khuyencong.core.text import fold

        return fold(self.ethnicity).strip() != "kinh"
