"""Forms of the import app: the upload, and a trainee (the one validation path for a trainee row)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.money import group
from khuyencong.core.text import normalise_spaces
from khuyencong.geo.selectors import commune_choices
from khuyencong.imports.choices import ImportKind
from khuyencong.imports.models import Trainee
from khuyencong.privacy import validators
from khuyencong.projects.choices import ContentCategory
from khuyencong.projects.models import Project
from khuyencong.projects.selectors import project_list

TRAINEE_FIELDS = ("project", "full_name", "sex", "ethnicity", "birth_year", "commune", "id_number", "phone")
ACCEPT = ".xlsx,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.oasis.opendocument.spreadsheet,text/csv"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Loại dữ liệu"), choices=ImportKind.choices)
    file = forms.FileField(
        label=gettext_lazy("Tệp bảng tính (.xlsx, .ods, .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.KHUYENCONG_IMPORT_MAX_UPLOAD_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp %(size)s MB, vượt giới hạn %(limit)s MB; hãy chia nhỏ tệp.")
                % {
                    "size": group(max(1, upload.size // (1024 * 1024))),
                    "limit": group(settings.KHUYENCONG_IMPORT_MAX_UPLOAD_MB),
                }
            )
        if upload.size == 0:
            raise forms.ValidationError(_("Tệp rỗng (0 byte): không có gì để nhập."))
        return upload


class TraineeForm(forms.ModelForm):
    """A trainee of a training project in the user's scope, living in a commune of the province."""

    # Typed with spaces or dots ("0201 2345 6789"); stored as digits, checked by privacy.validators.
    id_number = forms.CharField(
        label=gettext_lazy("Số định danh cá nhân (CCCD)"), required=False, max_length=30
    )
    phone = forms.CharField(label=gettext_lazy("Điện thoại"), required=False, max_length=30)

    class Meta:
        model = Trainee
        fields = TRAINEE_FIELDS

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project = self.fields["project"]
        assert isinstance(project, forms.ModelChoiceField)
        project.queryset = project_list(user=user)
        project.error_messages["invalid_choice"] = _("Đề án không có hoặc nằm ngoài phạm vi của bạn.")
        commune = self.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        commune.queryset = commune_choices(province_code=settings.KHUYENCONG_PROVINCE)
        commune.error_messages["invalid_choice"] = _(
            "Xã/phường không có trong danh sách đơn vị hiện hành của tỉnh."
        )

    def clean_full_name(self) -> str:
        name = normalise_spaces(self.cleaned_data["full_name"])
        if len(name.split()) < 2:
            raise forms.ValidationError(_("Hãy ghi đủ họ và tên (ít nhất hai chữ)."))
        return name

    def clean_ethnicity(self) -> str:
        return normalise_spaces(self.cleaned_data["ethnicity"]).capitalize()

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        return validators.citizen_id(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        return validators.phone(value) if value else ""

    def clean_birth_year(self) -> int:
        year = self.cleaned_data["birth_year"]
        this_year = timezone.localdate().year
        if not this_year - 100 <= year <= this_year - 14:
            raise forms.ValidationError(
                _("Năm sinh phải từ %(low)s đến %(high)s (học viên từ 14 tuổi).")
                % {"low": this_year - 100, "high": this_year - 14}
            )
        return year

    def clean_project(self) -> Project:
        project: Project = self.cleaned_data["project"]
        if project.category != ContentCategory.TRAINING:
            raise forms.ValidationError(
                _("Đề án %(code)s không phải đề án đào tạo nghề; học viên chỉ ghi cho khoá đào tạo.")
                % {"code": project.code}
            )
        return project
