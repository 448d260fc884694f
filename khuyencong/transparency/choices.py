"""What the transparency pages may publish: the fields a policy decides, and the statuses that are public.

A field missing from this list is never public, whatever the policy says: names of people, phone
numbers, emails, personal identification numbers, tax codes, addresses, council members, notes and the
audit trail have no entry here, so no policy row can publish them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from khuyencong.establishments.choices import LegalForm
from khuyencong.projects.choices import Status


class PublicField(models.TextChoices):
    TITLE = "title", _("Tên đề án")
    CATEGORY = "category", _("Nội dung hỗ trợ")
    LEVEL = "level", _("Cấp khuyến công, đề án điểm")
    PLAN_YEAR = "plan_year", _("Năm kế hoạch")
    COMMUNE = "commune", _("Địa điểm (xã, phường) và bản đồ")
    DESCRIPTION = "description", _("Mô tả đề án")
    IMPLEMENTING_UNIT = "implementing_unit", _("Đơn vị thực hiện")
    PARTNERS = "partners", _("Cơ quan phối hợp")
    BENEFICIARIES = "beneficiaries", _("Tên cơ sở thụ hưởng là doanh nghiệp, hợp tác xã")
    DATES = "dates", _("Thời gian thực hiện")
    DECISION = "decision", _("Số, ngày quyết định phê duyệt")
    APPROVED = "approved_support", _("Kinh phí hỗ trợ được duyệt")
    ADVANCED = "advanced", _("Kinh phí đã tạm ứng")
    SETTLED = "settled", _("Kinh phí quyết toán")
    EXPECTED_RESULTS = "expected_results", _("Kết quả dự kiến")
    ACHIEVED_RESULTS = "achieved_results", _("Kết quả đạt được khi nghiệm thu")
    LATER_RESULTS = "later_results", _("Kết quả ghi nhận sau nghiệm thu")
    PHOTOS = "photos", _("Ảnh nghiệm thu")
    STATUS = "status", _("Trạng thái")


# Only organisations are named on public pages. Household businesses, artisans and cooperative groups are
# people (they may use a personal identification number as tax code): shown by their legal form alone.
NAMED_FORMS = frozenset(
    {
        LegalForm.MICRO_ENTERPRISE,
        LegalForm.SMALL_ENTERPRISE,
        LegalForm.MEDIUM_ENTERPRISE,
        LegalForm.COOPERATIVE,
    }
)

# Approved and every later stage. A project suspended was approved first (workflow.SUSPENDABLE).
PUBLIC_STATUSES = frozenset(
    {
        Status.APPROVED,
        Status.CONTRACTED,
        Status.IN_PROGRESS,
        Status.AWAITING_ACCEPTANCE,
        Status.ACCEPTED,
        Status.NOT_ACCEPTED,
        Status.SETTLED,
        Status.CLOSED,
        Status.SUSPENDED,
    }
)


def public_status_filter() -> Q:
    """Approved and later, and cancelled only once approved: public money was committed to it, so the
    public sees that it was then cancelled (and what was advanced). A proposal withdrawn or cancelled
    before any decision stays as private as any other proposal."""
    return Q(status__in=PUBLIC_STATUSES) | Q(status=Status.CANCELLED, approved_support__isnull=False)
