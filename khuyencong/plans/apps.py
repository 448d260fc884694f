from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "khuyencong.plans"
    label = "plans"
    verbose_name = _("Kế hoạch khuyến công năm")

    def ready(self) -> None:
        from khuyencong.plans.services import envelope_guard
        from khuyencong.projects import services as project_services

        if envelope_guard not in project_services.APPROVAL_GUARDS:
            project_services.APPROVAL_GUARDS.append(envelope_guard)
