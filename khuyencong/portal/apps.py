from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "khuyencong.portal"
    label = "portal"
    verbose_name = _("Tin tức và chính sách")

    def ready(self) -> None:
        from khuyencong.core.public_cache import watch
        from khuyencong.portal.models import Article, Comment, Rating

        # News pages show articles, their neighbours, rating totals and approved comments.
        for model in (Article, Rating, Comment):
            watch(model, "news")
