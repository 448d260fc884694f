from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operating the installation: backup, restore, recovery after an interrupted worker."""

    name = "khuyencong.ops"
    label = "ops"
    verbose_name = _("Vận hành hệ thống")
