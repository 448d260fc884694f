"""The one way to change a project. Every transition is atomic, locked and audited."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.money import vnd
from khuyencong.core.text import search_key
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects import calls, document_services, repeat, workflow
from khuyencong.projects.choices import ExpectedIndicator, FundingSource, Status
from khuyencong.projects.documents import Upload
from khuyencong.projects.models import (
    Acceptance,
    AcceptanceChecklistAnswer,
    AcceptanceChecklistItem,
    ActualResult,
    Advance,
    AmendmentStatus,
    BudgetLine,
    Call,
    ChecklistAnswer,
    DocumentKind,
    ExpectedResult,
    Machine,
    Project,
    Recovery,
    code_key,
    validate_council_members,
)
from khuyencong.rules.selectors import SupportLimit, check_support

S = Status
EDITABLE_FIELDS = (
    "code",
    "title",
    "category",
    "subtype",
    "level",
    "is_pilot",
    "plan_year",
    "implementing_unit",
    "unit",
    "partners",
    "description",
    "start_date",
    "end_date",
    "eligible_cost",
    "repeat_justification",
    "is_demo",
)
# Moves that carry data of their own (a submission date, a decision, a contract, the acceptance record, a
# settlement) have their own service; resuming a suspended project to one of those states is a plain move.
DEDICATED = frozenset({S.SUBMITTED, S.APPROVED, S.CONTRACTED, S.ACCEPTED, S.NOT_ACCEPTED, S.SETTLED})
# Until it is approved a proposal can be reworked; afterwards only an adjustment changes it.
EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED, S.SUBMITTED, S.UNDER_APPRAISAL})

# What other apps check when a project is approved (the annual plan's envelope: `plans` registers its
# guard in AppConfig.ready, so this app does not import plans). A guard is called before the project's
# row is locked and takes the locks it needs, so every approval of a year takes them in one order (plan,
# then project: no deadlock with a plan's approval); it returns the check to run on the amount granted.
ApprovalCheck = Callable[[Project, int], None]
APPROVAL_GUARDS: list[Callable[[Project], ApprovalCheck]] = []


def amount(value: Any, *, field: str, minimum: int = 0) -> int:
    """Money is a whole number of đồng: refuse decimals, negatives and anything that is not a number."""
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("Số tiền phải là số nguyên đồng, không có phần thập phân.")})
    if value < minimum:
        raise ValidationError({field: _("Số tiền không được nhỏ hơn %(min)s.") % {"min": vnd(minimum)}})
    return value


def province_code(unit: AdministrativeUnit) -> str:
    node: AdministrativeUnit | None = unit
    while node is not None and node.level != Level.PROVINCE:
        node = node.parent
    return node.code if node is not None else ""


def check_cap(project: Project, *, on: dt.date) -> SupportLimit:
    """Compute the legal maximum for the project on `on` and refuse a request above it.

    Returns the limit (with its citation) so pages can show it; where no rule is in force the limit
    says so and nothing is blocked.
    """
    return check_support(
        category=project.category,
        subtype=project.subtype,
        level=project.level,
        province=province_code(project.unit),
        on=on,
        eligible_cost=project.eligible_cost,
        requested_support=project.requested_support,
    )


def _save_money(
    project: Project, budget: Mapping[str, Any] | None, expected: Mapping[str, Any] | None
) -> None:
    if budget is not None:
        clean = {
            FundingSource(source): amount(value, field=f"budget.{source}") for source, value in budget.items()
        }
        project.budget_lines.exclude(source__in=list(clean)).delete()
        for source, value in clean.items():
            BudgetLine.objects.update_or_create(project=project, source=source, defaults={"amount": value})
    if expected is not None:
        targets = {
            ExpectedIndicator(indicator): amount(value, field=f"expected.{indicator}")
            for indicator, value in expected.items()
        }
        project.expected_results.exclude(indicator__in=list(targets)).delete()
        for indicator, value in targets.items():
            ExpectedResult.objects.update_or_create(
                project=project, indicator=indicator, defaults={"value": value}
            )


def _figures(project: Project) -> dict[str, tuple[str, int]]:
    """Budget lines and expected results as {key: (label, value)}, for the audit trail."""
    figures = {
        f"budget.{line.source}": (str(line.get_source_display()), line.amount)
        for line in project.budget_lines.all()
    }
    figures.update(
        {
            f"expected.{row.indicator}": (str(row.get_indicator_display()), row.value)
            for row in project.expected_results.all()
        }
    )
    return figures


def _finish(project: Project) -> None:
    project.code = " ".join(project.code.split())
    project.code_key = code_key(project.code)
    project.search_key = search_key(project.code, project.title, project.implementing_unit)
    clash = Project.objects.filter(code_key=project.code_key)
    if project.pk is not None:
        clash = clash.exclude(pk=project.pk)
    if clash.exists():
        raise ValidationError({"code": _("Mã đề án %(code)s đã được dùng.") % {"code": project.code}})
    project.full_clean(exclude=["code_key"])


def _check_beneficiaries(actor: Any, beneficiaries: Iterable[Any], *, already: Iterable[int]) -> None:
    """A proposer may name only establishments they can see (those already named stay)."""
    from khuyencong.establishments.models import Establishment

    new_ids = {getattr(b, "pk", b) for b in beneficiaries} - set(already)
    if new_ids and Establishment.objects.visible_to(actor).filter(pk__in=new_ids).count() != len(new_ids):
        raise ValidationError({"beneficiaries": _("Có cơ sở thụ hưởng nằm ngoài phạm vi của bạn.")})


def _may_propose(actor: Any, unit: AdministrativeUnit) -> None:
    role = workflow.role_of(actor)
    if role in {Role.ADMIN, Role.OFFICER, Role.BUSINESS}:
        return
    if role == Role.COMMUNE_OFFICER:
        from khuyencong.accounts.scope import can_edit_in_place

        if can_edit_in_place(actor, unit.pk):
            return
    raise PermissionDenied(_("Bạn không có quyền lập đề án ở địa bàn này."))


@transaction.atomic
def project_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    beneficiaries: Iterable[Any] = (),
    budget: Mapping[str, Any] | None = None,
    expected: Mapping[str, Any] | None = None,
    call: Call | None = None,
    on: dt.date | None = None,
) -> Project:
    """Create a draft. `on` is the date whose caps apply (default today); an officer entering a past
    year's proposal gives that year's date, since the cap in force then is the one that applies."""
    project = Project(**{k: v for k, v in data.items() if k in EDITABLE_FIELDS}, created_by=actor)
    if "eligible_cost" in data:
        project.eligible_cost = amount(data["eligible_cost"], field="eligible_cost")
    if project.unit_id is None:
        raise ValidationError({"unit": _("Hãy chọn địa điểm thực hiện đề án.")})
    _may_propose(actor, project.unit)
    beneficiaries = list(beneficiaries)
    _check_beneficiaries(actor, beneficiaries, already=())
    call = call if call is not None else data.get("call")
    if call is not None:
        calls.check_new_proposal(project, call)  # level, year, accepted category; not past the deadline
        project.call = call
    _finish(project)
    project.save()
    project.beneficiaries.set(list(beneficiaries))
    _save_money(project, budget, expected)
    check_cap(project, on=on or timezone.localdate())
    audit.record(
        instance=project,
        action=AuditAction.CREATE,
        actor=actor,
        changes={**audit.diff({}, audit.snapshot(project)), **_money_changes({}, project)},
    )
    return project


def _money_changes(before: Mapping[str, tuple[str, int]], project: Project) -> dict[str, dict[str, Any]]:
    after = _figures(project)
    changes: dict[str, dict[str, Any]] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if (old and old[1]) != (new and new[1]):
            changes[key] = {
                "label": (new or old or ("", 0))[0],
                "before": old[1] if old else None,
                "after": new[1] if new else None,
            }
    return changes


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("unit").get(pk=project.pk)


@transaction.atomic
def project_update(
    *,
    project: Project,
    actor: Any,
    data: Mapping[str, Any],
    beneficiaries: Iterable[Any] | None = None,
    budget: Mapping[str, Any] | None = None,
    expected: Mapping[str, Any] | None = None,
) -> Project:
    locked = _lock(project)
    if locked.status not in EDITABLE_STATES:
        raise ValidationError(_("Đề án đã được phê duyệt: mọi thay đổi phải qua điều chỉnh có lý do."))
    if not Project.objects.visible_to(actor).filter(pk=locked.pk).exists() or workflow.role_of(actor) in {
        Role.LEADER,
        Role.COUNCIL_MEMBER,
        Role.PUBLIC,
    }:
        raise PermissionDenied(_("Bạn không có quyền sửa đề án này."))
    before = audit.snapshot(locked)
    money_before = _figures(locked)
    unit_before = locked.unit_id
    for key, value in data.items():
        if key in EDITABLE_FIELDS:
            setattr(locked, key, value)
    if "eligible_cost" in data:
        locked.eligible_cost = amount(data["eligible_cost"], field="eligible_cost")
    if locked.unit_id != unit_before:
        _may_propose(actor, locked.unit)  # a record may only move to a place the actor serves
    _finish(locked)
    locked.save()
    if beneficiaries is not None:
        beneficiaries = list(beneficiaries)
        _check_beneficiaries(actor, beneficiaries, already=locked.beneficiaries.values_list("pk", flat=True))
        locked.beneficiaries.set(beneficiaries)
    _save_money(locked, budget, expected)
    check_cap(locked, on=locked.submitted_on or timezone.localdate())
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={**audit.diff(before, audit.snapshot(locked)), **_money_changes(money_before, locked)},
    )
    return locked


def _require_data_move(project: Project, *, to: Status, actor: Any) -> None:
    """Approval, contract and settlement carry data of their own; a suspended project resumes with a
    plain move first, so that a decision or contract is never overwritten on the way back."""
    if project.status == S.SUSPENDED:
        raise workflow.TransitionError(
            _("Đề án đang tạm dừng: hãy cho tiếp tục trước khi chuyển sang “%(to)s”.") % {"to": to.label},
            code="suspended",
        )
    workflow.require(project, to=to, actor=actor)


def _move(project: Project, *, to: Status, actor: Any, reason: str = "", **fields: Any) -> Project:
    """Apply a checked transition and write its audit row (the caller holds the row lock)."""
    before = audit.snapshot(project)
    project.status = to
    for key, value in fields.items():
        setattr(project, key, value)
    project.full_clean(exclude=["code_key"])
    project.save()
    audit.record(
        instance=project,
        action=AuditAction.TRANSITION,
        actor=actor,
        reason=reason,
        changes=audit.diff(before, audit.snapshot(project)),
    )
    return project


@transaction.atomic
def project_submit(*, project: Project, actor: Any, on: dt.date | None = None) -> Project:
    """Submit a draft (or a returned proposal). The cap in force on the submission date applies.

    A proposal in a call must fit it and, the first time, arrive before its deadline; one that repeats
    recent support to a beneficiary needs a justification, which the audit row keeps.
    """
    locked = _lock(project)
    workflow.require(locked, to=S.SUBMITTED, actor=actor)
    day = on or timezone.localdate()
    if locked.requested_support <= 0:
        raise ValidationError({"budget": _("Đề án phải đề nghị một khoản hỗ trợ từ ngân sách khuyến công.")})
    if not locked.beneficiaries.exists() and locked.category in {
        "demonstration_model",
        "machinery_application",
    }:
        raise ValidationError(
            {"beneficiaries": _("Đề án hỗ trợ cơ sở phải nêu ít nhất một cơ sở thụ hưởng.")}
        )
    calls.check_submission(locked, on=on)
    previous = repeat.require_justification(locked)
    check_cap(locked, on=day)
    return _move(
        locked,
        to=S.SUBMITTED,
        actor=actor,
        reason=repeat.audit_reason(previous, locked.repeat_justification),
        submitted_on=day,
    )


@transaction.atomic
def project_transition(*, project: Project, to: Status, actor: Any, reason: str = "") -> Project:
    """Moves that need nothing but a reason or nothing at all (the others have their own service)."""
    locked = _lock(project)
    resuming = locked.status == S.SUSPENDED
    if to in DEDICATED and not resuming:
        raise ValueError(f"Use the dedicated service for {to}")
    workflow.require(locked, to=to, actor=actor, reason=reason)
    if locked.status == S.UNDER_APPRAISAL and to == S.PROPOSED and locked.appraisal_score is None:
        # The score comes from the appraisal council's conclusion (khuyencong.appraisal), never by hand.
        raise ValidationError(
            {
                "appraisal_score": _(
                    "Đề án chưa có điểm thẩm định: chỉ đề xuất vào kế hoạch sau khi hội đồng thẩm định "
                    "chấm điểm và Trung tâm kết luận thẩm định."
                )
            }
        )
    extra: dict[str, Any] = {}
    if to == S.SUSPENDED:
        extra["suspended_from"] = locked.status
    elif locked.status == S.SUSPENDED:
        extra["suspended_from"] = ""
    return _move(locked, to=to, actor=actor, reason=reason, **extra)


@transaction.atomic
def project_approve(
    *,
    project: Project,
    actor: Any,
    decision_number: str,
    decision_date: dt.date,
    reason: str = "",
    approved_support: Any = None,
) -> Project:
    """Approve with the decision's number and date. The plan's approval calls this too.

    The decision may grant less than was asked (a plan funding a proposal in part), never more;
    without an amount it grants the support requested.
    """
    checks = [guard(project) for guard in APPROVAL_GUARDS]
    locked = _lock(project)
    _require_data_move(locked, to=S.APPROVED, actor=actor)
    if not decision_number.strip():
        raise ValidationError({"decision_number": _("Cần số quyết định phê duyệt.")})
    check_cap(locked, on=locked.submitted_on or decision_date)
    requested = locked.requested_support
    granted = requested if approved_support is None else amount(approved_support, field="approved_support")
    if granted > requested:
        raise ValidationError(
            {
                "approved_support": _(
                    "Kinh phí được duyệt (%(granted)s) không được vượt kinh phí đề nghị hỗ trợ (%(requested)s)."
                )
                % {"granted": vnd(granted), "requested": vnd(requested)}
            }
        )
    for check in checks:
        check(locked, granted)
    return _move(
        locked,
        to=S.APPROVED,
        actor=actor,
        reason=reason,
        decision_number=decision_number.strip(),
        decision_date=decision_date,
        approved_support=granted,
    )


@transaction.atomic
def project_contract(
    *, project: Project, actor: Any, contract_number: str, contract_date: dt.date, contract_amount: Any
) -> Project:
    locked = _lock(project)
    _require_data_move(locked, to=S.CONTRACTED, actor=actor)
    value = amount(contract_amount, field="contract_amount")
    if not contract_number.strip():
        raise ValidationError({"contract_number": _("Cần số hợp đồng.")})
    if value > (locked.approved_support or 0):
        raise ValidationError(
            {
                "contract_amount": _("Giá trị hợp đồng không được vượt kinh phí hỗ trợ được duyệt (%(cap)s).")
                % {"cap": vnd(locked.approved_support or 0)}
            }
        )
    return _move(
        locked,
        to=S.CONTRACTED,
        actor=actor,
        contract_number=contract_number.strip(),
        contract_date=contract_date,
        contract_amount=value,
    )


def _council(rows: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """(name, position) rows, blank rows dropped; a half-filled row is refused."""
    members = []
    for name, position in rows:
        name, position = " ".join(name.split()), " ".join(position.split())
        if name or position:
            members.append({"name": name, "position": position})
    try:
        validate_council_members(members)
    except ValidationError as exc:
        raise ValidationError({"council_members": exc.messages}) from None
    return members


def _machines(rows: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    machines: list[tuple[str, str]] = []
    serials: set[str] = set()
    for name, serial in rows:
        name, serial = name.strip(), serial.strip()
        if not name or not serial:
            raise ValidationError({"machines": _("Mỗi máy cần ghi tên và số hiệu (serial).")})
        if serial.casefold() in serials:
            raise ValidationError(
                {
                    "machines": _("Số hiệu (serial) %(serial)s ghi trùng: mỗi máy một số hiệu riêng.")
                    % {"serial": serial}
                }
            )
        serials.add(serial.casefold())
        machines.append((name, serial))
    return machines


def checklist_items(project: Project) -> list[AcceptanceChecklistItem]:
    """The checklist the council answers for this project: the active items of its content category."""
    return list(AcceptanceChecklistItem.objects.filter(category=project.category, active=True))


def _checklist(
    project: Project, answers: Mapping[int, tuple[str, str]], *, accepted: bool
) -> list[AcceptanceChecklistAnswer]:
    """One answer for every active item of the project's category, and a verdict the answers allow."""
    items = checklist_items(project)
    by_id = {item.pk: item for item in items}
    unknown = set(answers) - set(by_id)
    if unknown:
        raise ValidationError(
            {"checklist": _("Có mục kiểm tra không thuộc danh mục đang dùng cho nội dung hỗ trợ của đề án.")}
        )
    errors: dict[str, str] = {}
    rows: list[AcceptanceChecklistAnswer] = []
    for item in items:
        key = f"checklist.{item.pk}"
        if item.pk not in answers or answers[item.pk][0] not in ChecklistAnswer.values:
            errors[key] = _("Chưa trả lời mục kiểm tra “%(item)s”.") % {"item": item.text}
            continue
        answer, note = answers[item.pk][0], answers[item.pk][1].strip()
        if answer == ChecklistAnswer.NOT_MET and not note:
            errors[f"{key}.note"] = _("Mục “%(item)s” không đạt: cần ghi chú lý do.") % {"item": item.text}
        elif answer == ChecklistAnswer.NOT_APPLICABLE and item.required and not note:
            errors[f"{key}.note"] = _("Mục bắt buộc “%(item)s” ghi không áp dụng: cần ghi chú lý do.") % {
                "item": item.text
            }
        if accepted and item.required and answer == ChecklistAnswer.NOT_MET:
            errors[key] = _("Mục bắt buộc “%(item)s” không đạt: không thể kết luận nghiệm thu đạt.") % {
                "item": item.text
            }
        rows.append(
            AcceptanceChecklistAnswer(
                item=item,
                order=item.order,
                item_text=item.text,
                required=item.required,
                answer=answer,
                note=note[:500],
            )
        )
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def project_record_acceptance(
    *,
    project: Project,
    actor: Any,
    held_on: dt.date,
    accepted: bool,
    results: Mapping[str, Any],
    trained_women: Any = 0,
    trained_ethnic_minority: Any = 0,
    machines: Iterable[tuple[str, str]] = (),
    notes: str = "",
    council: Iterable[tuple[str, str]] = (),
    checklist: Mapping[int, tuple[str, str]] | None = None,
    photos: Iterable[Upload] = (),
) -> Acceptance:
    """Record the council's visit and verdict, with the results achieved, and move the project on.

    `checklist` maps each active checklist item of the project's category (by id) to (answer, note);
    every one must be answered, and a required item "not met" rules out the verdict "accepted".
    `photos` are stored as the project's photo documents. All of it is saved, or nothing (no row, no file).
    """
    locked = _lock(project)
    to = S.ACCEPTED if accepted else S.NOT_ACCEPTED
    if not accepted and not notes.strip():
        raise ValidationError({"notes": _("Cần ghi rõ lý do không nghiệm thu.")})
    workflow.require(locked, to=to, actor=actor, reason=notes or "-")
    if locked.amendments.filter(status=AmendmentStatus.REQUESTED).exists():
        # The council judges against the expected results; a pending change to them must be settled first.
        raise ValidationError(
            _(
                "Đề án đang có đề nghị điều chỉnh chờ phê duyệt: hãy chờ lãnh đạo quyết định hoặc rút đề nghị "
                "trước khi ghi nhận nghiệm thu."
            ),
            code="open_amendment",
        )
    achieved = {
        ExpectedIndicator(indicator): amount(value, field=f"results.{indicator}")
        for indicator, value in results.items()
    }
    women = amount(trained_women, field="trained_women")
    minority = amount(trained_ethnic_minority, field="trained_ethnic_minority")
    trained = achieved.get(ExpectedIndicator.WORKERS_TRAINED, 0)
    if women > trained or minority > trained:
        raise ValidationError(
            {
                "trained_women" if women > trained else "trained_ethnic_minority": _(
                    "Số học viên nữ hoặc dân tộc thiểu số không được lớn hơn số lao động được đào tạo."
                )
            }
        )
    members = _council(council)
    handed_over = _machines(machines)
    answers = _checklist(locked, checklist or {}, accepted=accepted)
    pictures = list(photos)
    for picture in pictures:  # refuse a wrong or oversized file before anything is written
        document_services.check_upload(picture, kind=DocumentKind.PHOTO)
    acceptance = Acceptance(
        project=locked,
        held_on=held_on,
        accepted=accepted,
        notes=notes,
        trained_women=women,
        trained_ethnic_minority=minority,
        council_members=members,
        recorded_by=actor,
    )
    acceptance.full_clean()
    acceptance.save()
    ActualResult.objects.bulk_create(
        [
            ActualResult(acceptance=acceptance, indicator=indicator, value=value)
            for indicator, value in achieved.items()
        ]
    )
    Machine.objects.bulk_create(
        [Machine(acceptance=acceptance, name=name, serial_number=serial) for name, serial in handed_over]
    )
    for row in answers:
        row.acceptance = acceptance
    AcceptanceChecklistAnswer.objects.bulk_create(answers)
    with document_services.files_removed_on_failure() as stored:
        document_services.upload_many(
            project=locked, actor=actor, uploads=[(DocumentKind.PHOTO, p) for p in pictures], stored=stored
        )
        _record_acceptance_audit(locked, actor=actor, achieved=achieved, answers=answers)
        # The move comes last, so the project's newest history row is the transition itself.
        _move(locked, to=to, actor=actor, reason=notes)
    return acceptance


