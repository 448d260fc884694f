"""Forms for projects: the proposal itself and the moves that carry data of their own.

Forms only read and check what was typed; the services decide (caps, roles, money invariants) and their
ValidationErrors are folded back into the form by `add_service_error`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import ALL, scope_unit_ids
from khuyencong.core.forms import WholeNumberField, add_service_error
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import establishment_list
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import commune_choices
from khuyencong.projects import documents, services, workflow
from khuyencong.projects.choices import (
    SUBTYPES,
    SUPPORT_SOURCES,
    ExpectedIndicator,
    FundingSource,
    SubType,
)
from khuyencong.projects.models import DocumentKind, Project

MAX_COUNT = 2_147_483_647  # what a PositiveIntegerField holds everywhere
FORM_FIELDS = tuple(name for name in services.EDITABLE_FIELDS if name != "is_demo")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


def date_field(label: Any, *, required: bool = True) -> forms.DateField:
    """A date typed dd/mm/yyyy, as Vietnamese documents print it."""
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        ),
        error_messages={"invalid": gettext_lazy("Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 15/03/2024.")},
        help_text=gettext_lazy("dd/mm/yyyy"),
    )


def _label(name: str) -> str:
    """The model field's verbose name, capitalised, as a form label."""
    return capfirst(str(getattr(Project._meta.get_field(name), "verbose_name", name)))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AdministrativeUnit) -> str:
        return str(obj)


class ProjectForm(forms.ModelForm):
    """A proposal's own fields, its beneficiaries, its budget by source and its expected results.

    The unit is a current commune of the installation's province (a commune officer's own communes only);
    beneficiaries are the establishments the user may see.
    """

    class Meta:
        model = Project
        fields = FORM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "partners": forms.Textarea(attrs={"rows": 2}),
            "repeat_justification": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        instance: Project = self.instance
        editing = instance.pk is not None

        communes = commune_choices(province_code=settings.KHUYENCONG_PROVINCE)
        if workflow.role_of(user) == Role.COMMUNE_OFFICER:
            ids = scope_unit_ids(user)
            if ids is not ALL:
                communes = communes.filter(id__in=ids)
        if editing and instance.unit_id:
            # A project recorded in an old (pre-2025) unit keeps it selectable.
            communes = communes | AdministrativeUnit.objects.filter(pk=instance.unit_id)
        unit = UnitChoiceField(queryset=communes, label=_label("unit"))
        unit.error_messages["invalid_choice"] = gettext_lazy(
            "Địa điểm đã chọn không có trong danh sách xã/phường hiện hành thuộc phạm vi của bạn."
        )
        self.fields["unit"] = unit

        visible = establishment_list(user=user).values("pk")
        choice = Q(pk__in=visible)
        if editing:
            choice |= Q(pk__in=instance.beneficiaries.values("pk"))
        self.fields["beneficiaries"] = forms.ModelMultipleChoiceField(
            queryset=Establishment.objects.filter(choice).order_by("name", "id"),
            required=False,
            label=_label("beneficiaries"),
            help_text=gettext_lazy("Giữ Ctrl (hoặc ⌘) để chọn nhiều cơ sở."),
            widget=forms.SelectMultiple(attrs={"size": 6}),
        )
        self.fields["eligible_cost"] = WholeNumberField(
            label=_label("eligible_cost"),
            required=True,
        )
        subtype = self.fields["subtype"]
        assert isinstance(subtype, forms.ChoiceField)
        subtype.choices = [("", _("— Loại chính của nội dung —")), *SubType.choices]
        for name in ("category", "level"):
            choice_field = self.fields[name]
            assert isinstance(choice_field, forms.ChoiceField)
            options = [choice for choice in cast(Iterable[Any], choice_field.choices) if choice[0] != ""]
            choice_field.choices = [("", _("— Chọn —")), *options]
        for name in ("start_date", "end_date"):
            self.fields[name] = date_field(_label(name), required=False)
        self.fields["plan_year"].widget.attrs.update({"min": 2000, "max": 2100})

        for source in FundingSource:
            self.fields[f"budget_{source}"] = WholeNumberField(
                label=_("Kinh phí: %(source)s (đồng)") % {"source": source.label}, required=False
            )
        for indicator in ExpectedIndicator:
            self.fields[f"expected_{indicator}"] = WholeNumberField(
                label=_("Dự kiến: %(indicator)s") % {"indicator": indicator.label},
                required=False,
                maximum=MAX_COUNT,
                money=False,
            )

        if editing:
            self.initial.setdefault(
                "beneficiaries", list(instance.beneficiaries.values_list("pk", flat=True))
            )
            for code, value in instance.budget().items():
                self.initial.setdefault(f"budget_{code}", value)
            for result in instance.expected_results.all():
                self.initial.setdefault(f"expected_{result.indicator}", result.value)

    # Groups of fields for the template: (legend, [bound fields]).
    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        budget = [self[f"budget_{s}"] for s in FundingSource]
        expected = [self[f"expected_{i}"] for i in ExpectedIndicator]
        general = [
            self[name] for name in FORM_FIELDS if name not in {"eligible_cost", "repeat_justification"}
        ]
        general.insert(general.index(self["unit"]) + 1, self["beneficiaries"])
        return [
            (_("Thông tin chung"), general),
            (_("Kinh phí"), [self["eligible_cost"], *budget]),
            (_("Kết quả dự kiến"), expected),
            (_("Hỗ trợ lặp lại"), [self["repeat_justification"]]),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        category, subtype = data.get("category"), data.get("subtype")
        if category and subtype and subtype not in SUBTYPES.get(category, ()):
            allowed = SUBTYPES.get(category, ())
            self.add_error(
                "subtype",
                _("Loại chi tiết này không thuộc nội dung đã chọn; hãy chọn %(options)s hoặc để loại chính.")
                % {"options": ", ".join(str(SubType(s).label) for s in allowed)}
                if allowed
                else _("Nội dung này không chia loại chi tiết; hãy để loại chính."),
            )
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("Ngày kết thúc không được trước ngày bắt đầu."))
        return data

    def validate_unique(self) -> None:
        # The service reports a code already in use itself, naming it.
        pass

    # What the services take.
    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FORM_FIELDS if name in self.cleaned_data}

    def budget(self) -> dict[str, int]:
        return {
            source: self.cleaned_data[f"budget_{source}"]
            for source in FundingSource.values
            if self.cleaned_data.get(f"budget_{source}") is not None
        }

    def expected(self) -> dict[str, int]:
        """Typed values; an indicator emptied on an existing project is sent as 0 (the service keeps rows)."""
        values = {
            indicator: self.cleaned_data[f"expected_{indicator}"]
            for indicator in ExpectedIndicator.values
            if self.cleaned_data.get(f"expected_{indicator}") is not None
        }
        if self.instance.pk is not None:
            for indicator in self.instance.expected_results.values_list("indicator", flat=True):
                values.setdefault(indicator, 0)
        return values

    def requested_support(self) -> int:
        return sum(value for source, value in self.budget().items() if source in SUPPORT_SOURCES)

    def support_field(self) -> str:
        """The field a cap error belongs on: the first support source filled in."""
        for source in FundingSource:
            if source in SUPPORT_SOURCES and self.cleaned_data.get(f"budget_{source}"):
                return f"budget_{source}"
        return f"budget_{FundingSource.PROVINCIAL}"

    def add_service_error(self, error: ValidationError) -> None:
        add_service_error(
            self, error, {"requested_support": self.support_field(), "budget": self.support_field()}
        )


