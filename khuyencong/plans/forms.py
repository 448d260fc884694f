"""Forms of the plan pages. They read what was typed; the services check the rules and say what is wrong."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.forms import WholeNumberField
from khuyencong.geo.choices import PriorityKind
from khuyencong.plans import explain, services
from khuyencong.plans import optimizer as opt
from khuyencong.plans.choices import Objective, OverrideDecision
from khuyencong.plans.models import AnnualPlan, Scenario
from khuyencong.plans.services import PlanRules
from khuyencong.projects.choices import ContentCategory, FundingSource, ProgrammeLevel
from khuyencong.projects.forms import date_field

_PERCENT = re.compile(r"^(\d{1,3})(?:[.,](\d+))?$")


class PercentField(forms.Field):
    """A percentage typed the Vietnamese way ('60', '62,5', '0,01 %'), kept as an integer: basis points
    (`per_percent=100`) or parts per million (`per_percent=10_000`). The range is the service's to check."""

    def __init__(self, *, per_percent: int = 100, **kwargs: Any) -> None:
        self.per_percent = per_percent
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": "12"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value or "").strip().rstrip("%").strip()
        if not text:
            return None
        name = capfirst(str(self.label))
        if text.startswith(("-", "\u2212")):
            raise ValidationError(_("%(field)s không được là số âm.") % {"field": name}, code="negative")
        match = _PERCENT.match(text)
        if not match:
            raise ValidationError(
                _("%(field)s phải là một tỷ lệ phần trăm, ví dụ 60 hoặc 62,5.") % {"field": name},
                code="invalid",
            )
        try:
            number = Decimal(f"{match.group(1)}.{match.group(2) or '0'}") * self.per_percent
        except InvalidOperation:
            raise ValidationError(_("%(field)s không hợp lệ.") % {"field": name}, code="invalid") from None
        if number != number.to_integral_value():
            raise ValidationError(
                _("%(field)s có quá nhiều chữ số thập phân.") % {"field": name}, code="precision"
            )
        return int(number)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return explain.percent(value * 100 / self.per_percent).rstrip(" %")
        return value


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
        error_messages={"min_value": gettext_lazy("Số đề án không được là số âm.")},
    )


CATEGORY_FIELDS = ("min_share", "max_share", "min_count", "max_count")


