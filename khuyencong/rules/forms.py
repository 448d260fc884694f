from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.core.forms import WholeNumberField, parse_whole_number
from khuyencong.projects.choices import SUBTYPES, ContentCategory, ProgrammeLevel, SubType
from khuyencong.rules.models import CapRule, RuleSet, decimal_text
from khuyencong.rules.selectors import MAX_VND, province_options
from khuyencong.rules.services import CapRuleData, RuleSetData

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def parse_vnd(text: str) -> int:
    """'1.286.000.000', '1286000000', '1 286 000 000 ₫' -> 1286000000 (see core.forms)."""
    return parse_whole_number(text, label=_("Số tiền"), maximum=MAX_VND)


class VndField(WholeNumberField):
    """An amount in whole đồng, typed the Vietnamese way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maximum", MAX_VND)
        super().__init__(*args, **kwargs)


class PlainDecimalField(forms.DecimalField):
    """A small decimal (a percentage, a multiplier) that takes "1,5" and "1.5" alike.

    Django's localized parsing would read "1.5" as fifteen under the Vietnamese thousands separator.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().replace(",", ".").rstrip("%").strip()
        return super().to_python(value)


def _province_field(*, label: Any, current: str = "", empty: Any) -> forms.ChoiceField:
    def choices() -> list[tuple[str, str]]:
        options = province_options()
        known = {code for code, _label in options}
        for extra in (current, settings.KHUYENCONG_PROVINCE):
            # Without the geography loaded, the installation's own province is still selectable.
            if extra and extra != "all" and extra not in known:
                options.append((extra, extra))
                known.add(extra)
        return [("", empty), *options]

    return forms.ChoiceField(label=label, required=False, choices=choices)


