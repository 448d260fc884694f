"""The topics a business may ask about. A list in settings (`KHUYENCONG_ADVICE_TOPICS`: pairs of a
stable code and a label), not law: the centre changes it to match the advice it gives. A request keeps
its topic's code; a code later dropped from the list still shows, as the code itself."""

from __future__ import annotations

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

DEFAULT_TOPICS: list[tuple[str, str | Promise]] = [
    ("support_policy", _("Chính sách và mức hỗ trợ khuyến công")),
    ("proposal", _("Lập hồ sơ đề nghị hỗ trợ, đề án khuyến công")),
    ("technology", _("Đổi mới công nghệ, máy móc thiết bị")),
    ("cleaner_production", _("Sản xuất sạch hơn, xử lý môi trường")),
    ("branding", _("Thương hiệu, bình chọn sản phẩm công nghiệp nông thôn tiêu biểu")),
    ("fairs_market", _("Hội chợ, triển lãm, tìm thị trường")),
    ("training_management", _("Đào tạo nghề, nâng cao năng lực quản lý")),
    ("other", _("Nội dung khác")),
]


def topics() -> list[tuple[str, str | Promise]]:
    return list(getattr(settings, "KHUYENCONG_ADVICE_TOPICS", DEFAULT_TOPICS))


def topic_label(code: str) -> str:
    return str(dict(topics()).get(code, code))