class PlanRulesForm(forms.Form):
    """Envelopes and rules of a plan; also the creation form (with year and level)."""

    reference_date = date_field(gettext_lazy("Ngày tham chiếu (xét địa bàn ưu tiên)"))
    envelope_provincial = WholeNumberField(
        label=gettext_lazy("Dự toán ngân sách tỉnh (đồng)"), required=False
    )
    envelope_central = WholeNumberField(
        label=gettext_lazy("Dự toán ngân sách trung ương (đồng)"), required=False
    )
    priority_min = PercentField(
        label=gettext_lazy("Tỷ lệ hỗ trợ tối thiểu cho địa bàn ưu tiên (%)"), required=False
    )
    priority_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Loại địa bàn ưu tiên được tính"),
        choices=PriorityKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    commune_max = WholeNumberField(label=gettext_lazy("Mức hỗ trợ tối đa mỗi xã (đồng)"), required=False)
    establishment_max = WholeNumberField(
        label=gettext_lazy("Mức hỗ trợ tối đa mỗi cơ sở (đồng)"), required=False
    )
    objective = forms.ChoiceField(label=gettext_lazy("Tiêu chí tối ưu"), choices=Objective.choices)
    time_limit = forms.IntegerField(
        label=gettext_lazy("Thời gian giải tối đa (giây)"),
        min_value=1,
        max_value=services.WEB_TIME_LIMIT,
        error_messages={
            "min_value": gettext_lazy("Thời gian giải tối đa phải từ 1 đến 40 giây."),
            "max_value": gettext_lazy(
                "Trên trang, thời gian giải tối đa là 40 giây; chạy lâu hơn bằng lệnh khuyencong plan_optimize."
            ),
        },
        help_text=gettext_lazy("Tăng lên nếu phương án dừng khi hết thời gian mà sai số còn lớn."),
    )
    gap = PercentField(label=gettext_lazy("Sai số cho phép (%)"), per_percent=10_000)

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            # A new plan starts with its year, level and money; the other rules are set on its page.
            this_year = timezone.localdate().year
            kept = ("reference_date", "envelope_provincial", "envelope_central")
            self.fields = {
                "year": forms.IntegerField(
                    label=_("Năm kế hoạch"), min_value=2000, max_value=2100, initial=this_year + 1
                ),
                "level": forms.ChoiceField(label=_("Cấp khuyến công"), choices=ProgrammeLevel.choices),
                **{name: self.fields[name] for name in kept},
            }
            return
        for category, label in ContentCategory.choices:
            self.fields[f"{category}__min_share"] = PercentField(
                label=_("Tỷ lệ tối thiểu của “%(c)s” (%%)") % {"c": label}, required=False
            )
            self.fields[f"{category}__max_share"] = PercentField(
                label=_("Tỷ lệ tối đa của “%(c)s” (%%)") % {"c": label}, required=False
            )
            self.fields[f"{category}__min_count"] = _count_field(
                _("Số đề án tối thiểu của “%(c)s”") % {"c": label}
            )
            self.fields[f"{category}__max_count"] = _count_field(
                _("Số đề án tối đa của “%(c)s”") % {"c": label}
            )

    @classmethod
    def initial_for(cls, plan: AnnualPlan | None) -> dict[str, Any]:
        if plan is None:
            return {
                "reference_date": timezone.localdate(),
                "priority_kinds": list(PriorityKind.values),
                "objective": Objective.SCORE,
                "time_limit": 30,
                "gap": 100,
            }
        envelopes = plan.envelope_map()
        initial: dict[str, Any] = {
            "reference_date": plan.reference_date,
            "envelope_provincial": envelopes.get(FundingSource.PROVINCIAL, 0),
            "envelope_central": envelopes.get(FundingSource.CENTRAL, 0),
            "priority_min": plan.priority_min_bp or None,
            "priority_kinds": list(plan.priority_kinds),
            "commune_max": plan.commune_max,
            "establishment_max": plan.establishment_max,
            "objective": plan.objective,
            "time_limit": plan.time_limit,
            "gap": plan.gap_ppm,
        }
        for rule in plan.category_rules.all():
            initial[f"{rule.category}__min_share"] = rule.min_share_bp
            initial[f"{rule.category}__max_share"] = rule.max_share_bp
            initial[f"{rule.category}__min_count"] = rule.min_count
            initial[f"{rule.category}__max_count"] = rule.max_count
        return initial

    def category_rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (str(label), [self[f"{code}__{name}"] for name in CATEGORY_FIELDS])
            for code, label in ContentCategory.choices
        ]

    def rules(self) -> PlanRules:
        data = self.cleaned_data
        if "objective" not in self.fields:  # the creation form
            return PlanRules(
                reference_date=data["reference_date"],
                envelopes={
                    FundingSource.PROVINCIAL: data.get("envelope_provincial") or 0,
                    FundingSource.CENTRAL: data.get("envelope_central") or 0,
                },
            )
        categories = []
        for code in ContentCategory.values:
            values = {name: data.get(f"{code}__{name}") for name in CATEGORY_FIELDS}
            if any(v is not None for v in values.values()):
                categories.append(
                    opt.CategoryRule(
                        code,
                        values["min_share"],
                        values["max_share"],
                        values["min_count"],
                        values["max_count"],
                    )
                )
        return PlanRules(
            reference_date=data["reference_date"],
            envelopes={
                FundingSource.PROVINCIAL: data.get("envelope_provincial") or 0,
                FundingSource.CENTRAL: data.get("envelope_central") or 0,
            },
            priority_min_bp=data.get("priority_min") or 0,
            priority_kinds=list(data.get("priority_kinds") or []),
            categories=categories,
            commune_max=data.get("commune_max"),
            establishment_max=data.get("establishment_max"),
            objective=data["objective"],
            time_limit=data["time_limit"],
            gap_ppm=data["gap"] if data.get("gap") is not None else 100,
        )


SERVICE_FIELDS = {
    "priority_min": "priority_min",
    "commune_max": "commune_max",
    "establishment_max": "establishment_max",
    "time_limit": "time_limit",
    "gap": "gap",
    "objective": "objective",
    "priority_kinds": "priority_kinds",
    "year": "year",
    "level": "level",
}


def service_field(name: str) -> str:
    """The form field for a service error key ('envelope.provincial', 'category.training.min_share')."""
    parts = name.split(".")
    if parts[0] == "envelope" and len(parts) == 2:
        return f"envelope_{parts[1]}"
    if parts[0] == "category" and len(parts) == 3:
        return f"{parts[1]}__{parts[2]}"
    return SERVICE_FIELDS.get(name, name)


class ProposalSettingForm(forms.Form):
    """For one proposal: in or out whatever the optimiser says (with the reason), and partial funding."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Quyết định của cán bộ"),
        choices=[("", gettext_lazy("Để tối ưu quyết định")), *OverrideDecision.choices],
        required=False,
    )
    reason = forms.CharField(label=gettext_lazy("Lý do"), required=False, max_length=500)
    minimum = WholeNumberField(
        label=gettext_lazy("Hỗ trợ một phần, tối thiểu (đồng)"),
        required=False,
        help_text=gettext_lazy("Để trống: chỉ hỗ trợ đủ mức đề nghị hoặc không hỗ trợ."),
    )


class RunForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên phương án"), max_length=120)


class SubmitForm(forms.Form):
    scenario = forms.ModelChoiceField(
        label=gettext_lazy("Phương án trình duyệt"), queryset=Scenario.objects.none()
    )

    def __init__(self, *args: Any, plan: AnnualPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = plan.scenarios.filter(status__in=["optimal", "time_limit"]).order_by("-created_at")


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định phê duyệt"), max_length=60)
    decision_date = date_field(gettext_lazy("Ngày quyết định"))


class ReviseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
