from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.search_index import SearchKeyField
from khuyencong.core.text import search_key
from khuyencong.geo.choices import Generation, Level, PriorityKind


class AdministrativeUnit(models.Model):
    code = models.CharField(_("mã thống kê"), max_length=10)
    generation = models.CharField(_("hệ thống"), max_length=10, choices=Generation.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    name = models.CharField(_("tên đầy đủ"), max_length=150)
    short_name = models.CharField(_("tên ngắn"), max_length=120)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    # A blank start means "not known": the legacy data is a snapshot of 30/6/2025, not a history.
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    search_key = SearchKeyField(max_length=300)
    successors: models.ManyToManyField[AdministrativeUnit, UnitSuccession] = models.ManyToManyField(
        "self",
        through="UnitSuccession",
        through_fields=("predecessor", "successor"),
        symmetrical=False,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["generation", "level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["generation", "level", "code"], name="geo_unit_unique_code"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="geo_unit_valid_range",
            ),
        ]

    def __str__(self) -> str:
        parent = self.parent if self.parent_id else None
        if parent is not None and self.level == Level.COMMUNE and self.generation == Generation.LEGACY:
            return f"{self.name}, {parent.short_name}"
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The key behind diacritics-free search; the loader writes it itself when it bulk-inserts.
        self.search_key = search_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("geo:unit_detail", kwargs={"pk": self.pk})

    @property
    def is_current(self) -> bool:
        return self.generation == Generation.CURRENT

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class UnitSuccession(models.Model):
    """old → new. A divided old commune has several successors; one of them is the default."""

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="succession_links",
        verbose_name=_("đơn vị cũ"),
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("đơn vị mới"),
    )
    is_default = models.BooleanField(_("kế thừa chính"), default=False)
    effective = models.DateField(_("ngày hiệu lực"))

    class Meta:
        verbose_name = _("quan hệ kế thừa")
        verbose_name_plural = _("quan hệ kế thừa")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="geo_succession_unique"),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(is_default=True), name="geo_succession_one_default"
            ),
        ]
        indexes = [
            # Mapping an old unit to its current one picks the default successor first, then the lowest
            # id: in this order the pick is an index walk instead of a sort per project (bench/results).
            models.Index(fields=["predecessor", "-is_default", "successor"], name="geo_succession_pick"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class PriorityClassification(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="priorities", verbose_name=_("đơn vị")
    )
    kind = models.CharField(_("loại địa bàn ưu tiên"), max_length=30, choices=PriorityKind.choices)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True)
    # Lists we hold no official source for ship unverified and say so on every page that uses them.
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("phân loại địa bàn ưu tiên")
        verbose_name_plural = _("phân loại địa bàn ưu tiên")
        ordering = ["unit__code", "kind", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind", "valid_from"], name="geo_priority_unique"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="geo_priority_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")})
        if self.unit_id and self.kind and self.valid_from:
            # Two records of one kind in force on the same day would make "is this commune
            # difficult on that date?" depend on which one is read first.
            clash = (
                PriorityClassification.objects.filter(unit_id=self.unit_id, kind=self.kind)
                .exclude(pk=self.pk)
                .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
            )
            if self.valid_to:
                clash = clash.filter(valid_from__lte=self.valid_to)
            other = clash.order_by("valid_from").first()
            if other is not None:
                raise ValidationError(
                    _(
                        "Đơn vị này đã có “%(kind)s” hiệu lực từ %(start)s%(end)s, trùng thời gian. "
                        "Hãy kết thúc phân loại đó trước."
                    )
                    % {
                        "kind": other.get_kind_display(),
                        "start": other.valid_from.strftime("%d/%m/%Y"),
                        "end": (_(" đến %(day)s") % {"day": other.valid_to.strftime("%d/%m/%Y")})
                        if other.valid_to
                        else "",
                    },
                    code="overlap",
                )

    def is_in_force_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
