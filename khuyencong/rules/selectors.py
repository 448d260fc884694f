"""Reads of the support-cap rules, and the one answer to "how much may this project receive?".

`support_limit` is what the proposal form, the approval, the calculator page and the public API all
ask; `check_support` is the same question turned into a refusal that names the cap and the basis.

How a query finds its line (DESIGN §4 leaves these choices to us; they are made here):
- The rule sets in force on `on` (both ends inclusive) are tried in this order, and the first one that
  has a line for the category wins:
    1. the province's own set, for the local programme only;
    2. a nationwide set of the local programme (if an administrator enters one);
    3. the nationwide set of the national programme, the default for both programme levels.
  A province's set that says nothing about a category leaves that category to the national default:
  a resolution that is silent on a content is read as not changing it, rather than as lifting its cap.
- A blank sub-type is the category's main one (projects.choices.main_subtype).
- Within a set, a sub-type without its own line falls back to another only where that reading is safe
  (SUBTYPE_FALLBACK): a production line is equipment, so a text that caps equipment without naming lines
  caps a line at the equipment cap, without TT 28/2018's ×1.5 (that multiplier lives on TT 28/2018's
  own production-line line). A demonstration model of an efficient establishment is a different, smaller
  kind of support, so it never borrows the new-technology cap: with no line of its own, no cap applies
  and the answer is the "no cap for this date" warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.core.audit import history
from khuyencong.core.models import AuditEntry
from khuyencong.core.money import vnd
from khuyencong.geo.choices import Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.choices import SUBTYPES, ContentCategory, ProgrammeLevel, SubType, main_subtype
from khuyencong.rules.models import (
    BASIS_POINTS,
    CapRule,
    RuleSet,
    day,
    decimal_text,
    percent,
    scaled_amount,
)

NO_CAP_WARNING = gettext_lazy("Chưa có mức trần cho ngày này")
MAX_VND = 10**15  # a million billion đồng: far above any project, far below a 64-bit column

# Requested sub-type -> the sub-type whose line may stand in for it (see the module docstring).
SUBTYPE_FALLBACK: dict[str, str] = {SubType.PRODUCTION_LINE: SubType.EQUIPMENT}


# --- rule sets -----------------------------------------------------------------------------------


def _province_name() -> Subquery:
    # Current unit first ("current" sorts before "legacy"), so a merged province shows today's name.
    return Subquery(
        AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=OuterRef("province"))
        .order_by("generation")
        .values("name")[:1]
    )


def ruleset_list() -> QuerySet[RuleSet]:
    """Every rule set: caps are law, not personal or scoped data, so any signed-in user reads them all."""
    # Meta.ordering does not apply to a query with GROUP BY (the count), so the order is spelled out.
    return RuleSet.objects.annotate(rule_count=Count("cap_rules"), province_name=_province_name()).order_by(
        "level", "province", F("valid_from").desc(nulls_last=True), "id"
    )


def ruleset_get(*, pk: int) -> RuleSet:
    try:
        return RuleSet.objects.annotate(province_name=_province_name()).get(pk=pk)
    except RuleSet.DoesNotExist:
        raise Http404 from None


def caprule_get(*, pk: int) -> CapRule:
    try:
        return CapRule.objects.select_related("rule_set").get(pk=pk)
    except CapRule.DoesNotExist:
        raise Http404 from None


def ruleset_history(rule_set: RuleSet) -> QuerySet[AuditEntry]:
    """The set's audit trail; changes to its cap rules are written on the set (services._record_rule)."""
    return history(rule_set)


def province_options() -> list[tuple[str, str]]:
    """(code, label) for every province code, today's name first and an older name where it differs."""
    names: dict[str, list[str]] = {}
    for code, name in (
        AdministrativeUnit.objects.filter(level=Level.PROVINCE)
        .order_by("code", "generation")
        .values_list("code", "name")
    ):
        if name not in names.setdefault(code, []):
            names[code].append(name)
    return [(code, f"{code} · {' / '.join(found)}") for code, found in names.items()]


# --- the limit ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupportLimit:
    """The answer for one query. `applies` False means no cap is in force: warn, do not block."""

    applies: bool
    max_support_vnd: int | None
    max_share: Decimal | None
    max_share_bp: int | None
    max_amount_vnd: int | None
    multiplier: Decimal | None
    legal_basis: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    verified: bool
    rule_set_id: int | None
    message: str
    category: str = ""
    subtype: str = ""  # the sub-type asked about (blank resolved to the main one)
    applied_subtype: str = ""  # the sub-type of the line used (differs after a fallback)
    cap_rule_id: int | None = None
    eligible_cost: int | None = None
    share_limit_vnd: int | None = None  # floor(share × eligible cost)
    amount_limit_vnd: int | None = None  # floor(max amount × multiplier)
    on: dt.date | None = None

    @property
    def max_support(self) -> int | None:
        return self.max_support_vnd

    @property
    def share_text(self) -> str:
        return percent(self.max_share_bp) if self.max_share_bp is not None else ""

    @property
    def multiplier_text(self) -> str:
        return decimal_text(self.multiplier) if self.multiplier is not None else ""

    @property
    def fell_back(self) -> bool:
        return self.applies and self.applied_subtype != self.subtype


