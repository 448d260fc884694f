"""The REST API at /api/v1/: authentication, one error body, paging. Each app adds its router here.

Every failure answers {"detail": "...", "errors": [{"field": ..., "message": ...}]}, so a client has one
shape to read whether the problem was its input, its credentials or a record it may not see.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from khuyencong.accounts.models import ApiToken
from khuyencong.api.errors import Conflict


class TokenAuth(HttpBearer):
    """`Authorization: Bearer kc_…` for other systems; the token acts with its user's scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        return found.user


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorBody(Schema):
    detail: str
    errors: list[ErrorItem] = []


# Every operation may answer with the common error body; the document says so, so a client (and the
# schemathesis run in the test suite) knows each 4xx it can meet and its shape.
ERROR_STATUSES: dict[str, str] = {
    "400": "Tham số không hợp lệ.",
    "401": "Cần đăng nhập hoặc khoá API hợp lệ.",
    "403": "Vai trò hoặc phạm vi của bạn không được phép.",
    "404": "Không tìm thấy, hoặc ngoài phạm vi của bạn.",
    "409": "Trạng thái hiện tại của bản ghi không cho phép thao tác này.",
    "422": "Dữ liệu không hợp lệ; `errors` nêu từng trường.",
}


class KhuyenCongAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorItem"] = {
            "type": "object",
            "properties": {
                "field": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "Field"},
                "message": {"type": "string", "title": "Message"},
            },
            "required": ["field", "message"],
            "title": "ErrorItem",
        }
        components["ErrorBody"] = {
            "type": "object",
            "properties": {
                "detail": {"type": "string", "title": "Detail"},
                "errors": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/ErrorItem"},
                    "title": "Errors",
                },
            },
            "required": ["detail", "errors"],
            "title": "ErrorBody",
        }
        body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path in schema["paths"].values():
            for operation in path.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": text, "content": body})
        return schema


api = KhuyenCongAPI(
    title="Khuyến công API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    description="Quản lý chương trình khuyến công. Xác thực: phiên đăng nhập (kèm CSRF) hoặc `Authorization: Bearer <khoá>`.",
)


def error(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    items = []
    for err in exc.errors:
        loc = [
            str(part)
            for part in err.get("loc", [])
            if part not in ("body", "query", "path", "payload", "form", "file")
        ]
        items.append({"field": ".".join(loc) or None, "message": err.get("msg", "")})
    return error(request, 422, _("Dữ liệu gửi lên không hợp lệ."), items)


@api.exception_handler(DjangoValidationError)
def _domain_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        items = [
            {"field": None if field == "__all__" else field, "message": message}
            for field, errors in exc.message_dict.items()
            for message in errors
        ]
    else:
        items = [{"field": None, "message": message} for message in exc.messages]
    return error(request, 422, _("Dữ liệu không hợp lệ."), items)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error(request, 401, _("Cần đăng nhập hoặc khoá API hợp lệ."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error(request, 403, str(exc) or _("Bạn không có quyền thực hiện thao tác này."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Outside the caller's scope looks the same as missing: no hint that the record exists.
    return error(request, 404, _("Không tìm thấy."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error(request, exc.status_code, str(exc))


@api.exception_handler(Conflict)
def _conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return error(request, 409, exc.message, [{"field": exc.field, "message": exc.message}])


@api.exception_handler(Exception)
def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    import logging

    logging.getLogger("khuyencong.api").exception("Unhandled API error")
    return error(request, 500, _("Lỗi máy chủ. Sự cố đã được ghi lại."))


from khuyencong.accounts.api import router as accounts_router  # noqa: E402
from khuyencong.establishments.api import router as establishments_router  # noqa: E402
from khuyencong.geo.api import router as geo_router  # noqa: E402

api.add_router("/accounts", accounts_router, tags=["accounts"])
api.add_router("/establishments", establishments_router, tags=["establishments"])
api.add_router("/geo", geo_router, tags=["geo"])

from khuyencong.rules.api import router as rules_router  # noqa: E402

api.add_router("/rules", rules_router, tags=["rules"])

from khuyencong.projects.api import calls_router  # noqa: E402
from khuyencong.projects.api import router as projects_router  # noqa: E402
from khuyencong.projects.workflow import TransitionError  # noqa: E402


@api.exception_handler(TransitionError)
def _wrong_state(request: HttpRequest, exc: TransitionError) -> HttpResponse:
    # The request was sound but the record has moved on: no one may do this from its current state.
    items = [{"field": "status", "message": message} for message in exc.messages]
    return error(request, 409, _("Trạng thái hiện tại của đề án không cho phép thao tác này."), items)


api.add_router("/projects", projects_router, tags=["projects"])
api.add_router("/calls", calls_router, tags=["calls"])
from khuyencong.plans.api import router as plans_router  # noqa: E402
from khuyencong.plans.workflow import TransitionError as PlanTransitionError  # noqa: E402


@api.exception_handler(PlanTransitionError)
def _plan_wrong_state(request: HttpRequest, exc: PlanTransitionError) -> HttpResponse:
    items = [{"field": "status", "message": message} for message in exc.messages]
    return error(request, 409, _("Trạng thái hiện tại của kế hoạch không cho phép thao tác này."), items)


api.add_router("/plans", plans_router, tags=["plans"])

from khuyencong.results.api import router as reports_router  # noqa: E402

api.add_router("/reports", reports_router, tags=["reports"])

from khuyencong.results.api_results import router as results_router  # noqa: E402

api.add_router("/results", results_router, tags=["results"])

from khuyencong.appraisal.api import router as appraisal_router  # noqa: E402

api.add_router("/appraisal", appraisal_router, tags=["appraisal"])

from khuyencong.imports.api import router as imports_router  # noqa: E402

api.add_router("/imports", imports_router, tags=["imports"])
