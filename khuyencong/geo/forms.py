from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification
from khuyencong.geo.selectors import UnitFilters, province_choices
from khuyencong.geo.services import PriorityData

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        era = _("từ 01/07/2025") if obj.generation == Generation.CURRENT else _("trước 01/07/2025")
        return f"{obj.name} ({era})"


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("Tên hoặc mã"), required=False, max_length=100)
    generation = forms.ChoiceField(
        label=_("Hệ thống"),
        required=False,
        choices=[("", _("Cả trước và sau 01/07/2025")), *Generation.choices],
    )
    level = forms.ChoiceField(label=_("Cấp"), required=False, choices=[("", _("Mọi cấp")), *Level.choices])
    province = ProvinceChoiceField(
        label=_("Tỉnh/thành phố"),
        required=False,
        queryset=AdministrativeUnit.objects.none(),
        empty_label=_("Mọi tỉnh"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        province = self.fields["province"]
        assert isinstance(province, forms.ModelChoiceField)
        province.queryset = province_choices()

    def filters(self) -> UnitFilters:
        if not (self.is_bound and self.is_valid()):
            return UnitFilters()
        data = self.cleaned_data
        return UnitFilters(
            q=data["q"] or "",
            generation=data["generation"] or "",
            level=data["level"] or "",
            province=data["province"].pk if data["province"] else None,
        )


class PriorityForm(forms.ModelForm):
    """The administrator's form; the CSV import builds the same PriorityData and runs the same checks."""

    class Meta:
        model = PriorityClassification
        fields = ("kind", "valid_from", "valid_to", "legal_basis", "verified", "note")
        widgets = {
            "valid_from": _DATE,
            "valid_to": _DATE,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "legal_basis": _("Số, ngày và cơ quan ban hành văn bản, vd. quyết định của Thủ tướng Chính phủ."),
            "verified": _("Chỉ đánh dấu khi đã đối chiếu với bản chính của văn bản."),
            "valid_to": _("Để trống nếu chưa có văn bản chấm dứt."),
        }

    def to_data(self) -> PriorityData:
        data = self.cleaned_data
        return PriorityData(
            kind=data["kind"],
            valid_from=data["valid_from"],
            valid_to=data["valid_to"],
            legal_basis=data["legal_basis"],
            verified=data["verified"],
            note=data["note"],
        )


class PriorityEndForm(forms.Form):
    valid_to = forms.DateField(label=_("Ngày cuối cùng áp dụng"), widget=_DATE)
    reason = forms.CharField(
        label=_("Lý do, căn cứ"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class PriorityDeleteForm(forms.Form):
    reason = forms.CharField(label=_("Lý do xoá"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
