"""Every figure across many projects, in one place, computed by the database and scoped to the user.

The dashboard, the reports, the summary API and the `report_summary` command all read from here. Each
figure is one SQL `GROUP BY` over the counted projects: per project, money and results are correlated
subqueries (a budget line per source, the accepted acceptance's results, the recorded values by the
catalogue's rule), summed per group, so no join multiplies a project and nothing is added up in Python.

Counted projects: plan year in the range, status approved or later, cancelled (and rejected) excluded.
Results: values of accepted acceptances only (projects.ActualResult), and the values of later periods
(results.IndicatorValue) combined per project by the catalogue's rule.

Places: "recorded" groups by the unit the project recorded; "current" maps a pre-reform unit to one
current unit through the successor links, a divided commune to its default successor only, so each
project is counted once in either mode and the totals agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from khuyencong.establishments.choices import Sector
from khuyencong.geo.choices import Generation, Level, PriorityKind
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification, UnitSuccession
from khuyencong.projects.choices import ContentCategory, FundingSource, ProgrammeLevel, Status
from khuyencong.projects.models import (
    ActualResult,
    Advance,
    BudgetLine,
    Project,
    Recovery,
)
from khuyencong.results.choices import AggregationRule, FollowUpMonth, IndicatorOrigin, UnitMode
from khuyencong.results.models import FollowUp, Indicator, IndicatorValue

S = Status
# Approved or later; a cancelled or rejected project never counts.
COUNTED = (
    S.APPROVED,
    S.CONTRACTED,
    S.IN_PROGRESS,
    S.AWAITING_ACCEPTANCE,
    S.ACCEPTED,
    S.NOT_ACCEPTED,
    S.SETTLED,
    S.CLOSED,
    S.SUSPENDED,
)
MIN_YEAR, MAX_YEAR = 1990, 2100
FUNDS = (FundingSource.CENTRAL, FundingSource.PROVINCIAL)
NO_SECTOR = "unspecified"
ANY_PRIORITY = "any"
ACCEPTANCE_CODES = ("jobs_created", "workers_trained", "establishments_supported", "models", "machines")
ZERO = Value(0, output_field=BigIntegerField())


# --- filters -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    from_year: int
    to_year: int
    units: str = UnitMode.RECORDED
    province: str = ""  # statistics code; "" = every province the user sees
    unit: int | None = None  # an AdministrativeUnit id: that unit and everything under it
    fund: str = ""
    level: str = ""
    category: str = ""
    sector: str = ""
    priority: str = ""  # a PriorityKind, or "any"
    as_of: dt.date | None = None  # count only what had happened by this day (6-month reports)

    def validate(self) -> Filters:
        """Raise a ValidationError naming the parameter and the rule (answered with 400)."""
        errors: dict[str, str] = {}
        for name in ("from_year", "to_year"):
            year = getattr(self, name)
            if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
                errors[name] = _("Năm phải trong khoảng %(min)s–%(max)s.") % {
                    "min": MIN_YEAR,
                    "max": MAX_YEAR,
                }
        if not errors and self.from_year > self.to_year:
            errors["from_year"] = _(
                "Năm bắt đầu (%(start)s) phải nhỏ hơn hoặc bằng năm kết thúc (%(end)s)."
            ) % {
                "start": self.from_year,
                "end": self.to_year,
            }
        if self.units not in UnitMode.values:
            errors["units"] = _("Cách tính địa bàn phải là “recorded” hoặc “current”.")
        if self.fund and self.fund not in FUNDS:
            errors["fund"] = _("Nguồn kinh phí phải là “central” hoặc “provincial”.")
        if self.level and self.level not in ProgrammeLevel.values:
            errors["level"] = _("Cấp khuyến công phải là “national” hoặc “local”.")
        if self.category and self.category not in ContentCategory.values:
            errors["category"] = _("Không có nội dung hỗ trợ mã “%(code)s”.") % {"code": self.category}
        if self.sector and self.sector not in (*Sector.values, NO_SECTOR):
            errors["sector"] = _("Không có ngành nghề mã “%(code)s”.") % {"code": self.sector}
        if self.priority and self.priority not in (*PriorityKind.values, ANY_PRIORITY):
            errors["priority"] = _("Không có loại địa bàn ưu tiên “%(code)s”.") % {"code": self.priority}
        if self.unit is not None and not AdministrativeUnit.objects.filter(pk=self.unit).exists():
            errors["unit"] = _("Không có đơn vị hành chính này.")
        if (
            self.province
            and not AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=self.province).exists()
        ):
            errors["province"] = _("Không có tỉnh mã “%(code)s”.") % {"code": self.province}
        if errors:
            raise ValidationError(errors)
        return self

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, default_years: tuple[int, int]) -> Filters:
        """Read filters from a query string (names as the API and the dashboard use them)."""

        def year(name: str, default: int) -> int:
            raw = str(params.get(name) or "").strip()
            if not raw:
                return default
            if not raw.lstrip("-").isdigit():
                raise ValidationError({name: _("Năm phải là số nguyên, ví dụ 2012.")})
            return int(raw)

        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        unit_raw = text("unit")
        if unit_raw and not unit_raw.isdigit():
            raise ValidationError({"unit": _("Không có đơn vị hành chính này.")})
        as_of_raw = text("as_of")
        as_of = None
        if as_of_raw:
            try:
                as_of = dt.date.fromisoformat(as_of_raw)
            except ValueError:
                raise ValidationError({"as_of": _("Ngày phải theo dạng YYYY-MM-DD.")}) from None
        return cls(
            from_year=year("from_year", default_years[0]),
            to_year=year("to_year", default_years[1]),
            units=text("units") or UnitMode.RECORDED,
            province=text("province"),
            unit=int(unit_raw) if unit_raw else None,
            fund=text("fund"),
            level=text("level"),
            category=text("category"),
            sector=text("sector"),
            priority=text("priority"),
            as_of=as_of,
        ).validate()

    def as_params(self, **override: Any) -> dict[str, str]:
        """The filters as query parameters (the dashboard keeps them in the URL)."""
        data = asdict(replace(self, **override))
        return {
            k: (v.isoformat() if isinstance(v, dt.date) else str(v))
            for k, v in data.items()
            if v not in (None, "")
        }


# --- per-project expressions --------------------------------------------------------------------------


def _place_expression(mode: str) -> Any:
    """The unit a project is counted in: as recorded, or its current unit (a divided commune: the default)."""
    if mode == UnitMode.RECORDED:
        return F("unit_id")
    successor = (
        UnitSuccession.objects.filter(predecessor=OuterRef("unit_id"))
        .order_by("-is_default", "successor__code", "successor_id")
        .values("successor_id")[:1]
    )
    return Case(
        When(unit__generation=Generation.CURRENT, then=F("unit_id")),
        default=Coalesce(Subquery(successor, output_field=IntegerField()), F("unit_id")),
        output_field=IntegerField(),
    )


def _sector_expression() -> Any:
    """A project's sector: its first beneficiary's (by id); none for projects without one."""
    through = Project.beneficiaries.through
    first = (
        through.objects.filter(project_id=OuterRef("pk"))
        .order_by("establishment_id")
        .values("establishment__sector")[:1]
    )
    return Coalesce(Subquery(first), Value(NO_SECTOR))


def _in_priority(kind: str | None, *, unit_field: str = "unit_id") -> Exists:
    """The recorded unit had a priority classification (of `kind`, or any) in force during the plan year."""
    qs = PriorityClassification.objects.filter(
        unit_id=OuterRef(unit_field), valid_from__year__lte=OuterRef("plan_year")
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__year__gte=OuterRef("plan_year")))
    if kind and kind != ANY_PRIORITY:
        qs = qs.filter(kind=kind)
    return Exists(qs)


def _line(source: str) -> Any:
    amount = BudgetLine.objects.filter(project_id=OuterRef("pk"), source=source).values("amount")[:1]
    return Coalesce(Subquery(amount, output_field=BigIntegerField()), ZERO)


def _total(model: Any, date_field: str, as_of: dt.date | None) -> Any:
    qs = model.objects.filter(project_id=OuterRef("pk"))
    if as_of is not None:
        qs = qs.filter(**{f"{date_field}__lte": as_of})
    total = qs.order_by().values("project_id").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=BigIntegerField()), ZERO)


def _accepted(as_of: dt.date | None) -> Q:
    q = Q(acceptance__accepted=True)
    if as_of is not None:
        q &= Q(acceptance__held_on__lte=as_of)
    return q


def _achieved(code: str, as_of: dt.date | None) -> Any:
    qs = ActualResult.objects.filter(
        acceptance__project_id=OuterRef("pk"), acceptance__accepted=True, indicator=code
    )
    if as_of is not None:
        qs = qs.filter(acceptance__held_on__lte=as_of)
    return Coalesce(Subquery(qs.values("value")[:1], output_field=BigIntegerField()), ZERO)


def _recorded(indicator: Indicator, as_of: dt.date | None, *, column: str = "value") -> Any:
    """One project's figure for a recorded indicator, by the catalogue's rule."""
    qs = IndicatorValue.objects.filter(project_id=OuterRef("pk"), indicator_id=indicator.code)
    if as_of is not None:
        qs = qs.filter(period_end__lte=as_of)
    rule = indicator.rule
    if rule == AggregationRule.COUNT:
        return Case(
            When(Exists(qs.filter(value__gt=0)), then=Value(1)), default=ZERO, output_field=BigIntegerField()
        )
    if rule == AggregationRule.LATEST:
        picked = qs.order_by("-period_end", "-period_start", "-pk").values(column)[:1]
    elif rule == AggregationRule.MAX:
        picked = qs.order_by().values("project_id").annotate(top=Max(column)).values("top")
    else:
        picked = qs.order_by().values("project_id").annotate(total=Sum(column)).values("total")
    return Coalesce(Subquery(picked, output_field=BigIntegerField()), ZERO)


def _days(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def _recorded_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by("position"))


def _measures(filters: Filters, recorded: Iterable[Indicator]) -> dict[str, Any]:
    """name -> aggregate over the counted projects of a group."""
    as_of = filters.as_of
    settled_q = Q(settled_amount__isnull=False)
    if as_of is not None:
        settled_q &= Q(liquidation_date__lte=as_of)
    central, provincial = _line(FundingSource.CENTRAL), _line(FundingSource.PROVINCIAL)
    accepted = _accepted(as_of)
    disbursed = Case(
        When(settled_q, then=F("settled_amount")),
        default=_total(Advance, "paid_on", as_of) - _total(Recovery, "recorded_on", as_of),
        output_field=BigIntegerField(),
    )
    measures: dict[str, Any] = {
        "projects": Count("pk"),
        "central": Sum(central),
        "provincial": Sum(provincial),
        "own": Sum(_line(FundingSource.BENEFICIARY)),
        "other": Sum(_line(FundingSource.OTHER)),
        "settled": Sum(
            Case(When(settled_q, then=F("settled_amount")), default=ZERO, output_field=BigIntegerField())
        ),
        "disbursed": Sum(disbursed),
        "accepted": Count("pk", filter=accepted),
        "priority_support": Sum(central + provincial, filter=Q(_in_priority(ANY_PRIORITY))),
        "trained_women": Sum(
            Case(
                When(accepted, then=F("acceptance__trained_women")),
                default=ZERO,
                output_field=BigIntegerField(),
            )
        ),
        "trained_ethnic_minority": Sum(
            Case(
                When(accepted, then=F("acceptance__trained_ethnic_minority")),
                default=ZERO,
                output_field=BigIntegerField(),
            )
        ),
        "completion_delay": Sum(
            _days("acceptance__held_on", "end_date"), filter=accepted & Q(end_date__isnull=False)
        ),
        "completion_n": Count("pk", filter=accepted & Q(end_date__isnull=False)),
        "settlement_delay": Sum(
            _days("liquidation_date", "acceptance__held_on"),
            filter=accepted & settled_q & Q(liquidation_date__isnull=False),
        ),
        "settlement_n": Count("pk", filter=accepted & settled_q & Q(liquidation_date__isnull=False)),
    }
    for code in ACCEPTANCE_CODES:
        measures[code] = Sum(_achieved(code, as_of))
    for indicator in recorded:
        measures[indicator.code] = Sum(_recorded(indicator, as_of))
        if indicator.disaggregated:
            measures[f"{indicator.code}_women"] = Sum(_recorded(indicator, as_of, column="women"))
            measures[f"{indicator.code}_ethnic_minority"] = Sum(
                _recorded(indicator, as_of, column="ethnic_minority")
            )
    return measures


# --- the figures of a group ---------------------------------------------------------------------------


def _ratio(numerator: int, denominator: int, places: str = "0.01") -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


@dataclass
class Figures:
    key: Any = None
    label: str = ""
    code: str = ""
    projects: int = 0
    central: int = 0
    provincial: int = 0
    own: int = 0
    other: int = 0
    settled: int = 0
    disbursed: int = 0
    accepted: int = 0
    priority_support: int = 0
    jobs_created: int = 0
    workers_trained: int = 0
    trained_women: int = 0
    trained_ethnic_minority: int = 0
    establishments_supported: int = 0
    models: int = 0
    machines: int = 0
    completion_delay: dt.timedelta | None = None
    completion_n: int = 0
    settlement_delay: dt.timedelta | None = None
    settlement_n: int = 0
    recorded: dict[str, int] = field(default_factory=dict)

    @property
    def support(self) -> int:
        return self.central + self.provincial

    @property
    def counterpart(self) -> int:
        return self.own + self.other

    @property
    def cost_per_job(self) -> int | None:
        """Support (đồng) per job created, rounded down; none without jobs."""
        return self.support // self.jobs_created if self.jobs_created else None

    @property
    def leverage(self) -> Decimal | None:
        """Counterpart money per đồng of support (own + other ÷ central + provincial)."""
        return _ratio(self.counterpart, self.support)

    @property
    def priority_share(self) -> Decimal | None:
        """Share of the support that went to projects in priority areas, in per cent."""
        return _ratio(100 * self.priority_support, self.support, "0.1")

    @property
    def completion_delay_days(self) -> Decimal | None:
        """Mean days from the planned end to the acceptance (negative: early)."""
        if not self.completion_n or self.completion_delay is None:
            return None
        return _ratio(self.completion_delay.days, self.completion_n, "0.1")

    @property
    def settlement_delay_days(self) -> Decimal | None:
        """Mean days from the acceptance to the settlement."""
        if not self.settlement_n or self.settlement_delay is None:
            return None
        return _ratio(self.settlement_delay.days, self.settlement_n, "0.1")

    @property
    def disbursement_share(self) -> Decimal | None:
        return _ratio(100 * self.disbursed, self.support, "0.1")

    def value(self, code: str) -> int:
        """The figure of any catalogue indicator (acceptance or recorded) by its code."""
        if code in ACCEPTANCE_CODES:
            return int(getattr(self, code))
        return self.recorded.get(code, 0)


_PLAIN = {f.name for f in fields(Figures)} - {"key", "label", "code", "recorded"}


def _figures(
    row: Mapping[str, Any], *, key: Any = None, label: str = "", code: str = "", group: str = ""
) -> Figures:
    plain: dict[str, Any] = {name: row.get(name) for name in _PLAIN}
    for name, value in plain.items():
        if name not in ("completion_delay", "settlement_delay"):
            plain[name] = int(value or 0)
    recorded = {k: int(v or 0) for k, v in row.items() if k not in _PLAIN and k != group}
    return Figures(key=key, label=label, code=code, recorded=recorded, **plain)


# --- the counted projects -------------------------------------------------------------------------------


def _scoped(user: Any) -> QuerySet[Project]:
    visible = Project.objects.visible_to(user)
    if not visible.query.where.children and not visible.query.distinct:
        return Project.objects.all()  # province-wide roles: no filter to repeat in every subquery
    return Project.objects.filter(pk__in=visible.values("pk"))


def _under(unit_ids: Any) -> Q:
    """A unit or anything under it (communes under a district or province, districts under a province)."""
    return Q(pk__in=unit_ids) | Q(parent_id__in=unit_ids) | Q(parent__parent_id__in=unit_ids)


def counted_projects(*, user: Any, filters: Filters) -> QuerySet[Project]:
    """The projects the figures count, with `place` (the unit they are counted in) and `sector`."""
    qs = (
        _scoped(user)
        .filter(plan_year__gte=filters.from_year, plan_year__lte=filters.to_year, status__in=COUNTED)
        .annotate(place=_place_expression(filters.units), sector=_sector_expression())
    )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.fund:
        qs = qs.filter(
            Exists(BudgetLine.objects.filter(project_id=OuterRef("pk"), source=filters.fund, amount__gt=0))
        )
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.priority:
        qs = qs.filter(_in_priority(filters.priority))
    if filters.unit is not None:
        within = AdministrativeUnit.objects.filter(_under([filters.unit])).values("pk")
        qs = qs.filter(place__in=within)
    if filters.province:
        provinces = AdministrativeUnit.objects.filter(level=Level.PROVINCE, code=filters.province)
        if filters.units == UnitMode.CURRENT:
            provinces = provinces.filter(generation=Generation.CURRENT)
        qs = qs.filter(
            place__in=AdministrativeUnit.objects.filter(_under(provinces.values("pk"))).values("pk")
        )
    return qs


DIMENSIONS = ("year", "category", "sector", "level", "unit", "fund", "priority")
_GROUP_FIELD = {
    "year": "plan_year",
    "category": "category",
    "sector": "sector",
    "level": "level",
    "unit": "place",
}


def _aggregate(qs: QuerySet[Project], measures: dict[str, Any]) -> Figures:
    return _figures(qs.aggregate(**measures))


def totals(*, user: Any, filters: Filters) -> Figures:
    return _aggregate(
        counted_projects(user=user, filters=filters), _measures(filters, _recorded_indicators())
    )


def breakdown(*, user: Any, filters: Filters, by: str) -> list[Figures]:
    """The figures per group of `by` (one of DIMENSIONS), ordered for reading."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    measures = _measures(filters, _recorded_indicators())
    qs = counted_projects(user=user, filters=filters)
    if by == "fund":
        # A project paid from both funds is in both rows; each row's support is that fund's share.
        rows = []
        for fund in FUNDS:
            figures = _aggregate(counted_projects(user=user, filters=replace(filters, fund=fund)), measures)
            figures.key, figures.code, figures.label = fund, str(fund), str(FundingSource(fund).label)
            rows.append(figures)
        return rows
    if by == "priority":
        rows = []
        for kind in (*PriorityKind, None):
            subset = qs.filter(_in_priority(kind)) if kind else qs.exclude(_in_priority(ANY_PRIORITY))
            figures = _aggregate(subset, measures)
            figures.key = figures.code = str(kind) if kind else "none"
            figures.label = str(kind.label) if kind else _("Không thuộc địa bàn ưu tiên")
            rows.append(figures)
        return rows
    group = _GROUP_FIELD[by]
    grouped = qs.values(group).annotate(**measures).order_by(group)
    result = [_figures(row, key=row[group], group=group) for row in grouped]
    _label(by, result, filters)
    return result


