"""Form fields shared by every app: numbers and money typed the Vietnamese way."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from khuyencong.core.money import group

MAX_VND = 10**15  # a million billion đồng: far above any project, far below a 64-bit column

_SUFFIX = re.compile(r"\s*(₫|đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# [0-9], not \d: \d also matches other scripts' and full-width digits, which int() would read.
_PLAIN = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(\.[0-9]{3})+")
_MINUS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash (what word processors paste)


# Words for a multiple that typed spreadsheets use: "1,5 tỷ", "350 triệu", "350 tr", "20 nghìn".
_SCALES: dict[str, int] = {
    "tỷ": 10**9,
    "tỉ": 10**9,
    "triệu": 10**6,
    "tr": 10**6,
    "nghìn": 10**3,
    "ngàn": 10**3,
}
_SCALED = re.compile(
    r"(?P<number>[0-9.,]+)\s*(?P<scale>tỷ|tỉ|triệu|tr|nghìn|ngàn)\.?(\s*(đồng|đ|vnđ|vnd))?\.?",
    re.IGNORECASE,
)
_COMMA_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3}){2,}")


def _ambiguous(name: str, raw: str) -> ValidationError:
    return ValidationError(
        _(
            "%(field)s: không rõ “%(value)s” là số nguyên có dấu phân cách hàng nghìn hay số thập phân; "
            "hãy ghi lại cho rõ, ví dụ 1.286 (một nghìn hai trăm tám mươi sáu) hoặc 1,3 (một phẩy ba)."
        )
        % {"field": name, "value": raw},
        code="ambiguous",
    )


def _scaled(raw: str, *, name: str) -> int | None:
    """'1,5 tỷ' -> 1500000000; None when `raw` carries no multiple word. A comma or dot before exactly
    three digits could group thousands or start decimals, so it is refused as ambiguous."""
    match = _SCALED.fullmatch(raw)
    if match is None:
        return None
    number, scale = match["number"], _SCALES[match["scale"].lower()]
    separators = re.findall(r"[.,]", number)
    if not separators:
        return int(number) * scale
    if len(separators) > 1 or not re.fullmatch(r"[0-9]+[.,][0-9]+", number):
        raise _ambiguous(name, raw)
    whole, fraction = re.split(r"[.,]", number)
    if len(fraction) == 3:
        raise _ambiguous(name, raw)
    value = int(whole) * scale + int(fraction) * scale // 10 ** len(fraction)
    if int(fraction) * scale % 10 ** len(fraction):
        raise ValidationError(
            _("%(field)s phải là số nguyên đồng; “%(value)s” không ra số đồng chẵn.")
            % {"field": name, "value": raw},
            code="decimal",
        )
    return value


def parse_whole_number(text: str, *, label: Any, maximum: int = MAX_VND, tolerant: bool = False) -> int:
    """'1.286.000.000', '1 286 000 000', '1286000000 ₫' -> 1286000000.

    Vietnamese writes 1.286.000.000 with dots between thousands and a comma before decimals. A whole
    number is asked for, so a comma, a dot that does not group thousands or a minus sign is refused
    with a message naming the field, never guessed at.

    `tolerant` (files typed over the years, read by the importer) also takes a multiple word
    ('1,5 tỷ', '350 triệu') and thousands grouped by commas in more than one place ('1,286,000');
    '1,286' could be either reading, so it is refused as ambiguous (code "ambiguous") for the officer
    to confirm.
    """
    name = capfirst(str(label))
    text = unicodedata.normalize("NFC", str(text)).strip()
    if tolerant:
        if text.startswith(_MINUS):
            raise ValidationError(_("%(field)s không được là số âm.") % {"field": name}, code="negative")
        scaled = _scaled(" ".join(text.split()), name=name)
        if scaled is not None:
            if scaled > maximum:
                raise ValidationError(_("%(field)s quá lớn.") % {"field": name}, code="too_large")
            return scaled
    raw = _SUFFIX.sub("", text).strip()
    if raw.startswith(_MINUS):
        raise ValidationError(_("%(field)s không được là số âm.") % {"field": name}, code="negative")
    raw = _SPACES.sub(".", raw)  # "1 286 000" groups thousands with spaces
    if tolerant and _COMMA_GROUPED.fullmatch(raw):
        raw = raw.replace(",", "")
    elif tolerant and re.fullmatch(r"[0-9]{1,3},[0-9]{3}", raw):
        raise _ambiguous(name, raw)
    if _PLAIN.fullmatch(raw):
        value = int(raw)
    elif _GROUPED.fullmatch(raw):
        value = int(raw.replace(".", ""))
    elif re.fullmatch(r"[0-9.]+([.,][0-9]*)?", raw) and ("," in raw or "." in raw):
        raise ValidationError(
            _(
                "%(field)s phải là số nguyên, không có phần thập phân; "
                "dấu chấm chỉ dùng để phân cách hàng nghìn (ví dụ 1.286.000.000)."
            )
            % {"field": name},
            code="decimal",
        )
    else:
        raise ValidationError(
            _("%(field)s không phải là số hợp lệ; hãy nhập ví dụ 1.286.000.000.") % {"field": name},
            code="invalid",
        )
    if value > maximum:
        raise ValidationError(_("%(field)s quá lớn.") % {"field": name}, code="too_large")
    return value


class WholeNumberField(forms.Field):
    """A whole number (đồng, people, machines) typed the Vietnamese way; errors name the field."""

    def __init__(
        self, *, minimum: int = 0, maximum: int = MAX_VND, money: bool = True, **kwargs: Any
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        attrs = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "40"}
        if money:
            attrs["placeholder"] = "1.286.000.000"
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        text = str(value)
        if len(text) > 40:
            raise ValidationError(
                _("%(field)s không phải là số hợp lệ; hãy nhập ví dụ 1.286.000.000.")
                % {"field": capfirst(str(self.label))},
                code="invalid",
            )
        return parse_whole_number(text, label=self.label, maximum=self.maximum)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value < self.minimum:
            raise ValidationError(
                _("%(field)s phải từ %(min)s trở lên.")
                % {"field": capfirst(str(self.label)), "min": group(self.minimum)},
                code="min_value",
            )

    def prepare_value(self, value: Any) -> Any:
        return group(value) if isinstance(value, int) and not isinstance(value, bool) else value


def add_service_error(
    form: forms.BaseForm, error: ValidationError, field_for: dict[str, str] | None = None
) -> None:
    """Put a service's ValidationError on the field it names, or above the form when no field matches."""
    field_for = field_for or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        target = field_for.get(key, key.replace(".", "_"))
        if target in form.fields:
            form.add_error(target, errors)
        else:
            form.add_error(None, ValidationError([e for err in errors for e in err.messages]))
