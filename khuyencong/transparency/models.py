from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from khuyencong.transparency.choices import PublicField


class PublicationRule(models.Model):
    """Whether one project field is shown on the public pages, downloads and open data.

    Shipped with the development team's suggested defaults (migration 0002); an administrator changes them
    in the admin, each change audited. A field without a row is not public (fail closed).
    """

    field = models.CharField(_("thông tin"), max_length=40, choices=PublicField.choices, unique=True)
    public = models.BooleanField(_("công khai"), default=False)
    note = models.TextField(_("ghi chú, lý do"), blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("quy định công khai")
        verbose_name_plural = _("quy định công khai thông tin đề án")
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.get_field_display())