def _label(by: str, rows: list[Figures], filters: Filters) -> None:
    if by == "year":
        for row in rows:
            row.label = row.code = str(row.key)
    elif by == "category":
        for row in rows:
            row.code, row.label = row.key, str(ContentCategory(row.key).label)
    elif by == "level":
        for row in rows:
            row.code, row.label = row.key, str(ProgrammeLevel(row.key).label)
    elif by == "sector":
        for row in rows:
            row.code = row.key
            row.label = (
                str(Sector(row.key).label) if row.key in Sector.values else _("Chưa xác định ngành nghề")
            )
        rows.sort(key=lambda r: (r.key == NO_SECTOR, r.label))
    elif by == "unit":
        units = AdministrativeUnit.objects.select_related("parent").in_bulk([row.key for row in rows])
        for row in rows:
            unit = units.get(row.key)
            row.code, row.label = (unit.code, str(unit)) if unit else ("", "")
        rows.sort(key=lambda r: (-r.projects, r.label))


def by_year(*, user: Any, filters: Filters) -> list[Figures]:
    """Every year of the range, with zeros where nothing was counted (charts need the gaps)."""
    found = {row.key: row for row in breakdown(user=user, filters=filters, by="year")}
    return [
        found.get(year) or Figures(key=year, code=str(year), label=str(year))
        for year in range(filters.from_year, filters.to_year + 1)
    ]