class ApproveForm(forms.Form):
    decision_number = forms.CharField(label=gettext_lazy("Số quyết định phê duyệt"), max_length=60)
    decision_date = date_field(gettext_lazy("Ngày quyết định"))
    approved_support = WholeNumberField(
        label=gettext_lazy("Kinh phí hỗ trợ được duyệt (đồng)"),
        required=False,
        help_text=gettext_lazy(
            "Để trống để duyệt đúng kinh phí đề nghị; có thể duyệt thấp hơn, không cao hơn."
        ),
    )


class ContractForm(forms.Form):
    contract_number = forms.CharField(label=gettext_lazy("Số hợp đồng"), max_length=60)
    contract_date = date_field(gettext_lazy("Ngày ký hợp đồng"))
    contract_amount = WholeNumberField(label=gettext_lazy("Giá trị hợp đồng (đồng)"))


class AdvanceForm(forms.Form):
    amount = WholeNumberField(label=gettext_lazy("Số tiền tạm ứng (đồng)"), minimum=1)
    paid_on = date_field(gettext_lazy("Ngày tạm ứng"))
    note = forms.CharField(label=gettext_lazy("Ghi chú"), max_length=300, required=False)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (empty when none was chosen and none is required).

    Types and sizes are only hinted here (accept=…): the services check every file's content."""

    def __init__(self, *, accept: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": accept or documents.accept_attribute()})
        )
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def upload_help() -> str:
    return _("Nhận %(types)s, mỗi tệp không quá %(mb)s MB; chọn được nhiều tệp.") % {
        "types": ", ".join(ext.upper() for ext in documents.allowed_extensions()),
        "mb": settings.KHUYENCONG_MAX_UPLOAD_MB,
    }


class SettleForm(forms.Form):
    settled_amount = WholeNumberField(label=gettext_lazy("Kinh phí quyết toán (đồng)"))
    liquidation_date = date_field(gettext_lazy("Ngày thanh lý hợp đồng"))
    reason = forms.CharField(
        label=gettext_lazy("Ghi chú"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    settlement_files = MultipleFileField(label=gettext_lazy("Hồ sơ quyết toán"))
    invoice_files = MultipleFileField(label=gettext_lazy("Hoá đơn, chứng từ"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("settlement_files", "invoice_files"):
            self.fields[name].help_text = upload_help()

    def documents(self) -> list[tuple[str, Any]]:
        """(kind, file) pairs for services.project_settle."""
        return [(DocumentKind.SETTLEMENT, f) for f in self.cleaned_data["settlement_files"]] + [
            (DocumentKind.INVOICE, f) for f in self.cleaned_data["invoice_files"]
        ]
