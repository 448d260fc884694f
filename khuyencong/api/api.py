"""The REST API at /api/v1/. Each app adds its router here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(title="Khuyến công API", version="1", urls_namespace="api")
