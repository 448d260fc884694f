"""Forms of the appraisal pages. They read what is typed; the services decide whether it may be done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.models import User
from khuyencong.appraisal.choices import Outcome, Position
from khuyencong.appraisal.models import Council, CriteriaSet, Criterion
from khuyencong.appraisal.services import CouncilData
from khuyencong.projects.choices import ProgrammeLevel
from khuyencong.projects.models import Call, Project


class CallChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.year})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.title}"


def _set_queryset(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class CouncilForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("tên hội đồng"), max_length=300)
    call = CallChoiceField(
        label=gettext_lazy("đợt xét chọn"),
        queryset=Call.objects.order_by("-year", "-deadline"),
        required=False,
        empty_label=gettext_lazy("(không gắn với đợt nào)"),
        help_text=gettext_lazy("Chọn đợt thì năm kế hoạch và cấp khuyến công lấy theo đợt."),
    )
    plan_year = forms.IntegerField(
        label=gettext_lazy("năm kế hoạch"), min_value=2000, max_value=2100, required=False
    )
    level = forms.ChoiceField(
        label=gettext_lazy("cấp khuyến công"),
        choices=[("", "—"), *ProgrammeLevel.choices],
        required=False,
    )
    criteria_set = forms.ModelChoiceField(
        label=gettext_lazy("bộ tiêu chí"), queryset=CriteriaSet.objects.all(), empty_label=None
    )
    decision_reference = forms.CharField(
        label=gettext_lazy("quyết định thành lập hội đồng"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Số và ngày quyết định, ghi đúng như văn bản; để trống nếu chưa có."),
    )
    note = forms.CharField(
        label=gettext_lazy("ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, council: Council | None = None, **kwargs: Any) -> None:
        if council is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": council.name,
                    "call": council.call_id,
                    "plan_year": council.plan_year,
                    "level": council.level,
                    "criteria_set": council.criteria_set_id,
                    "decision_reference": council.decision_reference,
                    "note": council.note,
                },
            )
        else:
            in_force = CriteriaSet.objects.in_force_on(timezone.localdate()).first()
            kwargs.setdefault("initial", {"criteria_set": in_force.pk if in_force else None})
        super().__init__(*args, **kwargs)

    def to_data(self) -> CouncilData:
        data = self.cleaned_data
        return CouncilData(
            name=data["name"],
            plan_year=data.get("plan_year"),
            level=data.get("level") or "",
            criteria_set=data["criteria_set"],
            call=data.get("call"),
            decision_reference=data.get("decision_reference") or "",
            note=data.get("note") or "",
        )


class MemberForm(forms.Form):
    user = UserChoiceField(label=gettext_lazy("thành viên"), queryset=User.objects.none())
    position = forms.ChoiceField(
        label=gettext_lazy("chức danh"), choices=Position.choices, initial=Position.MEMBER
    )

    def __init__(self, *args: Any, candidates: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "user", candidates)


class AssignForm(forms.Form):
    project = ProjectChoiceField(label=gettext_lazy("đề án"), queryset=Project.objects.none())

    def __init__(self, *args: Any, candidates: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "project", candidates)


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label=gettext_lazy("xung đột lợi ích"),
        choices=[
            ("no", gettext_lazy("Tôi không có xung đột lợi ích với cơ sở đề nghị hỗ trợ")),
            ("yes", gettext_lazy("Tôi có xung đột lợi ích (không chấm đề án này)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Hãy chọn có hay không có xung đột lợi ích.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("lý do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Bắt buộc khi có xung đột lợi ích: quan hệ của bạn với cơ sở, với đề án."),
    )


def points_field_name(criterion: Criterion) -> str:
    return f"points_{criterion.code}"


class SheetForm(forms.Form):
    """One whole-number field per criterion, 0..its scale; blanks are allowed in a draft."""

    def __init__(
        self, *args: Any, criteria: list[Criterion], initial_points: dict[str, int | None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            bounds = {"label": criterion.label, "max": criterion.max_points}
            message = _("Điểm “%(label)s” phải là số nguyên từ 0 đến %(max)s.") % bounds
            self.fields[points_field_name(criterion)] = forms.IntegerField(
                label=criterion.label,
                min_value=0,
                max_value=criterion.max_points,
                required=False,
                initial=initial_points.get(criterion.code),
                error_messages={"min_value": message, "max_value": message, "invalid": message},
                widget=forms.NumberInput(
                    attrs={"min": 0, "max": criterion.max_points, "step": 1, "inputmode": "numeric"}
                ),
            )

    def points(self) -> dict[str, int | None]:
        return {c.code: self.cleaned_data.get(points_field_name(c)) for c in self.criteria}


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("kết luận"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        initial=Outcome.PROPOSED,
        error_messages={"required": gettext_lazy("Hãy chọn kết luận.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("ý kiến kết luận"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Bắt buộc khi không chọn đề án."),
    )
