"""The log of every time unmasked personal data left the system for someone's eyes."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Route(models.TextChoices):
    PAGE = "page", _("Trang")
    EXPORT = "export", _("Tải tệp (CSV/XLSX)")
    API = "api", _("API")


class PersonalDataAccess(models.Model):
    """Who saw which personal fields of which record, when, and through what.

    A page or an API answer writes one row per record shown (object_id set, record_count 1); a
    download writes one row for the whole file (object_id empty, record_count = rows that carried
    unmasked data, `path` holding the filters that chose them), so a million-row export is one row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người xem"),
    )
    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("loại hồ sơ")
    )
    object_id = models.PositiveBigIntegerField(_("mã hồ sơ"), null=True, blank=True)
    fields = models.CharField(_("trường đã xem"), max_length=200)
    route = models.CharField(_("kênh"), max_length=10, choices=Route.choices)
    path = models.CharField(_("địa chỉ yêu cầu"), max_length=1000)
    record_count = models.PositiveIntegerField(_("số hồ sơ"), default=1)

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="privacy_access_record"),
            models.Index(fields=["user", "at"], name="privacy_access_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.content_type_id}:{self.object_id} · {self.fields}"
