"""The columns of the comments awaiting moderation, declared once for the page's download."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from khuyencong.core.export import Column, Table
from khuyencong.portal.models import Comment
from khuyencong.privacy import policy


def pending_comments_table(viewer: policy.Viewer) -> Table[Comment]:
    """The moderation list as `viewer` may read it: the reader's email in full or masked (privacy.policy)."""
    return Table(
        name="y-kien-cho-duyet",
        title=_("Ý kiến bạn đọc chờ duyệt"),
        columns=[
            Column(
                _("Bài viết"),
                lambda c: c.article.title,
                link=lambda c: reverse("portal:detail", args=[c.article.slug]),
                width=50,
            ),
            Column(_("Ý kiến"), lambda c: c.text, width=80),
            Column(_("Họ tên"), lambda c: c.name, width=24),
            Column(_("Thư điện tử"), lambda c: viewer.value(c, "email"), width=30),
            Column(_("Gửi lúc"), lambda c: c.created_at, kind="datetime"),
        ],
    )


PENDING_COMMENTS: Table[Comment] = pending_comments_table(policy.MASKED)