def _record_acceptance_audit(
    project: Project,
    *,
    actor: Any,
    achieved: Mapping[ExpectedIndicator, int],
    answers: Iterable[AcceptanceChecklistAnswer],
) -> None:
    """The results and checklist answers, in the project's history beside the transition."""
    changes: dict[str, dict[str, Any]] = {
        **{
            f"result.{indicator}": {"label": str(indicator.label), "before": None, "after": value}
            for indicator, value in achieved.items()
        },
        **{
            f"checklist.{row.item_id}": {
                "label": row.item_text,
                "before": None,
                "after": str(row.get_answer_display()) + (f" ({row.note})" if row.note else ""),
            }
            for row in answers
        },
    }
    if changes:
        audit.record(instance=project, action=AuditAction.UPDATE, actor=actor, changes=changes)


def advance_limit(project: Project) -> int:
    """The most that may be advanced in total: a configurable share of the approved support."""
    percent = settings.KHUYENCONG_ADVANCE_MAX_PERCENT
    return (project.approved_support or 0) * percent // 100


@transaction.atomic
def project_record_advance(
    *, project: Project, actor: Any, amount_vnd: Any, paid_on: dt.date, note: str = ""
) -> Advance:
    locked = _lock(project)
    if locked.status not in (S.CONTRACTED, S.IN_PROGRESS):
        raise ValidationError(_("Chỉ tạm ứng cho đề án đã ký hợp đồng hoặc đang thực hiện."))
    if workflow.role_of(actor) not in workflow.CENTRE:
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm ghi nhận tạm ứng."))
    value = amount(amount_vnd, field="amount", minimum=1)
    limit = advance_limit(locked)
    already = locked.advanced_total()
    if already + value > limit:
        raise ValidationError(
            {
                "amount": _(
                    "Tổng tạm ứng %(total)s sẽ vượt mức cho phép %(limit)s (%(percent)s%% kinh phí được duyệt)."
                )
                % {
                    "total": vnd(already + value),
                    "limit": vnd(limit),
                    "percent": settings.KHUYENCONG_ADVANCE_MAX_PERCENT,
                }
            }
        )
    advance = Advance(project=locked, amount=value, paid_on=paid_on, note=note, recorded_by=actor)
    advance.full_clean()
    advance.save()
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        reason=note,
        changes={"advance": {"label": _("tạm ứng"), "before": already, "after": already + value}},
    )
    return advance


