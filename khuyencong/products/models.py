"""Typical rural industrial products (sản phẩm CNNT tiêu biểu) and the rounds that select them.

A product belongs to a producer (an establishment of the registry) and a commune; it is public once it
holds at least one recognition (công nhận) at a level and year, with its certificate. A selection round
(bình chọn) at one level and year takes entries, seats a council whose members each score every entry
on the 100-point sheet, and on closing records, for every entry whose mean reaches the round's pass mark,
the recognition of that product (services.round_close).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.search_index import SearchKeyField
from khuyencong.core.text import normalise_spaces, search_key
from khuyencong.establishments.choices import LegalForm
from khuyencong.geo.choices import Level
from khuyencong.products.choices import (
    CRITERIA,
    DEFAULT_PASS_MARK,
    LEVEL_RANK,
    REFORM_DATE,
    MemberPosition,
    ProductGroup,
    RecognitionLevel,
    RoundStatus,
)
from khuyencong.products.uploads import certificate_upload_to, photo_upload_to

YEAR_VALIDATORS = [MinValueValidator(1990), MaxValueValidator(2100)]


def district_after_reform_error(level: str, day: dt.date | None) -> str:
    """Why a district-level round or recognition cannot carry this date ('' when it can)."""
    if level == RecognitionLevel.DISTRICT and day is not None and day >= REFORM_DATE:
        return gettext(
            "Cấp huyện chỉ áp dụng cho đợt bình chọn trước ngày 01/07/2025 (từ ngày này không còn cấp "
            "huyện); ngày %(day)s phải chọn cấp tỉnh, khu vực hoặc quốc gia."
        ) % {"day": day.strftime("%d/%m/%Y")}
    return ""


class Product(models.Model):
    name = models.CharField(_("tên sản phẩm"), max_length=200)
    # Set once when the product is created and never changed: printed labels carry it in their QR code.
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True, editable=False)
    group = models.CharField(_("nhóm sản phẩm"), max_length=20, choices=ProductGroup.choices)
    producer = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.PROTECT,
        related_name="typical_products",
        verbose_name=_("cơ sở sản xuất"),
    )
    commune = models.ForeignKey(
        "geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("xã/phường")
    )
    description = models.TextField(_("mô tả"), max_length=5000, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)
    search_key = SearchKeyField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sản phẩm CNNT tiêu biểu")
        verbose_name_plural = _("sản phẩm CNNT tiêu biểu")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("products:detail", kwargs={"slug": self.slug})

    def get_manage_url(self) -> str:
        return reverse("products:manage_detail", kwargs={"pk": self.pk})

    @property
    def producer_public_name(self) -> str:
        """The producer as a public page names it: an organisation or household business by its business
        name; an artisan is a person, so only the kind is shown."""
        if self.producer.legal_form == LegalForm.ARTISAN:
            return gettext("Nghệ nhân (tên không công khai)")
        return self.producer.name

    def clean(self) -> None:
        self.name = normalise_spaces(self.name or "")
        self.description = (self.description or "").strip()
        if self.commune_id is not None and self.commune.level != Level.COMMUNE:
            raise ValidationError({"commune": gettext("Hãy chọn một xã, phường hoặc thị trấn.")})
        producer = (
            self.producer.name if self.producer_id and self.producer.legal_form != LegalForm.ARTISAN else ""
        )
        commune = self.commune.name if self.commune_id else ""
        self.search_key = search_key(self.name, producer, commune)[:800]


class ProductPhoto(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("ảnh"), upload_to=photo_upload_to, max_length=300)
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=255, blank=True)
    caption = models.CharField(_("chú thích ảnh"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ảnh sản phẩm")
        verbose_name_plural = _("ảnh sản phẩm")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "sha256"], name="products_photo_once")]

    def __str__(self) -> str:
        return self.caption or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("products:photo", kwargs={"slug": self.product.slug, "pk": self.pk})


class SelectionRound(models.Model):
    name = models.CharField(_("tên đợt bình chọn"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"), validators=YEAR_VALIDATORS)
    level = models.CharField(_("cấp bình chọn"), max_length=10, choices=RecognitionLevel.choices)
    held_on = models.DateField(_("ngày bình chọn"))
    pass_mark = models.PositiveSmallIntegerField(
        _("điểm đạt"),
        default=DEFAULT_PASS_MARK,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Điểm trung bình tối thiểu để sản phẩm được công nhận (mặc định 70/100)."),
    )
    # Typed as the document states it; nothing fills it in for the user.
    decision_reference = models.CharField(
        _("quyết định công nhận"),
        max_length=300,
        blank=True,
        help_text=_("Số và ngày quyết định, ghi đúng như văn bản; để trống nếu chưa có."),
    )
    note = models.TextField(_("ghi chú"), blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đợt bình chọn sản phẩm")
        verbose_name_plural = _("đợt bình chọn sản phẩm")
        ordering = ["-year", "-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="products_round_pass_mark"
            ),
            models.CheckConstraint(
                condition=~Q(level=RecognitionLevel.DISTRICT) | Q(held_on__lt=REFORM_DATE),
                name="products_round_no_district_after_reform",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("products:round_detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        self.name = normalise_spaces(self.name or "")
        self.decision_reference = normalise_spaces(self.decision_reference or "")
        problem = district_after_reform_error(self.level, self.held_on)
        if problem:
            raise ValidationError({"level": problem})


class RoundMember(models.Model):
    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("thành viên")
    )
    position = models.CharField(
        _("chức danh"), max_length=20, choices=MemberPosition.choices, default=MemberPosition.MEMBER
    )

    class Meta:
        verbose_name = _("thành viên hội đồng bình chọn")
        verbose_name_plural = _("thành viên hội đồng bình chọn")
        ordering = ["round", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="products_member_once"),
            models.UniqueConstraint(
                fields=["round"], condition=Q(position=MemberPosition.CHAIR), name="products_one_chair"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_position_display()})"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.username


class Recognition(models.Model):
    """A product recognised as typical at a level in a year, with its certificate."""

    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("sản phẩm")
    )
    level = models.CharField(_("cấp công nhận"), max_length=10, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField(_("năm công nhận"), validators=YEAR_VALIDATORS)
    # The date of the round (or of the decision when no round is recorded here): decides whether the
    # district level still existed.
    decided_on = models.DateField(_("ngày bình chọn/công nhận"))
    round = models.ForeignKey(
        SelectionRound,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recognitions",
        verbose_name=_("đợt bình chọn"),
    )
    # Entered by an officer from the certificate; never generated.
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=100, blank=True)
    certificate_date = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)
    certificate_file = models.FileField(
        _("tệp giấy chứng nhận"), upload_to=certificate_upload_to, max_length=300, blank=True
    )
    certificate_sha256 = models.CharField(max_length=64, blank=True)
    certificate_content_type = models.CharField(max_length=100, blank=True)
    is_demo = models.BooleanField(_("dữ liệu minh hoạ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("công nhận sản phẩm tiêu biểu")
        verbose_name_plural = _("công nhận sản phẩm tiêu biểu")
        ordering = ["-year", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "level", "year"], name="products_recognised_once"),
            models.CheckConstraint(
                condition=~Q(level=RecognitionLevel.DISTRICT) | Q(decided_on__lt=REFORM_DATE),
                name="products_no_district_after_reform",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} · {self.get_level_display()} {self.year}"

    @property
    def rank(self) -> int:
        return LEVEL_RANK[RecognitionLevel(self.level)]

    def clean(self) -> None:
        self.certificate_number = normalise_spaces(self.certificate_number or "")
        problem = district_after_reform_error(self.level, self.decided_on)
        if problem:
            raise ValidationError({"level": problem})
        if self.certificate_date and self.decided_on and self.certificate_date < self.decided_on:
            raise ValidationError(
                {
                    "certificate_date": gettext(
                        "Ngày cấp giấy chứng nhận không được trước ngày bình chọn/công nhận."
                    )
                }
            )


class Entry(models.Model):
    """A product put forward to a round, and the round's result for it."""

    round = models.ForeignKey(SelectionRound, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="entries", verbose_name=_("sản phẩm")
    )
    # The producer as entered (the product's producer may change later).
    producer = models.ForeignKey(
        "establishments.Establishment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ sở sản xuất"),
    )
    description = models.TextField(_("thuyết minh"), max_length=5000, blank=True)
    mean_score = models.DecimalField(
        _("điểm trung bình"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    sheet_count = models.PositiveSmallIntegerField(_("số phiếu"), null=True, blank=True)
    passed = models.BooleanField(_("đạt"), null=True, blank=True)
    recognition = models.OneToOneField(
        Recognition, null=True, blank=True, on_delete=models.PROTECT, related_name="entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sản phẩm dự bình chọn")
        verbose_name_plural = _("sản phẩm dự bình chọn")
        ordering = ["round", "created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "product"], name="products_entry_once")]

    def __str__(self) -> str:
        return f"{self.product} · {self.round}"


class Conflict(models.Model):
    """A member's declared conflict of interest on one entry: they do not score it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="conflicts")
    member = models.ForeignKey(RoundMember, on_delete=models.PROTECT, related_name="conflicts")
    reason = models.TextField(_("lý do"), max_length=2000)
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khai báo xung đột lợi ích")
        verbose_name_plural = _("khai báo xung đột lợi ích")
        constraints = [
            models.UniqueConstraint(fields=["entry", "member"], name="products_conflict_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="products_conflict_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.entry.product}"


def _points_field(label: Any, maximum: int) -> models.PositiveSmallIntegerField[Any, Any]:
    return models.PositiveSmallIntegerField(label, validators=[MaxValueValidator(maximum)])


class ScoreSheet(models.Model):
    """One member's 100-point sheet for one entry. Submitted once; never changed afterwards."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="sheets")
    member = models.ForeignKey(RoundMember, on_delete=models.PROTECT, related_name="sheets")
    market = _points_field(CRITERIA[0].label, CRITERIA[0].max_points)
    economic = _points_field(CRITERIA[1].label, CRITERIA[1].max_points)
    culture = _points_field(CRITERIA[2].label, CRITERIA[2].max_points)
    other = _points_field(CRITERIA[3].label, CRITERIA[3].max_points)
    total = models.PositiveSmallIntegerField(_("tổng điểm"), validators=[MaxValueValidator(100)])
    submitted_at = models.DateTimeField(_("thời điểm nộp phiếu"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiếu chấm sản phẩm")
        verbose_name_plural = _("phiếu chấm sản phẩm")
        ordering = ["entry", "member", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "member"], name="products_one_sheet"),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{c.code}__lte": c.max_points}), name=f"products_sheet_{c.code}_max"
                )
                for c in CRITERIA
            ],
            models.CheckConstraint(
                condition=Q(
                    total=models.F("market") + models.F("economic") + models.F("culture") + models.F("other")
                ),
                name="products_sheet_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} · {self.entry.product}: {self.total}"
