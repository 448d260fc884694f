"""Who may see and change what. Selectors call these; nothing else decides scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from khuyencong.accounts.choices import Role
from khuyencong.geo.selectors import expand_units

ALL = None  # sentinel: no restriction by place


def scope_unit_ids(user: Any) -> frozenset[int] | None:
    """Unit ids a user's place-scoped rights cover, or None for the whole installation.

    A commune officer's units cover their children (a district its communes) and, through the
    successor links, the old units that became part of them, so records typed before the 2025 reform
    stay with the officer who now serves the place.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    if user.is_province_wide:
        return ALL
    cached = getattr(user, "_scope_unit_ids", None)
    if cached is not None:
        return cached
    ids: frozenset[int] = frozenset()
    if user.role == Role.COMMUNE_OFFICER:
        ids = expand_units(user.scope_units.values_list("id", flat=True))
    user._scope_unit_ids = ids
    return ids


def place_filter(user: Any, field: str) -> Q:
    """A Q restricting `field` (a unit foreign key path) to the user's place scope."""
    ids = scope_unit_ids(user)
    if ids is ALL:
        return Q()
    return Q(**{f"{field}__in": ids})


def is_administrator(user: Any) -> bool:
    """System administrators: the only ones who change what decides who is favoured and by how much
    (priority classifications, support caps)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role == Role.ADMIN)
    )


def can_manage_registry(user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in {Role.ADMIN, Role.OFFICER})
    )


def can_edit_in_place(user: Any, unit_id: int | None) -> bool:
    """May this user create or edit a registry record located in unit_id?"""
    if can_manage_registry(user):
        return True
    if getattr(user, "role", None) == Role.COMMUNE_OFFICER and unit_id is not None:
        ids = scope_unit_ids(user)
        return ids is not ALL and unit_id in ids
    return False
