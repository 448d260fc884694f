# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from khuyencong.accounts.models import User

router = Router()


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    role_label: str
    scope_units: list[int]
    establishment: int | None


@router.get("/me", response=MeOut, summary="Người dùng hiện tại và phạm vi")
def me(request: HttpRequest) -> MeOut:
    user = cast(User, request.user)
    return MeOut(
        username=user.username,
        full_name=user.get_full_name(),
        role=user.role,
        role_label=str(user.get_role_display()),
        scope_units=list(user.scope_units.values_list("id", flat=True)),
        establishment=user.establishment_id,
    )
