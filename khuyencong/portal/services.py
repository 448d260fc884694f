"""Writes for news: articles (staff), ratings and comments (anyone), moderation (staff). Each audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core import richtext
from khuyencong.core.audit import Snapshot, diff, record, snapshot
from khuyencong.core.models import AuditAction
from khuyencong.core.text import fold, search_key
from khuyencong.portal.choices import CommentStatus
from khuyencong.portal.models import Article, Comment, Rating
from khuyencong.portal.text import clean_text

WRITER_ROLES = frozenset({Role.ADMIN, Role.OFFICER})

# The one transition table for comments: (from, to) -> roles allowed to make the move.
COMMENT_TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (CommentStatus.PENDING, CommentStatus.APPROVED): WRITER_ROLES,
    (CommentStatus.PENDING, CommentStatus.REJECTED): WRITER_ROLES,
    (CommentStatus.APPROVED, CommentStatus.REJECTED): WRITER_ROLES,
    (CommentStatus.REJECTED, CommentStatus.APPROVED): WRITER_ROLES,
}

ARTICLE_FIELDS = (
    "title",
    "slug",
    "summary",
    "body",
    "image",
    "image_caption",
    "published_at",
    "source",
    "is_demo",
)


def can_write(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or getattr(user, "role", None) in WRITER_ROLES)
    )


def _require_writer(actor: Any) -> None:
    if not can_write(actor):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm và quản trị hệ thống được viết và duyệt tin."))


def _article_snapshot(article: Article) -> Snapshot:
    """The audit snapshot with the image as its stored name (a file object is not JSON)."""
    snap = snapshot(article)
    snap["image"]["value"] = article.image.name or ""
    return snap


def _unique_slug(title: str, exclude_pk: int | None) -> str:
    base = slugify(fold(title))[:100].strip("-") or "bai-viet"
    slug, n = base, 2
    taken = Article.objects.all() if exclude_pk is None else Article.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_save(*, actor: Any, data: dict[str, Any], article: Article | None = None) -> Article:
    """Create an article, or update one. The body is stored as sanitised rich text (plain text becomes
    escaped paragraphs); the other text fields as cleaned plain text."""
    _require_writer(actor)
    if article is not None:
        article = Article.objects.select_for_update().get(pk=article.pk)
        before = _article_snapshot(article)
    else:
        article = Article(created_by=actor)
        before = None
    for name in ARTICLE_FIELDS:
        if name in data:
            setattr(article, name, data[name])
    for name in ("title", "summary", "image_caption", "source"):
        setattr(article, name, clean_text(getattr(article, name) or ""))
    article.body = richtext.to_rich_text(article.body or "")
    article.title = " ".join(article.title.split())
    if not article.slug:
        article.slug = _unique_slug(article.title, article.pk)
    article.search_key = search_key(article.title, article.summary)[:800]
    article.full_clean()
    article.save()
    changes = diff(before or {}, _article_snapshot(article))
    if before is None:
        record(instance=article, action=AuditAction.CREATE, actor=actor, changes=changes)
    elif changes:
        record(instance=article, action=AuditAction.UPDATE, actor=actor, changes=changes)
    return article


def article_publish(*, actor: Any, article: Article, at: dt.datetime | None = None) -> Article:
    return article_save(actor=actor, article=article, data={"published_at": at or timezone.now()})


@transaction.atomic
def rating_submit(*, article: Article, score: Any, reader_key: str, user: Any = None) -> Rating:
    """A reader's 1–5 points; a second rating by the same cookie or the same user is refused."""
    try:
        points = int(score)
    except (TypeError, ValueError):
        points = 0
    if not 1 <= points <= 5:
        raise ValidationError({"score": _("Điểm đánh giá phải là số nguyên từ 1 đến 5.")})
    if not reader_key:
        raise ValidationError({"score": _("Không nhận ra bạn đọc; hãy bật cookie để đánh giá.")})
    signed_in = user if getattr(user, "is_authenticated", False) else None
    Article.objects.select_for_update().filter(pk=article.pk).first()
    already = Rating.objects.filter(article=article, reader_key=reader_key)
    if signed_in is not None:
        already = Rating.objects.filter(article=article, reader_key=reader_key) | Rating.objects.filter(
            article=article, user=signed_in
        )
    if already.exists():
        raise ValidationError({"score": _("Bạn đã đánh giá bài viết này; mỗi bạn đọc chỉ đánh giá một lần.")})
    rating = Rating(article=article, reader_key=reader_key, user=signed_in, score=points)
    rating.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # two tabs racing past the check above
        raise ValidationError(
            {"score": _("Bạn đã đánh giá bài viết này; mỗi bạn đọc chỉ đánh giá một lần.")}
        ) from exc
    record(instance=rating, action=AuditAction.CREATE, actor=signed_in)
    return rating


def comment_rate(now: dt.datetime) -> tuple[int, dt.datetime]:
    limit, seconds = getattr(settings, "PORTAL_COMMENT_RATE", (3, 600))
    return int(limit), now - dt.timedelta(seconds=int(seconds))


@transaction.atomic
def comment_submit(*, article: Article, name: str, email: str, text: str, ip_address: str | None) -> Comment:
    """A reader's comment, held for moderation; too many from one address in the window are refused."""
    limit, since = comment_rate(timezone.now())
    if ip_address and Comment.objects.filter(ip_address=ip_address, created_at__gte=since).count() >= limit:
        raise ValidationError(
            _("Bạn đã gửi quá nhiều ý kiến trong thời gian ngắn; xin vui lòng thử lại sau ít phút."),
            code="throttled",
        )
    comment = Comment(
        article=article,
        name=clean_text(name)[:100],
        email=email.strip(),
        text=clean_text(text),
        ip_address=ip_address or None,
    )
    if not comment.text:
        raise ValidationError({"text": _("Ý kiến: hãy viết nội dung (không tính thẻ HTML).")})
    if not comment.name:
        raise ValidationError({"name": _("Họ tên: bắt buộc.")})
    comment.full_clean()
    comment.save()
    record(instance=comment, action=AuditAction.CREATE, actor=None)
    return comment


@transaction.atomic
def comment_moderate(*, actor: Any, comment: Comment, to_status: str, reason: str = "") -> Comment:
    _require_writer(actor)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    allowed = COMMENT_TRANSITIONS.get((comment.status, to_status))
    if allowed is None:
        raise ValidationError(_("Không thể chuyển ý kiến từ trạng thái này sang trạng thái đã chọn."))
    if not (actor.is_superuser or actor.role in allowed):
        raise PermissionDenied(_("Bạn không có quyền duyệt ý kiến bạn đọc."))
    before = snapshot(comment)
    comment.status = to_status
    comment.moderated_by = actor
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    record(instance=comment, action=AuditAction.UPDATE, actor=actor, before=before, reason=reason)
    return comment
