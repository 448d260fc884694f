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
import secrets
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
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
            if not (raw.isascii() and raw.lstrip("-").isdigit()):
                raise ValidationError({name: _("Năm phải là số nguyên, ví dụ 2012.")})
            return int(raw)

        def text(name: str) -> str:
            return str(params.get(name) or "").strip()

        unit_raw = text("unit")
        if unit_raw and not (unit_raw.isascii() and unit_raw.isdigit()):
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
        .order_by("-is_default", "successor_id")
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
    """The project's budget line of `source` (a join on the alias counted_projects sets up; one line per source)."""
    return Coalesce(F(f"line_{source}__amount"), ZERO, output_field=BigIntegerField())


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
    """The value the project's accepted acceptance found (the acceptance joined once, one to one; the result
    joined on the alias counted_projects sets up, one per indicator)."""
    value = Coalesce(F(f"result_{code}__value"), ZERO, output_field=BigIntegerField())
    return Case(
        When(_accepted(as_of), then=value),
        default=ZERO,
        output_field=BigIntegerField(),
    )


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


class DaysBetween(Func):
    """Whole days from the second date to the first, as an integer, in each engine's own arithmetic
    (PostgreSQL: date - date; SQLite: julianday). Django's portable date subtraction gives an interval
    that SQLite computes row by row in Python."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = BigIntegerField()
    arity = 2

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def recorded_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by("position"))


def _per_project(filters: Filters, recorded: Iterable[Indicator]) -> dict[str, Any]:
    """name -> one project's contribution (a whole number); a group's figure is the sum over its projects."""
    as_of = filters.as_of
    settled_q = Q(settled_amount__isnull=False)
    if as_of is not None:
        settled_q &= Q(liquidation_date__lte=as_of)
    central, provincial = _line(FundingSource.CENTRAL), _line(FundingSource.PROVINCIAL)
    accepted = _accepted(as_of)

    def when(condition: Any, then: Any) -> Case:
        return Case(When(condition, then=then), default=ZERO, output_field=BigIntegerField())

    per: dict[str, Any] = {
        "projects": Value(1, output_field=BigIntegerField()),
        "central": central,
        "provincial": provincial,
        "own": _line(FundingSource.BENEFICIARY),
        "other": _line(FundingSource.OTHER),
        "settled": when(settled_q, F("settled_amount")),
        "disbursed": Case(
            When(settled_q, then=F("settled_amount")),
            default=_total(Advance, "paid_on", as_of) - _total(Recovery, "recorded_on", as_of),
            output_field=BigIntegerField(),
        ),
        "accepted": when(accepted, Value(1)),
        "priority_support": when(_in_priority(ANY_PRIORITY), central + provincial),
        "trained_women": when(accepted, F("acceptance__trained_women")),
        "trained_ethnic_minority": when(accepted, F("acceptance__trained_ethnic_minority")),
        "completion_n": when(accepted & Q(end_date__isnull=False), Value(1)),
        "completion_days": when(
            accepted & Q(end_date__isnull=False), DaysBetween(F("acceptance__held_on"), F("end_date"))
        ),
        "settlement_n": when(accepted & settled_q & Q(liquidation_date__isnull=False), Value(1)),
        "settlement_days": when(
            accepted & settled_q & Q(liquidation_date__isnull=False),
            DaysBetween(F("liquidation_date"), F("acceptance__held_on")),
        ),
    }
    for code in ACCEPTANCE_CODES:
        per[code] = _achieved(code, as_of)
    for indicator in recorded:
        per[indicator.code] = _recorded(indicator, as_of)
        if indicator.disaggregated:
            per[f"{indicator.code}_women"] = _recorded(indicator, as_of, column="women")
            per[f"{indicator.code}_ethnic_minority"] = _recorded(indicator, as_of, column="ethnic_minority")
    return per


def _measures(filters: Filters, recorded: Iterable[Indicator]) -> dict[str, Any]:
    """name -> aggregate over the counted projects of a group."""
    measures: dict[str, Any] = {name: Sum(expr) for name, expr in _per_project(filters, recorded).items()}
    measures["projects"] = Count("pk")
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
    completion_days: int = 0  # summed over the projects accepted with a planned end
    completion_n: int = 0
    settlement_days: int = 0
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
        return _ratio(self.completion_days, self.completion_n, "0.1")

    @property
    def settlement_delay_days(self) -> Decimal | None:
        """Mean days from the acceptance to the settlement."""
        return _ratio(self.settlement_days, self.settlement_n, "0.1")

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
    figures = Figures(key=key, label=label, code=code)
    recorded: dict[str, int] = {}
    for column, value in row.items():
        if column == group:
            continue
        name = column.removeprefix("m__")
        if name in _PLAIN:
            setattr(figures, name, int(value or 0))
        else:
            recorded[name] = int(value or 0)
    figures.recorded = recorded
    return figures


# --- the counted projects -------------------------------------------------------------------------------


def _scoped(user: Any) -> QuerySet[Project]:
    visible = Project.objects.visible_to(user)
    if visible.query.is_empty():
        # A role that reads no project: an empty queryset has no SQL, and the fact table is made from the
        # SQL (CREATE TABLE … AS), so it failed with a 500. A filter that matches no row compiles.
        return Project.objects.filter(pk__lt=0)
    if not visible.query.where.children and not visible.query.distinct:
        return Project.objects.all()  # province-wide roles: no filter to repeat in every subquery
    return Project.objects.filter(pk__in=visible.values("pk"))


def _one_to_one_joins() -> dict[str, FilteredRelation]:
    """A LEFT JOIN per budget source and per acceptance indicator, each matching at most one row (the unique
    constraints budget_line_one_per_source and actual_one_per_indicator), so no project is multiplied.
    Joined only where a measure uses them; an index lookup per project instead of a correlated subquery
    (a quarter faster on SQLite at 10,000 projects)."""
    joins = {
        f"line_{source}": FilteredRelation("budget_lines", condition=Q(budget_lines__source=source))
        for source in FundingSource.values
    }
    for code in ACCEPTANCE_CODES:
        joins[f"result_{code}"] = FilteredRelation(
            "acceptance__results", condition=Q(acceptance__results__indicator=code)
        )
    return joins


def _under(unit_ids: Any) -> Q:
    """A unit or anything under it (communes under a district or province, districts under a province)."""
    return Q(pk__in=unit_ids) | Q(parent_id__in=unit_ids) | Q(parent__parent_id__in=unit_ids)


def counted_projects(*, user: Any, filters: Filters) -> QuerySet[Project]:
    """The projects the figures count, with `place` (the unit they are counted in) and `sector`."""
    qs = (
        _scoped(user)
        .filter(plan_year__gte=filters.from_year, plan_year__lte=filters.to_year, status__in=COUNTED)
        .annotate(place=_place_expression(filters.units), sector=_sector_expression())
        .alias(**_one_to_one_joins())
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
    return _in_place(qs, filters)


def _in_place(qs: QuerySet[Any], filters: Filters) -> QuerySet[Any]:
    """Rows whose annotated `place` lies in the unit or province asked for (anything under them)."""
    if filters.unit is not None:
        qs = qs.filter(place__in=AdministrativeUnit.objects.filter(_under([filters.unit])).values("pk"))
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


# What the summary contract and the dashboard's breakdowns show: callers that need less ask for less,
# since every measure is a subquery per project.
BRIEF = ("projects", "central", "provincial", "jobs_created", "workers_trained")
SUMMARY_TOTALS = (*BRIEF, "own", "other", "settled", "establishments_supported")


def _wanted(only: Iterable[str] | None) -> set[str] | None:
    return set(only) if only is not None else None


def _recorded_for(wanted: set[str] | None) -> list[Indicator]:
    return [
        i
        for i in recorded_indicators()
        if wanted is None
        or i.code in wanted
        or f"{i.code}_women" in wanted
        or f"{i.code}_ethnic_minority" in wanted
    ]


def _pick(measures: dict[str, Any], wanted: set[str] | None) -> dict[str, Any]:
    if wanted is None:
        return measures
    unknown = wanted - set(measures)
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}")
    return {name: expr for name, expr in measures.items() if name in wanted}


def _selected(filters: Filters, only: Iterable[str] | None) -> dict[str, Any]:
    wanted = _wanted(only)
    return _pick(_measures(filters, _recorded_for(wanted)), wanted)


def totals(*, user: Any, filters: Filters, only: Iterable[str] | None = None) -> Figures:
    """The figures of every counted project together (`only`: the measures to compute; default all)."""
    return _aggregate(counted_projects(user=user, filters=filters), _selected(filters, only))


def breakdown(
    *, user: Any, filters: Filters, by: str, only: Iterable[str] | None = None, stored: bool = True
) -> list[Figures]:
    """The figures per group of `by` (one of DIMENSIONS), ordered for reading."""
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    if by == "fund":
        measures = _selected(filters, only)
        # A project paid from both funds is in both rows; each row's support is that fund's share.
        rows = []
        for fund in FUNDS:
            figures = _aggregate(counted_projects(user=user, filters=replace(filters, fund=fund)), measures)
            figures.key, figures.code, figures.label = fund, str(fund), str(FundingSource(fund).label)
            rows.append(figures)
        return rows
    if by == "priority":
        measures = _selected(filters, only)
        qs = counted_projects(user=user, filters=filters)
        rows = []
        for kind in (*PriorityKind, None):
            subset = qs.filter(_in_priority(kind)) if kind else qs.exclude(_in_priority(ANY_PRIORITY))
            figures = _aggregate(subset, measures)
            figures.key = figures.code = str(kind) if kind else "none"
            figures.label = str(kind.label) if kind else _("Không thuộc địa bàn ưu tiên")
            rows.append(figures)
        return rows
    with fact_table(user=user, filters=filters, only=only, dimensions=(by,), stored=stored) as facts:
        return facts.group(by)


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
        names = unit_names([row.key for row in rows])
        for row in rows:
            row.code, row.label = names.get(row.key, ("", ""))
        rows.sort(key=lambda r: (-r.projects, r.label))


def _unit_label(name: str, level: str, generation: str, parent: str | None) -> str:
    """A unit's name as the pages print it (AdministrativeUnit.__str__): an old commune with its district."""
    if parent and level == Level.COMMUNE and generation == Generation.LEGACY:
        return f"{name}, {parent}"
    return name


