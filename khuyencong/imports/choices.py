"""Stable codes of the import app. Labels are Vietnamese, translatable."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    ESTABLISHMENTS = "establishments", _("Cơ sở CNNT")
    PROJECTS = "projects", _("Đề án (kèm kinh phí và cơ sở thụ hưởng)")
    RESULTS = "results", _("Kết quả thực tế (giá trị chỉ tiêu theo kỳ)")
    TRAINEES = "trainees", _("Danh sách học viên")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    CHECKING = "checking", _("Đang kiểm tra")
    CHECKED = "checked", _("Đã kiểm tra")
    IMPORTING = "importing", _("Đang nhập")
    DONE = "done", _("Đã nhập")
    FAILED = "failed", _("Không nhập được")


class Sex(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")
