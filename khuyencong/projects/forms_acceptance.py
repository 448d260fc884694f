"""The acceptance council's record (nghiệm thu) and the amendment request, as forms.

They read and check what was typed so the page can point at the field; the services decide again and
their errors come back onto the same fields (`add_service_error`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.forms import WholeNumberField
from khuyencong.projects import amendments
from khuyencong.projects.choices import ExpectedIndicator
from khuyencong.projects.document_services import PHOTO_EXTENSIONS
from khuyencong.projects.forms import MAX_COUNT, MultipleFileField, date_field
from khuyencong.projects.models import AcceptanceChecklistItem, ChecklistAnswer, Project

ACCEPTED, NOT_ACCEPTED = "accepted", "not_accepted"
COUNCIL_ROWS = 7
MACHINE_ROWS = 4


def _count(label: Any) -> WholeNumberField:
    return WholeNumberField(label=label, required=False, maximum=MAX_COUNT, money=False)


class AcceptanceForm(forms.Form):
    """Date, verdict, notes, results beside the expected values, trainees, the checklist and photos."""

    held_on = date_field(gettext_lazy("Ngày nghiệm thu"))
    verdict = forms.ChoiceField(
        label=gettext_lazy("Kết luận của hội đồng"),
        choices=[(ACCEPTED, gettext_lazy("Đạt yêu cầu")), (NOT_ACCEPTED, gettext_lazy("Không đạt yêu cầu"))],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Hãy chọn kết luận: đạt hoặc không đạt yêu cầu.")},
    )
    notes = forms.CharField(
        label=gettext_lazy("Nhận xét của hội đồng"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Bắt buộc khi kết luận không đạt: ghi rõ lý do."),
    )
    trained_women = _count(gettext_lazy("Học viên nữ"))
    trained_ethnic_minority = _count(gettext_lazy("Học viên người dân tộc thiểu số"))
    photos = MultipleFileField(
        label=gettext_lazy("Ảnh nghiệm thu"),
        accept=",".join(f".{ext}" for ext in sorted(PHOTO_EXTENSIONS)),
    )

    def __init__(
        self, *args: Any, project: Project, items: list[AcceptanceChecklistItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.items = items
        self.expected = {row.indicator: row.value for row in project.expected_results.all()}
        for indicator in ExpectedIndicator:
            self.fields[f"results_{indicator}"] = _count(
                _("Đạt được: %(indicator)s") % {"indicator": indicator.label}
            )
        for item in items:
            self.fields[f"checklist_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=ChecklistAnswer.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Chưa trả lời mục kiểm tra “%(item)s”.") % {"item": item.text}},
            )
            self.fields[f"checklist_{item.pk}_note"] = forms.CharField(
                label=_("Ghi chú: %(item)s") % {"item": item.text}, required=False, max_length=500
            )
        self.fields["photos"].help_text = _("Ảnh %(types)s; chọn được nhiều ảnh.") % {
            "types": ", ".join(sorted(ext.upper() for ext in PHOTO_EXTENSIONS))
        }

    # Groups for the template.
    def result_rows(self) -> list[tuple[str, int | None, forms.BoundField]]:
        """(indicator label, expected value or None, the field for what was achieved)."""
        return [
            (str(indicator.label), self.expected.get(indicator), self[f"results_{indicator}"])
            for indicator in ExpectedIndicator
        ]

    def checklist_rows(self) -> list[tuple[AcceptanceChecklistItem, forms.BoundField, forms.BoundField]]:
        return [
            (item, self[f"checklist_{item.pk}"], self[f"checklist_{item.pk}_note"]) for item in self.items
        ]

    @property
    def accepted(self) -> bool:
        return self.cleaned_data.get("verdict") == ACCEPTED

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("verdict") == NOT_ACCEPTED and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Cần ghi rõ lý do không nghiệm thu."))
        trained = data.get(f"results_{ExpectedIndicator.WORKERS_TRAINED}") or 0
        for name in ("trained_women", "trained_ethnic_minority"):
            if (data.get(name) or 0) > trained:
                self.add_error(
                    name,
                    _("%(field)s không được lớn hơn số lao động được đào tạo (%(trained)s).")
                    % {"field": self.fields[name].label, "trained": trained},
                )
        for item in self.items:
            answer = data.get(f"checklist_{item.pk}")
            note = (data.get(f"checklist_{item.pk}_note") or "").strip()
            if answer == ChecklistAnswer.NOT_MET and not note:
                self.add_error(
                    f"checklist_{item.pk}_note",
                    _("Mục “%(item)s” không đạt: cần ghi chú lý do.") % {"item": item.text},
                )
            if answer == ChecklistAnswer.NOT_APPLICABLE and item.required and not note:
                self.add_error(
                    f"checklist_{item.pk}_note",
                    _("Mục bắt buộc “%(item)s” ghi không áp dụng: cần ghi chú lý do.") % {"item": item.text},
                )
            if answer == ChecklistAnswer.NOT_MET and item.required and data.get("verdict") == ACCEPTED:
                self.add_error(
                    f"checklist_{item.pk}",
                    _("Mục bắt buộc “%(item)s” không đạt: không thể kết luận nghiệm thu đạt.")
                    % {"item": item.text},
                )
        return data

    # What the service takes.
    def results(self) -> dict[str, int]:
        return {
            indicator: self.cleaned_data[f"results_{indicator}"]
            for indicator in ExpectedIndicator.values
            if self.cleaned_data.get(f"results_{indicator}") is not None
        }

    def checklist(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"checklist_{item.pk}"],
                self.cleaned_data[f"checklist_{item.pk}_note"],
            )
            for item in self.items
        }


class CouncilMemberForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Họ tên"), max_length=200, required=False)
    position = forms.CharField(label=gettext_lazy("Chức vụ, đơn vị"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        name, position = (data.get("name") or "").strip(), (data.get("position") or "").strip()
        if name and not position:
            self.add_error("position", _("Ghi chức vụ, đơn vị của %(name)s.") % {"name": name})
        if position and not name:
            self.add_error(
                "name", _("Ghi họ tên thành viên giữ chức vụ %(position)s.") % {"position": position}
            )
        return data


class BaseCouncilFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.rows():
            raise ValidationError(_("Ghi ít nhất một thành viên hội đồng có mặt (họ tên và chức vụ)."))

    def rows(self) -> list[tuple[str, str]]:
        return [
            (form.cleaned_data["name"], form.cleaned_data["position"])
            for form in self.forms
            if form.cleaned_data.get("name")
        ]


class MachineForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên máy, thiết bị"), max_length=200, required=False)
    serial_number = forms.CharField(label=gettext_lazy("Số hiệu (serial)"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        name, serial = (data.get("name") or "").strip(), (data.get("serial_number") or "").strip()
        if name and not serial:
            self.add_error("serial_number", _("Ghi số hiệu (serial) của %(name)s.") % {"name": name})
        if serial and not name:
            self.add_error("name", _("Ghi tên máy có số hiệu %(serial)s.") % {"serial": serial})
        return data


class BaseMachineFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for number, form in enumerate(self.forms, start=1):
            serial = (form.cleaned_data.get("serial_number") or "").strip()
            if not serial:
                continue
            if serial.casefold() in seen:
                form.add_error(
                    "serial_number",
                    _("Số hiệu %(serial)s đã ghi ở dòng %(row)s: mỗi máy một số hiệu riêng.")
                    % {"serial": serial, "row": seen[serial.casefold()]},
                )
            else:
                seen[serial.casefold()] = number

    def rows(self) -> list[tuple[str, str]]:
        return [
            (form.cleaned_data["name"], form.cleaned_data["serial_number"])
            for form in self.forms
            if form.cleaned_data.get("serial_number")
        ]


CouncilFormSet = cast(
    type[BaseCouncilFormSet],
    forms.formset_factory(
        CouncilMemberForm, formset=BaseCouncilFormSet, extra=COUNCIL_ROWS, max_num=40, validate_max=True
    ),
)


def machine_formset(project: Project) -> type[BaseMachineFormSet]:
    """Blank machine rows to offer: a few more than the machines the project expects."""
    expected = {row.indicator: row.value for row in project.expected_results.all()}
    rows = max(MACHINE_ROWS, min(expected.get(ExpectedIndicator.MACHINES, 0) + 2, 60))
    return cast(
        type[BaseMachineFormSet],
        forms.formset_factory(
            MachineForm, formset=BaseMachineFormSet, extra=rows, max_num=200, validate_max=True
        ),
    )


# --- amendments ----------------------------------------------------------------------------------


class AmendmentForm(forms.Form):
    """The amendable fields, prefilled with the project's current values, and the reason."""

    reason = forms.CharField(
        label=gettext_lazy("Lý do điều chỉnh"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Cần ghi rõ lý do điều chỉnh.")},
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.current = amendments.current_values(project)
        for field in amendments.fields_for(project):
            name = self.name_of(field.key)
            value = self.current[field.key]
            if field.kind == "date":
                self.fields[name] = date_field(field.label, required=False)
                self.initial[name] = dt.date.fromisoformat(value) if value else None
            elif field.kind in {"money", "count"}:
                self.fields[name] = WholeNumberField(
                    label=field.label,
                    required=field.key == "approved_support",
                    money=field.kind == "money",
                    maximum=MAX_COUNT if field.kind == "count" else 10**15,
                )
                self.initial[name] = value
            else:
                self.fields[name] = forms.CharField(
                    label=field.label,
                    required=False,
                    max_length=amendments.TEXT_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.initial[name] = value

    @staticmethod
    def name_of(key: str) -> str:
        return key.replace(".", "_")

    def proposed(self) -> dict[str, Any]:
        """Every amendable field as typed, keyed as amendments keeps them (the service drops the unchanged)."""
        proposed: dict[str, Any] = {}
        for field in amendments.fields_for(self.project):
            value = self.cleaned_data.get(self.name_of(field.key))
            proposed[field.key] = value.isoformat() if field.kind == "date" and value else value
        return proposed

    def preview(self) -> list[amendments.Change]:
        """What the request would change, for the page to show before it is sent."""
        clean = {}
        for key, value in self.proposed().items():
            try:
                clean[key] = amendments.normalise(key, value)
            except ValidationError:
                clean[key] = value
        return [
            amendments.Change(key, amendments.FIELDS[key].label, row["before"], row["after"])
            for key, row in amendments.diff(self.current, clean).items()
        ]

    def groups(self) -> list[tuple[str, list[forms.BoundField]]]:
        keys = [f.key for f in amendments.fields_for(self.project)]

        def pick(prefix: str) -> list[forms.BoundField]:
            return [self[self.name_of(k)] for k in keys if k.startswith(prefix)]

        return [
            (_("Thời gian thực hiện"), pick("start_date") + pick("end_date")),
            (_("Kinh phí"), pick("approved_support") + pick("budget.")),
            (_("Kết quả dự kiến"), pick("expected.")),
            (_("Nội dung"), pick("description") + pick("partners")),
        ]
