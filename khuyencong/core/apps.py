from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "khuyencong.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from khuyencong.core.search_index import restore_sqlite_triggers

        post_migrate.connect(restore_sqlite_triggers, dispatch_uid="khuyencong.restore_sqlite_triggers")