def share_limit(*, max_share_bp: int, eligible_cost: int) -> int:
    """floor(share × eligible cost) without floats: 30 % of 2,000,000,001 is 600,000,000."""
    return eligible_cost * max_share_bp // BASIS_POINTS


def max_support(
    *, max_share_bp: int | None, max_amount_vnd: int | None, multiplier: Decimal, eligible_cost: int | None
) -> int | None:
    """min(floor(share × eligible cost), floor(max amount × multiplier)); None when nothing limits.

    Without an eligible cost only the amount limb can be computed.
    """
    limbs = []
    if max_share_bp is not None and eligible_cost is not None:
        limbs.append(share_limit(max_share_bp=max_share_bp, eligible_cost=eligible_cost))
    if max_amount_vnd is not None:
        limbs.append(scaled_amount(max_amount_vnd, multiplier))
    return min(limbs) if limbs else None


def _validate(*, category: str, subtype: str, level: str, province: str, eligible_cost: int | None) -> None:
    errors: dict[str, str] = {}
    if category not in ContentCategory:
        errors["category"] = _("Nội dung khuyến công “%(value)s” không có trong danh mục (%(codes)s).") % {
            "value": category,
            "codes": ", ".join(ContentCategory.values),
        }
    elif subtype and subtype not in SUBTYPES.get(category, ()):
        allowed = SUBTYPES.get(category, ())
        errors["subtype"] = (
            _("Loại “%(value)s” không thuộc nội dung này; chọn một trong: %(codes)s, hoặc để trống.")
            % {"value": subtype, "codes": ", ".join(allowed)}
            if allowed
            else _("Nội dung này không chia loại; hãy để trống loại.")
        )
    if level not in ProgrammeLevel:
        errors["level"] = _("Cấp chương trình phải là %(codes)s.") % {
            "codes": " hoặc ".join(ProgrammeLevel.values)
        }
    if province and not (len(province) == 2 and province.isascii() and province.isdigit()):
        errors["province"] = _("Mã tỉnh là mã thống kê gồm 2 chữ số, ví dụ 20 (Lạng Sơn).")
    if eligible_cost is not None and not 0 <= eligible_cost <= MAX_VND:
        errors["eligible_cost"] = (
            _("Chi phí hợp lệ không được là số âm.") if eligible_cost < 0 else _("Chi phí hợp lệ quá lớn.")
        )
    if errors:
        raise ValidationError(errors)


def _candidate_sets(*, level: str, province: str, on: dt.date) -> list[RuleSet]:
    """Rule sets in force on the date, most specific first (see the module docstring)."""
    tiers: list[tuple[str, str]] = []
    if level == ProgrammeLevel.LOCAL:
        if province:
            tiers.append((ProgrammeLevel.LOCAL, province))
        tiers.append((ProgrammeLevel.LOCAL, ""))
    tiers.append((ProgrammeLevel.NATIONAL, ""))
    found = list(
        RuleSet.objects.in_force_on(on)
        .filter(level__in={lv for lv, _p in tiers}, province__in={p for _lv, p in tiers})
        .prefetch_related("cap_rules")
    )
    rank = {tier: i for i, tier in enumerate(tiers)}
    # Overlaps within a tier are refused on save, so there is at most one set per tier.
    return sorted(
        (rs for rs in found if (rs.level, rs.province) in rank), key=lambda rs: rank[(rs.level, rs.province)]
    )


def _line_for(rule_set: RuleSet, *, category: str, subtype: str) -> CapRule | None:
    lines = {(rule.category, rule.subtype): rule for rule in rule_set.cap_rules.all()}
    found = lines.get((category, subtype))
    if found is None and subtype in SUBTYPE_FALLBACK:
        found = lines.get((category, SUBTYPE_FALLBACK[subtype]))
    return found


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices else value


