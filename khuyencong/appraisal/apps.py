from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "khuyencong.appraisal"
    label = "appraisal"
    verbose_name = _("Thẩm định đề án")
