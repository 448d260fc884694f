from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.core import audit, export
from khuyencong.core.forms import add_service_error
from khuyencong.geo import selectors, services
from khuyencong.geo.choices import Generation
from khuyencong.geo.forms import PriorityDeleteForm, PriorityEndForm, PriorityForm, UnitFilterForm
from khuyencong.geo.models import PriorityClassification
from khuyencong.geo.tables import UNITS

PAGE_SIZE = 50


def _require_admin(request: HttpRequest) -> None:
    if not services.can_manage_priorities(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa phân loại địa bàn ưu tiên."))


@login_required
def unit_list(request: HttpRequest) -> HttpResponseBase:
    form = UnitFilterForm(request.GET or None)
    fmt = export.requested(request)
    if fmt:
        return export.response(UNITS, selectors.unit_list(filters=form.filters()), fmt)
    page = Paginator(selectors.unit_list(filters=form.filters()), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "table": UNITS}
    template = "geo/partials/unit_results.html" if getattr(request, "htmx", False) else "geo/unit_list.html"
    return render(request, template, context)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.unit_get(pk=pk)
    today = timezone.localdate()
    context = {
        "unit": unit,
        "children": selectors.children_of(unit).select_related("parent"),
        "successor_links": selectors.successor_links(unit),
        "predecessor_links": selectors.predecessor_links(unit),
        "priorities": selectors.priority_history(unit, today),
        "today": today,
        "is_legacy": unit.generation == Generation.LEGACY,
        "can_manage": services.can_manage_priorities(request.user),
    }
    return render(request, "geo/unit_detail.html", context)


@login_required
def priority_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    unit = selectors.unit_get(pk=pk)
    form = PriorityForm(request.POST or None, instance=PriorityClassification(unit=unit))
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_create(actor=request.user, unit=unit, data=form.to_data())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm phân loại địa bàn ưu tiên."))
            return redirect(unit)
    return render(request, "geo/priority_form.html", {"unit": unit, "form": form, "classification": None})


@login_required
def priority_update(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    classification = selectors.priority_get(pk=pk)
    # The form validates a copy, so the service still sees the stored values it must audit against.
    form = PriorityForm(request.POST or None, instance=selectors.priority_get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_update(actor=request.user, classification=classification, data=form.to_data())
        except ValidationError as exc:
            classification.refresh_from_db()
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu phân loại địa bàn ưu tiên."))
            return redirect(classification.unit)
    context = {
        "unit": classification.unit,
        "form": form,
        "classification": classification,
        "history": audit.history(classification)[:50],
    }
    return render(request, "geo/priority_form.html", context)


@login_required
def priority_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    classification = selectors.priority_get(pk=pk)
    initial = {"valid_to": classification.valid_to or timezone.localdate()}
    form = PriorityEndForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.priority_end(
                actor=request.user,
                classification=classification,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            classification.refresh_from_db()
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã kết thúc phân loại địa bàn ưu tiên."))
            return redirect(classification.unit)
    return render(request, "geo/priority_end.html", {"classification": classification, "form": form})


@login_required
def priority_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    classification = selectors.priority_get(pk=pk)
    form = PriorityDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = classification.unit
        services.priority_delete(
            actor=request.user, classification=classification, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Đã xoá phân loại địa bàn ưu tiên."))
        return redirect(unit)
    return render(request, "geo/priority_delete.html", {"classification": classification, "form": form})
