from __future__ import annotations

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.topics import topic_label
from khuyencong.core.search_index import SearchKeyField

_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


def normalise_phone(text: str) -> str:
    """'+84 912.345.678' -> '0912345678'; what is not a Vietnamese number is returned unchanged."""
    digits = _PHONE_PUNCTUATION.sub("", text)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return digits


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AdviceRequest(models.Model):
    """A question a business asks the centre (tư vấn). The requester reads the answer through a private
    link whose token only they hold: the table keeps its SHA-256, never the token."""

    business_name = models.CharField(_("tên cơ sở, doanh nghiệp"), max_length=200)
    topic = models.CharField(_("lĩnh vực cần tư vấn"), max_length=40)
    question = models.TextField(_("nội dung cần tư vấn"), max_length=4000)
    # Contact data: shown to the centre only, never on a public page.
    contact_name = models.CharField(_("người liên hệ"), max_length=100)
    email = models.EmailField(_("thư điện tử"), max_length=254, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=RequestStatus.choices,
        default=RequestStatus.NEW,
        db_index=True,
    )
    answer = models.TextField(_("trả lời"), max_length=8000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người trả lời"),
    )
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    search_key = SearchKeyField()
    created_at = models.DateTimeField(_("thời điểm gửi"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu tư vấn")
        verbose_name_plural = _("yêu cầu tư vấn")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["ip_address", "created_at"], name="advice_request_ip_time")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(email="") | ~models.Q(phone=""), name="advice_request_has_contact"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.business_name}"

    def get_absolute_url(self) -> str:
        return reverse("advice:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        return f"TV-{self.pk:06d}" if self.pk else "TV-?"

    @property
    def topic_label(self) -> str:
        return topic_label(self.topic)

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        self.email = self.email.strip()
        if self.phone:
            phone = normalise_phone(self.phone)
            if not (phone.isascii() and phone.isdigit() and phone.startswith("0") and 10 <= len(phone) <= 11):
                errors.setdefault("phone", []).append(
                    gettext("Điện thoại: số phải có 10–11 chữ số, bắt đầu bằng 0 hoặc +84.")
                )
            else:
                self.phone = phone
        if not self.email and not self.phone:
            message = gettext(
                "Hãy cho biết thư điện tử hoặc số điện thoại (ít nhất một) để Trung tâm liên hệ."
            )
            errors.setdefault("email", []).append(message)
        if errors:
            raise ValidationError(errors)
