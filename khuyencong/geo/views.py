from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from khuyencong.geo.models import AdministrativeUnit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = AdministrativeUnit.objects.select_related("parent")[:200]
    return render(request, "geo/unit_list.html", {"units": units})


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_object_or_404(AdministrativeUnit, pk=pk)
    return render(request, "geo/unit_detail.html", {"unit": unit})
