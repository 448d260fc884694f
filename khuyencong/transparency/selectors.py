"""The public projection of projects: the one place that decides what a reader without an account sees.

Pages, CSV, JSON and IATI all read `PublicProject`s built here, so the publication policy applies to
every one of them at once. A projection holds a value only for a field the policy makes public (the
others are None and absent from `record()`); names of people, phones, emails, personal identification
numbers, tax codes and addresses are never read into it at all.

Which projects: approved and every later stage, and cancelled ones that had been approved
(`choices.public_status_filter`). Drafts, proposals under appraisal and rejected ones are not public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.geo.selectors import expand_units
from khuyencong.projects.choices import ContentCategory, ExpectedIndicator
from khuyencong.projects.models import DocumentKind, Project, ProjectDocument, code_key
from khuyencong.results.choices import IndicatorOrigin
from khuyencong.results.models import Indicator, IndicatorValue
from khuyencong.results.selectors import IndicatorRow
from khuyencong.transparency.choices import NAMED_FORMS, PublicField, public_status_filter
from khuyencong.transparency.models import PublicationRule

F = PublicField
PAGE_SIZE = 25
FIRST_YEAR = 1990  # the programme began in the 2000s; older years are typing mistakes


# --- the policy ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    public: frozenset[str]

    def shows(self, name: str) -> bool:
        return name in self.public


def current_policy() -> Policy:
    """The fields public now: one query. A field without a row is private (fail closed)."""
    return Policy(frozenset(PublicationRule.objects.filter(public=True).values_list("field", flat=True)))


# --- filters ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    category: str = ""
    commune: str = ""  # statistics code of a current commune or ward

    @classmethod
    def from_params(cls, params: Mapping[str, Any], *, policy: Policy) -> Filters:
        """Read the filters of a query string; a bad value is refused with a message naming it."""
        errors: dict[str, str] = {}
        year_raw = str(params.get("year") or "").strip()
        category = str(params.get("category") or "").strip()
        commune = str(params.get("commune") or "").strip()
        year: int | None = None
        if year_raw:
            this_year = timezone.localdate().year + 1
            if (
                not (year_raw.isascii() and year_raw.isdigit())
                or not FIRST_YEAR <= int(year_raw) <= this_year
            ):
                errors["year"] = _("Năm phải là số từ %(first)s đến %(last)s, ví dụ 2012.") % {
                    "first": FIRST_YEAR,
                    "last": this_year,
                }
            else:
                year = int(year_raw)
        if category and category not in ContentCategory.values:
            errors["category"] = _("Không có nội dung hỗ trợ “%(value)s”.") % {"value": category[:60]}
        known = (
            commune.isascii()
            and commune.isdigit()
            and len(commune) <= 10
            and _current_communes().filter(code=commune).exists()
        )
        if commune and not known:
            errors["commune"] = _("Không có xã, phường mã “%(value)s”.") % {"value": commune[:20]}
        for name, public_field, value in (
            ("year", F.PLAN_YEAR, year_raw),
            ("category", F.CATEGORY, category),
            ("commune", F.COMMUNE, commune),
        ):
            if value and name not in errors and not policy.shows(public_field):
                errors[name] = _("Thông tin “%(field)s” không được công khai nên không lọc theo nó được.") % {
                    "field": public_field.label
                }
        if errors:
            raise ValidationError(errors)
        return cls(year=year, category=category, commune=commune)

    def apply(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        if self.year is not None:
            qs = qs.filter(plan_year=self.year)
        if self.category:
            qs = qs.filter(category=self.category)
        if self.commune:
            unit = _current_communes().get(code=self.commune)
            # A current commune also finds the projects recorded in the old communes it came from.
            qs = qs.filter(unit_id__in=expand_units([unit.pk]))
        return qs

    def as_params(self) -> dict[str, str]:
        params = {"year": str(self.year or ""), "category": self.category, "commune": self.commune}
        return {k: v for k, v in params.items() if v}


def _current_communes() -> QuerySet[AdministrativeUnit]:
    qs = AdministrativeUnit.objects.filter(generation=Generation.CURRENT, level=Level.COMMUNE)
    province = settings.KHUYENCONG_PROVINCE
    return qs if province == "all" else qs.filter(parent__code=province)


def commune_choices() -> list[tuple[str, str]]:
    return [(u.code, u.name) for u in _current_communes().order_by("short_name", "code").only("code", "name")]


def year_choices() -> list[int]:
    years = public_projects().order_by().values_list("plan_year", flat=True).distinct()
    return sorted(set(years), reverse=True)


# --- the projection --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicBeneficiary:
    form: str  # legal form, e.g. "Hộ kinh doanh"
    name: str | None  # only enterprises and cooperatives, only when the policy names them


@dataclass(frozen=True)
class ResultRow:
    code: str
    name: str
    unit: str
    is_money: bool
    expected: int | None
    achieved: int | None


@dataclass(frozen=True)
class Payment:
    on: dt.date
    amount: int


@dataclass(frozen=True)
class PublicPhoto:
    pk: int
    url: str


@dataclass
class PublicProject:
    policy: Policy
    code: str
    key: str
    url: str
    updated_at: dt.datetime
    is_demo: bool
    title: str | None = None
    category: str | None = None
    category_label: str | None = None
    level: str | None = None
    level_label: str | None = None
    is_pilot: bool | None = None
    plan_year: int | None = None
    commune: str | None = None
    commune_generation: str | None = None
    # The commune's province (for the map's outline); internal, never part of a download.
    province_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    description: str | None = None
    implementing_unit: str | None = None
    partners: list[str] | None = None
    beneficiaries: list[PublicBeneficiary] = field(default_factory=list)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    decision_number: str | None = None
    decision_date: dt.date | None = None
    approved_support: int | None = None
    advances: list[Payment] | None = None
    settled_amount: int | None = None
    settled_on: dt.date | None = None
    accepted_on: dt.date | None = None
    results: list[ResultRow] = field(default_factory=list)
    later_results: list[ResultRow] = field(default_factory=list)
    photos: list[PublicPhoto] = field(default_factory=list)
    status: str | None = None
    status_label: str | None = None

    def shows(self, name: str) -> bool:
        return self.policy.shows(name)

    @property
    def advanced(self) -> int | None:
        return None if self.advances is None else sum(p.amount for p in self.advances)

    @property
    def label(self) -> str:
        return self.title or self.code

    def record(self) -> dict[str, Any]:
        """The projection as plain data (JSON, CSV): only the keys the policy makes public."""
        shows = self.policy.shows
        data: dict[str, Any] = {"code": self.code, "url": self.url}
        if shows(F.TITLE):
            data["title"] = self.title
        if shows(F.CATEGORY):
            data["category"] = self.category
            data["category_label"] = self.category_label
        if shows(F.LEVEL):
            data["level"] = self.level
            data["level_label"] = self.level_label
            data["is_pilot"] = self.is_pilot
        if shows(F.PLAN_YEAR):
            data["plan_year"] = self.plan_year
        if shows(F.COMMUNE):
            data["commune"] = self.commune
            data["latitude"] = None if self.latitude is None else float(self.latitude)
            data["longitude"] = None if self.longitude is None else float(self.longitude)
        if shows(F.DESCRIPTION):
            data["description"] = self.description
        if shows(F.IMPLEMENTING_UNIT):
            data["implementing_unit"] = self.implementing_unit
        if shows(F.PARTNERS):
            data["partners"] = self.partners
        data["beneficiaries"] = [{"form": b.form, "name": b.name} for b in self.beneficiaries]
        if shows(F.DATES):
            data["start_date"] = _iso(self.start_date)
            data["end_date"] = _iso(self.end_date)
        if shows(F.DECISION):
            data["decision_number"] = self.decision_number
            data["decision_date"] = _iso(self.decision_date)
        if shows(F.APPROVED):
            data["approved_support"] = self.approved_support
        if shows(F.ADVANCED):
            data["advanced"] = self.advanced
        if shows(F.SETTLED):
            data["settled_amount"] = self.settled_amount
        if shows(F.EXPECTED_RESULTS) or shows(F.ACHIEVED_RESULTS):
            data["results"] = [_result_record(row, self.policy) for row in self.results]
        if shows(F.LATER_RESULTS):
            data["later_results"] = [_result_record(row, self.policy) for row in self.later_results]
        if shows(F.PHOTOS):
            data["photos"] = [photo.url for photo in self.photos]
        if shows(F.STATUS):
            data["status"] = self.status
            data["status_label"] = self.status_label
        return data


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _result_record(row: ResultRow, policy: Policy) -> dict[str, Any]:
    data: dict[str, Any] = {"indicator": row.code, "name": row.name, "unit": row.unit}
    if policy.shows(F.EXPECTED_RESULTS):
        data["expected"] = row.expected
    if policy.shows(F.ACHIEVED_RESULTS) or row.code not in ExpectedIndicator.values:
        data["achieved"] = row.achieved
    return data


def public_projects(*, filters: Filters | None = None) -> QuerySet[Project]:
    """The public projects (no projection yet), newest plan year first."""
    qs: QuerySet[Project] = Project.objects.filter(public_status_filter())
    if filters is not None:
        qs = filters.apply(qs)
    return qs.order_by("-plan_year", "code_key")


def prepared(qs: QuerySet[Project], policy: Policy) -> QuerySet[Project]:
    """Everything the projection reads, in a fixed number of queries whatever the number of rows."""
    qs = qs.select_related("unit__parent", "acceptance")
    # Beneficiaries are always read: their legal forms are listed even when no name is public.
    lookups: list[str | Prefetch[Any]] = ["beneficiaries"]
    if policy.shows(F.EXPECTED_RESULTS):
        lookups.append("expected_results")
    if policy.shows(F.ACHIEVED_RESULTS):
        lookups.append("acceptance__results")
    if policy.shows(F.ADVANCED):
        lookups.append("advances")
    if policy.shows(F.LATER_RESULTS):
        lookups += ["indicator_targets", Prefetch("indicator_values", IndicatorValue.objects.order_by("pk"))]
    if policy.shows(F.PHOTOS):
        lookups.append(
            Prefetch(
                "documents",
                ProjectDocument.objects.filter(kind=DocumentKind.PHOTO)
                .only("pk", "project_id")
                .order_by("uploaded_at", "id"),
                to_attr="public_photos",
            )
        )
    return qs.prefetch_related(*lookups)


def project_rows(projects: Iterable[Project], *, policy: Policy) -> list[PublicProject]:
    """The public projection of each project, read from a `prepared` queryset (or a page of one)."""
    catalogue = list(Indicator.objects.order_by("position", "code"))
    return [_project(project, policy, catalogue) for project in projects]


def public_project_get(*, code: str, policy: Policy) -> PublicProject:
    """One public project by its code (typed with or without diacritics); 404 for any other project."""
    rows = project_rows(prepared(public_projects().filter(code_key=code_key(code)), policy), policy=policy)
    if not rows:
        raise Http404(_("Không có đề án công khai mã này."))
    return rows[0]


def _project(p: Project, policy: Policy, catalogue: Sequence[Indicator]) -> PublicProject:
    shows = policy.shows
    row = PublicProject(
        policy=policy,
        code=p.code,
        key=p.code_key,
        url=reverse("transparency:detail", kwargs={"code": p.code_key}),
        updated_at=p.updated_at,
        is_demo=p.is_demo,
    )
    if shows(F.TITLE):
        row.title = p.title
    if shows(F.CATEGORY):
        row.category, row.category_label = p.category, str(p.get_category_display())
    if shows(F.LEVEL):
        row.level, row.level_label, row.is_pilot = p.level, str(p.get_level_display()), p.is_pilot
    if shows(F.PLAN_YEAR):
        row.plan_year = p.plan_year
    if shows(F.COMMUNE):
        unit = p.unit
        row.commune = str(unit)
        row.commune_generation = unit.generation
        parent = unit.parent
        row.province_id = (
            None
            if parent is None
            else parent.pk
            if unit.generation == Generation.CURRENT
            else parent.parent_id
        )
        row.latitude = unit.latitude if unit.latitude is not None else getattr(unit.parent, "latitude", None)
        row.longitude = (
            unit.longitude if unit.longitude is not None else getattr(unit.parent, "longitude", None)
        )
    if shows(F.DESCRIPTION):
        row.description = p.description
    if shows(F.IMPLEMENTING_UNIT):
        row.implementing_unit = p.implementing_unit
    if shows(F.PARTNERS):
        row.partners = [line.strip() for line in p.partners.splitlines() if line.strip()]
    row.beneficiaries = [
        PublicBeneficiary(
            form=str(b.get_legal_form_display()),
            name=b.name if shows(F.BENEFICIARIES) and b.legal_form in NAMED_FORMS else None,
        )
        for b in sorted(p.beneficiaries.all(), key=lambda b: (b.legal_form not in NAMED_FORMS, b.pk))
    ]
    if shows(F.DATES):
        row.start_date, row.end_date = p.start_date, p.end_date
    if shows(F.DECISION):
        row.decision_number, row.decision_date = p.decision_number or None, p.decision_date
    if shows(F.APPROVED):
        row.approved_support = p.approved_support
    if shows(F.ADVANCED):
        row.advances = [
            Payment(on=a.paid_on, amount=a.amount)
            for a in sorted(p.advances.all(), key=lambda a: (a.paid_on, a.pk))
        ]
    if shows(F.SETTLED):
        row.settled_amount = p.settled_amount
        row.settled_on = p.liquidation_date if p.settled_amount is not None else None
    # A missing reverse one-to-one raises RelatedObjectDoesNotExist, an AttributeError.
    acceptance = getattr(p, "acceptance", None)
    accepted = acceptance is not None and acceptance.accepted
    if accepted and (shows(F.ACHIEVED_RESULTS) or shows(F.DATES)):
        row.accepted_on = acceptance.held_on if acceptance else None
    expected = {r.indicator: r.value for r in p.expected_results.all()} if shows(F.EXPECTED_RESULTS) else {}
    achieved = (
        {r.indicator: r.value for r in acceptance.results.all()}
        if accepted and acceptance is not None and shows(F.ACHIEVED_RESULTS)
        else {}
    )
    names = {i.code: i for i in catalogue}
    for code in [c for c in ExpectedIndicator.values if c in expected or c in achieved]:
        indicator = names.get(code)
        row.results.append(
            ResultRow(
                code=code,
                name=indicator.name if indicator else str(ExpectedIndicator(code).label),
                unit=indicator.unit if indicator else "",
                is_money=bool(indicator and indicator.is_money),
                expected=expected.get(code),
                achieved=achieved.get(code),
            )
        )
    row.results.sort(key=lambda r: (names[r.code].position if r.code in names else 999, r.code))
    if shows(F.LATER_RESULTS):
        row.later_results = _later_results(p, catalogue)
    if shows(F.PHOTOS):
        row.photos = [
            PublicPhoto(pk=d.pk, url=reverse("transparency:photo", kwargs={"code": p.code_key, "pk": d.pk}))
            for d in getattr(p, "public_photos", [])
        ]
    if shows(F.STATUS):
        row.status, row.status_label = p.status, str(p.get_status_display())
    return row


def _later_results(p: Project, catalogue: Iterable[Indicator]) -> list[ResultRow]:
    """Indicators recorded after the acceptance: the project's target and its one figure by the
    catalogue's rule (the results app's own reading)."""
    targets = {t.indicator_id: t.value for t in p.indicator_targets.all()}
    values = list(p.indicator_values.all())
    rows = []
    for indicator in catalogue:
        if indicator.origin != IndicatorOrigin.RECORDED:
            continue
        mine = [v for v in values if v.indicator_id == indicator.code]
        figure = IndicatorRow(indicator=indicator, values=mine).figure
        target = targets.get(indicator.code)
        if figure is None and target is None:
            continue
        rows.append(
            ResultRow(
                code=indicator.code,
                name=indicator.name,
                unit=indicator.unit,
                is_money=indicator.is_money,
                expected=target,
                achieved=figure,
            )
        )
    return rows


def photo_get(*, code: str, pk: int) -> ProjectDocument:
    """A photo of a public project, while the policy publishes photos; 404 otherwise."""
    if not current_policy().shows(F.PHOTOS):
        raise Http404
    project = public_projects().filter(code_key=code_key(code)).first()
    if project is None:
        raise Http404
    document = ProjectDocument.objects.filter(project=project, pk=pk, kind=DocumentKind.PHOTO).first()
    if document is None:
        raise Http404
    return document
