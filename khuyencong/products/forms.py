"""Forms of the products pages. They shape input; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.models import User
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import commune_choices
from khuyencong.products.choices import (
    CRITERIA,
    DEFAULT_PASS_MARK,
    MemberPosition,
    ProductGroup,
    RecognitionLevel,
)
from khuyencong.products.models import Entry, Product
from khuyencong.products.uploads import CERTIFICATE_TYPES, PHOTO_TYPES
from khuyencong.projects.forms import date_field


def _accept(types: dict[str, Any]) -> str:
    return ",".join(f".{ext}" for ext in sorted(types))


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Tên sản phẩm"), max_length=200)
    group = forms.ChoiceField(label=_("Nhóm sản phẩm"), choices=ProductGroup.choices)
    # A number, not a list: the registry can hold a million establishments.
    producer = forms.ModelChoiceField(
        label=_("Mã cơ sở sản xuất"),
        queryset=Establishment.objects.active(),
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("Số cuối trong địa chỉ trang của cơ sở trong sổ cơ sở CNNT (ví dụ /co-so/12/ là 12)."),
        error_messages={"invalid_choice": _("Không có cơ sở CNNT nào mang mã này.")},
    )
    commune = forms.ModelChoiceField(
        label=_("Xã/phường"),
        queryset=commune_choices(province_code=settings.KHUYENCONG_PROVINCE),
        required=False,
        help_text=_("Để trống: lấy xã/phường của cơ sở sản xuất."),
    )
    description = forms.CharField(
        label=_("Mô tả"), widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, product: Product | None = None, **kwargs: Any) -> None:
        if product is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": product.name,
                "group": product.group,
                "producer": product.producer_id,
                "commune": product.commune_id,
                "description": product.description,
            }
        super().__init__(*args, **kwargs)
        if product is not None:
            # An old product may sit in a pre-2025 commune: keep it choosable.
            field = self.fields["commune"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = AdministrativeUnit.objects.filter(
                Q(pk__in=commune_choices(province_code=settings.KHUYENCONG_PROVINCE).values("pk"))
                | Q(pk=product.commune_id)
            ).order_by("short_name", "code")


class PhotoForm(forms.Form):
    image = forms.FileField(
        label=_("Ảnh sản phẩm"), widget=forms.ClearableFileInput(attrs={"accept": _accept(PHOTO_TYPES)})
    )
    caption = forms.CharField(label=_("Chú thích ảnh"), max_length=300, required=False)


class RecognitionForm(forms.Form):
    level = forms.ChoiceField(label=_("Cấp công nhận"), choices=RecognitionLevel.choices)
    year = forms.IntegerField(label=_("Năm công nhận"), min_value=1990, max_value=2100)
    decided_on = date_field(_("Ngày bình chọn/công nhận"))
    certificate_number = forms.CharField(
        label=_("Số giấy chứng nhận"),
        max_length=100,
        required=False,
        help_text=_("Ghi đúng như trên giấy chứng nhận; để trống nếu chưa có."),
    )
    certificate_date = date_field(_("Ngày cấp giấy chứng nhận"), required=False)
    certificate_file = forms.FileField(
        label=_("Tệp giấy chứng nhận"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _accept(CERTIFICATE_TYPES)}),
    )


class CertificateForm(forms.Form):
    certificate_number = RecognitionForm.base_fields["certificate_number"]
    certificate_date = RecognitionForm.base_fields["certificate_date"]
    certificate_file = RecognitionForm.base_fields["certificate_file"]


class RoundForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt bình chọn"), max_length=300)
    year = forms.IntegerField(label=_("Năm"), min_value=1990, max_value=2100)
    level = forms.ChoiceField(
        label=_("Cấp bình chọn"), choices=RecognitionLevel.choices, initial=RecognitionLevel.PROVINCE
    )
    held_on = date_field(_("Ngày bình chọn"))
    pass_mark = forms.IntegerField(label=_("Điểm đạt"), min_value=1, max_value=100, initial=DEFAULT_PASS_MARK)
    decision_reference = forms.CharField(label=_("Quyết định công nhận"), max_length=300, required=False)
    note = forms.CharField(label=_("Ghi chú"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} · {obj.producer.name}"


class MemberForm(forms.Form):
    user = UserChoiceField(label=_("Thành viên"), queryset=User.objects.none())
    position = forms.ChoiceField(
        label=_("Chức danh"), choices=MemberPosition.choices, initial=MemberPosition.MEMBER
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class EntryForm(forms.Form):
    product = ProductChoiceField(label=_("Sản phẩm"), queryset=Product.objects.none())
    description = forms.CharField(
        label=_("Thuyết minh"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, candidates: QuerySet[Product], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["product"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do xung đột lợi ích"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SheetForm(forms.Form):
    """One field per criterion; the service checks range and presence and names the criterion."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for criterion in CRITERIA:
            self.fields[criterion.code] = forms.CharField(
                label=_("%(criterion)s (0–%(max)s điểm)")
                % {"criterion": criterion.label, "max": criterion.max_points},
                required=False,
                max_length=6,
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.max_points, "step": 1, "inputmode": "numeric"}
                ),
            )

    def points(self) -> dict[str, Any]:
        return {c.code: self.cleaned_data.get(c.code) for c in CRITERIA}


class TransitionForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def certificate_number_field(entry: Entry) -> str:
    return f"cert_{entry.pk}_number"


def certificate_date_field(entry: Entry) -> str:
    return f"cert_{entry.pk}_date"


class CloseForm(forms.Form):
    """The decision, and the certificate number and date of each product that reached the pass mark."""

    decision_reference = forms.CharField(label=_("Quyết định công nhận"), max_length=300, required=False)

    def __init__(self, *args: Any, passing: list[Entry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passing = passing
        for entry in passing:
            self.fields[certificate_number_field(entry)] = forms.CharField(
                label=_("Số giấy chứng nhận: %(name)s") % {"name": entry.product.name},
                max_length=100,
                required=False,
                help_text=_("Ghi đúng như trên giấy chứng nhận; để trống nếu chưa cấp."),
            )
            self.fields[certificate_date_field(entry)] = date_field(
                _("Ngày cấp: %(name)s") % {"name": entry.product.name}, required=False
            )

    def certificates(self) -> dict[int, Any]:
        from khuyencong.products.services import CertificateData

        return {
            entry.pk: CertificateData(
                number=self.cleaned_data.get(certificate_number_field(entry)) or "",
                date=self.cleaned_data.get(certificate_date_field(entry)),
            )
            for entry in self.passing
        }