class RuleSetForm(forms.ModelForm):
    """The administrator's form for one legal text; the service runs the same checks again."""

    class Meta:
        model = RuleSet
        fields = (
            "document",
            "article",
            "amended_by",
            "level",
            "province",
            "valid_from",
            "valid_to",
            "verified",
            "note",
        )
        widgets = {"valid_from": _DATE, "valid_to": _DATE, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "valid_from": _(
                "Để trống nếu chưa rõ ngày bắt đầu: bộ mức áp dụng cho mọi ngày trước ngày hết hiệu lực."
            ),
            "valid_to": _("Để trống nếu chưa có văn bản thay thế."),
            "verified": _("Chỉ đánh dấu khi đã đối chiếu với bản chính của văn bản."),
            "province": _(
                "Để trống: áp dụng toàn quốc. Bộ mức của một tỉnh chỉ áp dụng cho khuyến công địa phương."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = _province_field(
            label=_("tỉnh"), current=self.instance.province or "", empty=_("Toàn quốc (không theo tỉnh)")
        )
        field.help_text = self._meta.help_texts["province"]  # type: ignore[index]
        self.fields["province"] = field

    def to_data(self) -> RuleSetData:
        data = self.cleaned_data
        return RuleSetData(
            document=data["document"],
            article=data["article"],
            amended_by=data["amended_by"],
            level=data["level"],
            province=data["province"] or "",
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            verified=data["verified"],
            note=data["note"],
        )


def _subtype_choices(empty: Any) -> list[Any]:
    groups = [
        (ContentCategory(category).label, [(code, SubType(code).label) for code in codes])
        for category, codes in SUBTYPES.items()
    ]
    return [("", empty), *groups]


class CapRuleForm(forms.Form):
    """One line of a rule set. The share is typed as a percentage and stored in basis points."""

    category = forms.ChoiceField(label=_("Nội dung khuyến công"), choices=ContentCategory.choices)
    subtype = forms.ChoiceField(
        label=_("Loại"), required=False, choices=_subtype_choices(_("Loại chính của nội dung"))
    )
    max_share_percent = PlainDecimalField(
        label=_("Tỷ lệ tối đa (% chi phí hợp lệ)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Ví dụ 30 hoặc 33,33. Để trống nếu văn bản không quy định tỷ lệ."),
    )
    max_amount_vnd = VndField(
        label=_("Mức tối đa (đồng)"),
        required=False,
        help_text=_("Ví dụ 1.000.000.000. Để trống nếu văn bản không quy định số tiền tối đa."),
    )
    multiplier = PlainDecimalField(
        label=_("Hệ số"),
        initial=Decimal("1"),
        min_value=Decimal("0.01"),
        max_value=Decimal("10"),
        max_digits=4,
        decimal_places=2,
        help_text=_("Nhân với mức tối đa, ví dụ 1,5 cho dây chuyền công nghệ (1,5 × 300.000.000 ₫)."),
    )
    verified = forms.BooleanField(
        label=_("Đã đối chiếu văn bản gốc"),
        required=False,
        help_text=_("Chỉ đánh dấu khi tỷ lệ và mức đã đối chiếu với bản chính của văn bản."),
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=500)

    # Model field -> form field, to put the service's errors next to the right input.
    FIELD_FOR = {"max_share_bp": "max_share_percent"}

    @classmethod
    def initial_for(cls, rule: CapRule) -> dict[str, Any]:
        return {
            "category": rule.category,
            "subtype": rule.subtype,
            "max_share_percent": decimal_text(Decimal(rule.max_share_bp) / 100)
            if rule.max_share_bp is not None
            else None,
            "max_amount_vnd": rule.max_amount_vnd,
            "multiplier": decimal_text(rule.multiplier),
            "verified": rule.verified,
            "note": rule.note,
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        category, subtype = data.get("category"), data.get("subtype")
        if category and subtype and subtype not in SUBTYPES.get(category, ()):
            self.add_error("subtype", _("Loại này không thuộc nội dung đã chọn."))
        if data.get("max_share_percent") is None and data.get("max_amount_vnd") is None and not self.errors:
            self.add_error("max_amount_vnd", _("Cần ít nhất tỷ lệ tối đa hoặc mức tối đa (đồng)."))
        return data

    def to_data(self) -> CapRuleData:
        data = self.cleaned_data
        share = data["max_share_percent"]
        return CapRuleData(
            category=data["category"],
            subtype=data["subtype"] or "",
            max_share_bp=int(share * 100) if share is not None else None,
            max_amount_vnd=data["max_amount_vnd"],
            multiplier=data["multiplier"],
            verified=data["verified"],
            note=data["note"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class CalculatorForm(forms.Form):
    """What an applicant asks before applying. GET, so a result can be bookmarked and shared."""

    category = forms.ChoiceField(label=_("Nội dung khuyến công"), choices=ContentCategory.choices)
    subtype = forms.ChoiceField(
        label=_("Loại"), required=False, choices=_subtype_choices(_("Loại chính (hoặc không chia loại)"))
    )
    level = forms.ChoiceField(
        label=_("Cấp chương trình"), choices=ProgrammeLevel.choices, initial=ProgrammeLevel.LOCAL
    )
    on = forms.DateField(
        label=_("Ngày nộp đề án"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        help_text=_("Mức trần áp dụng là mức có hiệu lực vào ngày nộp, dạng ngày/tháng/năm."),
        error_messages={"invalid": _("Hãy nhập ngày dạng ngày/tháng/năm, ví dụ 15/05/2018.")},
    )
    eligible_cost = VndField(
        label=_("Chi phí hợp lệ (đồng)"),
        required=False,
        help_text=_("Tổng chi phí được tính hỗ trợ, ví dụ 1.286.000.000."),
    )
    requested_support = VndField(
        label=_("Số tiền đề nghị hỗ trợ (đồng)"),
        required=False,
        help_text=_("Không bắt buộc: nhập để kiểm tra có vượt mức trần không."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = settings.KHUYENCONG_PROVINCE
        self.fields["province"] = _province_field(label=_("Tỉnh"), empty=_("Không theo tỉnh (mức chung)"))
        self.fields["province"].help_text = _("Mức riêng của tỉnh chỉ áp dụng cho khuyến công địa phương.")
        self.fields["province"].initial = "" if province == "all" else province
        self.fields["on"].initial = timezone.localdate()
        self.order_fields(
            ["category", "subtype", "level", "province", "on", "eligible_cost", "requested_support"]
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        category, subtype = data.get("category"), data.get("subtype")
        if category and subtype and subtype not in SUBTYPES.get(category, ()):
            self.add_error(
                "subtype",
                _("Loại “%(subtype)s” không thuộc nội dung “%(category)s”.")
                % {"subtype": SubType(subtype).label, "category": ContentCategory(category).label},
            )
        return data