# --- follow-ups: did the results last? ---------------------------------------------------------------


@dataclass
class Durability:
    months: int
    label: str
    visited: int = 0
    operating: int = 0
    jobs_created: int = 0  # of the projects visited, at the acceptance
    jobs_kept: int = 0
    equipment_asked: int = 0
    equipment_in_use: int = 0

    @property
    def operating_share(self) -> Decimal | None:
        return _ratio(100 * self.operating, self.visited, "0.1")

    @property
    def jobs_kept_share(self) -> Decimal | None:
        return _ratio(100 * self.jobs_kept, self.jobs_created, "0.1")

    @property
    def equipment_share(self) -> Decimal | None:
        return _ratio(100 * self.equipment_in_use, self.equipment_asked, "0.1")


def durability(*, user: Any, filters: Filters) -> list[Durability]:
    """Per milestone (6, 12, 24 months): visits made, businesses still running, jobs kept, machines in use."""
    projects = counted_projects(user=user, filters=filters).values("pk")
    qs = FollowUp.objects.filter(project_id__in=projects)
    if filters.as_of is not None:
        qs = qs.filter(visited_on__lte=filters.as_of)
    jobs = ActualResult.objects.filter(
        acceptance__project_id=OuterRef("project_id"), acceptance__accepted=True, indicator="jobs_created"
    ).values("value")[:1]
    rows = {
        row["months"]: row
        for row in qs.order_by()
        .values("months")
        .annotate(
            visited=Count("pk"),
            operating=Count("pk", filter=Q(still_operating=True)),
            jobs_created=Sum(Coalesce(Subquery(jobs, output_field=BigIntegerField()), ZERO)),
            jobs_kept=Sum(Coalesce("jobs_kept", ZERO, output_field=BigIntegerField())),
            equipment_asked=Count("pk", filter=Q(equipment_in_use__isnull=False)),
            equipment_in_use=Count("pk", filter=Q(equipment_in_use=True)),
        )
    }
    result = []
    for milestone in FollowUpMonth:
        row = rows.get(milestone.value, {})
        result.append(
            Durability(
                months=milestone.value,
                label=str(milestone.label),
                **{
                    k: int(row.get(k) or 0)
                    for k in (
                        "visited",
                        "operating",
                        "jobs_created",
                        "jobs_kept",
                        "equipment_asked",
                        "equipment_in_use",
                    )
                },
            )
        )
    return result


