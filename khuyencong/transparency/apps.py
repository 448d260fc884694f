from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "khuyencong.transparency"
    label = "transparency"
    verbose_name = _("Công khai đề án")

    def ready(self) -> None:
        from khuyencong.core.public_cache import watch
        from khuyencong.establishments.models import Establishment
        from khuyencong.geo.models import AdministrativeUnit
        from khuyencong.projects import models as projects
        from khuyencong.results.models import IndicatorValue
        from khuyencong.transparency.models import PublicationRule

        # A public project page shows the project, its money, results, photos and beneficiaries, the
        # commune, and only the fields the publication policy allows: a change to any of them shows at once.
        for model in (
            projects.Project,
            projects.BudgetLine,
            projects.ExpectedResult,
            projects.Advance,
            projects.Recovery,
            projects.Acceptance,
            projects.ActualResult,
            projects.ProjectDocument,
            IndicatorValue,
            PublicationRule,
            Establishment,
            AdministrativeUnit,
        ):
            watch(model, "projects")
