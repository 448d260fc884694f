"""Downloads of a project's official documents, as PDF or DOCX, within the reader's scope."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import translation

from khuyencong.core.http import AuthedRequest
from khuyencong.paperwork.kinds import FORMATS, KINDS
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.word import render_docx
from khuyencong.projects.selectors import project_get


def ascii_filename(name: str) -> str:
    """'Quyết định phê duyệt KCĐP-2024-007' -> 'Quyet-dinh-phe-duyet-KCDP-2024-007', for old clients."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"[^A-Za-z0-9_]+", "-", plain).strip("-_") or "van-ban"


def content_disposition(name: str, extension: str) -> str:
    """An ASCII `filename` every client reads, and the Vietnamese name as RFC 5987 UTF-8 for those that can."""
    full = f"{unicodedata.normalize('NFC', name)}.{extension}"
    return f"attachment; filename=\"{ascii_filename(name)}.{extension}\"; filename*=UTF-8''{quote(full, safe='')}"


@login_required
def project_paperwork_view(request: AuthedRequest, code: str, kind: str, fmt: str) -> HttpResponse:
    """404 outside the reader's scope (project_get), for an unknown document, and before the document
    makes sense (with the reason); otherwise the file, always as an attachment."""
    project = project_get(user=request.user, code=code)
    spec = KINDS.get(kind)
    if spec is None or fmt not in FORMATS:
        raise Http404
    if not spec.ready(project):
        return render(
            request,
            "paperwork/not_ready.html",
            {"project": project, "kind": spec, "reason": spec.not_ready},
            status=404,
        )
    # Official documents are Vietnamese whatever language the reader's interface is in.
    with translation.override("vi"):
        doc = spec.build(project)
        data = render_pdf(doc) if fmt == "pdf" else render_docx(doc)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    response["Content-Disposition"] = content_disposition(doc.name or kind, fmt)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