SETTLEMENT_KINDS = frozenset({DocumentKind.SETTLEMENT, DocumentKind.INVOICE})


@transaction.atomic
def project_settle(
    *,
    project: Project,
    actor: Any,
    settled_amount: Any,
    liquidation_date: dt.date,
    reason: str = "",
    documents: Iterable[tuple[str, Upload]] = (),
) -> Project:
    """Settle: the settled amount may be lower than approved; money advanced above it is recovered.

    `documents` are (kind, file) pairs, kind settlement or invoice, stored with the settlement or not
    at all."""
    locked = _lock(project)
    _require_data_move(locked, to=S.SETTLED, actor=actor)
    files = list(documents)
    for kind, upload in files:
        if kind not in SETTLEMENT_KINDS:
            raise ValidationError(
                {"documents": _("Tài liệu quyết toán phải là hồ sơ quyết toán hoặc hoá đơn, chứng từ.")}
            )
        document_services.check_upload(upload, kind=kind)
    value = amount(settled_amount, field="settled_amount")
    if value > (locked.approved_support or 0):
        raise ValidationError(
            {
                "settled_amount": _("Kinh phí quyết toán không được vượt kinh phí được duyệt (%(cap)s).")
                % {"cap": vnd(locked.approved_support or 0)}
            }
        )
    excess = locked.advanced_total() - locked.recovered_total() - value
    moved = _move(
        locked,
        to=S.SETTLED,
        actor=actor,
        reason=reason,
        settled_amount=value,
        liquidation_date=liquidation_date,
    )
    if excess > 0:
        Recovery.objects.create(project=moved, amount=excess, recorded_on=liquidation_date, recorded_by=actor)
        audit.record(
            instance=moved,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={"recovery": {"label": _("thu hồi"), "before": None, "after": excess}},
        )
    with document_services.files_removed_on_failure() as stored:
        document_services.upload_many(project=moved, actor=actor, uploads=files, stored=stored)
    return moved
