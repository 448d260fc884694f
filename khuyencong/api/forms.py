"""The web forms as the API's validation: the API refuses what the UI refuses, with the same messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

F = TypeVar("F", bound=forms.BaseForm)


def checked(form: F, *, field: Callable[[str], str | None] = lambda name: name) -> F:
    """The form, valid; else a ValidationError naming each field as the API spells it (`field`), which the
    API answers with 422 and the common error body. `__all__` (a rule over several fields) names none."""
    if form.is_valid():
        return form
    errors: dict[str, list[ValidationError]] = {}
    for name, found in form.errors.as_data().items():
        key = None if name == "__all__" else field(name)
        errors.setdefault(key or "__all__", []).extend(found)
    raise ValidationError(errors)


def merged(form_class: type[F], sent: dict[str, Any], *, instance: Any = None, **kwargs: Any) -> F:
    """A form bound to what is stored (its initial values) with what was sent on top: a PATCH changes
    only the keys it sends, and the form still checks the whole record."""
    data: dict[str, Any] = {}
    if instance is not None:
        unbound = form_class(instance=instance, **kwargs)  # type: ignore[call-arg]
        for name, bound in unbound.fields.items():
            value = unbound.initial.get(name, bound.initial)
            data[name] = "" if value is None else value
    data.update({key: ("" if value is None else value) for key, value in sent.items()})
    if instance is not None:
        kwargs["instance"] = instance
    return form_class(data, **kwargs)
