"""The users the bench queries run as (one module, so `python -m bench.search` and bench.variants share it)."""

from __future__ import annotations

from typing import Any

_users: dict[str, Any] = {}
_current = "officer"


def current_user() -> Any:
    """The user the current query runs as (see use_user); a province-wide officer by default."""
    return _users[_current]


def use_user(who: str) -> None:
    global _current
    _current = who


def make_users() -> None:
    """Unsaved users are enough: scope comes from accounts.scope, cached on the user as a request would."""
    from khuyencong.accounts.choices import Role
    from khuyencong.accounts.models import User
    from khuyencong.establishments.models import Establishment
    from khuyencong.geo.selectors import expand_units

    _users["officer"] = User(username="bench-officer", role=Role.OFFICER, is_active=True)
    commune = _users["commune"] = User(username="bench-commune", role=Role.COMMUNE_OFFICER, is_active=True)
    busiest = Establishment.objects.order_by("commune_id").values_list("commune_id", flat=True).first()
    assert busiest is not None, "the bench database has no establishments"
    # what scope_unit_ids() caches on the request's user
    setattr(commune, "_scope_unit_ids", expand_units([busiest]))  # noqa: B010
