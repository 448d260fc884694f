"""Public transparency pages and downloads (no sign-in).

Kept cheap and cacheable: a fixed number of queries per page whatever the number of rows, no session,
no messages, no form with a CSRF token in these views (the downloads render no template at all).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from khuyencong.core.public_cache import public_page
from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.models import AdministrativeUnit
from khuyencong.projects.choices import ContentCategory
from khuyencong.results import charts
from khuyencong.transparency import exports, iati, selectors
from khuyencong.transparency.choices import PublicField
from khuyencong.transparency.selectors import Filters, Policy, PublicProject

F = PublicField


Errors = dict[str, list[str]]


def _filters(request: HttpRequest, policy: Policy) -> tuple[Filters | None, Errors]:
    try:
        return Filters.from_params(request.GET, policy=policy), {}
    except ValidationError as error:
        return None, error.message_dict


def _show(policy: Policy) -> dict[str, bool]:
    """{field: public?} for templates, which cannot call `policy.shows(field)`."""
    return {field.value: policy.shows(field) for field in F}


def _messages(errors: Errors) -> list[str]:
    return [message for messages in errors.values() for message in messages]


def _bad_request_text(errors: Errors) -> HttpResponse:
    return HttpResponse(
        "\n".join(_messages(errors)) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


@public_page("projects")
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    policy = selectors.current_policy()
    filters, errors = _filters(request, policy)
    context: dict[str, Any] = {
        "show": _show(policy),
        "errors": _messages(errors),
        "years": selectors.year_choices() if policy.shows(F.PLAN_YEAR) else [],
        "categories": ContentCategory.choices if policy.shows(F.CATEGORY) else [],
        "communes": selectors.commune_choices() if policy.shows(F.COMMUNE) else [],
        "chosen": {k: str(request.GET.get(k, ""))[:20] for k in ("year", "category", "commune")},
    }
    if filters is None:
        return render(request, "transparency/list.html", context, status=400)
    qs = selectors.public_projects(filters=filters)
    page = Paginator(selectors.prepared(qs, policy), selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    params = filters.as_params()
    context.update(
        page=page,
        rows=selectors.project_rows(page.object_list, policy=policy),
        params=params,
        approved_total=qs.aggregate(total=Sum("approved_support"))["total"]
        if policy.shows(F.APPROVED)
        else None,
    )
    return render(request, "transparency/list.html", context)


def _map(row: PublicProject) -> charts.MapChart | None:
    """The project's commune centre as one marker over the province's commune centres (no map tiles)."""
    if row.latitude is None or row.longitude is None:
        return None
    background = AdministrativeUnit.objects.filter(
        generation=row.commune_generation or Generation.CURRENT,
        level=Level.COMMUNE,
        latitude__isnull=False,
        longitude__isnull=False,
    )
    # The project's own province outlines the map: a national portal would otherwise draw every commune
    # centre of the country (10,000 dots, 700 KB) on each project page.
    if row.province_id is not None:
        background = (
            background.filter(parent_id=row.province_id)
            if row.commune_generation == Generation.CURRENT
            else background.filter(parent__parent_id=row.province_id)
        )
    return charts.project_map(
        background.values_list("latitude", "longitude"),
        [(row.latitude, row.longitude, row.commune or "", 1, row.approved_support or 0, 0, "")],
        width=320,
        height=260,
    )


@public_page("projects")
@require_safe
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    policy = selectors.current_policy()
    row = selectors.public_project_get(code=code, policy=policy)
    return render(
        request,
        "transparency/detail.html",
        {"row": row, "show": _show(policy), "map": _map(row) if policy.shows(F.COMMUNE) else None},
    )


def _download_rows(request: HttpRequest) -> tuple[Policy, Filters | None, Errors, list[PublicProject]]:
    policy = selectors.current_policy()
    filters, errors = _filters(request, policy)
    if filters is None:
        return policy, None, errors, []
    qs = selectors.prepared(selectors.public_projects(filters=filters), policy)
    return policy, filters, {}, selectors.project_rows(qs, policy=policy)


def _attachment(content: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
def download_csv(request: HttpRequest) -> HttpResponse:
    policy, filters, errors, rows = _download_rows(request)
    if filters is None:
        return _bad_request_text(errors)
    body = exports.csv_document(rows, policy=policy, absolute=request.build_absolute_uri)
    return _attachment(body, content_type="text/csv; charset=utf-8", name="de-an-cong-khai.csv")


@require_safe
def download_json(request: HttpRequest) -> HttpResponse:
    policy, filters, errors, rows = _download_rows(request)
    if filters is None:
        return HttpResponse(
            exports.json_error(errors), status=400, content_type="application/json; charset=utf-8"
        )
    body = exports.json_document(
        rows,
        policy=policy,
        absolute=request.build_absolute_uri,
        filters=filters.as_params(),
        generated=timezone.now().replace(microsecond=0).isoformat(),
    )
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@require_safe
def download_iati(request: HttpRequest) -> HttpResponse:
    policy, filters, errors, rows = _download_rows(request)
    if filters is None:
        return _bad_request_text(errors)
    if not rows:
        # The schema needs at least one activity: an empty file would not be valid IATI.
        return HttpResponse(
            _("Không có đề án công khai nào khớp bộ lọc.") + "\n",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    try:
        body = iati.build(rows, policy=policy)
    except iati.IatiUnavailable as error:
        return HttpResponse(str(error) + "\n", status=409, content_type="text/plain; charset=utf-8")
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_safe
def photo(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A public acceptance photo, re-encoded so that nothing of the original file but the picture goes
    out: no EXIF (GPS position, camera owner), no original file name."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    document = selectors.photo_get(code=code, pk=pk)
    try:
        with document.file.open("rb") as stream, Image.open(stream) as image:
            picture = ImageOps.exif_transpose(image).convert("RGB")
            out = io.BytesIO()
            picture.save(out, format="JPEG", quality=85)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError):
        raise Http404 from None
    return HttpResponse(out.getvalue(), content_type="image/jpeg")
