from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from khuyencong.core import richtext
from khuyencong.core.search_index import SearchKeyField
from khuyencong.portal.choices import CommentStatus


class Article(models.Model):
    """A news or policy article. Unpublished while `published_at` is empty or in the future.

    The body is rich text (core.richtext): the service stores it sanitised by nh3, plain text typed
    by a writer becoming escaped paragraphs; the page cleans it once more on output. Title, summary,
    caption and source stay plain text.
    """

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True, allow_unicode=False)
    summary = models.TextField(_("tóm tắt"), max_length=1000)
    body = models.TextField(_("nội dung"), max_length=50_000)
    image = models.ImageField(_("ảnh"), upload_to="news/", blank=True, max_length=300)
    image_caption = models.CharField(_("chú thích ảnh"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("thời điểm đăng"), null=True, blank=True, db_index=True)
    source = models.CharField(_("nguồn tin"), max_length=300, blank=True)
    is_demo = models.BooleanField(_("bài minh hoạ"), default=False)
    search_key = SearchKeyField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người viết"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:detail", args=[self.slug])

    def body_html(self) -> SafeString:
        return richtext.render(self.body)


class Rating(models.Model):
    """One reader's 1–5 points for an article. A reader is the signed cookie and, when signed in, the user:
    either one having rated already refuses a second rating."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="ratings")
    reader_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("điểm"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.UniqueConstraint(fields=["article", "reader_key"], name="portal_rating_one_per_reader"),
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=models.Q(user__isnull=False),
                name="portal_rating_one_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="portal_rating_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.score}"


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    name = models.CharField(_("họ tên"), max_length=100)
    # Kept for the centre to answer privately; never rendered on a public page.
    email = models.EmailField(_("thư điện tử"), max_length=254)
    text = models.TextField(_("ý kiến"), max_length=2000)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người duyệt"),
    )
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ý kiến bạn đọc")
        verbose_name_plural = _("ý kiến bạn đọc")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="portal_comment_ip_time")]

    def __str__(self) -> str:
        return f"{self.name}: {self.text[:40]}"
