"""Public projects as IATI activity XML, version 2.03 (issue 7 §4), built from the public projection.

Every element comes from a `PublicProject`, so the publication policy applies here as on the pages. The
elements follow the order of the 2.03 activity schema (iati-activities-schema.xsd): identifier,
reporting-org, title, description, participating-org, activity-status, activity-date, recipient-country,
location, sector, budget, transaction, result.

Choices that are ours, not the standard's (documented so a reviewer can change them):
- The reporting organisation's identifier comes from the setting KHUYENCONG_IATI_REPORTING_ORG_REF; the
  shipped default is a placeholder (no identifier is invented) and the XML carries a comment saying so.
- The activity identifier is that reference, a hyphen and the project code.
- Activity status: approved or contracted → 1 (pipeline), in progress → 2 (implementation), awaiting or
  after the acceptance and settled → 3 (finalisation), closed → 4, cancelled → 5, suspended → 6.
- Dates: planned start and end are the project's dates, actual end the accepted acceptance. A project
  without dates gets the first day of its plan year as planned start (or, with the plan year private,
  the decision date), because the schema needs one date.
- Sector: the programme's own content categories (vocabulary 99, reporting organisation's own); no DAC
  code is claimed for them.
- Money: budget and commitment are the approved support, each advance a disbursement, the settled
  amount an expenditure (Vietnamese đồng, integer).
- Results: what the acceptance records (expected as target, achieved as actual); indicators recorded
  later are not sent (their periods do not fit one target).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from khuyencong.projects.choices import ProgrammeLevel, Status
from khuyencong.transparency.choices import PublicField
from khuyencong.transparency.selectors import Policy, PublicProject

F = PublicField
VERSION = "2.03"
PLACEHOLDER_REF = "XX-UNVERIFIED-KHUYENCONG"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
# Characters the IATI rules forbid in an identifier.
UNSAFE = re.compile(r"[\s/&|?]+")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

ACTIVITY_STATUS = {
    Status.APPROVED: "1",
    Status.CONTRACTED: "1",
    Status.IN_PROGRESS: "2",
    Status.AWAITING_ACCEPTANCE: "3",
    Status.ACCEPTED: "3",
    Status.NOT_ACCEPTED: "3",
    Status.SETTLED: "3",
    Status.CLOSED: "4",
    Status.CANCELLED: "5",
    Status.SUSPENDED: "6",
}
# IATI codelists: OrganisationRole, OrganisationType, ActivityDateType, TransactionType, ResultType.
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
GOVERNMENT, PRIVATE_SECTOR = "10", "70"
PLANNED_START, PLANNED_END, ACTUAL_END = "1", "3", "4"
COMMITMENT, DISBURSEMENT, EXPENDITURE = "2", "3", "4"
OUTPUT = "1"


class IatiUnavailable(Exception):
    """The policy keeps private something every IATI activity must carry."""


def missing_requirements(policy: Policy) -> list[str]:
    """Labels of the private fields without which no valid activity can be written."""
    missing = []
    if not policy.shows(F.STATUS):
        missing.append(str(F.STATUS.label))
    if not (policy.shows(F.PLAN_YEAR) or policy.shows(F.DECISION)):
        missing.append(_("%(a)s hoặc %(b)s") % {"a": F.PLAN_YEAR.label, "b": F.DECISION.label})
    return missing


def build(rows: Iterable[PublicProject], *, policy: Policy, now: dt.datetime | None = None) -> bytes:
    """The iati-activities document (UTF-8 bytes with the XML declaration)."""
    missing = missing_requirements(policy)
    if missing:
        raise IatiUnavailable(
            _("Chuẩn IATI bắt buộc có thông tin đang không được công khai: %(fields)s.")
            % {"fields": "; ".join(missing)}
        )
    moment = now or timezone.now()
    root = etree.Element("iati-activities", version=VERSION, **{"generated-datetime": _datetime(moment)})
    ref = settings.KHUYENCONG_IATI_REPORTING_ORG_REF
    if ref == PLACEHOLDER_REF:
        root.append(
            etree.Comment(
                " reporting-org ref is a placeholder, not a registered IATI organisation identifier: "
                "set KHUYENCONG_IATI_REPORTING_ORG_REF (unverified) "
            )
        )
    for row in rows:
        root.append(_activity(row, ref=ref))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _datetime(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _narrative(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
    element = _sub(parent, tag, **attrs)
    _sub(element, "narrative", text)
    return element


def _span(row: PublicProject, *, measured: bool = False) -> tuple[dt.date, dt.date]:
    """The planned period as well as the policy lets us know it (start never after end); `measured`
    ends it at the acceptance, when the results were measured, if there was one."""
    year_start = dt.date(row.plan_year, 1, 1) if row.plan_year else None
    year_end = dt.date(row.plan_year, 12, 31) if row.plan_year else None
    start = row.start_date or year_start or row.decision_date
    assert start is not None  # missing_requirements() guarantees a plan year or a decision date
    end = (row.accepted_on if measured else None) or row.end_date or year_end or start
    return start, max(start, end)


def _value(parent: etree._Element, *, day: dt.date, amount: int) -> None:
    _sub(parent, "value", str(amount), currency="VND", value_date=day.isoformat())


def _activity(row: PublicProject, *, ref: str) -> etree._Element:
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": _datetime(row.updated_at),
            XML_LANG: "vi",
            "default-currency": "VND",
        },
    )
    # The folded code (KCDP-2024-007, no diacritics): unique, and safe in any consumer's identifiers.
    _sub(activity, "iati-identifier", f"{ref}-{UNSAFE.sub('-', row.key)}")
    _narrative(
        activity,
        "reporting-org",
        settings.KHUYENCONG_IATI_REPORTING_ORG_NAME,
        ref=ref,
        type=settings.KHUYENCONG_IATI_REPORTING_ORG_TYPE,
    )
    _narrative(activity, "title", row.title or _("Đề án khuyến công %(code)s") % {"code": row.code})
    _narrative(activity, "description", _description(row), type="1")
    _participants(activity, row, ref=ref)
    assert row.status is not None  # missing_requirements() refuses a policy that hides it
    _sub(activity, "activity-status", code=ACTIVITY_STATUS[Status(row.status)])
    _dates(activity, row)
    _sub(activity, "recipient-country", code="VN", percentage="100")
    if row.commune:
        _location(activity, row)
    if row.category:
        _narrative(
            activity,
            "sector",
            row.category_label or row.category,
            vocabulary="99",
            code=row.category,
            percentage="100",
        )
    _budget_and_transactions(activity, row)
    _results(activity, row)
    return activity


def _description(row: PublicProject) -> str:
    if row.description:
        return row.description
    parts = [_("Đề án khuyến công")]
    if row.category_label:
        parts.append(_("nội dung: %(category)s") % {"category": row.category_label})
    if row.plan_year:
        parts.append(_("năm kế hoạch %(year)s") % {"year": row.plan_year})
    return ", ".join(parts) + "."


def _participants(activity: etree._Element, row: PublicProject, *, ref: str) -> None:
    if row.level:
        funder = (
            _("Kinh phí khuyến công quốc gia (ngân sách trung ương)")
            if row.level == ProgrammeLevel.NATIONAL
            else _("Kinh phí khuyến công địa phương (ngân sách tỉnh)")
        )
        _narrative(activity, "participating-org", funder, role=FUNDING, type=GOVERNMENT)
    _narrative(
        activity,
        "participating-org",
        settings.KHUYENCONG_IATI_REPORTING_ORG_NAME,
        role=ACCOUNTABLE,
        ref=ref,
        type=settings.KHUYENCONG_IATI_REPORTING_ORG_TYPE,
    )
    if row.implementing_unit:
        _narrative(activity, "participating-org", row.implementing_unit, role=IMPLEMENTING)
    for beneficiary in row.beneficiaries:
        if beneficiary.name:
            _narrative(
                activity, "participating-org", beneficiary.name, role=IMPLEMENTING, type=PRIVATE_SECTOR
            )


def _dates(activity: etree._Element, row: PublicProject) -> None:
    written = 0
    for kind, day in (
        (PLANNED_START, row.start_date),
        (PLANNED_END, row.end_date),
        (ACTUAL_END, row.accepted_on),
    ):
        if day is not None:
            _sub(activity, "activity-date", type=kind, iso_date=day.isoformat())
            written += 1
    if not written:
        _sub(activity, "activity-date", type=PLANNED_START, iso_date=_span(row)[0].isoformat())


def _location(activity: etree._Element, row: PublicProject) -> None:
    location = _sub(activity, "location")
    _narrative(location, "name", row.commune or "")
    if row.latitude is not None and row.longitude is not None:
        point = _sub(location, "point", srsName=WGS84)
        _sub(point, "pos", f"{row.latitude:f} {row.longitude:f}")
        _sub(location, "exactness", code="2")  # approximate: the commune's centre, not the site
    _sub(location, "location-class", code="1")  # administrative region


def _budget_and_transactions(activity: etree._Element, row: PublicProject) -> None:
    start, end = _span(row)
    committed_on = row.decision_date or start
    if row.approved_support is not None:
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=start.isoformat())
        _sub(budget, "period-end", iso_date=end.isoformat())
        _value(budget, day=committed_on, amount=row.approved_support)
    receiver = (
        next((b.name for b in row.beneficiaries if b.name), None) if len(row.beneficiaries) == 1 else None
    )
    moves: list[tuple[str, dt.date, int]] = []
    if row.approved_support is not None:
        moves.append((COMMITMENT, committed_on, row.approved_support))
    moves += [(DISBURSEMENT, payment.on, payment.amount) for payment in row.advances or []]
    if row.settled_amount is not None:
        moves.append((EXPENDITURE, row.settled_on or end, row.settled_amount))
    for kind, day, amount in moves:
        transaction = _sub(activity, "transaction")
        _sub(transaction, "transaction-type", code=kind)
        _sub(transaction, "transaction-date", iso_date=day.isoformat())
        _value(transaction, day=day, amount=amount)
        if kind == DISBURSEMENT and receiver:
            _narrative(transaction, "receiver-org", receiver, type=PRIVATE_SECTOR)


def _results(activity: etree._Element, row: PublicProject) -> None:
    rows = [r for r in row.results if r.expected is not None or r.achieved is not None]
    if not rows:
        return
    start, end = _span(row, measured=True)
    result = _sub(activity, "result", type=OUTPUT, aggregation_status="1")
    _narrative(result, "title", _("Kết quả của đề án"))
    for item in rows:
        indicator = _sub(result, "indicator", measure="1", ascending="1")
        _narrative(indicator, "title", f"{item.name} ({item.unit})" if item.unit else item.name)
        period = _sub(indicator, "period")
        _sub(period, "period-start", iso_date=start.isoformat())
        _sub(period, "period-end", iso_date=end.isoformat())
        if item.expected is not None:
            _sub(period, "target", value=str(item.expected))
        if item.achieved is not None:
            _sub(period, "actual", value=str(item.achieved))
