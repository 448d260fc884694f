from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.core.search_index import SearchKeyField
from khuyencong.core.text import normalise_spaces, search_key, search_tokens
from khuyencong.establishments import tax_code
from khuyencong.establishments.choices import PERSONAL_TAX_CODE_FORMS, LegalForm, Sector
from khuyencong.geo.choices import Level


class EstablishmentQuerySet(models.QuerySet["Establishment"]):
    def active(self) -> EstablishmentQuerySet:
        return self.filter(merged_into__isnull=True)

    def visible_to(self, user: Any) -> EstablishmentQuerySet:
        """The records a user may read: the one place registry scope is decided."""
        from khuyencong.accounts.choices import Role
        from khuyencong.accounts.scope import ALL, scope_unit_ids

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.role == Role.BUSINESS and not user.is_superuser:
            return self.filter(pk=user.establishment_id) if user.establishment_id else self.none()
        if user.role in {Role.PUBLIC, Role.COUNCIL_MEMBER} and not user.is_superuser:
            return self.none()
        ids = scope_unit_ids(user)
        return self if ids is ALL else self.filter(commune_id__in=ids)


class Establishment(models.Model):
    """A rural industrial establishment (cơ sở CNNT) that the programme serves."""

    name = models.CharField(_("tên cơ sở"), max_length=255)
    legal_form = models.CharField(_("loại hình"), max_length=30, choices=LegalForm.choices)
    tax_code = models.CharField(_("mã số thuế"), max_length=14, blank=True, db_index=True)
    representative = models.CharField(_("người đại diện"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    commune = models.ForeignKey(
        "geo.AdministrativeUnit",
        on_delete=models.PROTECT,
        related_name="establishments",
        verbose_name=_("xã/phường"),
    )
    sector = models.CharField(_("ngành nghề"), max_length=30, choices=Sector.choices)
    workers = models.PositiveIntegerField(_("số lao động"), default=0)
    women_workers = models.PositiveIntegerField(_("trong đó lao động nữ"), default=0)
    ethnic_minority_workers = models.PositiveIntegerField(_("trong đó lao động dân tộc thiểu số"), default=0)
    founded_year = models.PositiveSmallIntegerField(_("năm thành lập"), null=True, blank=True)
    products = models.TextField(_("sản phẩm chính"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        verbose_name=_("đã gộp vào"),
        db_index=False,  # indexed partially, see Meta.indexes
    )
    # Folded, abbreviation-expanded name + tax code + address: what search matches (see search.py).
    search_key = SearchKeyField()
    # Folded name alone, for the duplicate check "same name in the same commune".
    name_key = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ sở CNNT")
        verbose_name_plural = _("cơ sở CNNT")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["commune", "name_key"], name="estab_commune_namekey"),
            models.Index(fields=["name", "id"], name="estab_name_id"),
            # Only merged records: every list filters `merged_into IS NULL`, and a full index on the
            # column tempts SQLite to use it and sort the whole registry instead of walking
            # estab_name_id (633 ms -> 2 ms at 1,000,000 rows; bench/README.md).
            models.Index(
                fields=["merged_into"], condition=Q(merged_into__isnull=False), name="estab_merged_into"
            ),
            # The results fact table reads each project's sector from its first beneficiary: with the
            # sector in the index that lookup never touches the 1,000,000-row heap (bench/results).
            models.Index(fields=["id", "sector"], name="estab_id_sector"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=Q(merged_into__isnull=True) & ~Q(tax_code=""),
                name="estab_unique_active_tax_code",
            ),
            models.CheckConstraint(
                condition=Q(women_workers__lte=F("workers")), name="estab_women_le_workers"
            ),
            models.CheckConstraint(
                condition=Q(ethnic_minority_workers__lte=F("workers")), name="estab_minority_le_workers"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("establishments:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.name = normalise_spaces(self.name)
        self.representative = normalise_spaces(self.representative)
        self.address = normalise_spaces(self.address)
        if self.tax_code:
            try:
                self.tax_code = tax_code.validate(self.tax_code)
            except ValidationError as exc:
                errors.setdefault("tax_code", []).extend(exc.messages)
            else:
                if len(self.tax_code) == 12 and self.legal_form not in PERSONAL_TAX_CODE_FORMS:
                    errors.setdefault("tax_code", []).append(
                        gettext(
                            "Số định danh cá nhân 12 số chỉ dùng cho hộ kinh doanh, nghệ nhân hoặc tổ hợp tác; "
                            "doanh nghiệp và hợp tác xã có mã số thuế 10 số."
                        )
                    )
        if self.phone:
            digits = re.sub(r"[\s.\-()]", "", self.phone)
            if digits.startswith("+84"):
                digits = "0" + digits[3:]
            if not (
                digits.isascii() and digits.isdigit() and digits.startswith("0") and 10 <= len(digits) <= 11
            ):
                errors.setdefault("phone", []).append(
                    gettext("Số điện thoại phải có 10–11 chữ số, bắt đầu bằng 0 hoặc +84.")
                )
            else:
                self.phone = digits
        if self.women_workers is not None and self.workers is not None and self.women_workers > self.workers:
            errors.setdefault("women_workers", []).append(
                gettext("Số lao động nữ không được lớn hơn tổng số lao động.")
            )
        if (
            self.ethnic_minority_workers is not None
            and self.workers is not None
            and self.ethnic_minority_workers > self.workers
        ):
            errors.setdefault("ethnic_minority_workers", []).append(
                gettext("Số lao động dân tộc thiểu số không được lớn hơn tổng số lao động.")
            )
        this_year = timezone.localdate().year
        if self.founded_year is not None and not 1900 <= self.founded_year <= this_year:
            errors.setdefault("founded_year", []).append(
                gettext("Năm thành lập phải từ 1900 đến %(year)s.") % {"year": this_year}
            )
        if self.commune_id is not None and self.commune.level != Level.COMMUNE:
            errors.setdefault("commune", []).append(
                gettext("Hãy chọn một xã, phường hoặc thị trấn, không phải cấp huyện/tỉnh.")
            )
        if errors:
            raise ValidationError(errors)
        self.search_key = search_key(self.name, self.tax_code, self.address, self.representative)
        self.name_key = " ".join(search_tokens(self.name))
