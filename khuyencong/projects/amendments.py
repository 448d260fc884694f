"""Amendments (điều chỉnh đề án): what an amendment may change, and who moves one along.

An approved project changes only through an amendment: a record with its reason and each field's value
before and after, which the leader approves or rejects. Its lifecycle is one table, like the project's:

    (new) → requested → approved | rejected | withdrawn

The centre requests (it runs the project file), and so may a beneficiary's representative for their own
project (in practice they write to the centre, but letting them file the request themselves keeps their
reason in their own words); the leader decides, as for the project's approval, so that no one approves
their own request; a request is withdrawn by the centre or by the representative who filed it.

This module only knows the fields and the rules of the table; amendment_services applies them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.choices import Role
from khuyencong.core.money import group, vnd
from khuyencong.projects import workflow
from khuyencong.projects.choices import ExpectedIndicator, FundingSource, Status
from khuyencong.projects.models import Amendment, AmendmentStatus, Project

A = AmendmentStatus
S = Status
# After approval and until the council has visited; afterwards the settlement speaks for the money.
AMENDABLE_STATES = (S.APPROVED, S.CONTRACTED, S.IN_PROGRESS, S.AWAITING_ACCEPTANCE)

REQUESTERS = workflow.CENTRE | frozenset({Role.BUSINESS})
TRANSITIONS: dict[tuple[AmendmentStatus | None, AmendmentStatus], frozenset[str]] = {
    (None, A.REQUESTED): REQUESTERS,
    (A.REQUESTED, A.APPROVED): workflow.DECIDERS,
    (A.REQUESTED, A.REJECTED): workflow.DECIDERS,
    (A.REQUESTED, A.WITHDRAWN): REQUESTERS,
}
NEEDS_NOTE = frozenset({A.REJECTED})
TEXT_MAX = 10_000
COUNT_MAX = 2_147_483_647  # what a PositiveIntegerField holds everywhere


# --- the fields an amendment may change ----------------------------------------------------------


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # "date", "money", "count" or "text"
    text: Promise  # the label, or its pattern with %(name)s for a budget source or an indicator
    name: Promise | None = None

    @property
    def label(self) -> str:
        """Translated when read, so each request sees its own language."""
        return str(self.text) % {"name": self.name} if self.name is not None else str(self.text)


def _fields() -> dict[str, Field]:
    fields = [
        Field("start_date", "date", gettext_lazy("Ngày bắt đầu")),
        Field("end_date", "date", gettext_lazy("Ngày kết thúc")),
        Field("approved_support", "money", gettext_lazy("Kinh phí hỗ trợ được duyệt")),
        *(Field(f"budget.{s}", "money", gettext_lazy("Kinh phí: %(name)s"), s.label) for s in FundingSource),
        *(
            Field(f"expected.{i}", "count", gettext_lazy("Dự kiến: %(name)s"), i.label)
            for i in ExpectedIndicator
        ),
        Field("description", "text", gettext_lazy("Mô tả")),
        Field("partners", "text", gettext_lazy("Cơ quan phối hợp")),
    ]
    return {f.key: f for f in fields}


FIELDS: dict[str, Field] = _fields()


def fields_for(project: Project) -> list[Field]:
    """The fields this project's amendment may change: the approved support only once there is one."""
    return [f for f in FIELDS.values() if f.key != "approved_support" or project.approved_support is not None]


def current_values(project: Project) -> dict[str, Any]:
    """Every amendable field's stored value, in the JSON form amendments keep (ISO dates, None when absent)."""
    budget = {line.source: line.amount for line in project.budget_lines.all()}
    expected = {row.indicator: row.value for row in project.expected_results.all()}
    values: dict[str, Any] = {
        "start_date": project.start_date.isoformat() if project.start_date else None,
        "end_date": project.end_date.isoformat() if project.end_date else None,
        "approved_support": project.approved_support,
        "description": project.description,
        "partners": project.partners,
    }
    values.update({f"budget.{source}": budget.get(source) for source in FundingSource.values})
    values.update(
        {f"expected.{indicator}": expected.get(indicator) for indicator in ExpectedIndicator.values}
    )
    return {key: values[key] for key in (f.key for f in fields_for(project))}


