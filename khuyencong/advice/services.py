"""Writes for requests for advice: the public submission and the centre's moves. Each is audited."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khuyencong.advice import workflow
from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.models import AdviceRequest, token_digest
from khuyencong.advice.topics import topics
from khuyencong.core.audit import Snapshot, diff, record, snapshot
from khuyencong.core.models import AuditAction
from khuyencong.core.text import search_key

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Never in the audit trail: a digest of the requester's key is of no use to a reader of the history.
_UNAUDITED = ("token_digest",)


def _text(value: str) -> str:
    """Kept as typed (markup included: templates show it as text), minus control characters."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def _line(value: str) -> str:
    return " ".join(_text(value).split())


def _snapshot(request: AdviceRequest) -> Snapshot:
    snap = snapshot(request)
    for name in _UNAUDITED:
        snap.pop(name, None)
    return snap


def submission_rate(now: dt.datetime) -> tuple[int, dt.datetime]:
    limit, seconds = getattr(settings, "ADVICE_REQUEST_RATE", (3, 3600))
    return int(limit), now - dt.timedelta(seconds=int(seconds))


@transaction.atomic
def request_submit(
    *,
    business_name: str,
    topic: str,
    question: str,
    contact_name: str,
    email: str = "",
    phone: str = "",
    ip_address: str | None = None,
) -> tuple[AdviceRequest, str]:
    """A business's question, and the token of its private link (shown once, stored only hashed).
    Too many from one address within the window are refused."""
    limit, since = submission_rate(timezone.now())
    if (
        ip_address
        and AdviceRequest.objects.filter(ip_address=ip_address, created_at__gte=since).count() >= limit
    ):
        raise ValidationError(
            _("Bạn đã gửi quá nhiều yêu cầu trong thời gian ngắn; xin vui lòng thử lại sau."),
            code="throttled",
        )
    if topic not in dict(topics()):
        raise ValidationError({"topic": _("Lĩnh vực: hãy chọn một lĩnh vực trong danh sách.")})
    token = secrets.token_urlsafe(24)
    request = AdviceRequest(
        business_name=_line(business_name),
        topic=topic,
        question=_text(question),
        contact_name=_line(contact_name),
        email=email.strip(),
        phone=phone.strip(),
        ip_address=ip_address or None,
        token_digest=token_digest(token),
    )
    for name, label in (
        ("business_name", _("Tên cơ sở, doanh nghiệp")),
        ("question", _("Nội dung cần tư vấn")),
        ("contact_name", _("Người liên hệ")),
    ):
        if not getattr(request, name):
            raise ValidationError({name: _("%(field)s: bắt buộc.") % {"field": label}})
    request.full_clean()
    request.search_key = search_key(request.business_name, request.contact_name, request.question)[:800]
    request.save()
    record(instance=request, action=AuditAction.CREATE, actor=None, changes=diff({}, _snapshot(request)))
    return request, token


def _move(request: AdviceRequest, *, to: RequestStatus, actor: Any, reason: str = "", **fields: Any) -> None:
    before = _snapshot(request)
    request.status = to
    for name, value in fields.items():
        setattr(request, name, value)
    request.full_clean()
    request.save()
    record(
        instance=request,
        action=AuditAction.TRANSITION,
        actor=actor,
        reason=reason,
        changes=diff(before, _snapshot(request)),
    )


@transaction.atomic
def request_answer(*, actor: Any, request: AdviceRequest, answer: str) -> AdviceRequest:
    """The centre's answer; the requester reads it through their private link."""
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)  # two officers, one answer
    workflow.require(request.status, RequestStatus.ANSWERED, actor)
    text = _text(answer)
    if not text:
        raise ValidationError({"answer": _("Trả lời: hãy viết nội dung trả lời.")})
    _move(
        request,
        to=RequestStatus.ANSWERED,
        actor=actor,
        answer=text,
        answered_by=actor,
        answered_at=timezone.now(),
    )
    return request


@transaction.atomic
def request_transition(*, actor: Any, request: AdviceRequest, to: str, reason: str = "") -> AdviceRequest:
    """Close a request, or reopen a closed one; both need a reason when the table says so."""
    request = AdviceRequest.objects.select_for_update().get(pk=request.pk)
    try:
        target = RequestStatus(to)
    except ValueError:
        raise ValidationError(_("Trạng thái không hợp lệ."), code="transition") from None
    if target == RequestStatus.ANSWERED:
        raise ValidationError(_("Hãy trả lời bằng biểu mẫu trả lời."), code="transition")
    workflow.require(request.status, target, actor)
    reason = _line(reason)
    if (RequestStatus(request.status), target) in workflow.NEEDS_REASON and not reason:
        raise ValidationError({"reason": _("Lý do: bắt buộc khi đóng yêu cầu chưa trả lời hoặc mở lại.")})
    _move(request, to=target, actor=actor, reason=reason[:500])
    return request
