from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    OFFICER = "officer", _("Cán bộ Trung tâm khuyến công")
    LEADER = "leader", _("Lãnh đạo (phê duyệt)")
    COMMUNE_OFFICER = "commune_officer", _("Cán bộ xã/phường")
    COUNCIL_MEMBER = "council_member", _("Thành viên hội đồng")
    BUSINESS = "business", _("Đại diện cơ sở")
    PUBLIC = "public", _("Người dân")


# Roles that see every record in the installation's province.
PROVINCE_WIDE = frozenset({Role.ADMIN, Role.OFFICER, Role.LEADER})
