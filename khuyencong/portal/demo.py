"""The demo's news: one illustrative article written for this project from the figures of a real report.

The wording is ours; the facts and figures come from Báo Lạng Sơn, 07/08/2012 ("Đẩy mạnh công tác
khuyến công trên địa bàn"), which the article names as its source. Idempotent: matched by slug.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from khuyencong.portal import services
from khuyencong.portal.models import Article
from khuyencong.portal.text import DISPLAY_ZONE

DEMO_SLUG = "lang-son-66-de-an-khuyen-cong-2008-2012"

DEMO_ARTICLE: dict[str, Any] = {
    "slug": DEMO_SLUG,
    "title": "Lạng Sơn: 66 đề án khuyến công trong 5 năm 2008–2012",
    "summary": (
        "Báo Lạng Sơn điểm lại 5 năm khuyến công của tỉnh: 66 đề án, trong đó các mô hình trình diễn "
        "và các đề án đổi mới máy móc, thiết bị đã tạo việc làm cho 1.286 và 535 lao động."
    ),
    "body": "\n\n".join(
        [
            "Theo Báo Lạng Sơn số ra ngày 07/08/2012, từ năm 2008 đến năm 2012 chương trình khuyến công "
            "của tỉnh đã triển khai cả thảy 66 đề án, góp phần đào tạo nghề cho lao động nông thôn, "
            "giúp cơ sở sản xuất thay đổi thiết bị và đưa sản phẩm công nghiệp nông thôn đến gần hơn với "
            "người mua.",
            "24 đề án trong số đó dành cho các mô hình trình diễn kỹ thuật, giới thiệu sản phẩm và công "
            "nghệ mới, nhiều nhất ở các ngành chế biến lâm sản, vật liệu xây dựng và cơ khí. Các mô hình "
            "này giúp 1.286 lao động có việc làm.",
            "12 đề án khác giúp cơ sở công nghiệp nông thôn thay công nghệ cũ, đưa máy móc mới vào dây "
            "chuyền, giảm ô nhiễm, nâng quy mô và làm thêm mặt hàng; nhờ vậy thêm 535 lao động "
            "có việc làm. Ảnh của bài báo chụp xưởng nhựa của Công ty TNHH thương mại Hưng Long.",
            "Bài báo cũng nêu những điểm còn yếu: công nghiệp nông thôn mới chiếm phần nhỏ trong GDP của "
            "tỉnh, cơ sở phần lớn quy mô nhỏ, sản phẩm chất lượng chưa cao, khó cạnh tranh và gần như "
            "chưa xuất khẩu được.",
            "Cho giai đoạn sau, hướng đi được đề ra là tăng tư vấn phát triển công nghiệp và xây dựng "
            "thương hiệu sản phẩm, tuyên truyền chính sách, làm các đề án điểm có trung ương và tỉnh cùng "
            "tham gia, và ưu tiên địa bàn khó khăn cùng các xã xây dựng nông thôn mới.",
            "Bài viết này do hệ thống tóm lược lại để minh hoạ; các số liệu lấy từ nguồn tin dưới đây.",
        ]
    ),
    "source": "Báo Lạng Sơn (baolangson.vn), 07/08/2012: “Đẩy mạnh công tác khuyến công trên địa bàn”",
    "published_at": dt.datetime(2012, 8, 7, 7, 42, tzinfo=DISPLAY_ZONE),
    "is_demo": True,
}


def build_demo_news(*, actor: Any) -> int:
    """Add the demo article through the service if it is missing; the number of articles created."""
    if Article.objects.filter(slug=DEMO_SLUG).exists():
        return 0
    services.article_save(actor=actor, data=dict(DEMO_ARTICLE))
    return 1