def normalise(key: str, value: Any) -> Any:
    """One proposed value in the JSON form amendments keep, or a ValidationError naming the field."""
    field = FIELDS.get(key)
    if field is None:
        raise ValidationError(
            _("Trường “%(key)s” không điều chỉnh được qua đề nghị điều chỉnh.") % {"key": key}
        )
    label = field.label
    if field.kind == "text":
        text = "" if value is None else str(value).strip()
        if len(text) > TEXT_MAX:
            raise ValidationError(
                {key: _("%(field)s dài quá %(max)s ký tự.") % {"field": label, "max": TEXT_MAX}}
            )
        return text
    if value is None or value == "":
        if key == "approved_support":
            raise ValidationError({key: _("%(field)s không được để trống.") % {"field": label}})
        return None
    if field.kind == "date":
        if isinstance(value, dt.date):
            return value.isoformat()
        try:
            return dt.date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValidationError(
                {key: _("%(field)s không phải là ngày hợp lệ.") % {"field": label}}
            ) from None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            {key: _("%(field)s phải là số nguyên, không có phần thập phân.") % {"field": label}}
        )
    if value < 0:
        raise ValidationError({key: _("%(field)s không được là số âm.") % {"field": label}})
    if field.kind == "count" and value > COUNT_MAX:
        raise ValidationError({key: _("%(field)s quá lớn.") % {"field": label}})
    return value


def display(key: str, value: Any) -> str:
    """A value as the pages print it: 1.286.000 ₫, 07/08/2012, 1.286, or the text; "—" when absent."""
    if value is None or value == "":
        return "—"
    kind = FIELDS[key].kind if key in FIELDS else "text"
    if kind == "date":
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
    if kind == "money":
        return vnd(int(value))
    if kind == "count":
        return group(int(value))
    return str(value)


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: Any
    after: Any

    @property
    def before_text(self) -> str:
        return display(self.key, self.before)

    @property
    def after_text(self) -> str:
        return display(self.key, self.after)


def changes_of(amendment: Amendment) -> list[Change]:
    """The amendment's changes in the order of the fields (unknown keys, if any, last)."""
    order = {key: i for i, key in enumerate(FIELDS)}
    rows = sorted(amendment.changes.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    return [
        Change(key, FIELDS[key].label if key in FIELDS else key, row.get("before"), row.get("after"))
        for key, row in rows
    ]


def diff(before: Mapping[str, Any], proposed: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """{key: {"before", "after"}} for every proposed value that differs from the stored one."""
    return {
        key: {"before": before.get(key), "after": value}
        for key, value in proposed.items()
        if value != before.get(key)
    }


# --- the transition table ------------------------------------------------------------------------


def _in_scope(project: Project, user: Any) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists() and workflow.acts_in_scope(
        project, user
    )


def can(project: Project, to: AmendmentStatus, user: Any, amendment: Amendment | None = None) -> bool:
    """Whether `user`'s role and scope allow the move (the states are checked by `require`)."""
    frm = AmendmentStatus(amendment.status) if amendment is not None else None
    roles = TRANSITIONS.get((frm, to))
    role = workflow.role_of(user)
    if roles is None or role not in roles or not _in_scope(project, user):
        return False
    # A representative withdraws only a request they filed; the centre any request on its file.
    return not (
        to == A.WITHDRAWN and role == Role.BUSINESS and amendment and amendment.requested_by_id != user.pk
    )


def require(
    project: Project, *, to: AmendmentStatus, actor: Any, amendment: Amendment | None = None, note: str = ""
) -> None:
    """Raise unless `actor` may make this move now: TransitionError for the state, PermissionDenied for
    the role or scope, ValidationError for a missing note."""
    frm = AmendmentStatus(amendment.status) if amendment is not None else None
    if (frm, to) not in TRANSITIONS:
        raise workflow.TransitionError(
            _("Đề nghị điều chỉnh đang ở trạng thái “%(frm)s”, không chuyển sang “%(to)s” được.")
            % {"frm": frm.label if frm else "—", "to": to.label},
            code="invalid_transition",
        )
    if not can(project, to, actor, amendment):
        raise PermissionDenied(
            _("Vai trò của bạn không được chuyển đề nghị điều chỉnh sang “%(to)s”.") % {"to": to.label}
        )
    if to in {A.REQUESTED, A.APPROVED} and project.status not in AMENDABLE_STATES:
        raise workflow.TransitionError(
            _(
                "Đề án đang ở trạng thái “%(state)s”: chỉ điều chỉnh đề án đã phê duyệt, đã ký hợp đồng, "
                "đang thực hiện hoặc chờ nghiệm thu."
            )
            % {"state": Status(project.status).label},
            code="not_amendable",
        )
    if to in NEEDS_NOTE and not note.strip():
        raise ValidationError({"note": _("Cần ghi rõ lý do khi chuyển sang “%(to)s”.") % {"to": to.label}})


def open_amendment(project: Project) -> Amendment | None:
    return project.amendments.filter(status=A.REQUESTED).select_related("requested_by").first()


def may_request(project: Project, user: Any) -> bool:
    """For the page: the role may request here, the state allows it and nothing is waiting already."""
    return (
        project.status in AMENDABLE_STATES
        and can(project, A.REQUESTED, user)
        and not project.amendments.filter(status=A.REQUESTED).exists()
    )
