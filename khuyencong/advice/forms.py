from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.topics import topics


def _too_long(label: Any) -> dict[str, Any]:
    """Messages naming the field, translated when shown (not when this module is imported)."""
    return {
        "max_length": format_lazy(
            _("{field}: tối đa %(limit_value)d ký tự (bạn đã viết %(show_value)d)."), field=label
        ),
        "required": format_lazy(_("{field}: bắt buộc."), field=label),
    }


class AskForm(forms.Form):
    business_name = forms.CharField(
        label=_("Tên cơ sở, doanh nghiệp"),
        max_length=200,
        error_messages=_too_long(_("Tên cơ sở, doanh nghiệp")),
    )
    topic = forms.ChoiceField(
        label=_("Lĩnh vực cần tư vấn"),
        choices=topics,
        error_messages={"invalid_choice": _("Lĩnh vực: hãy chọn một lĩnh vực trong danh sách.")},
    )
    question = forms.CharField(
        label=_("Nội dung cần tư vấn"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages=_too_long(_("Nội dung cần tư vấn")),
    )
    contact_name = forms.CharField(
        label=_("Người liên hệ"), max_length=100, error_messages=_too_long(_("Người liên hệ"))
    )
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=254,
        error_messages={
            **_too_long(_("Thư điện tử")),
            "invalid": _("Thư điện tử: địa chỉ không hợp lệ (ví dụ ten@example.vn)."),
        },
    )
    phone = forms.CharField(
        label=_("Điện thoại"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages=_too_long(_("Điện thoại")),
    )
    # Hidden from people by CSS and aria-hidden; a bot that fills every field gives itself away.
    website = forms.CharField(label=_("Trang web"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_errors = self.errors.get("email") or self.errors.get("phone")
        has_contact = (data.get("email") or "").strip() or (data.get("phone") or "").strip()
        if not has_errors and not has_contact:
            self.add_error(
                "email", _("Hãy cho biết thư điện tử hoặc số điện thoại (ít nhất một) để Trung tâm liên hệ.")
            )
        return data


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Trả lời"),
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages=_too_long(_("Trả lời")),
    )


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=RequestStatus.choices)
    reason = forms.CharField(label=_("Lý do"), required=False, max_length=500)


class InboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Trạng thái"), required=False, choices=[("", _("Tất cả")), *RequestStatus.choices]
    )
    topic = forms.ChoiceField(
        label=_("Lĩnh vực"), required=False, choices=lambda: [("", _("Tất cả")), *topics()]
    )
    q = forms.CharField(label=_("Tìm (tên cơ sở, người liên hệ, nội dung)"), required=False, max_length=200)
