"""Pages of the typical products.

Public pages (catalogue, product, photos, QR codes) need no sign-in, work without JavaScript and do not
read the user, the session or the CSRF token themselves, so that an anonymous page can be shared by a
cache. Staff pages are thin: reads through selectors (404 outside the reader's scope, 403 when the page
is visible but the act is not theirs), writes through services.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from khuyencong.core.forms import add_service_error
from khuyencong.core.http import AuthedRequest
from khuyencong.core.public_cache import public_page
from khuyencong.products import qr, selectors, services, workflow
from khuyencong.products.choices import CRITERIA, ProductGroup, RecognitionLevel, RoundStatus
from khuyencong.products.forms import (
    CertificateForm,
    CloseForm,
    ConflictForm,
    EntryForm,
    MemberForm,
    PhotoForm,
    ProductForm,
    RecognitionForm,
    RoundForm,
    SheetForm,
    TransitionForm,
)
from khuyencong.products.models import Entry, ProductPhoto, RoundMember, SelectionRound
from khuyencong.projects.documents import extension

PAGE_SIZE = 20
# Product pages and their images change rarely; a reader's browser may keep them a while.
PUBLIC_IMAGE_MAX_AGE = 24 * 3600


# --- public ----------------------------------------------------------------------------------------


@public_page("products")
@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.CatalogueFilters.from_query(request.GET)
    page = Paginator(selectors.public_products(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    kept = {
        key: value
        for key, value in {
            "q": filters.q,
            "group": filters.group,
            "level": filters.level,
            "year": filters.year or "",
            "commune": filters.commune or "",
        }.items()
        if value
    }
    cards = [
        {"product": p, "best": selectors.best_recognition(p), "photo": next(iter(p.photos.all()), None)}
        for p in page
    ]
    return render(
        request,
        "products/list.html",
        {
            "page": page,
            "cards": cards,
            "filters": filters,
            "filtered": bool(kept),
            "query": urlencode(kept),
            "groups": ProductGroup.choices,
            "levels": RecognitionLevel.choices,
            "years": selectors.catalogue_years(),
            "communes": selectors.catalogue_communes(),
        },
    )


@public_page("products")
@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.public_product_get(slug=slug)
    photos = list(product.photos.all())
    page_url = qr.product_public_url(product, request)
    og_image = request.build_absolute_uri(photos[0].get_absolute_url()) if photos else ""
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "photos": photos,
            "recognitions": sorted(product.recognitions.all(), key=lambda r: (r.rank, -r.year)),
            "best": selectors.best_recognition(product),
            "page_url": page_url,
            "og_image": og_image,
        },
    )


def _file_response(
    field_file: Any, content_type: str, *, public: bool, filename: str | None = None
) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=filename is not None, filename=filename or ""
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = f"public, max-age={PUBLIC_IMAGE_MAX_AGE}" if public else "private, no-store"
    return response


@require_GET
def product_photo(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    product = selectors.public_product_get(slug=slug)
    photo = get_object_or_404(ProductPhoto, product=product, pk=pk)
    return _file_response(photo.image, photo.content_type, public=True)


@require_GET
def product_qr_svg(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.public_product_get(slug=slug)
    response = HttpResponse(qr.qr_svg(qr.product_public_url(product, request)), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={PUBLIC_IMAGE_MAX_AGE}"
    return response


@require_GET
def product_qr_png(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.public_product_get(slug=slug)
    response = HttpResponse(qr.qr_png(qr.product_public_url(product, request)), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="ma-qr-{product.slug}.png"'
    response["Cache-Control"] = f"public, max-age={PUBLIC_IMAGE_MAX_AGE}"
    return response


# --- staff: products -------------------------------------------------------------------------------


def _require_reader(user: Any) -> None:
    if not selectors.can_read_staff(user):
        raise PermissionDenied(_("Vai trò của bạn không quản lý sản phẩm tiêu biểu."))


def _require_manager(user: Any) -> None:
    if not selectors.can_manage(user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được làm việc này."))


@login_required
def manage_list(request: AuthedRequest) -> HttpResponse:
    _require_reader(request.user)
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.staff_products(user=request.user, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "products/manage_list.html",
        {"page": page, "q": q, "can_manage": selectors.can_manage(request.user)},
    )


@login_required
def manage_create(request: AuthedRequest) -> HttpResponse:
    _require_manager(request.user)
    form = ProductForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            product = services.product_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm sản phẩm “%(name)s”.") % {"name": product.name})
            return redirect(product.get_manage_url())
    return render(request, "products/manage_form.html", {"form": form, "product": None})


def _manage_detail(request: AuthedRequest, product: Any, **forms: Any) -> HttpResponse:
    manage = selectors.can_manage(request.user)
    context: dict[str, Any] = {
        "product": product,
        "photos": list(product.photos.all()),
        "recognitions": sorted(product.recognitions.all(), key=lambda r: (r.rank, -r.year)),
        "is_public": product.recognitions.exists(),
        "can_manage": manage,
    }
    if manage:
        context.update(
            form=forms.get("form") or ProductForm(product=product),
            photo_form=forms.get("photo_form") or PhotoForm(),
            recognition_form=forms.get("recognition_form") or RecognitionForm(),
        )
    status = 400 if forms else 200
    return render(request, "products/manage_detail.html", context, status=status)


@login_required
def manage_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.staff_product_get(user=request.user, pk=pk)
    if request.method != "POST":
        return _manage_detail(request, product)
    _require_manager(request.user)
    form = ProductForm(request.POST, product=product)
    if form.is_valid():
        try:
            services.product_update(actor=request.user, product=product, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(product.get_manage_url())
    return _manage_detail(request, product, form=form)


@login_required
@require_POST
def photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.staff_product_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(
                actor=request.user,
                product=product,
                upload=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm ảnh."))
            return redirect(product.get_manage_url())
    return _manage_detail(request, product, photo_form=form)


@login_required
@require_POST
def photo_remove(request: AuthedRequest, pk: int, photo: int) -> HttpResponse:
    product = selectors.staff_product_get(user=request.user, pk=pk)
    _require_manager(request.user)
    services.photo_remove(
        actor=request.user, photo=get_object_or_404(ProductPhoto, product=product, pk=photo)
    )
    messages.success(request, _("Đã xoá ảnh."))
    return redirect(product.get_manage_url())


@login_required
@require_GET
def staff_photo(request: AuthedRequest, pk: int, photo: int) -> FileResponse:
    """Photos of a product not yet public (the public address answers only once it is recognised)."""
    product = selectors.staff_product_get(user=request.user, pk=pk)
    item = get_object_or_404(ProductPhoto, product=product, pk=photo)
    return _file_response(item.image, item.content_type, public=False)


@login_required
@require_POST
def recognition_add(request: AuthedRequest, pk: int) -> HttpResponse:
    product = selectors.staff_product_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = RecognitionForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.recognition_add(
                actor=request.user,
                product=product,
                level=data["level"],
                year=data["year"],
                decided_on=data["decided_on"],
                certificate=services.CertificateData(
                    number=data["certificate_number"], date=data["certificate_date"]
                ),
                certificate_file=data["certificate_file"] or None,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi công nhận."))
            return redirect(product.get_manage_url())
    return _manage_detail(request, product, recognition_form=form)


@login_required
def certificate_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    recognition = selectors.recognition_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = CertificateForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "certificate_number": recognition.certificate_number,
            "certificate_date": recognition.certificate_date,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.certificate_update(
                actor=request.user,
                recognition=recognition,
                certificate=services.CertificateData(
                    number=data["certificate_number"], date=data["certificate_date"]
                ),
                certificate_file=data["certificate_file"] or None,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu giấy chứng nhận."))
            return redirect(recognition.product.get_manage_url())
    return render(request, "products/certificate_form.html", {"form": form, "recognition": recognition})


@login_required
@require_GET
def certificate_file(request: AuthedRequest, pk: int) -> FileResponse:
    """Staff only: a certificate may name the household behind a business."""
    recognition = selectors.recognition_get(user=request.user, pk=pk)
    if not recognition.certificate_file:
        raise Http404
    ext = extension(recognition.certificate_file.name)
    return _file_response(
        recognition.certificate_file,
        recognition.certificate_content_type,
        public=False,
        filename=f"giay-chung-nhan-{recognition.product.slug}-{recognition.year}.{ext}",
    )


# --- staff: rounds ---------------------------------------------------------------------------------


@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    if not selectors.can_view_rounds(request.user):
        raise PermissionDenied(_("Vai trò của bạn không tham gia bình chọn sản phẩm."))
    return render(
        request,
        "products/round_list.html",
        {"rounds": selectors.round_list(user=request.user), "can_manage": selectors.can_manage(request.user)},
    )


@login_required
def round_create(request: AuthedRequest) -> HttpResponse:
    _require_manager(request.user)
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            selection_round = services.round_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lập đợt bình chọn “%(name)s”.") % {"name": selection_round.name})
            return redirect(selection_round)
    return render(request, "products/round_form.html", {"form": form, "round": None})


@login_required
def round_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    _require_manager(request.user)
    initial = {name: getattr(selection_round, name) for name in services.ROUND_FIELDS}
    form = RoundForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(actor=request.user, selection_round=selection_round, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu thay đổi."))
            return redirect(selection_round)
    return render(request, "products/round_form.html", {"form": form, "round": selection_round})


def _round_detail(
    request: AuthedRequest, selection_round: SelectionRound, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    state = selectors.progress(selection_round)
    seat = selectors.membership(selection_round, user)
    manage = selectors.can_manage(user)
    drafting = selection_round.status == RoundStatus.DRAFT
    sees_all = selectors.sees_all_scores(user, selection_round)
    rows = [
        {
            "row": row,
            "mine": next((c for c in row.cells if seat is not None and c.member.pk == seat.pk), None),
        }
        for row in state.rows
    ]
    moves = [to for to in workflow.allowed(selection_round, user) if to != RoundStatus.CLOSED]
    return render(
        request,
        "products/round_detail.html",
        {
            "round": selection_round,
            "progress": state,
            "rows": rows,
            "seat": seat,
            "manage": manage,
            "sees_all": sees_all,
            "criteria": CRITERIA,
            "moves": moves,
            "can_close": RoundStatus.CLOSED in workflow.allowed(selection_round, user),
            "transition_form": forms.get("transition_form") or TransitionForm(),
            "member_form": (
                forms.get("member_form")
                or MemberForm(candidates=selectors.candidate_members(selection_round))
            )
            if manage and drafting
            else None,
            "entry_form": (
                forms.get("entry_form") or EntryForm(candidates=selectors.candidate_products(selection_round))
            )
            if manage and drafting
            else None,
            "history": selectors.round_history(selection_round) if selectors.can_read_staff(user) else [],
        },
        status=status,
    )


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _round_detail(request, selectors.round_get(user=request.user, pk=pk))


@login_required
@require_POST
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = MemberForm(request.POST, candidates=selectors.candidate_members(selection_round))
    if form.is_valid():
        try:
            services.member_add(
                actor=request.user,
                selection_round=selection_round,
                user=form.cleaned_data["user"],
                position=form.cleaned_data["position"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm thành viên."))
            return redirect(selection_round)
    return _round_detail(request, selection_round, status=400, member_form=form)


@login_required
@require_POST
def member_remove(request: AuthedRequest, pk: int, member: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    seat = get_object_or_404(RoundMember, round=selection_round, pk=member)
    try:
        services.member_remove(actor=request.user, member=seat)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã rút thành viên khỏi hội đồng."))
    return redirect(selection_round)


@login_required
@require_POST
def entry_add(request: AuthedRequest, pk: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    _require_manager(request.user)
    form = EntryForm(request.POST, candidates=selectors.candidate_products(selection_round))
    if form.is_valid():
        try:
            services.entry_add(
                actor=request.user,
                selection_round=selection_round,
                product=form.cleaned_data["product"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã thêm sản phẩm vào đợt bình chọn."))
            return redirect(selection_round)
    return _round_detail(request, selection_round, status=400, entry_form=form)


@login_required
@require_POST
def entry_remove(request: AuthedRequest, pk: int, entry: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    item = selectors.entry_get(selection_round=selection_round, pk=entry)
    try:
        services.entry_remove(actor=request.user, entry=item)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã rút sản phẩm khỏi đợt bình chọn."))
    return redirect(selection_round)


def _sheet_page(
    request: AuthedRequest, selection_round: SelectionRound, entry: Entry, **forms: Any
) -> HttpResponse:
    seat = selectors.membership(selection_round, request.user)
    if seat is None and not selectors.can_read_staff(request.user):
        raise PermissionDenied(_("Bạn không phải thành viên hội đồng của đợt bình chọn này."))
    mine = entry.sheets.filter(member=seat).first() if seat is not None else None
    conflict = entry.conflicts.filter(member=seat).first() if seat is not None else None
    scoring_open = (
        seat is not None and selection_round.status == RoundStatus.SCORING and not mine and not conflict
    )
    return render(
        request,
        "products/sheet.html",
        {
            "round": selection_round,
            "entry": entry,
            "seat": seat,
            "mine": mine,
            "conflict": conflict,
            "criteria_rows": [(c, getattr(mine, c.code) if mine else None) for c in CRITERIA],
            "sheet_form": forms.get("sheet_form") or (SheetForm() if scoring_open else None),
            "conflict_form": forms.get("conflict_form")
            or (
                ConflictForm()
                if seat is not None
                and not mine
                and not conflict
                and selection_round.status in (RoundStatus.DRAFT, RoundStatus.SCORING)
                else None
            ),
        },
        status=400 if forms else 200,
    )


@login_required
def sheet(request: AuthedRequest, pk: int, entry: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    item = selectors.entry_get(selection_round=selection_round, pk=entry)
    if request.method != "POST":
        return _sheet_page(request, selection_round, item)
    form = SheetForm(request.POST)
    if form.is_valid():
        try:
            services.sheet_submit(actor=request.user, entry=item, points=form.points())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã nộp phiếu chấm cho “%(name)s”.") % {"name": item.product.name})
            return redirect(selection_round)
    return _sheet_page(request, selection_round, item, sheet_form=form)


@login_required
@require_POST
def conflict_declare(request: AuthedRequest, pk: int, entry: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    item = selectors.entry_get(selection_round=selection_round, pk=entry)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            services.conflict_declare(actor=request.user, entry=item, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi khai báo xung đột lợi ích."))
            return redirect(selection_round)
    return _sheet_page(request, selection_round, item, conflict_form=form)


@login_required
@require_POST
def round_transition(request: AuthedRequest, pk: int, to: str) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    if to not in RoundStatus.values:
        raise Http404
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        services.round_transition(
            actor=request.user,
            selection_round=selection_round,
            to=RoundStatus(to),
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as exc:
        add_service_error(form, exc)
        return _round_detail(request, selection_round, status=400, transition_form=form)
    messages.success(request, _("Đợt bình chọn chuyển sang “%(state)s”.") % {"state": RoundStatus(to).label})
    return redirect(selection_round)


@login_required
def round_close(request: AuthedRequest, pk: int) -> HttpResponse:
    selection_round = selectors.round_get(user=request.user, pk=pk)
    if not workflow.can(selection_round, RoundStatus.CLOSED, request.user):
        try:
            workflow.require(selection_round, to=RoundStatus.CLOSED, actor=request.user)
        except workflow.TransitionError as exc:
            # A round not being scored: someone who may close rounds learns why on the round's page
            # (it used to fail with a 500); anyone else is refused as for any other round.
            if not any(
                workflow.role_of(request.user) in roles
                for (_frm, to), roles in workflow.TRANSITIONS.items()
                if to == RoundStatus.CLOSED
            ):
                raise PermissionDenied from exc
            messages.error(request, " ".join(exc.messages))
            return redirect(selection_round)
    preview = selectors.results_preview(selection_round)
    passing = [item.entry for item in preview if item.passed]
    form = CloseForm(
        request.POST or None,
        passing=passing,
        initial={"decision_reference": selection_round.decision_reference},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.round_close(
                actor=request.user,
                selection_round=selection_round,
                certificates=form.certificates(),
                decision_reference=form.cleaned_data["decision_reference"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả đợt bình chọn."))
            return redirect(selection_round)
    return render(
        request,
        "products/close.html",
        {"round": selection_round, "preview": preview, "form": form},
        status=400 if request.method == "POST" else 200,
    )
