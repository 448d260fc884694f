"""The optimiser's structured answers in words an officer reads: gaps, reasons, rules, conflicts.

The optimiser (`plans.optimizer`) knows nothing of Django or Vietnamese; it reports a rule as a kind and
a key (a fund code, a category code, a unit or establishment id, a project id). `Names` resolves those
keys, and the functions here turn each answer into one translatable sentence.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from khuyencong.core.money import group, vnd
from khuyencong.plans.optimizer import Issue, Kind
from khuyencong.projects.choices import ContentCategory, FundingSource


def percent(bp: int | float) -> str:
    """Basis points as a Vietnamese percentage: 6000 -> '60 %', 6250 -> '62,5 %', 6025 -> '60,25 %'."""
    text = f"{bp / 100:.2f}".rstrip("0").rstrip(".")
    return f"{text.replace('.', ',')} %"


def money(amount: int) -> str:
    """An amount to add or cut, as a report says it: whole millions in tr.đ, anything else exactly."""
    if amount and amount % 1_000_000 == 0:
        return f"{group(amount // 1_000_000)} tr.đ"
    return vnd(amount)


def number(value: float, digits: int = 2) -> str:
    """A score total: 1234.5 -> '1.234,5'."""
    whole = int(abs(value))
    fraction = f"{abs(value) - whole:.{digits}f}"[2:].rstrip("0")
    sign = "-" if value < 0 and (whole or fraction) else ""
    return f"{sign}{group(whole)}" + (f",{fraction}" if fraction else "")


def fund_label(code: str) -> str:
    labels: dict[str, str] = {
        FundingSource.CENTRAL.value: _("ngân sách trung ương"),
        FundingSource.PROVINCIAL.value: _("ngân sách tỉnh (khuyến công địa phương)"),
    }
    return str(labels.get(code, code))


def category_label(code: str) -> str:
    return str(ContentCategory(code).label) if code in ContentCategory.values else code


@dataclass
class Names:
    """Display names for the keys the optimiser uses."""

    communes: Mapping[str, str] = field(default_factory=dict)
    establishments: Mapping[str, str] = field(default_factory=dict)
    projects: Mapping[str, str] = field(default_factory=dict)  # key -> project code
    override_reasons: Mapping[str, str] = field(default_factory=dict)
    envelopes: Mapping[str, int] = field(default_factory=dict)
    priority_min_bp: int = 0
    commune_max: int | None = None
    establishment_max: int | None = None
    category_rules: Mapping[str, Mapping[str, int | None]] = field(default_factory=dict)

    def project(self, key: str) -> str:
        return self.projects.get(key, key)


def gap_text(status: str, gap: float) -> str:
    """The proven optimality gap in words. Rounded up, so the words never promise more than the bound."""
    if status in ("infeasible", "no_solution"):
        return ""
    shown = math.ceil(gap * 100 * 100 - 1e-9) / 100  # percent, two decimals, rounded up
    if gap <= 0:
        text = _("Đây là phương án tốt nhất có thể (đã được chứng minh).")
    else:
        text = _("Phương án này tối đa %(gap)s dưới phương án tốt nhất có thể.") % {
            "gap": percent(max(shown, 0.01) * 100)
        }
    if status == "time_limit":
        text = _("Đã dừng khi hết thời gian cho phép.") + " " + text
    return str(text)


def rule_name(kind: str, key: str, names: Names) -> str:
    """The name of a rule as the plan page shows it, with its limit."""
    k = Kind(kind)
    rule = names.category_rules.get(key, {})
    if k == Kind.FUND:
        return _("Dự toán %(fund)s (%(amount)s)") % {
            "fund": fund_label(key),
            "amount": vnd(names.envelopes.get(key, 0)),
        }
    if k == Kind.PRIORITY_SHARE:
        return _("Tỷ lệ hỗ trợ tối thiểu cho địa bàn ưu tiên (%(share)s)") % {
            "share": percent(names.priority_min_bp)
        }
    if k == Kind.CATEGORY_MIN_SHARE:
        return _("Tỷ lệ tối thiểu của nội dung “%(category)s” (%(share)s)") % {
            "category": category_label(key),
            "share": percent(rule.get("min_share_bp") or 0),
        }
    if k == Kind.CATEGORY_MAX_SHARE:
        return _("Tỷ lệ tối đa của nội dung “%(category)s” (%(share)s)") % {
            "category": category_label(key),
            "share": percent(rule.get("max_share_bp") or 0),
        }
    if k == Kind.CATEGORY_MIN_COUNT:
        return _("Số đề án tối thiểu của nội dung “%(category)s” (%(n)s)") % {
            "category": category_label(key),
            "n": rule.get("min_count"),
        }
    if k == Kind.CATEGORY_MAX_COUNT:
        return _("Số đề án tối đa của nội dung “%(category)s” (%(n)s)") % {
            "category": category_label(key),
            "n": rule.get("max_count"),
        }
    if k == Kind.COMMUNE_MAX:
        limit = vnd(names.commune_max or 0)
        if key:
            return _("Mức hỗ trợ tối đa mỗi xã (%(limit)s) ở %(commune)s") % {
                "limit": limit,
                "commune": names.communes.get(key, key),
            }
        return _("Mức hỗ trợ tối đa mỗi xã (%(limit)s)") % {"limit": limit}
    if k == Kind.ESTABLISHMENT_MAX:
        limit = vnd(names.establishment_max or 0)
        if key:
            return _("Mức hỗ trợ tối đa mỗi cơ sở (%(limit)s) cho %(name)s") % {
                "limit": limit,
                "name": names.establishments.get(key, key),
            }
        return _("Mức hỗ trợ tối đa mỗi cơ sở (%(limit)s)") % {"limit": limit}
    if k == Kind.MUST_IN:
        return _("Bắt buộc đưa vào đề án %(code)s (lý do: %(reason)s)") % {
            "code": names.project(key),
            "reason": names.override_reasons.get(key, "—"),
        }
    if k == Kind.MUST_OUT:
        return _("Loại đề án %(code)s (lý do: %(reason)s)") % {
            "code": names.project(key),
            "reason": names.override_reasons.get(key, "—"),
        }
    return str(key)


def reason_text(v: Mapping[str, Any], names: Names) -> str:
    """Why a proposal is out (or funded only in part): one rule and by how much, in plain words."""
    k, key = Kind(v["kind"]), v.get("key", "")
    actual, limit = int(v.get("actual", 0)), int(v.get("limit", 0))
    excess = abs(actual - limit)
    if k == Kind.FUND:
        return _("cần thêm %(amount)s ở nguồn %(fund)s") % {"amount": money(excess), "fund": fund_label(key)}
    if k == Kind.PRIORITY_SHARE:
        return _("tỷ lệ hỗ trợ cho địa bàn ưu tiên sẽ giảm còn %(actual)s, dưới mức tối thiểu %(limit)s") % {
            "actual": percent(actual),
            "limit": percent(limit),
        }
    if k == Kind.CATEGORY_MIN_SHARE:
        return _("tỷ lệ của nội dung “%(category)s” sẽ giảm còn %(actual)s, dưới mức tối thiểu %(limit)s") % {
            "category": category_label(key),
            "actual": percent(actual),
            "limit": percent(limit),
        }
    if k == Kind.CATEGORY_MAX_SHARE:
        return _("tỷ lệ của nội dung “%(category)s” sẽ lên %(actual)s, vượt mức tối đa %(limit)s") % {
            "category": category_label(key),
            "actual": percent(actual),
            "limit": percent(limit),
        }
    if k == Kind.CATEGORY_MAX_COUNT:
        return _("nội dung “%(category)s” đã đủ số đề án tối đa (%(limit)s)") % {
            "category": category_label(key),
            "limit": limit,
        }
    if k == Kind.CATEGORY_MIN_COUNT:
        return _("nội dung “%(category)s” chưa đủ số đề án tối thiểu (%(limit)s)") % {
            "category": category_label(key),
            "limit": limit,
        }
    if k == Kind.COMMUNE_MAX:
        return _("%(commune)s sẽ vượt mức tối đa mỗi xã %(limit)s thêm %(amount)s") % {
            "commune": names.communes.get(key, key),
            "limit": vnd(limit),
            "amount": money(excess),
        }
    if k == Kind.ESTABLISHMENT_MAX:
        return _("cơ sở %(name)s sẽ vượt mức tối đa mỗi cơ sở %(limit)s thêm %(amount)s") % {
            "name": names.establishments.get(key, key),
            "limit": vnd(limit),
            "amount": money(excess),
        }
    if k == Kind.MUST_OUT:
        return _("loại theo quyết định của cán bộ: %(reason)s") % {
            "reason": names.override_reasons.get(key, "—")
        }
    if k == Kind.MUST_IN:
        return _("bắt buộc đưa vào: %(reason)s") % {"reason": names.override_reasons.get(key, "—")}
    if k == Kind.ABOVE_CAP:
        return _("mức hỗ trợ đề nghị %(requested)s vượt mức trần %(cap)s") % {
            "requested": vnd(actual),
            "cap": vnd(limit),
        }
    if k == Kind.NO_VALUE:
        return _("không làm tăng giá trị của kế hoạch theo tiêu chí đã chọn")
    if k == Kind.TIE:
        return _("có thể thay cho đề án %(code)s với cùng giá trị") % {"code": names.project(key)}
    if k == Kind.WITHIN_GAP:
        return _("vẫn còn chỗ; phương án nằm trong sai số cho phép nên chưa chứng minh là tốt nhất")
    return str(k)


def reasons_text(reasons: Iterable[Mapping[str, Any]], names: Names) -> str:
    """All the reasons of one line, and the proposal it would replace when that is the cheapest way in."""
    reasons = list(reasons)
    text = "; ".join(reason_text(v, names) for v in reasons)
    instead = next((v["instead_of"] for v in reasons if v.get("instead_of")), "")
    if instead and not any(v["kind"] in (Kind.TIE, Kind.WITHIN_GAP) for v in reasons):
        text += " " + _("(thay cho đề án %(code)s, có giá trị thấp hơn)") % {"code": names.project(instead)}
    return text


def binding_text(b: Mapping[str, Any], names: Names) -> str:
    k = Kind(b["kind"])
    name = rule_name(b["kind"], b.get("key", ""), names)
    actual, limit = int(b["actual"]), int(b["limit"])
    parts = [name]
    if k == Kind.FUND:
        left = limit - actual
        parts.append(_("đã dùng hết") if left == 0 else _("còn %(left)s chưa bố trí") % {"left": vnd(left)})
    elif b["unit"] == "bp":
        parts.append(_("đạt %(actual)s") % {"actual": percent(actual)})
    elif b["unit"] == "count":
        parts.append(_("đạt %(actual)s đề án") % {"actual": actual})
    elif b["unit"] == "vnd":
        parts.append(_("đã bố trí %(actual)s") % {"actual": vnd(actual)})
    if b.get("blocks"):
        parts.append(_("giữ %(n)s đề án ở ngoài hoặc chỉ được hỗ trợ một phần") % {"n": b["blocks"]})
    if b.get("cost"):
        parts.append(_("làm giảm tổng giá trị %(cost)s") % {"cost": number(float(b["cost"]))})
    return ": ".join(parts[:1]) + (" — " + "; ".join(str(p) for p in parts[1:]) if len(parts) > 1 else "")


def relaxation_text(r: Mapping[str, Any], names: Names) -> str:
    k = Kind(r["kind"])
    name = rule_name(
        r["kind"], r.get("key", "") if k not in (Kind.COMMUNE_MAX, Kind.ESTABLISHMENT_MAX) else "", names
    )
    actual, limit = int(r.get("actual", 0)), int(r.get("limit", 0))
    if k == Kind.FUND:
        return _("%(rule)s: cần thêm %(amount)s") % {"rule": name, "amount": money(abs(actual - limit))}
    if k in (Kind.COMMUNE_MAX, Kind.ESTABLISHMENT_MAX):
        return _("%(rule)s: cần nâng lên %(amount)s") % {"rule": name, "amount": vnd(actual)}
    if r.get("unit") == "bp":
        return _("%(rule)s: chỉ đạt được %(actual)s") % {"rule": name, "actual": percent(actual)}
    if r.get("unit") == "count":
        return _("%(rule)s: chỉ đạt được %(actual)s đề án") % {"rule": name, "actual": actual}
    if k == Kind.MUST_IN:
        return _("%(rule)s: bỏ yêu cầu bắt buộc đưa vào") % {"rule": name}
    if k == Kind.MUST_OUT:
        return _("%(rule)s: cho phép xét lại đề án này") % {"rule": name}
    return str(name)


def conflict_text(infeasibility: Mapping[str, Any], names: Names) -> str:
    conflict = [rule_name(c["kind"], c.get("key", ""), names) for c in infeasibility.get("conflict", [])]
    text = _(
        "Không có phương án nào đáp ứng cùng lúc các ràng buộc sau, vì chúng mâu thuẫn nhau: %(rules)s."
    ) % {"rules": "; ".join(conflict)}
    if not infeasibility.get("irreducible", True):
        text += " " + _("(Hết thời gian trước khi thu gọn danh sách: có thể có ràng buộc không cần thiết.)")
    relax = infeasibility.get("relax", [])
    if relax:
        text += " " + _("Chỉ cần nới: %(changes)s.") % {
            "changes": "; ".join(relaxation_text(r, names) for r in relax)
        }
    return str(text)


# --- input problems -------------------------------------------------------------------------------


def field_label(name: str) -> str:
    """The form field an issue is about, as the page labels it."""
    parts = name.split(".")
    if parts[0] == "envelope":
        return str(_("Dự toán %(fund)s") % {"fund": fund_label(parts[1])})
    if parts[0] == "category" and len(parts) == 3:
        label = {
            "min_share": _("Tỷ lệ tối thiểu"),
            "max_share": _("Tỷ lệ tối đa"),
            "min_count": _("Số đề án tối thiểu"),
            "max_count": _("Số đề án tối đa"),
        }[parts[2]]
        return str(
            _("%(field)s của nội dung “%(category)s”")
            % {"field": label, "category": category_label(parts[1])}
        )
    labels = {
        "priority_min": _("Tỷ lệ tối thiểu cho địa bàn ưu tiên"),
        "commune_max": _("Mức hỗ trợ tối đa mỗi xã"),
        "establishment_max": _("Mức hỗ trợ tối đa mỗi cơ sở"),
        "time_limit": _("Thời gian giải tối đa"),
        "gap": _("Sai số cho phép"),
    }
    return str(labels.get(name, name))


def issue_text(issue: Issue, names: Names) -> str:
    p = dict(issue.params)
    code = issue.code
    label = field_label(issue.field)
    if code == "envelope_negative":
        return _("%(field)s không được là số âm (đang nhập %(amount)s).") % {
            "field": label,
            "amount": vnd(p["amount"]),
        }
    if code == "share_out_of_range":
        return _("%(field)s phải từ 0 %% đến 100 %% (đang nhập %(value)s).") % {
            "field": label,
            "value": percent(p["value_bp"]),
        }
    if code == "amount_negative":
        return _("%(field)s không được là số âm.") % {"field": label}
    if code == "count_negative":
        return _("%(field)s không được là số âm.") % {"field": label}
    if code == "time_limit_invalid":
        return _("Thời gian giải tối đa phải từ 1 đến 3.600 giây.")
    if code == "gap_invalid":
        return _("Sai số cho phép phải từ 0 % đến dưới 100 %.")
    if code == "step_invalid":
        return _("Bước làm tròn hỗ trợ một phần phải từ 1 đồng trở lên.")
    if code == "duplicate_proposal":
        return _("Đề án %(code)s có hai lần trong danh sách.") % {"code": names.project(p["key"])}
    if code == "request_invalid":
        return _("Đề án %(code)s không có khoản hỗ trợ đề nghị hợp lệ từ ngân sách khuyến công.") % {
            "code": names.project(p["key"])
        }
    if code == "minimum_invalid":
        return _(
            "Mức hỗ trợ tối thiểu khả thi của đề án %(code)s phải lớn hơn 0 và không vượt mức đề nghị %(requested)s."
        ) % {"code": names.project(p["key"]), "requested": vnd(p["requested"])}
    if code == "category_duplicate":
        return _("Nội dung “%(category)s” có hai dòng ràng buộc.") % {
            "category": category_label(p["category"])
        }
    if code == "category_min_above_max_share":
        return _(
            "Nội dung “%(category)s”: tỷ lệ tối thiểu lớn hơn tỷ lệ tối đa — hai ràng buộc mâu thuẫn nhau."
        ) % {"category": category_label(p["category"])}
    if code == "category_min_above_max_count":
        return _(
            "Nội dung “%(category)s”: số đề án tối thiểu lớn hơn số tối đa — hai ràng buộc mâu thuẫn nhau."
        ) % {"category": category_label(p["category"])}
    if code == "category_min_shares_exceed_total":
        return _(
            "Tổng các tỷ lệ tối thiểu theo nội dung là %(total)s, vượt 100 %% — không thể đạt cùng lúc."
        ) % {"total": percent(p["total_bp"])}
    if code == "category_min_count_unreachable":
        return _(
            "Nội dung “%(category)s” cần tối thiểu %(needed)s đề án nhưng chỉ có %(available)s đề án có thể chọn."
        ) % {
            "category": category_label(p["category"]),
            "needed": p["needed"],
            "available": p["available"],
        }
    if code == "category_min_share_unreachable":
        return _(
            "Nội dung “%(category)s” có tỷ lệ tối thiểu nhưng không có đề án nào thuộc nội dung này để chọn."
        ) % {"category": category_label(p["category"])}
    if code == "priority_unreachable":
        return _(
            "Không có đề án nào ở địa bàn ưu tiên (theo phân loại vào ngày tham chiếu) nên không thể đạt tỷ lệ tối thiểu %(share)s."
        ) % {"share": percent(names.priority_min_bp)}
    if code == "must_in_above_cap":
        return _(
            "Đề án %(code)s được bắt buộc đưa vào nhưng mức hỗ trợ %(amount)s vượt mức trần %(cap)s theo quy định."
        ) % {"code": names.project(p["key"]), "amount": vnd(p["amount"]), "cap": vnd(p["cap"] or 0)}
    if code == "must_in_over_envelope":
        return _(
            "Các đề án bắt buộc đưa vào và đã phê duyệt cần ít nhất %(needed)s từ %(fund)s, vượt dự toán %(envelope)s."
        ) % {"needed": vnd(p["needed"]), "fund": fund_label(p["fund"]), "envelope": vnd(p["envelope"])}
    if code == "must_in_over_commune_max":
        return _(
            "Các đề án bắt buộc đưa vào ở %(commune)s cần ít nhất %(needed)s, vượt mức tối đa mỗi xã %(limit)s."
        ) % {
            "commune": names.communes.get(p["commune"], p["commune"]),
            "needed": vnd(p["needed"]),
            "limit": vnd(p["limit"]),
        }
    if code == "must_in_over_establishment_max":
        return _(
            "Các đề án bắt buộc đưa vào cho cơ sở %(name)s cần ít nhất %(needed)s, vượt mức tối đa mỗi cơ sở %(limit)s."
        ) % {
            "name": names.establishments.get(p["establishment"], p["establishment"]),
            "needed": vnd(p["needed"]),
            "limit": vnd(p["limit"]),
        }
    if code == "must_in_over_category_max_count":
        return _(
            "Nội dung “%(category)s” có %(count)s đề án bắt buộc đưa vào hoặc đã phê duyệt, vượt số tối đa %(limit)s."
        ) % {"category": category_label(p["category"]), "count": p["count"], "limit": p["limit"]}
    return code
