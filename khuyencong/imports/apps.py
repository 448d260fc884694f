from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "khuyencong.imports"
    label = "imports"
    verbose_name = _("Nhập dữ liệu từ bảng tính")