# --- map -------------------------------------------------------------------------------------------------


@dataclass
class Place:
    unit: AdministrativeUnit
    figures: Figures


def places(*, user: Any, filters: Filters) -> list[Place]:
    """Units with counted projects and their figures, for the map (centres from the geography)."""
    rows = breakdown(user=user, filters=filters, by="unit")
    units = AdministrativeUnit.objects.select_related("parent").in_bulk([r.key for r in rows])
    return [Place(unit=units[r.key], figures=r) for r in rows if r.key in units]


# --- the summary contract (issue 5 §6) -----------------------------------------------------------------


def _brief(row: Figures) -> dict[str, int]:
    return {
        "projects": row.projects,
        "support_vnd": row.support,
        "jobs_created": row.jobs_created,
        "workers_trained": row.workers_trained,
    }


def summary(*, user: Any, filters: Filters) -> dict[str, Any]:
    """The stable JSON of `report_summary` and GET /api/v1/reports/summary: every amount in integer đồng."""
    province = filters.province or (
        "" if settings.KHUYENCONG_PROVINCE == "all" else str(settings.KHUYENCONG_PROVINCE)
    )
    scoped = replace(filters, province=province)
    total = totals(user=user, filters=scoped)
    categories = {row.key: row for row in breakdown(user=user, filters=scoped, by="category")}
    empty = Figures()
    return {
        "from_year": scoped.from_year,
        "to_year": scoped.to_year,
        "province": province or None,
        "units": scoped.units,
        "projects": total.projects,
        "support_vnd": {"central": total.central, "provincial": total.provincial},
        "counterpart_vnd": {"own": total.own, "other": total.other},
        "settled_vnd": total.settled,
        "results": {
            "jobs_created": total.jobs_created,
            "workers_trained": total.workers_trained,
            "establishments_supported": total.establishments_supported,
        },
        "by_category": {code: _brief(categories.get(code, empty)) for code in ContentCategory.values},
        "by_sector": {row.key: _brief(row) for row in breakdown(user=user, filters=scoped, by="sector")},
        "by_year": [{"year": row.key, **_brief(row)} for row in by_year(user=user, filters=scoped)],
        "by_unit": [
            {"code": row.code, "name": row.label, **_brief(row)}
            for row in breakdown(user=user, filters=scoped, by="unit")
        ],
    }
