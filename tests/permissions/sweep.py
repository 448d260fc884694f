"""The sweep's machinery: calling a route as a role, reading any response as text, and a cheap snapshot
of the whole database to prove that a refused write changed nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from typing import Any
from urllib.parse import quote

from django.apps import apps
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from tests.permissions import routes as r
from tests.permissions.world import png_bytes

LOGIN = "/tai-khoan/dang-nhap/"


def sign_in(client: Client, world: Any, role: str) -> None:
    if role != "anonymous":
        client.force_login(getattr(world.users, role))


def sides(spec: r.Spec, world: Any) -> list[tuple[str, Any]]:
    return [("inn", world.inn), ("out", world.out)] if spec.sided else [("any", None)]


def html_url(route: r.Route, world: Any, side: Any) -> str:
    spec = r.HTML[route.key]
    kwargs = spec.kw(world, side) if spec.kw else {}
    return reverse(route.key, kwargs=kwargs) + spec.query


def api_url(route: r.Route, world: Any, side: Any) -> str:
    spec = r.API[route.key]
    kwargs = spec.kw(world, side) if spec.kw else {}
    return route.pattern.format(**{k: quote(str(v)) for k, v in kwargs.items()}) + spec.query


def text_of(response: HttpResponse) -> str:
    """Everything a reader could get out of the body: HTML, JSON, CSV, the XML inside an XLSX or DOCX
    (a zip), the text of a PDF."""
    streaming = getattr(response, "streaming", False)
    raw = b"".join(response.streaming_content) if streaming else response.content  # type: ignore[attr-defined]
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                return " ".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if raw[:5] == b"%PDF-":
        from pypdf import PdfReader

        try:
            return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
        except Exception:
            pass
    return raw.decode("utf-8", "replace")


def outcome(response: HttpResponse) -> str:
    """'ok' (the route answered), 'no' (refused: 401, 403, 404, 405 or sent to sign in), or the status
    when it is anything else (a 5xx, a validation 400/422, a redirect elsewhere)."""
    status = response.status_code
    if status in (401, 403, 404, 405):
        return "no"
    if status in (301, 302, 303):
        return "no" if response.get("Location", "").startswith(LOGIN) else "redirect"
    if 200 <= status < 300:
        return "ok"
    return str(status)


# --- Writes -------------------------------------------------------------------------------------------

# Records a refused write could change without adding a row: every column of these is hashed.
KEY_MODELS = [
    "projects.Project",
    "projects.Call",
    "projects.Amendment",
    "projects.ProjectDocument",
    "establishments.Establishment",
    "appraisal.Council",
    "appraisal.CouncilMember",
    "appraisal.Assignment",
    "appraisal.ScoreSheet",
    "plans.AnnualPlan",
    "plans.Scenario",
    "results.IndicatorValue",
    "results.IndicatorTarget",
    "results.ReportRun",
    "imports.ImportRun",
    "advice.AdviceRequest",
    "portal.Article",
    "portal.Comment",
    "products.Product",
    "products.ProductPhoto",
    "products.Recognition",
    "products.SelectionRound",
    "products.Entry",
    "rules.RuleSet",
    "rules.CapRule",
    "geo.PriorityClassification",
    "accounts.User",
]
# Rows a request writes whatever it does: signing in keeps a session; axes logs sign-in attempts.
# Sign-in bookkeeping, and the log of personal data shown (a page that answers a POST like a GET shows
# the record and logs that view: a read, tested in khuyencong/privacy/tests).
NOT_RECORDS = {
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "privacy.personaldataaccess",
}


def _count_query() -> str:
    parts = []
    for model in apps.get_models():
        if model._meta.label_lower in NOT_RECORDS or not model._meta.managed:
            continue
        table = connection.ops.quote_name(model._meta.db_table)
        parts.append(f"SELECT '{model._meta.label_lower}', COUNT(*) FROM {table}")
    return " UNION ALL ".join(parts)


_COUNTS: str | None = None


def snapshot() -> dict[str, Any]:
    """Row counts of every table (the audit trail included) and a hash of every column of the key
    records: a refused write must leave both exactly as they were."""
    global _COUNTS
    if _COUNTS is None:
        _COUNTS = _count_query()
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS)
        state: dict[str, Any] = dict(cursor.fetchall())
    for label in KEY_MODELS:
        model = apps.get_model(label)
        fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_login"]
        digest = hashlib.sha256()
        for row in model._default_manager.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
        state[f"{label}#"] = digest.hexdigest()[:16]
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# --- Payloads -----------------------------------------------------------------------------------------


def _sample(schema: dict[str, Any], components: dict[str, Any], name: str = "") -> Any:
    """A value of the right type for a schema: what the API's own validation lets through to the
    handler, so that a refusal can only come from the handler's permission checks."""
    if "$ref" in schema:
        return _sample(components[schema["$ref"].rsplit("/", 1)[-1]], components, name)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _sample(options[0], components, name) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {k: _sample(v, components, k) for k, v in props.items() if k in schema.get("required", [])}
    if kind == "array":
        return [_sample(schema.get("items", {}), components, name)]
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "date":
        return "2025-06-01"
    if fmt == "date-time":
        return "2025-06-01T08:00:00+07:00"
    return "Thử quyền truy cập"


def api_payload(route: r.Route, schema: dict[str, Any], world: Any, side: Any) -> tuple[str, Any]:
    """(content type, body) for an API operation: JSON built from its schema, or a multipart upload."""
    path, method = route.pattern, route.key.split(" ", 1)[0].lower()
    operation = schema["paths"][path][method]
    body = operation.get("requestBody")
    if body is None:
        return "json", None
    content = body["content"]
    if "multipart/form-data" in content:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return "multipart", {
            "kind": "other",
            "title": "Thử quyền",
            "file": SimpleUploadedFile(
                "thu.png", png_bytes(str(dt.datetime.now())), content_type="image/png"
            ),
        }
    body = _sample(content["application/json"]["schema"], schema["components"]["schemas"])
    spec = r.API[route.key]
    if spec.data is not None:
        body = {**(body or {}), **spec.data(world, side)}
    return "json", body