def support_limit(
    *,
    category: str,
    subtype: str = "",
    level: str,
    province: str = "",
    on: dt.date,
    eligible_cost: int | None = None,
) -> SupportLimit:
    """The maximum support for a project of this category, sub-type, programme level and province on
    the reference date (the submission date; checked again at approval).

    Raises ValidationError naming the field for input outside the codes of DESIGN §3.
    """
    province = (province or "").strip()
    subtype = (subtype or "").strip()
    _validate(category=category, subtype=subtype, level=level, province=province, eligible_cost=eligible_cost)
    subtype = subtype or main_subtype(category)
    for rule_set in _candidate_sets(level=level, province=province, on=on):
        line = _line_for(rule_set, category=category, subtype=subtype)
        if line is not None:
            return _limit_from(
                line, rule_set, category=category, subtype=subtype, on=on, eligible_cost=eligible_cost
            )
    what = _label(ContentCategory, category)
    if subtype:
        what = f"{what} – {_label(SubType, subtype)}"
    return SupportLimit(
        applies=False,
        max_support_vnd=None,
        max_share=None,
        max_share_bp=None,
        max_amount_vnd=None,
        multiplier=None,
        legal_basis="",
        valid_from=None,
        valid_to=None,
        verified=False,
        rule_set_id=None,
        message=_(
            "%(warning)s: chưa có văn bản quy định mức trần cho “%(what)s” có hiệu lực ngày %(day)s. "
            "Đề xuất không bị chặn; hãy kiểm tra văn bản áp dụng."
        )
        % {"warning": NO_CAP_WARNING, "what": what, "day": day(on)},
        category=category,
        subtype=subtype,
        eligible_cost=eligible_cost,
        on=on,
    )


def _limit_from(
    line: CapRule, rule_set: RuleSet, *, category: str, subtype: str, on: dt.date, eligible_cost: int | None
) -> SupportLimit:
    maximum = max_support(
        max_share_bp=line.max_share_bp,
        max_amount_vnd=line.max_amount_vnd,
        multiplier=line.multiplier,
        eligible_cost=eligible_cost,
    )
    basis = rule_set.legal_basis
    parts: list[str] = []
    if line.max_share_bp is not None:
        parts.append(_("%(share)s chi phí hợp lệ") % {"share": percent(line.max_share_bp)})
    if line.max_amount_vnd is not None:
        if line.multiplier != 1:
            parts.append(
                _("không quá %(amount)s × %(multiplier)s = %(total)s")
                % {
                    "amount": vnd(line.max_amount_vnd),
                    "multiplier": decimal_text(line.multiplier),
                    "total": vnd(scaled_amount(line.max_amount_vnd, line.multiplier)),
                }
            )
        else:
            parts.append(_("không quá %(amount)s") % {"amount": vnd(line.max_amount_vnd)})
    rule_text = ", ".join(parts)
    if maximum is not None and (eligible_cost is not None or line.max_share_bp is None):
        message = _("Mức hỗ trợ tối đa %(max)s (%(rule)s) theo %(basis)s.") % {
            "max": vnd(maximum),
            "rule": rule_text,
            "basis": basis,
        }
    else:
        message = _("Mức hỗ trợ tối đa: %(rule)s, theo %(basis)s. Nhập chi phí hợp lệ để tính số tiền.") % {
            "rule": rule_text,
            "basis": basis,
        }
    if line.subtype != subtype:
        message += " " + _("Văn bản không quy định riêng cho “%(asked)s”; áp dụng mức của “%(used)s”.") % {
            "asked": _label(SubType, subtype),
            "used": _label(SubType, line.subtype),
        }
    verified = rule_set.verified and line.verified
    if not verified:
        message += " " + _("Mức này chưa đối chiếu văn bản gốc.")
    return SupportLimit(
        applies=True,
        max_support_vnd=maximum,
        max_share=line.max_share,
        max_share_bp=line.max_share_bp,
        max_amount_vnd=line.max_amount_vnd,
        multiplier=line.multiplier,
        legal_basis=basis,
        valid_from=rule_set.valid_from,
        valid_to=rule_set.valid_to,
        verified=verified,
        rule_set_id=rule_set.pk,
        message=message,
        category=category,
        subtype=subtype,
        applied_subtype=line.subtype,
        cap_rule_id=line.pk,
        eligible_cost=eligible_cost,
        share_limit_vnd=share_limit(max_share_bp=line.max_share_bp, eligible_cost=eligible_cost)
        if line.max_share_bp is not None and eligible_cost is not None
        else None,
        amount_limit_vnd=line.amount_cap_vnd,
        on=on,
    )


def check_support(
    *,
    category: str,
    subtype: str = "",
    level: str,
    province: str = "",
    on: dt.date,
    eligible_cost: int | None,
    requested_support: int,
) -> SupportLimit:
    """The limit, or a ValidationError on `requested_support` naming the cap and its legal basis.

    Where no cap is in force the limit comes back with applies=False: the caller shows its warning and
    lets the request through, as DESIGN §4 says.
    """
    if requested_support < 0:
        raise ValidationError({"requested_support": _("Mức hỗ trợ đề nghị không được là số âm.")})
    limit = support_limit(
        category=category, subtype=subtype, level=level, province=province, on=on, eligible_cost=eligible_cost
    )
    if limit.applies and limit.max_support_vnd is not None and requested_support > limit.max_support_vnd:
        raise ValidationError(
            {
                "requested_support": _(
                    "Mức hỗ trợ đề nghị %(requested)s vượt mức trần %(cap)s theo %(basis)s."
                )
                % {
                    "requested": vnd(requested_support),
                    "cap": vnd(limit.max_support_vnd),
                    "basis": limit.legal_basis,
                }
            },
            code="above_cap",
        )
    return limit
