"""Tags drawing a list's table and its download links from the list's one column declaration."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from khuyencong.core import export

register = template.Library()


@register.simple_tag
def row_cells(table: export.Table[Any], row: Any) -> SafeString:
    return export.cells(table, row)


@register.inclusion_tag("core/partials/export_links.html", takes_context=True)
def export_links(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    return {"links": export.links(request) if request is not None else []}


@register.inclusion_tag("core/partials/pager.html", takes_context=True)
def pager(context: template.Context, page: Any) -> dict[str, Any]:
    """Previous/next links of a paged list, keeping its filters."""
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is not None:
        query.pop("page", None)
    return {"page": page, "query": query.urlencode() if query else ""}
