from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    MICRO_ENTERPRISE = "micro_enterprise", _("Doanh nghiệp siêu nhỏ")
    SMALL_ENTERPRISE = "small_enterprise", _("Doanh nghiệp nhỏ")
    MEDIUM_ENTERPRISE = "medium_enterprise", _("Doanh nghiệp vừa")
    COOPERATIVE = "cooperative", _("Hợp tác xã")
    COOPERATIVE_GROUP = "cooperative_group", _("Tổ hợp tác")
    HOUSEHOLD_BUSINESS = "household_business", _("Hộ kinh doanh")
    ARTISAN = "artisan", _("Nghệ nhân")


# Forms whose records name a person rather than an organisation: they may use a 12-digit personal
# identification number as tax code, and that number is personal data.
PERSONAL_TAX_CODE_FORMS = frozenset(
    {LegalForm.HOUSEHOLD_BUSINESS, LegalForm.ARTISAN, LegalForm.COOPERATIVE_GROUP}
)


class Sector(models.TextChoices):
    """Industries the khuyến công programme supports (Nghị định 45/2012/NĐ-CP, Điều 3)."""

    FOREST_PRODUCTS = "forest_products", _("Chế biến nông, lâm, thuỷ sản")
    FOOD_PROCESSING = "food_processing", _("Chế biến thực phẩm")
    BUILDING_MATERIALS = "building_materials", _("Sản xuất vật liệu xây dựng")
    MECHANICAL = "mechanical", _("Cơ khí, sửa chữa máy móc thiết bị")
    CHEMICALS_PLASTICS = "chemicals_plastics", _("Hoá chất, nhựa, cao su")
    TEXTILES = "textiles", _("Dệt may, da giày")
    HANDICRAFTS = "handicrafts", _("Thủ công mỹ nghệ, ngành nghề truyền thống")
    ELECTRICAL = "electrical", _("Điện, điện tử, công nghiệp hỗ trợ")
    RURAL_SERVICES = "rural_services", _("Dịch vụ kỹ thuật phục vụ sản xuất CNNT")
    OTHER = "other", _("Ngành nghề khác")
