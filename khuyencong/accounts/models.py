from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from khuyencong.accounts.choices import PROVINCE_WIDE, Role


class User(AbstractUser):
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, default=Role.PUBLIC)
    # Commune officers: the units they serve (a district covers its communes; a current commune covers
    # the old communes it came from). See accounts.scope.
    scope_units = models.ManyToManyField(
        "geo.AdministrativeUnit", blank=True, related_name="officers", verbose_name=_("địa bàn phụ trách")
    )
    # Establishment representatives: the one record they speak for.
    establishment = models.ForeignKey(
        "establishments.Establishment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="representatives",
        verbose_name=_("cơ sở đại diện"),
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    @property
    def is_province_wide(self) -> bool:
        return self.is_active and (self.role in PROVINCE_WIDE or self.is_superuser)


class ApiToken(models.Model):
    """A bearer token for other systems. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("người dùng")
    )
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("khoá API")
        verbose_name_plural = _("khoá API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        key = "kc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[3:11], digest=cls.hash(key))
        return token, key
