"""Reads for requests for advice: the centre's inbox (scoped by role) and the requester's private view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from khuyencong.advice import workflow
from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.models import AdviceRequest, token_digest

TOKEN_MAX_LENGTH = 100


@dataclass(frozen=True)
class InboxFilters:
    status: str = ""
    topic: str = ""
    q: str = ""

    def apply(self, qs: QuerySet[AdviceRequest]) -> QuerySet[AdviceRequest]:
        if self.status in RequestStatus.values:
            qs = qs.filter(status=self.status)
        if self.topic:
            qs = qs.filter(topic=self.topic)
        if self.q.strip():
            qs = qs.filter(search_key__matches=self.q)
        return qs


def visible_requests(*, user: Any) -> QuerySet[AdviceRequest]:
    """Every request for the roles that read the inbox, none for anyone else."""
    if not workflow.can_read(user):
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.all()


def inbox(*, user: Any, filters: InboxFilters | None = None) -> QuerySet[AdviceRequest]:
    """The inbox, oldest waiting first among new requests; 403 for roles that have no inbox."""
    if not workflow.can_read(user):
        raise PermissionDenied(_("Hộp thư tư vấn dành cho cán bộ Trung tâm và lãnh đạo."))
    qs = visible_requests(user=user)
    if filters:
        qs = filters.apply(qs)
    return qs.select_related("answered_by").order_by("-created_at", "-pk")


def request_get(*, user: Any, pk: int) -> AdviceRequest:
    request = visible_requests(user=user).select_related("answered_by").filter(pk=pk).first()
    if request is None:
        raise Http404
    return request


def request_for_token(token: str) -> AdviceRequest:
    """The request a private link opens. Only the token's SHA-256 is stored and looked up: the digest
    of a guess says nothing about a real token, so the lookup leaks nothing through its timing."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        raise Http404
    request = AdviceRequest.objects.filter(token_digest=token_digest(token)).first()
    if request is None:
        raise Http404
    return request


def waiting(*, user: Any) -> QuerySet[AdviceRequest]:
    """New requests the user could answer, oldest first (the to-do group)."""
    if RequestStatus.ANSWERED not in workflow.allowed(RequestStatus.NEW, user):
        return AdviceRequest.objects.none()
    return AdviceRequest.objects.filter(status=RequestStatus.NEW).order_by("created_at", "pk")
