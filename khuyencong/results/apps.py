from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "khuyencong.results"
    label = "results"
    verbose_name = _("Kết quả và báo cáo")

    def ready(self) -> None:
        from khuyencong.results import facts

        facts.connect()
