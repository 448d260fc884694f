"""Every route of the site and of the API, found by walking the URL resolver and the API's OpenAPI schema,
and how the sweep fills each one's parameters from the world (tests/permissions/world.py).

A route that appears in the code and is neither in `HTML`/`API` nor in `EXCLUDED` fails
test_every_route_is_known: the sweep's coverage cannot silently rot when someone adds a page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

W = SimpleNamespace  # the world
S = SimpleNamespace | None  # one side of it (inside or outside the scope), or None for a route without one
Kwargs = Callable[[W, Any], dict[str, Any]]

EXPORTS = ("?format=csv", "?format=xlsx")


@dataclass(frozen=True)
class Spec:
    """How to call one route. `sided`: its parameters name a record inside or outside the scope, so it is
    called once for each side; otherwise once. `queries`: extra GET variants (export downloads)."""

    kw: Kwargs | None = None
    sided: bool = False
    queries: tuple[str, ...] = ()
    data: Callable[[W, Any], dict[str, Any]] | None = None
    query: str = ""  # always appended (parameters an API operation requires)


def _none(w: W, s: Any) -> dict[str, Any]:
    return {}


def code(attr: str) -> Kwargs:
    return lambda w, s: {"code": getattr(s, attr).code_key}


def pk(attr: str, name: str = "pk") -> Kwargs:
    return lambda w, s: {name: getattr(s, attr).pk}


def wpk(attr: str, name: str = "pk") -> Kwargs:
    return lambda w, s: {name: getattr(w, attr).pk}


def establishment_form(s: Any) -> dict[str, Any]:
    """A new establishment in the side's commune: the real form's valid data."""
    return {
        "name": f"Cơ sở mới thử quyền {s.unit.short_name}",
        "legal_form": "household_business",
        "commune": s.unit.pk,
        "sector": "other",
        "workers": 3,
        "women_workers": 0,
        "ethnic_minority_workers": 0,
    }


LIST = Spec()
EXPORTABLE = Spec(queries=EXPORTS)

# Django routes by namespaced name.
HTML: dict[str, Spec] = {
    "core:home": LIST,
    "core:healthz": LIST,
    "core:todo": LIST,
    "core:language": Spec(kw=lambda w, s: {"code": "en"}),
    "accounts:login": LIST,
    "accounts:logout": LIST,
    "accounts:keepalive": LIST,
    "geo:unit_list": EXPORTABLE,
    "geo:unit_detail": Spec(kw=lambda w, s: {"pk": s.unit.pk}, sided=True),
    "geo:priority_create": Spec(kw=lambda w, s: {"pk": s.unit.pk}, sided=True),
    "geo:priority_update": Spec(kw=wpk("priority")),
    "geo:priority_end": Spec(kw=wpk("priority")),
    "geo:priority_delete": Spec(kw=wpk("priority")),
    "establishments:list": EXPORTABLE,
    "establishments:create": Spec(sided=True, data=lambda w, s: establishment_form(s)),
    "establishments:export": LIST,
    "establishments:detail": Spec(kw=pk("establishment"), sided=True),
    "establishments:edit": Spec(kw=pk("establishment"), sided=True),
    "establishments:merge": Spec(
        kw=pk("duplicate"),
        sided=True,
        data=lambda w, s: {"target": s.establishment.pk, "reason": "Trùng hồ sơ"},
    ),
    "rules:list": EXPORTABLE,
    "rules:calculator": LIST,
    "rules:create": LIST,
    "rules:detail": Spec(kw=wpk("rule_set")),
    "rules:update": Spec(kw=wpk("rule_set")),
    "rules:delete": Spec(kw=wpk("rule_set")),
    "rules:caprule_create": Spec(kw=wpk("rule_set")),
    "rules:caprule_update": Spec(kw=wpk("cap_rule")),
    "rules:caprule_delete": Spec(kw=wpk("cap_rule")),
    "projects:list": EXPORTABLE,
    "projects:create": LIST,
    "projects:limit": LIST,
    "projects:detail": Spec(kw=code("running"), sided=True),
    "projects:edit": Spec(kw=code("draft"), sided=True),
    "projects:approve": Spec(kw=code("proposed"), sided=True),
    "projects:contract": Spec(kw=code("approved"), sided=True),
    "projects:advance": Spec(kw=code("running"), sided=True),
    "projects:settle": Spec(kw=code("accepted"), sided=True),
    "projects:transition": Spec(kw=lambda w, s: {"code": s.draft.code_key, "to": "submitted"}, sided=True),
    "projects:document_upload": Spec(kw=code("running"), sided=True),
    "projects:document": Spec(kw=lambda w, s: {"code": s.running.code_key, "pk": s.document.pk}, sided=True),
    "projects:acceptance": Spec(kw=code("awaiting"), sided=True),
    "projects:amendment_request": Spec(kw=code("approved"), sided=True),
    "projects:amendment_decide": Spec(
        kw=lambda w, s: {"code": s.running.code_key, "pk": s.amendment.pk}, sided=True
    ),
    "paperwork:download": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "kind": "bien-ban-nghiem-thu", "fmt": "docx"},
        sided=True,
    ),
    "calls:list": EXPORTABLE,
    "calls:create": LIST,
    "calls:detail": Spec(kw=wpk("call")),
    "calls:edit": Spec(kw=wpk("call")),
    "calls:attach": Spec(kw=wpk("call")),
    "appraisal:list": EXPORTABLE,
    "appraisal:create": LIST,
    "appraisal:detail": Spec(kw=pk("council"), sided=True),
    "appraisal:edit": Spec(kw=pk("council"), sided=True),
    "appraisal:close": Spec(kw=pk("council"), sided=True),
    "appraisal:minutes": Spec(kw=pk("council"), sided=True),
    "appraisal:minutes_document": Spec(kw=lambda w, s: {"pk": s.council.pk, "fmt": "docx"}, sided=True),
    "appraisal:member_add": Spec(kw=pk("council"), sided=True),
    "appraisal:member_remove": Spec(kw=lambda w, s: {"pk": s.council.pk, "member": s.member.pk}, sided=True),
    "appraisal:assign": Spec(kw=pk("council"), sided=True),
    "appraisal:sheet": Spec(kw=lambda w, s: {"pk": s.council.pk, "assignment": s.assignment.pk}, sided=True),
    "appraisal:unassign": Spec(
        kw=lambda w, s: {"pk": s.council.pk, "assignment": s.assignment.pk}, sided=True
    ),
    "appraisal:declare": Spec(
        kw=lambda w, s: {"pk": s.council.pk, "assignment": s.assignment.pk}, sided=True
    ),
    "appraisal:sheet_total": Spec(
        kw=lambda w, s: {"pk": s.council.pk, "assignment": s.assignment.pk}, sided=True
    ),
    "appraisal:conclude": Spec(
        kw=lambda w, s: {"pk": s.council.pk, "assignment": s.assignment.pk}, sided=True
    ),
    "plans:list": EXPORTABLE,
    "plans:detail": Spec(kw=wpk("plan"), queries=EXPORTS),
    "plans:rules": Spec(kw=wpk("plan")),
    "plans:setting": Spec(kw=lambda w, s: {"pk": w.plan.pk, "project": s.proposed.pk}, sided=True),
    "plans:run": Spec(kw=wpk("plan")),
    "plans:scenario": Spec(kw=lambda w, s: {"pk": w.plan.pk, "scenario": w.scenario.pk}),
    "plans:compare": Spec(kw=wpk("plan")),
    "plans:submit": Spec(kw=wpk("plan")),
    "plans:approve": Spec(kw=wpk("plan")),
    "plans:revise": Spec(kw=wpk("plan")),
    "plans:annex": Spec(kw=wpk("plan")),
    "plans:annex_as": Spec(kw=lambda w, s: {"pk": w.plan.pk, "fmt": "csv"}),
    "results:dashboard": LIST,
    "results:catalogue": EXPORTABLE,
    "results:follow_ups": EXPORTABLE,
    "results:project": Spec(kw=code("accepted"), sided=True, queries=EXPORTS),
    "results:follow_up": Spec(kw=lambda w, s: {"code": s.accepted.code_key, "months": 6}, sided=True),
    "reports:index": LIST,
    "reports:run": Spec(kw=wpk("report")),
    "reports:download": Spec(kw=wpk("report")),
    "portal:list": EXPORTABLE,
    "portal:create": LIST,
    "portal:moderation": LIST,
    "portal:comment_moderate": Spec(kw=wpk("comment")),
    "portal:detail": Spec(kw=lambda w, s: {"slug": w.draft_article.slug}),
    "portal:rate": Spec(kw=lambda w, s: {"slug": w.draft_article.slug}),
    "portal:comment": Spec(kw=lambda w, s: {"slug": w.draft_article.slug}),
    "portal:image": Spec(kw=lambda w, s: {"slug": w.draft_article.slug}),
    "portal:update": Spec(kw=lambda w, s: {"slug": w.draft_article.slug}),
    "advice:ask": LIST,
    "advice:track": Spec(kw=lambda w, s: {"token": "sai-ma-theo-doi-" + "x" * 20}),
    "advice:inbox": LIST,
    "advice:detail": Spec(kw=wpk("advice")),
    "advice:answer": Spec(kw=wpk("advice")),
    "advice:transition": Spec(kw=wpk("advice")),
    "products:list": LIST,
    "products:manage_list": LIST,
    "products:manage_create": LIST,
    "products:manage_detail": Spec(kw=pk("private_product"), sided=True),
    "products:photo_add": Spec(kw=pk("product"), sided=True),
    "products:staff_photo": Spec(kw=lambda w, s: {"pk": s.product.pk, "photo": s.photo.pk}, sided=True),
    "products:photo_remove": Spec(kw=lambda w, s: {"pk": s.product.pk, "photo": s.photo.pk}, sided=True),
    "products:recognition_add": Spec(kw=pk("private_product"), sided=True),
    "products:certificate_edit": Spec(kw=pk("recognition"), sided=True),
    "products:certificate_file": Spec(kw=pk("recognition"), sided=True),
    "products:round_list": LIST,
    "products:round_create": LIST,
    "products:round_detail": Spec(kw=wpk("round")),
    "products:round_edit": Spec(kw=wpk("round")),
    "products:member_add": Spec(kw=wpk("round")),
    "products:member_remove": Spec(kw=lambda w, s: {"pk": w.round.pk, "member": w.round_member.pk}),
    "products:entry_add": Spec(kw=wpk("round")),
    "products:sheet": Spec(kw=lambda w, s: {"pk": w.round.pk, "entry": w.entry.pk}),
    "products:entry_remove": Spec(kw=lambda w, s: {"pk": w.round.pk, "entry": w.entry.pk}),
    "products:conflict": Spec(kw=lambda w, s: {"pk": w.round.pk, "entry": w.entry.pk}),
    "products:transition": Spec(kw=lambda w, s: {"pk": w.round.pk, "to": "scoring"}),
    "products:close": Spec(kw=wpk("round")),
    "products:detail": Spec(kw=lambda w, s: {"slug": s.private_product.slug}, sided=True),
    "products:photo": Spec(kw=lambda w, s: {"slug": s.product.slug, "pk": s.photo.pk}, sided=True),
    "products:qr_svg": Spec(kw=lambda w, s: {"slug": s.private_product.slug}, sided=True),
    "products:qr_png": Spec(kw=lambda w, s: {"slug": s.private_product.slug}, sided=True),
    "transparency:list": LIST,
    "transparency:csv": LIST,
    "transparency:json": LIST,
    "transparency:iati": LIST,
    "transparency:detail": Spec(kw=code("accepted"), sided=True),
    "transparency:photo": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "pk": s.photo_document.pk}, sided=True
    ),
    "imports:index": LIST,
    "imports:trainees": EXPORTABLE,
    "privacy:log": LIST,
    "imports:template": Spec(kw=lambda w, s: {"kind": "establishments"}),
    "imports:run": Spec(kw=wpk("import_run")),
    "imports:status": Spec(kw=wpk("import_run")),
    "imports:confirm": Spec(kw=wpk("import_run")),
    "imports:annotated": Spec(kw=wpk("import_run")),
    "api:api-root": LIST,
}

# Routes the sweep does not call, each with its reason.
EXCLUDED: dict[str, str] = {
    "admin:*": "Django's admin: every page behind admin_view (is_staff), Django's own tested code",
    "set_language": "Django's i18n view: sets the language cookie, reads and writes no record",
    "api:openapi-json": "the API's schema, public by design and the same for every role (2 s to build): "
    "test_the_api_schema_holds_no_record reads it once",
    "api:openapi-view": "the API's documentation page over that schema: same reason",
}

# API operations ("METHOD /path" as in the OpenAPI schema) -> how to fill the path parameters.
API: dict[str, Spec] = {
    "GET /api/v1/accounts/me": LIST,
    "GET /api/v1/establishments": LIST,
    "POST /api/v1/establishments": Spec(sided=True, data=lambda w, s: establishment_form(s)),
    "GET /api/v1/establishments/{pk}": Spec(kw=pk("establishment"), sided=True),
    "PATCH /api/v1/establishments/{pk}": Spec(kw=pk("establishment"), sided=True),
    "POST /api/v1/establishments/{pk}/merge": Spec(
        kw=pk("duplicate"),
        sided=True,
        data=lambda w, s: {"target": s.establishment.pk, "reason": "Trùng hồ sơ"},
    ),
    "GET /api/v1/establishments/{pk}/history": Spec(kw=pk("establishment"), sided=True),
    "GET /api/v1/geo/units": LIST,
    "GET /api/v1/geo/units/{pk}": Spec(kw=lambda w, s: {"pk": s.unit.pk}, sided=True),
    "GET /api/v1/geo/units/{pk}/priorities": Spec(kw=lambda w, s: {"pk": s.unit.pk}, sided=True),
    "GET /api/v1/rules/support-limit": Spec(query="?category=demonstration_model&level=local&on=2025-01-01"),
    "GET /api/v1/rules/rule-sets": LIST,
    "GET /api/v1/rules/rule-sets/{pk}": Spec(kw=wpk("rule_set")),
    "GET /api/v1/projects": LIST,
    "POST /api/v1/projects": Spec(
        sided=True,
        data=lambda w, s: {"unit": s.unit.pk, "code": f"PQ-MOI-{s.unit.code}", "beneficiaries": []},
    ),
    "GET /api/v1/projects/{code}": Spec(kw=code("running"), sided=True),
    "PATCH /api/v1/projects/{code}": Spec(kw=code("draft"), sided=True),
    "GET /api/v1/projects/{code}/acceptance-checklist": Spec(kw=code("running"), sided=True),
    "GET /api/v1/projects/{code}/history": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/submit": Spec(kw=code("draft"), sided=True),
    "POST /api/v1/projects/{code}/actions/return": Spec(kw=code("submitted"), sided=True),
    "POST /api/v1/projects/{code}/actions/start-appraisal": Spec(kw=code("submitted"), sided=True),
    "POST /api/v1/projects/{code}/actions/reject": Spec(kw=code("appraised"), sided=True),
    "POST /api/v1/projects/{code}/actions/start": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/request-acceptance": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/close": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/suspend": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/resume": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/actions/cancel": Spec(kw=code("draft"), sided=True),
    "POST /api/v1/projects/{code}/actions/approve": Spec(kw=code("proposed"), sided=True),
    "POST /api/v1/projects/{code}/actions/contract": Spec(kw=code("approved"), sided=True),
    "POST /api/v1/projects/{code}/actions/acceptance": Spec(kw=code("awaiting"), sided=True),
    "POST /api/v1/projects/{code}/actions/settle": Spec(kw=code("accepted"), sided=True),
    "POST /api/v1/projects/{code}/advances": Spec(kw=code("running"), sided=True),
    "GET /api/v1/projects/{code}/documents": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/documents": Spec(kw=code("running"), sided=True),
    "GET /api/v1/projects/{code}/documents/{pk}/file": Spec(
        kw=lambda w, s: {"code": s.running.code_key, "pk": s.document.pk}, sided=True
    ),
    "GET /api/v1/projects/{code}/amendments": Spec(kw=code("running"), sided=True),
    "POST /api/v1/projects/{code}/amendments": Spec(kw=code("approved"), sided=True),
    "POST /api/v1/projects/{code}/amendments/{pk}/{decision}": Spec(
        kw=lambda w, s: {"code": s.running.code_key, "pk": s.amendment.pk, "decision": "approve"}, sided=True
    ),
    "GET /api/v1/calls": LIST,
    "POST /api/v1/calls": LIST,
    "GET /api/v1/calls/{pk}": Spec(kw=wpk("call")),
    "PATCH /api/v1/calls/{pk}": Spec(kw=wpk("call")),
    "GET /api/v1/calls/{pk}/projects": Spec(kw=wpk("call")),
    "POST /api/v1/calls/{pk}/projects": Spec(
        kw=wpk("call"), sided=True, data=lambda w, s: {"project": s.draft.code_key}
    ),
    "POST /api/v1/plans/{year}/optimize": Spec(kw=lambda w, s: {"year": 2026}),
    "GET /api/v1/plans": LIST,
    "POST /api/v1/plans": LIST,
    "GET /api/v1/plans/{pk}": Spec(kw=wpk("plan")),
    "PATCH /api/v1/plans/{pk}/rules": Spec(kw=wpk("plan")),
    "PUT /api/v1/plans/{pk}/proposals/{code}": Spec(
        kw=lambda w, s: {"pk": w.plan.pk, "code": s.proposed.code_key}, sided=True
    ),
    "POST /api/v1/plans/{pk}/scenarios": Spec(kw=wpk("plan")),
    "GET /api/v1/plans/{pk}/scenarios/{scenario}": Spec(
        kw=lambda w, s: {"pk": w.plan.pk, "scenario": w.scenario.pk}
    ),
    "POST /api/v1/plans/{pk}/actions/submit": Spec(kw=wpk("plan")),
    "POST /api/v1/plans/{pk}/actions/approve": Spec(kw=wpk("plan")),
    "POST /api/v1/plans/{pk}/actions/revise": Spec(kw=wpk("plan")),
    "GET /api/v1/plans/{pk}/history": Spec(kw=wpk("plan")),
    "GET /api/v1/reports/summary": Spec(query="?from_year=2020&to_year=2025"),
    "GET /api/v1/results/indicators": LIST,
    "GET /api/v1/results/follow-ups": LIST,
    "GET /api/v1/results/projects/{code}": Spec(kw=code("accepted"), sided=True),
    "POST /api/v1/results/projects/{code}/values": Spec(kw=code("accepted"), sided=True),
    "PATCH /api/v1/results/projects/{code}/values/{pk}": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "pk": s.value.pk}, sided=True
    ),
    "DELETE /api/v1/results/projects/{code}/values/{pk}": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "pk": s.value.pk},
        sided=True,
        query="?reason=Th%E1%BB%AD",
    ),
    "PUT /api/v1/results/projects/{code}/targets/{indicator}": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "indicator": "trained_employed"}, sided=True
    ),
    "POST /api/v1/results/projects/{code}/follow-ups/{months}": Spec(
        kw=lambda w, s: {"code": s.accepted.code_key, "months": 6}, sided=True
    ),
    "GET /api/v1/appraisal/councils": LIST,
    "POST /api/v1/appraisal/councils": LIST,
    "GET /api/v1/appraisal/councils/{pk}": Spec(kw=pk("council"), sided=True),
    "POST /api/v1/appraisal/councils/{pk}/members": Spec(kw=pk("council"), sided=True),
    "POST /api/v1/appraisal/councils/{pk}/assignments": Spec(kw=pk("council"), sided=True),
    "POST /api/v1/appraisal/councils/{pk}/close": Spec(kw=pk("council"), sided=True),
    "GET /api/v1/appraisal/assignments/{pk}/sheet": Spec(kw=pk("assignment"), sided=True),
    "PUT /api/v1/appraisal/assignments/{pk}/sheet": Spec(kw=pk("assignment"), sided=True),
    "POST /api/v1/appraisal/assignments/{pk}/declaration": Spec(kw=pk("assignment"), sided=True),
    "POST /api/v1/appraisal/assignments/{pk}/conclude": Spec(kw=pk("assignment"), sided=True),
    "POST /api/v1/imports/{kind}": Spec(kw=lambda w, s: {"kind": "establishments"}),
    "GET /api/v1/imports/trainees/roster": LIST,
}


@dataclass(frozen=True)
class Route:
    """One route as found in the code: `key` is its registry key (a URL name, or "METHOD /path")."""

    kind: str  # "html" or "api"
    key: str
    pattern: str
    callback: Any = field(compare=False, default=None)

    @property
    def id(self) -> str:
        return self.key


def _walk(patterns: list[Any], namespace: str = "", prefix: str = "") -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else str(p.name)
            yield Route("html", name, prefix + str(p.pattern), p.callback)


def html_routes() -> list[Route]:
    """Every Django URL pattern, by namespaced name. The API's own patterns are listed too (the API's
    operations are swept through the schema; these names only hold its root, schema and docs)."""
    return list(_walk(get_resolver().url_patterns))


@functools.cache
def api_schema() -> dict[str, Any]:
    from khuyencong.api.api import api

    return api.get_openapi_schema()


def api_routes() -> list[Route]:
    schema = api_schema()
    routes = []
    for path, operations in schema["paths"].items():
        for method in operations:
            routes.append(Route("api", f"{method.upper()} {path}", path))
    return routes


def is_excluded(key: str) -> bool:
    return key in EXCLUDED or any(k.endswith("*") and key.startswith(k[:-1]) for k in EXCLUDED)


def swept_html_routes() -> list[Route]:
    """HTML routes the sweep calls: not excluded, and not the API's operations (swept through the schema)."""
    out = []
    for route in html_routes():
        if is_excluded(route.key):
            continue
        if route.key.startswith("api:") and route.key not in HTML:
            continue  # an API operation: in API, by method and path
        out.append(route)
    return out