def unit_names(ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """id -> (statistics code, name as the pages print it: an old commune with its old district)."""
    rows = AdministrativeUnit.objects.filter(pk__in=list(ids)).values_list(
        "pk", "code", "name", "level", "generation", "parent__short_name"
    )
    return {
        pk: (code, _unit_label(name, level, generation, parent))
        for pk, code, name, level, generation, parent in rows
    }


def by_year(*, user: Any, filters: Filters, only: Iterable[str] | None = None) -> list[Figures]:
    """Every year of the range, with zeros where nothing was counted (charts need the gaps)."""
    return every_year(breakdown(user=user, filters=filters, by="year", only=only), filters)


def every_year(rows: list[Figures], filters: Filters) -> list[Figures]:
    found = {row.key: row for row in rows}
    return [
        found.get(year) or Figures(key=year, code=str(year), label=str(year))
        for year in range(filters.from_year, filters.to_year + 1)
    ]


# --- per-project facts, grouped by the database ---------------------------------------------------------


class FactTable:
    """One row per counted project with its dimensions and measures, grouped by the database.

    The rows come from results.ProjectFact (kept current on every change, see results.facts) when the
    request needs only what it stores, else from a temporary table filled once per request with the
    correlated subqueries: either way the measures are computed once and grouped several times (totals, by
    year, by category, ...), each grouping one SQL GROUP BY.
    """

    def __init__(self, source: str, params: list[Any], measures: list[str], filters: Filters) -> None:
        self.source = source  # a table name, or a parenthesised SELECT with its alias
        self.params = params
        self.measures = measures
        self.filters = filters

    def _select(self, measures: Iterable[str] | None = None) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"SUM({quote(m)}) AS {quote(m)}" for m in measures or self.measures)

    def _rows(self, sql: str, labels: tuple[str, ...] = ()) -> list[Figures]:
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            names = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        result = []
        for values in rows:
            row = dict(zip(names, values, strict=True))
            named = {k: row.pop(k) for k in labels}
            figures = _figures(row, key=row.get("key"), group="key")
            if labels:
                figures.code = named["code"] or ""
                figures.label = _unit_label(
                    named["name"] or "", named["level"], named["generation"], named["parent_name"]
                )
            result.append(figures)
        return result

    def totals(self) -> Figures:
        (row,) = self._rows(f"SELECT {self._select()} FROM {self.source}")
        return row

    def group(self, by: str, only: Iterable[str] | None = None) -> list[Figures]:
        """Sums per value of `by`; `only` narrows the measures (fewer sums over thousands of units)."""
        measures = self.measures if only is None else [m for m in self.measures if m[3:] in set(only)]
        quote = connection.ops.quote_name
        column = quote(_GROUP_FIELD[by])
        if by != "unit":
            rows = self._rows(
                f"SELECT {column} AS {quote('key')}, {self._select(measures)} FROM {self.source} "
                f"GROUP BY {column} ORDER BY {column}"
            )
            _label(by, rows, self.filters)
            return rows
        # Units are named in the same query (a national view has thousands of them): grouped first, then
        # each group joined to its unit, rather than every project joined and grouped by the names.
        units = quote(AdministrativeUnit._meta.db_table)
        named = ", ".join(f"u.{quote(c)}" for c in ("code", "name", "level", "generation"))
        sums = ", ".join(f"g.{quote(m)}" for m in measures)
        key = quote("key")
        rows = self._rows(
            f"SELECT g.{key}, {named}, pu.{quote('short_name')} AS parent_name, {sums} "
            f"FROM (SELECT {column} AS {key}, {self._select(measures)} FROM {self.source} GROUP BY {column}) g "
            f"LEFT JOIN {units} u ON u.{quote('id')} = g.{key} "
            f"LEFT JOIN {units} pu ON pu.{quote('id')} = u.{quote('parent_id')}",
            labels=("code", "name", "level", "generation", "parent_name"),
        )
        rows.sort(key=lambda r: (-r.projects, r.label))
        return rows

    def brief_units(self) -> list[dict[str, Any]]:
        """The summary contract's by_unit straight from the rows: a national range has thousands of units,
        and building a Figures object per unit cost more than the grouping itself."""
        quote = connection.ops.quote_name
        column = quote(_GROUP_FIELD["unit"])
        units = quote(AdministrativeUnit._meta.db_table)
        sums = ", ".join(
            f"SUM({quote('m__' + m)})"
            for m in ("projects", "central", "provincial", "jobs_created", "workers_trained")
        )
        sql = (
            f"SELECT u.{quote('code')}, u.{quote('name')}, u.{quote('level')}, u.{quote('generation')}, "
            f"pu.{quote('short_name')}, g.* FROM (SELECT {column}, {sums} FROM {self.source} GROUP BY {column}) g "
            f"LEFT JOIN {units} u ON u.{quote('id')} = g.{column} "
            f"LEFT JOIN {units} pu ON pu.{quote('id')} = u.{quote('parent_id')}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            rows = cursor.fetchall()
        result: list[dict[str, Any]] = [
            {
                "code": code or "",
                "name": _unit_label(name or "", level, generation, parent),
                "projects": int(projects),
                "support_vnd": int(central) + int(provincial),
                "jobs_created": int(jobs),
                "workers_trained": int(workers),
            }
            for code, name, level, generation, parent, _key, projects, central, provincial, jobs, workers in rows
        ]
        result.sort(key=lambda r: (-int(r["projects"]), str(r["name"])))
        return result


def _stored_facts(
    *, user: Any, filters: Filters, wanted: list[str], dimensions: Iterable[str]
) -> QuerySet[Any]:
    """The counted projects' rows of results.ProjectFact, filtered as counted_projects filters projects."""
    from khuyencong.results.facts import MEASURES
    from khuyencong.results.models import ProjectFact

    qs = ProjectFact.objects.filter(
        plan_year__gte=filters.from_year, plan_year__lte=filters.to_year, status__in=COUNTED
    )
    scoped = _scoped(user)
    if scoped.query.where.children:
        qs = qs.filter(project_id__in=scoped.values("pk"))
    qs = qs.annotate(
        place=F("recorded_unit" if filters.units == UnitMode.RECORDED else "current_unit"),
    )
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.fund:
        # A budget line of that fund with a positive amount (one line per source).
        qs = qs.filter(**{f"{MEASURES[filters.fund]}__gt": 0})
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    qs = _in_place(qs, filters)
    fields = sorted({_GROUP_FIELD[d] for d in dimensions})
    measures = {
        f"m__{name}": Value(1, output_field=BigIntegerField()) if name == "projects" else F(MEASURES[name])
        for name in wanted
    }
    return qs.annotate(**measures).order_by().values("pk", *fields, *measures)


def _storable(filters: Filters, wanted: Iterable[str]) -> bool:
    from khuyencong.results.facts import SERVED

    return filters.as_of is None and not filters.priority and set(wanted) <= SERVED


@contextmanager
def fact_table(
    *,
    user: Any,
    filters: Filters,
    only: Iterable[str] | None = None,
    dimensions: Iterable[str] = (),
    stored: bool = True,
) -> Iterator[FactTable]:
    """The counted projects' facts for `dimensions` and the measures `only` (default all).

    `stored=False` computes them from the projects even when the stored facts could answer (the tests
    compare the two)."""
    dimensions = tuple(dimensions)
    wanted = _wanted(only)
    per = _pick(_per_project(filters, _recorded_for(wanted)), wanted)
    quote = connection.ops.quote_name
    if stored and _storable(filters, per):
        sql, params = _stored_facts(
            user=user, filters=filters, wanted=list(per), dimensions=dimensions
        ).query.sql_with_params()
        yield FactTable(f"({sql}) {quote('facts')}", list(params), [f"m__{k}" for k in per], filters)
        return
    fields = ["pk", *sorted({_GROUP_FIELD[d] for d in dimensions})]
    # No ORDER BY: the model's default ordering would sort every row of a table that is only grouped.
    qs = (
        counted_projects(user=user, filters=filters)
        .annotate(**{f"m__{k}": v for k, v in per.items()})
        .order_by()
    )
    sql, params = qs.values(*fields, *(f"m__{k}" for k in per)).query.sql_with_params()
    name = f"results_facts_{secrets.token_hex(6)}"
    # Measures are aliased m__<name> so that none can clash with a model field of the same name.
    create = f"CREATE TEMPORARY TABLE {quote(name)} AS {sql}"
    if connection.vendor == "postgresql":
        # The correlated subqueries make PostgreSQL's cost estimate large enough to JIT-compile the query,
        # which costs more (about 50 ms at 10,000 projects) than the few hundred milliseconds it could
        # save; SET LOCAL confines the setting to this statement's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(create, params)
    else:
        # No transaction.atomic() on SQLite: it would begin IMMEDIATE and take the database's write lock
        # for a read; a temporary table lives in the connection's own temp schema and needs none.
        with connection.cursor() as cursor:
            cursor.execute(create, params)
    try:
        yield FactTable(quote(name), [], [f"m__{k}" for k in per], filters)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {quote(name)}")


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


def _places(rows: list[Figures]) -> list[Place]:
    units = AdministrativeUnit.objects.select_related("parent").in_bulk([r.key for r in rows])
    return [Place(unit=units[r.key], figures=r) for r in rows if r.key in units]


def places(*, user: Any, filters: Filters, only: Iterable[str] | None = BRIEF) -> list[Place]:
    """Units with counted projects and their figures, for the map (centres from the geography)."""
    return _places(breakdown(user=user, filters=filters, by="unit", only=only))


@dataclass
class Overview:
    """What the dashboard shows, from one pass over the projects."""

    total: Figures
    years: list[Figures]
    categories: list[Figures]
    places: list[Place]
    durability: list[Durability]
    more_places: int = 0  # units left off the map and its table (a national view has thousands)


# The map draws and tabulates at most this many units, those with the most projects first.
MAP_LIMIT = 300


# What the dashboard shows (each measure costs a subquery per project).
OVERVIEW = (
    *SUMMARY_TOTALS,
    "disbursed",
    "accepted",
    "priority_support",
    "trained_women",
    "trained_ethnic_minority",
    "completion_n",
    "completion_days",
    "settlement_n",
    "settlement_days",
)


def overview(*, user: Any, filters: Filters) -> Overview:
    with fact_table(
        user=user, filters=filters, only=OVERVIEW, dimensions=("year", "category", "unit")
    ) as facts:
        total = facts.totals()
        years = every_year(facts.group("year"), filters)
        categories = facts.group("category")
        units = facts.group("unit")
    return Overview(
        total=total,
        years=years,
        categories=categories,
        places=_places(units[:MAP_LIMIT]),
        durability=durability(user=user, filters=filters),
        more_places=max(len(units) - MAP_LIMIT, 0),
    )


# --- the summary contract (issue 5 §6) -----------------------------------------------------------------


def _brief(row: Figures) -> dict[str, int]:
    return {
        "projects": row.projects,
        "support_vnd": row.support,
        "jobs_created": row.jobs_created,
        "workers_trained": row.workers_trained,
    }


def summary(*, user: Any, filters: Filters, stored: bool = True) -> dict[str, Any]:
    """The stable JSON of `report_summary` and GET /api/v1/reports/summary: every amount in integer đồng.

    `stored=False` computes it from the projects rather than the stored facts (tests compare the two)."""
    province = filters.province or (
        "" if settings.KHUYENCONG_PROVINCE == "all" else str(settings.KHUYENCONG_PROVINCE)
    )
    scoped = replace(filters, province=province)
    # One pass over the projects, then every grouping of it by the database.
    with fact_table(
        user=user,
        filters=scoped,
        only=SUMMARY_TOTALS,
        dimensions=("category", "sector", "year", "unit"),
        stored=stored,
    ) as facts:
        total = facts.totals()
        categories = {row.key: row for row in facts.group("category", BRIEF)}
        sectors = facts.group("sector", BRIEF)
        years = every_year(facts.group("year", BRIEF), scoped)
        units = facts.brief_units()
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
        "by_sector": {row.key: _brief(row) for row in sectors},
        "by_year": [{"year": row.key, **_brief(row)} for row in years],
        "by_unit": units,
    }
