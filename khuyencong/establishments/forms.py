from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.scope import ALL, scope_unit_ids
from khuyencong.establishments.choices import LegalForm, Sector
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.services import EDITABLE_FIELDS
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import commune_choices


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return str(obj)


class EstablishmentForm(forms.ModelForm):
    """The one validation path for a registry record: the web form, the API and importers use it."""

    confirm_duplicate = forms.BooleanField(
        label=_("Tôi đã kiểm tra: đây không phải hồ sơ trùng, vẫn lưu"), required=False
    )

    class Meta:
        model = Establishment
        fields = EDITABLE_FIELDS
        widgets = {
            "products": forms.Textarea(attrs={"rows": 2}),
            "address": forms.TextInput(),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        communes = commune_choices(province_code=settings.KHUYENCONG_PROVINCE)
        ids = scope_unit_ids(user) if user is not None else ALL
        if ids is not ALL:
            communes = communes.filter(id__in=ids)
        if self.instance.pk and self.instance.commune_id:
            # A record still located in an old (pre-2025) unit keeps it selectable.
            communes = communes | AdministrativeUnit.objects.filter(pk=self.instance.commune_id)
        field = CommuneChoiceField(queryset=communes, label=_("xã/phường"))
        field.error_messages["invalid_choice"] = _(
            "Xã/phường đã chọn không có trong danh sách đơn vị hiện hành thuộc phạm vi của bạn."
        )
        self.fields["commune"] = field
        for name in ("workers", "women_workers", "ethnic_minority_workers"):
            self.fields[name].widget.attrs["min"] = 0
            self.fields[name].error_messages["min_value"] = _("%(field)s không được là số âm.") % {
                "field": self.fields[name].label
            }
        self.fields["tax_code"].help_text = _(
            "10 số (doanh nghiệp, HTX), 13 số (chi nhánh) hoặc 12 số (cá nhân)"
        )

    def validate_unique(self) -> None:
        # The service reports duplicates itself, naming the record already holding the tax code.
        pass

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS if name in self.cleaned_data}


class EstablishmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm kiếm"), required=False, max_length=200)
    commune = forms.ModelChoiceField(
        queryset=AdministrativeUnit.objects.none(), label=_("Xã/phường"), required=False
    )
    sector = forms.ChoiceField(
        label=_("Ngành nghề"), required=False, choices=[("", _("Tất cả")), *Sector.choices]
    )
    legal_form = forms.ChoiceField(
        label=_("Loại hình"), required=False, choices=[("", _("Tất cả")), *LegalForm.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        commune.queryset = commune_choices(province_code=settings.KHUYENCONG_PROVINCE)


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Mã hồ sơ giữ lại"), min_value=1)
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
