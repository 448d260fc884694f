"""Support caps as data (DESIGN §4): a rule set is one legal text in force for a period, a cap rule one
line of it. Nothing here knows a number from the law; the numbers arrive by migration or the admin pages.

Shares are integer basis points (3000 = 30 %) and amounts integer đồng, so that no cap is ever the
result of float rounding.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.projects.choices import SUBTYPES, ContentCategory, ProgrammeLevel, SubType, main_subtype

BASIS_POINTS = 10_000  # 100 %
MAX_MULTIPLIER = Decimal("10")

province_code_validator = RegexValidator(
    r"^\d{2}$", _("Mã tỉnh là mã thống kê gồm 2 chữ số, ví dụ 20 (Lạng Sơn); để trống nếu áp dụng toàn quốc.")
)


def day(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def period_text(valid_from: dt.date | None, valid_to: dt.date | None) -> str:
    """'từ 15/05/2018', 'từ 04/04/2014 đến 14/05/2018', 'đến 03/04/2014' (start not known)."""
    if valid_from and valid_to:
        return gettext("từ %(start)s đến %(end)s") % {"start": day(valid_from), "end": day(valid_to)}
    if valid_from:
        return gettext("từ %(start)s") % {"start": day(valid_from)}
    if valid_to:
        return gettext("đến %(end)s (chưa rõ ngày bắt đầu)") % {"end": day(valid_to)}
    return gettext("mọi thời điểm")


def percent(basis_points: int) -> str:
    """3000 -> '30 %', 3333 -> '33,33 %' (Vietnamese decimal comma)."""
    whole, rest = divmod(basis_points, 100)
    return f"{whole} %" if rest == 0 else f"{whole},{rest:02d}".rstrip("0") + " %"


def decimal_text(value: Decimal) -> str:
    """Decimal('1.50') -> '1,5'."""
    text = format(value.normalize(), "f")
    return text.replace(".", ",")


class RuleSetQuerySet(models.QuerySet["RuleSet"]):
    def in_force_on(self, on: dt.date) -> RuleSetQuerySet:
        # Both ends inclusive; a blank start means "since before any date we hold" (see RuleSet).
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def overlapping(self, valid_from: dt.date | None, valid_to: dt.date | None) -> RuleSetQuerySet:
        qs = self
        if valid_from is not None:
            qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=valid_from))
        if valid_to is not None:
            qs = qs.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=valid_to))
        return qs


class RuleSet(models.Model):
    """One legal text that sets support caps for a programme level and place over a period.

    `valid_from` blank means the start is not known: the set applies to every date up to `valid_to`.
    That is how TTLT 125/2009 ships, since DESIGN §4 only says "before 04/04/2014".
    A nationwide set (blank province) of the national level is the default for both programme levels;
    a province's set applies to its local programme only and wins there (see selectors.support_limit).
    """

    document = models.CharField(
        _("số hiệu văn bản"),
        max_length=200,
        help_text=_("Ví dụ: Thông tư 28/2018/TT-BTC, Nghị quyết của HĐND tỉnh."),
    )
    article = models.CharField(_("điều, khoản"), max_length=200, blank=True)
    amended_by = models.CharField(_("sửa đổi, bổ sung bởi"), max_length=300, blank=True)
    level = models.CharField(_("cấp chương trình"), max_length=20, choices=ProgrammeLevel.choices)
    province = models.CharField(
        _("tỉnh (mã thống kê)"),
        max_length=2,
        blank=True,
        validators=[province_code_validator],
        help_text=_("Để trống: áp dụng toàn quốc."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Texts we have not checked against the official original say so on every page that uses them.
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("bộ mức hỗ trợ tối đa")
        verbose_name_plural = _("bộ mức hỗ trợ tối đa")
        ordering = ["level", "province", F("valid_from").desc(nulls_last=True), "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="rules_ruleset_valid_range",
                violation_error_message=_("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu."),
            ),
            models.CheckConstraint(
                condition=Q(province="") | Q(level=ProgrammeLevel.LOCAL),
                name="rules_ruleset_province_is_local",
                violation_error_message=_("Bộ mức của một tỉnh chỉ áp dụng cho khuyến công địa phương."),
            ),
        ]

    def __str__(self) -> str:
        return self.legal_basis

    def get_absolute_url(self) -> str:
        return reverse("rules:detail", kwargs={"pk": self.pk})

    @property
    def legal_basis(self) -> str:
        """The citation printed next to every cap: document, article, amendment."""
        text = self.document
        if self.article:
            text = f"{text}, {self.article}"
        if self.amended_by:
            text = gettext("%(text)s (sửa đổi, bổ sung bởi %(amendment)s)") % {
                "text": text,
                "amendment": self.amended_by,
            }
        return text

    @property
    def period(self) -> str:
        return period_text(self.valid_from, self.valid_to)

    def is_in_force_on(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    def clean(self) -> None:
        self.document = self.document.strip()
        self.article = self.article.strip()
        self.amended_by = self.amended_by.strip()
        self.province = self.province.strip()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau hoặc bằng ngày bắt đầu.")})
        if self.province and self.level and self.level != ProgrammeLevel.LOCAL:
            raise ValidationError(
                {
                    "level": _(
                        "Bộ mức của một tỉnh chỉ áp dụng cho khuyến công địa phương; "
                        "khuyến công quốc gia theo mức chung toàn quốc."
                    )
                }
            )
        if self.level:
            self._refuse_overlap()

    def _refuse_overlap(self) -> None:
        # Two sets of one level and place in force on the same day would make the cap depend on which
        # one is read first; the earlier one must be ended first.
        other = (
            RuleSet.objects.filter(level=self.level, province=self.province)
            .exclude(pk=self.pk)
            .overlapping(self.valid_from, self.valid_to)
            .order_by(F("valid_from").asc(nulls_first=True))
            .first()
        )
        if other is None:
            return
        raise ValidationError(
            {
                "valid_from": _(
                    "Thời gian hiệu lực trùng với bộ mức “%(other)s” (%(period)s) cùng cấp chương trình "
                    "và cùng phạm vi. Hãy đặt ngày hết hiệu lực cho bộ mức đó trước ngày bắt đầu của bộ mới."
                )
                % {"other": other.legal_basis, "period": other.period}
            },
            code="overlap",
        )


class CapRule(models.Model):
    """One line of a rule set: for a content category and sub-type, the most the programme may pay.

    Maximum support = min(floor(share × eligible cost), floor(max amount × multiplier)). A blank share or
    amount means that limb does not limit. A sub-type with its own cap has its own line: TT 28/2018's
    production line is the equipment amount with multiplier 1.5, stored as such so the citation shows it.
    """

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="cap_rules", verbose_name=_("bộ mức")
    )
    category = models.CharField(_("nội dung khuyến công"), max_length=40, choices=ContentCategory.choices)
    subtype = models.CharField(
        _("loại"),
        max_length=40,
        choices=SubType.choices,
        blank=True,
        help_text=_("Để trống: loại chính của nội dung."),
    )
    max_share_bp = models.PositiveIntegerField(
        _("tỷ lệ tối đa (phần vạn)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(BASIS_POINTS)],
        help_text=_("3000 = 30 % chi phí hợp lệ; để trống nếu văn bản không quy định tỷ lệ."),
    )
    max_amount_vnd = models.BigIntegerField(
        _("mức tối đa (đồng)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Để trống nếu văn bản không quy định số tiền tối đa."),
    )
    multiplier = models.DecimalField(
        _("hệ số"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_MULTIPLIER)],
        help_text=_("Nhân với mức tối đa, ví dụ 1,5 cho dây chuyền công nghệ."),
    )
    verified = models.BooleanField(_("đã đối chiếu văn bản gốc"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("mức hỗ trợ tối đa")
        verbose_name_plural = _("mức hỗ trợ tối đa")
        ordering = ["rule_set", "category", "subtype"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "category", "subtype"],
                name="rules_caprule_unique",
                violation_error_message=_("Bộ mức này đã có một mức cho nội dung và loại này."),
            ),
            models.CheckConstraint(
                condition=Q(max_share_bp__isnull=True)
                | Q(max_share_bp__gte=0, max_share_bp__lte=BASIS_POINTS),
                name="rules_caprule_share_range",
                violation_error_message=_("Tỷ lệ tối đa phải từ 0 % đến 100 %."),
            ),
            models.CheckConstraint(
                condition=Q(max_amount_vnd__isnull=True) | Q(max_amount_vnd__gte=0),
                name="rules_caprule_amount_not_negative",
                violation_error_message=_("Mức tối đa không được là số âm."),
            ),
            models.CheckConstraint(
                condition=Q(multiplier__gt=0) & Q(multiplier__lte=MAX_MULTIPLIER),
                name="rules_caprule_multiplier_range",
                violation_error_message=_("Hệ số phải lớn hơn 0 và không quá 10."),
            ),
            models.CheckConstraint(
                condition=Q(max_share_bp__isnull=False) | Q(max_amount_vnd__isnull=False),
                name="rules_caprule_limits_something",
                violation_error_message=_("Cần ít nhất tỷ lệ tối đa hoặc mức tối đa."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} · {self.rule_set}"

    @property
    def label(self) -> str:
        text = (
            str(ContentCategory(self.category).label) if self.category in ContentCategory else self.category
        )
        if self.subtype and self.subtype in SubType:
            text = f"{text} – {SubType(self.subtype).label}"
        return text

    @property
    def max_share(self) -> Decimal | None:
        """The share as an exact fraction of eligible cost: 3000 -> Decimal('0.3')."""
        if self.max_share_bp is None:
            return None
        return (Decimal(self.max_share_bp) / BASIS_POINTS).normalize()

    @property
    def share_text(self) -> str:
        return percent(self.max_share_bp) if self.max_share_bp is not None else ""

    @property
    def amount_cap_vnd(self) -> int | None:
        """floor(max amount × multiplier), the amount limb of the cap."""
        if self.max_amount_vnd is None:
            return None
        return scaled_amount(self.max_amount_vnd, self.multiplier)

    @property
    def multiplier_text(self) -> str:
        return decimal_text(self.multiplier)

    @property
    def has_multiplier(self) -> bool:
        return self.multiplier != 1

    def clean(self) -> None:
        # A blank sub-type means the category's main one; storing that code keeps one spelling per
        # line, so the unique constraint cannot be dodged with "" next to "new_technology".
        if self.category and not self.subtype:
            self.subtype = main_subtype(self.category)
        if isinstance(self.multiplier, Decimal) and self.multiplier.is_finite():
            exponent = self.multiplier.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= -2:
                # The column holds two places: 1.5 is stored as 1.50, so compare it the same way.
                self.multiplier = self.multiplier.quantize(Decimal("0.01"))
        if self.category and self.subtype and self.subtype not in SUBTYPES.get(self.category, ()):
            raise ValidationError(
                {
                    "subtype": _("Loại “%(subtype)s” không thuộc nội dung “%(category)s”.")
                    % {
                        "subtype": SubType(self.subtype).label if self.subtype in SubType else self.subtype,
                        "category": ContentCategory(self.category).label
                        if self.category in ContentCategory
                        else self.category,
                    }
                }
            )
        if self.max_share_bp is None and self.max_amount_vnd is None:
            raise ValidationError({"max_amount_vnd": _("Cần ít nhất tỷ lệ tối đa hoặc mức tối đa (đồng).")})
        if (
            self.rule_set_id
            and self.category
            and CapRule.objects.filter(
                rule_set_id=self.rule_set_id, category=self.category, subtype=self.subtype
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {
                    "subtype": _("Bộ mức này đã có một mức cho “%(label)s”; hãy sửa mức đó.")
                    % {"label": self.label}
                }
            )


def scaled_amount(amount: int, multiplier: Decimal) -> int:
    """floor(amount × multiplier) in exact integer arithmetic (Decimal('1.5') is 3/2)."""
    numerator, denominator = multiplier.as_integer_ratio()
    return amount * numerator // denominator
