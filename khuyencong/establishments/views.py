from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import can_manage_registry
from khuyencong.core import audit, export
from khuyencong.core.http import AuthedRequest
from khuyencong.establishments import services
from khuyencong.establishments.forms import EstablishmentFilterForm, EstablishmentForm, MergeForm
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import (
    EstablishmentFilters,
    EstablishmentPaginator,
    establishment_get,
    establishment_list,
)
from khuyencong.establishments.tables import establishments_table
from khuyencong.privacy import policy
from khuyencong.privacy.models import Route

PAGE_SIZE = 25


def _filters(request: AuthedRequest) -> tuple[EstablishmentFilterForm, EstablishmentFilters]:
    form = EstablishmentFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, EstablishmentFilters(
            q=data["q"] or "",
            commune=data["commune"].pk if data["commune"] else None,
            sector=data["sector"] or "",
            legal_form=data["legal_form"] or "",
        )
    return form, EstablishmentFilters()


def _can_list(user: Any) -> bool:
    return user.role not in {Role.PUBLIC, Role.COUNCIL_MEMBER} or user.is_superuser


@login_required
def establishment_list_view(request: AuthedRequest) -> HttpResponseBase:
    if request.user.role == Role.BUSINESS and request.user.establishment_id:
        return redirect("establishments:detail", pk=request.user.establishment_id)
    if not _can_list(request.user):
        raise PermissionDenied
    form, filters = _filters(request)
    fmt = export.requested(request)
    if fmt:
        table = establishments_table(policy.viewer(request, Route.EXPORT))
        return export.response(table, establishment_list(user=request.user, filters=filters), fmt)
    page = EstablishmentPaginator(user=request.user, filters=filters, per_page=PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "table": establishments_table(policy.viewer(request)),
        "can_create": can_manage_registry(request.user) or request.user.role == Role.COMMUNE_OFFICER,
    }
    template = "establishments/partials/results.html" if request.htmx else "establishments/list.html"
    return render(request, template, context)


@login_required
def establishment_detail_view(request: AuthedRequest, pk: int) -> HttpResponse:
    establishment = establishment_get(user=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "establishments/detail.html",
        {
            "est": establishment,
            "history": policy.viewer(request).history(establishment, audit.history(establishment)[:100]),
            "can_edit": services.can_edit(user, establishment),
            "can_merge": establishment.merged_into_id is None and can_manage_registry(user),
            "merge_form": MergeForm(),
            "merged_records": establishment.merged_records.all(),
        },
    )


def _save(
    request: AuthedRequest, form: EstablishmentForm, instance: Establishment | None
) -> Establishment | None:
    """Run the service and fold its errors back into the form; None when the form must be shown again."""
    confirm = bool(form.cleaned_data.get("confirm_duplicate"))
    try:
        if instance is None:
            return services.establishment_create(
                actor=request.user, data=form.service_data(), confirm_duplicate=confirm
            )
        return services.establishment_update(
            establishment=instance, actor=request.user, data=form.service_data(), confirm_duplicate=confirm
        )
    except services.DuplicateWarning as warning:
        form.duplicates = warning.duplicates  # type: ignore[attr-defined]
        form.add_error("confirm_duplicate", warning)
    except ValidationError as exc:
        form.add_error(None, exc)
    return None


@login_required
def establishment_create_view(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not (can_manage_registry(user) or user.role == Role.COMMUNE_OFFICER):
        raise PermissionDenied
    form = EstablishmentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, _("Đã thêm cơ sở “%(name)s”.") % {"name": saved.name})
            return redirect(saved)
    return render(request, "establishments/form.html", {"form": form, "creating": True})


@login_required
def establishment_edit_view(request: AuthedRequest, pk: int) -> HttpResponse:
    establishment = establishment_get(user=request.user, pk=pk)
    user = request.user
    if not services.can_edit(user, establishment):
        raise PermissionDenied
    own = user.role == Role.BUSINESS
    form = EstablishmentForm(request.POST or None, instance=establishment, user=None if own else user)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, establishment_get(user=user, pk=pk))
        if saved is not None:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(saved)
    # The form holds the record's numbers in full: showing it is a view of them.
    policy.viewer(request).reveal(establishment)
    return render(
        request, "establishments/form.html", {"form": form, "est": establishment, "creating": False}
    )


@login_required
@require_POST
def establishment_merge_view(request: AuthedRequest, pk: int) -> HttpResponse:
    source = establishment_get(user=request.user, pk=pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Hãy nhập mã hồ sơ giữ lại và lý do gộp."))
        return redirect(source)
    try:
        target = establishment_get(user=request.user, pk=form.cleaned_data["target"])
    except Http404:
        messages.error(
            request, _("Không tìm thấy hồ sơ giữ lại số %(pk)s.") % {"pk": form.cleaned_data["target"]}
        )
        return redirect(source)
    try:
        services.establishment_merge(
            source=source, target=target, actor=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(source)
    messages.success(
        request, _("Đã gộp “%(source)s” vào “%(target)s”.") % {"source": source.name, "target": target.name}
    )
    return redirect(target)


@login_required
def establishment_export_view(request: AuthedRequest) -> HttpResponseBase:
    """`xuat.csv`, kept for links made before every list had `?format=`: the list as CSV, same scope."""
    if not _can_list(request.user):
        raise PermissionDenied
    _form, filters = _filters(request)
    table = establishments_table(policy.viewer(request, Route.EXPORT))
    return export.response(table, establishment_list(user=request.user, filters=filters), "csv")
