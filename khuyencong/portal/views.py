"""Public news pages (no sign-in) and the staff pages that write articles and moderate comments."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khuyencong.core import export
from khuyencong.core.forms import add_service_error
from khuyencong.core.public_cache import public_page, same_origin_post
from khuyencong.portal import selectors, services
from khuyencong.portal.forms import ArticleForm, CommentForm, RatingForm
from khuyencong.portal.models import Article, Comment
from khuyencong.portal.tables import pending_comments_table
from khuyencong.privacy import policy
from khuyencong.privacy.models import Route

READER_COOKIE = "kc_reader"
READER_SALT = "khuyencong.portal.reader"
READER_MAX_AGE = 5 * 365 * 24 * 3600


def _reader_key(request: HttpRequest) -> tuple[str, bool]:
    """The reader's signed token and whether it is new (to be set on the response)."""
    token = request.get_signed_cookie(READER_COOKIE, default="", salt=READER_SALT)
    if token:
        return token, False
    return secrets.token_hex(16), True


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@public_page("news")
def article_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    page = Paginator(selectors.published_articles(q), 10).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/list.html",
        {"page": page, "q": q, "can_write": services.can_write(request.user)},
    )


def _detail_context(request: HttpRequest, article: Article) -> dict[str, object]:
    newer, older = selectors.neighbours(article)
    points, count = selectors.rating_totals(article)
    return {
        "article": article,
        "newer": newer,
        "older": older,
        "points": points,
        "count": count,
        "comments": selectors.approved_comments(article),
        "can_write": services.can_write(request.user),
    }


@public_page("news")
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get(slug=slug, user=request.user)
    context = _detail_context(request, article)
    context.update(rating_form=RatingForm(), comment_form=CommentForm())
    return render(request, "portal/detail.html", context)


# The article page is cached for anonymous readers and so carries no CSRF token: see same_origin_post.
@same_origin_post
@require_POST
def article_rate(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get(slug=slug)
    form = RatingForm(request.POST)
    token, new = _reader_key(request)
    if form.is_valid():
        try:
            services.rating_submit(
                article=article, score=form.cleaned_data["score"], reader_key=token, user=request.user
            )
        except ValidationError as exc:
            add_service_error(form, exc)
    if form.is_valid():
        messages.success(request, _("Cảm ơn bạn đã đánh giá bài viết."))
        response: HttpResponse = redirect("portal:detail", slug=article.slug)
    else:
        context = _detail_context(request, article)
        context.update(rating_form=form, comment_form=CommentForm())
        response = render(request, "portal/detail.html", context, status=400)
    if new:
        response.set_signed_cookie(
            READER_COOKIE, token, salt=READER_SALT, max_age=READER_MAX_AGE, httponly=True, samesite="Lax"
        )
    return response


@same_origin_post
@require_POST
def article_comment(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get(slug=slug)
    form = CommentForm(request.POST)
    held = _("Cảm ơn bạn; ý kiến sẽ hiển thị sau khi được Trung tâm duyệt.")
    if form.is_valid() and form.cleaned_data["website"]:
        # A bot filled the hidden field: answer as if accepted so it learns nothing.
        messages.success(request, held)
        return redirect("portal:detail", slug=article.slug)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.comment_submit(
                article=article,
                name=data["name"],
                email=data["email"],
                text=data["text"],
                ip_address=_client_ip(request),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
    if form.is_valid():
        messages.success(request, held)
        return redirect("portal:detail", slug=article.slug)
    context = _detail_context(request, article)
    context.update(rating_form=RatingForm(), comment_form=form)
    throttled = any(e.code == "throttled" for e in form.errors.as_data().get("__all__", []))
    status = 429 if throttled else 400
    return render(request, "portal/detail.html", context, status=status)


def article_image(request: HttpRequest, slug: str) -> FileResponse:
    article = selectors.article_get(slug=slug, user=request.user)
    if not article.image:
        raise Http404
    return FileResponse(article.image.open("rb"), content_type=None)


def _require_writer(request: HttpRequest) -> None:
    if not services.can_write(request.user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm và quản trị hệ thống được viết và duyệt tin."))


@login_required
def article_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    _require_writer(request)
    article = get_object_or_404(Article, slug=slug) if slug else None
    form = ArticleForm(request.POST or None, request.FILES or None, instance=article)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if not data["image"]:  # False: cleared; None: never had one
            data["image"] = ""
        try:
            saved = services.article_save(actor=request.user, article=article, data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Đã lưu bài viết."))
            return redirect("portal:detail", slug=saved.slug)
    return render(request, "portal/form.html", {"form": form, "article": article})


@login_required
def moderation(request: HttpRequest) -> HttpResponseBase:
    _require_writer(request)
    # The page lists the oldest 200 waiting; its download holds the same rows.
    comments = selectors.pending_comments()[:200]
    fmt = export.requested(request)
    if fmt:
        return export.response(pending_comments_table(policy.viewer(request, Route.EXPORT)), comments, fmt)
    return render(request, "portal/moderation.html", {"comments": comments})


@login_required
@require_POST
def comment_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    _require_writer(request)
    comment = get_object_or_404(Comment, pk=pk)
    try:
        services.comment_moderate(
            actor=request.user, comment=comment, to_status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã cập nhật ý kiến."))
    return redirect("portal:moderation")
