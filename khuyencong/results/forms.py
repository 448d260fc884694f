"""Forms for recording results. They only read what was typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from khuyencong.core.forms import WholeNumberField
from khuyencong.projects.forms import date_field
from khuyencong.projects.models import Project, ProjectDocument
from khuyencong.results.choices import IndicatorOrigin, ValueSource
from khuyencong.results.models import Indicator

YES_NO = [("yes", gettext_lazy("Có")), ("no", gettext_lazy("Không"))]


def _evidence(project: Project) -> forms.ModelChoiceField[ProjectDocument]:
    return forms.ModelChoiceField(
        queryset=ProjectDocument.objects.filter(project=project).order_by("uploaded_at"),
        required=False,
        label=gettext_lazy("Tài liệu minh chứng"),
        help_text=gettext_lazy("Tài liệu, ảnh đã đính kèm ở trang đề án"),
    )


class IndicatorValueForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by("position"),
        label=gettext_lazy("Chỉ tiêu"),
    )
    period_start = date_field(gettext_lazy("Từ ngày"))
    period_end = date_field(gettext_lazy("Đến ngày"))
    value = WholeNumberField(label=gettext_lazy("Giá trị"), money=False)
    women = WholeNumberField(label=gettext_lazy("Trong đó nữ"), money=False, required=False)
    ethnic_minority = WholeNumberField(
        label=gettext_lazy("Trong đó dân tộc thiểu số"), money=False, required=False
    )
    source = forms.ChoiceField(label=gettext_lazy("Nguồn số liệu"), choices=ValueSource.choices[1:])
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = _evidence(project)
        self.fields["indicator"].label_from_instance = lambda ind: f"{ind.name} ({ind.unit})"  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    visited_on = date_field(gettext_lazy("Ngày kiểm tra"))
    still_operating = forms.TypedChoiceField(
        label=gettext_lazy("Cơ sở còn hoạt động"),
        choices=YES_NO,
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    jobs_kept = WholeNumberField(label=gettext_lazy("Số lao động còn làm việc"), money=False, required=False)
    equipment_in_use = forms.TypedChoiceField(
        label=gettext_lazy("Máy móc còn sử dụng"),
        choices=[("", gettext_lazy("Không có máy bàn giao")), *YES_NO],
        coerce=lambda v: v == "yes",
        empty_value=None,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = _evidence(project)


class IndicatorTargetForm(forms.Form):
    indicator = forms.ModelChoiceField(
        queryset=Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by("position"),
        label=gettext_lazy("Chỉ tiêu"),
    )
    value = WholeNumberField(label=gettext_lazy("Giá trị dự kiến"), money=False)
    reason = forms.CharField(
        label=gettext_lazy("Lý do (khi thay đổi chỉ tiêu đã đặt)"), required=False, max_length=500
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "target")
        super().__init__(*args, **kwargs)
        self.fields["indicator"].label_from_instance = lambda ind: f"{ind.name} ({ind.unit})"  # type: ignore[attr-defined]
