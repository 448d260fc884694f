"""Stable codes of the khuyến công programme (DESIGN §3). Labels are Vietnamese, translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeLevel(models.TextChoices):
    NATIONAL = "national", _("Khuyến công quốc gia")
    LOCAL = "local", _("Khuyến công địa phương")


class ContentCategory(models.TextChoices):
    """Nghị định 45/2012/NĐ-CP Điều 4, as amended by Nghị định 235/2025/NĐ-CP."""

    TRAINING = "training", _("Đào tạo nghề, truyền nghề, phát triển nghề")
    MANAGEMENT_CAPACITY = "management_capacity", _("Nâng cao năng lực quản lý cơ sở CNNT")
    DEMONSTRATION_MODEL = "demonstration_model", _("Xây dựng mô hình trình diễn kỹ thuật")
    MACHINERY_APPLICATION = (
        "machinery_application",
        _("Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ, đổi mới công nghệ"),
    )
    CLEANER_PRODUCTION = "cleaner_production", _("Sản xuất sạch hơn, xử lý ô nhiễm môi trường")
    PRODUCT_DEVELOPMENT = (
        "product_development",
        _("Phát triển sản phẩm CNNT: bình chọn, hội chợ, triển lãm, phòng trưng bày, thương hiệu"),
    )
    CONSULTING_INFORMATION = "consulting_information", _("Tư vấn, cung cấp thông tin, truyền thông")
    LINKAGE_CLUSTERS = "linkage_clusters", _("Liên doanh, liên kết, hợp tác kinh tế, cụm công nghiệp")
    INTERNATIONAL_COOPERATION = "international_cooperation", _("Hợp tác quốc tế về khuyến công")
    SYSTEM_CAPACITY = "system_capacity", _("Nâng cao năng lực hệ thống khuyến công, chuyển đổi số")


class SubType(models.TextChoices):
    """Sub-types where the caps differ. Blank means the category's main one."""

    NEW_TECHNOLOGY = "new_technology", _("Mô hình công nghệ mới, sản phẩm mới")
    EFFICIENT_ESTABLISHMENT = "efficient_establishment", _("Mô hình cơ sở CNNT đang hoạt động có hiệu quả")
    EQUIPMENT = "equipment", _("Máy móc thiết bị")
    PRODUCTION_LINE = "production_line", _("Dây chuyền công nghệ")


# Which sub-types belong to which category, and which one is the main one (listed first).
SUBTYPES: dict[str, tuple[str, ...]] = {
    ContentCategory.DEMONSTRATION_MODEL: (SubType.NEW_TECHNOLOGY, SubType.EFFICIENT_ESTABLISHMENT),
    ContentCategory.MACHINERY_APPLICATION: (SubType.EQUIPMENT, SubType.PRODUCTION_LINE),
}


def main_subtype(category: str) -> str:
    """The sub-type that applies when none is given ('' for categories without sub-types)."""
    options = SUBTYPES.get(category, ())
    return options[0] if options else ""


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã nộp")
    RETURNED = "returned", _("Trả lại để bổ sung")
    UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
    REJECTED = "rejected", _("Không được chọn")
    PROPOSED = "proposed", _("Đề xuất vào kế hoạch")
    APPROVED = "approved", _("Đã phê duyệt")
    CONTRACTED = "contracted", _("Đã ký hợp đồng")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    AWAITING_ACCEPTANCE = "awaiting_acceptance", _("Chờ nghiệm thu")
    ACCEPTED = "accepted", _("Đã nghiệm thu")
    NOT_ACCEPTED = "not_accepted", _("Không được nghiệm thu")
    SETTLED = "settled", _("Đã quyết toán")
    CLOSED = "closed", _("Đã đóng")
    SUSPENDED = "suspended", _("Tạm dừng")
    CANCELLED = "cancelled", _("Đã huỷ")


class FundingSource(models.TextChoices):
    CENTRAL = "central", _("Ngân sách trung ương (khuyến công quốc gia)")
    PROVINCIAL = "provincial", _("Ngân sách tỉnh (khuyến công địa phương)")
    BENEFICIARY = "beneficiary", _("Vốn đối ứng của cơ sở")
    OTHER = "other", _("Nguồn khác")


# Sources the programme pays from; the beneficiary's own money is counterpart, not support.
SUPPORT_SOURCES = frozenset({FundingSource.CENTRAL, FundingSource.PROVINCIAL})


class ExpectedIndicator(models.TextChoices):
    JOBS_CREATED = "jobs_created", _("Lao động có việc làm")
    WORKERS_TRAINED = "workers_trained", _("Lao động được đào tạo")
    ESTABLISHMENTS_SUPPORTED = "establishments_supported", _("Cơ sở được hỗ trợ")
    MACHINES = "machines", _("Máy móc, dây chuyền")
    MODELS = "models", _("Mô hình trình diễn")
