"""Reads for news. Published articles and approved comments are public; drafts and the queue are staff's."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from khuyencong.portal.choices import CommentStatus
from khuyencong.portal.models import Article, Comment
from khuyencong.portal.services import can_write


def published_articles(q: str = "") -> QuerySet[Article]:
    qs = Article.objects.filter(published_at__isnull=False, published_at__lte=timezone.now())
    if q.strip():
        qs = qs.filter(search_key__matches=q)
    return qs.order_by("-published_at", "-pk")


def article_get(*, slug: str, user: Any = None) -> Article:
    """A published article for anyone; a draft only for staff who write."""
    qs = Article.objects.all() if can_write(user) else published_articles()
    article = qs.filter(slug=slug).first()
    if article is None:
        raise Http404
    return article


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """(newer, older) among published articles, ordered by publication time then id."""
    if article.published_at is None:
        return None, None
    qs = published_articles()
    at, pk = article.published_at, article.pk
    newer = (
        qs.filter(Q(published_at__gt=at) | Q(published_at=at, pk__gt=pk))
        .order_by("published_at", "pk")
        .first()
    )
    older = (
        qs.filter(Q(published_at__lt=at) | Q(published_at=at, pk__lt=pk))
        .order_by("-published_at", "-pk")
        .first()
    )
    return newer, older


def rating_totals(article: Article) -> tuple[int, int]:
    totals = article.ratings.aggregate(points=Sum("score"), count=Count("pk"))
    return int(totals["points"] or 0), int(totals["count"] or 0)


def approved_comments(article: Article) -> QuerySet[Comment]:
    return article.comments.filter(status=CommentStatus.APPROVED).only("name", "text", "created_at")


def pending_comments() -> QuerySet[Comment]:
    return (
        Comment.objects.filter(status=CommentStatus.PENDING).select_related("article").order_by("created_at")
    )
