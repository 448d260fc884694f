# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
"""The registry through the API: list, read, create, change, merge and history, with the web form's checks.

Writes go through EstablishmentForm (the page's validation) and the registry's services; a refusal
changes nothing and answers 403 (role or place), 404 (outside scope), 409 (a merged record) or 422.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Reply

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import can_manage_registry
from khuyencong.api.errors import Conflict
from khuyencong.api.forms import checked, merged
from khuyencong.api.paging import Page
from khuyencong.core import audit
from khuyencong.establishments import services
from khuyencong.establishments.choices import LegalForm, Sector
from khuyencong.establishments.forms import EstablishmentForm
from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import EstablishmentFilters, establishment_get, establishment_list
from khuyencong.privacy import policy
from khuyencong.privacy.models import Route
from khuyencong.projects.api import Count, HistoryOut, InputSchema, RecordId, StrictSchema, Text

router = Router()


def _shown(context: Any, obj: Any, name: str) -> str:
    """A personal field as privacy.policy lets the caller read it (in full: logged)."""
    return policy.viewer(context["request"], Route.API).value(obj, name)


class EstablishmentOut(Schema):
    id: int
    name: str
    legal_form: str
    tax_code: str = Field(
        ...,
        description="12 số (số định danh cá nhân): đầy đủ cho vai trò cần dữ liệu cá nhân (mỗi lần đọc được "
        "ghi nhật ký), còn lại được che (020******789).",
    )
    representative: str
    address: str
    commune_id: int
    commune: str
    sector: str
    workers: int
    women_workers: int
    ethnic_minority_workers: int
    founded_year: int | None
    products: str
    merged_into_id: int | None

    @staticmethod
    def resolve_commune(obj: Any) -> str:
        return str(obj.commune)

    @staticmethod
    def resolve_tax_code(obj: Any, context: Any) -> str:
        return _shown(context, obj, "tax_code")


class EstablishmentDetailOut(EstablishmentOut):
    legal_form_label: str
    sector_label: str
    phone: str = Field(
        ...,
        description="Đầy đủ cho vai trò cần dữ liệu cá nhân (ghi nhật ký); còn lại được che (091****678).",
    )
    may_edit: bool
    may_merge: bool

    @staticmethod
    def resolve_legal_form_label(obj: Any) -> str:
        return str(obj.get_legal_form_display())

    @staticmethod
    def resolve_sector_label(obj: Any) -> str:
        return str(obj.get_sector_display())

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return _shown(context, obj, "phone")

    @staticmethod
    def resolve_may_edit(obj: Any, context: Any) -> bool:
        return services.can_edit(context["request"].user, obj)

    @staticmethod
    def resolve_may_merge(obj: Any, context: Any) -> bool:
        return obj.merged_into_id is None and can_manage_registry(context["request"].user)


class EstablishmentFilterIn(InputSchema):
    q: str = Field("", description="Tên, mã số thuế hoặc địa chỉ; không cần gõ dấu (hung long).")
    commune: RecordId | None = Field(None, description="Xã/phường (id), gồm cả các đơn vị cũ nhập vào.")
    sector: Sector | None = None
    legal_form: LegalForm | None = None


class EstablishmentIn(StrictSchema):
    name: str = Field(..., description="Tên cơ sở.")
    legal_form: LegalForm
    tax_code: str = Field("", description="10 số (DN, HTX), 13 số (chi nhánh) hoặc 12 số (cá nhân).")
    representative: str = ""
    phone: str = ""
    address: str = ""
    commune: RecordId = Field(..., description="Xã/phường hiện hành (id) trong phạm vi của bạn.")
    sector: Sector
    workers: Count = 0
    women_workers: Count = 0
    ethnic_minority_workers: Count = 0
    founded_year: int | None = Field(None, ge=0, le=32767)
    products: str = ""
    confirm_duplicate: bool = Field(
        False, description="true: đã kiểm tra, không phải hồ sơ trùng (cùng tên, cùng xã); vẫn lưu."
    )


class EstablishmentPatchIn(StrictSchema):
    name: str | None = None
    legal_form: LegalForm | None = None
    tax_code: str | None = None
    representative: str | None = None
    phone: str | None = None
    address: str | None = None
    commune: RecordId | None = None
    sector: Sector | None = None
    workers: Count | None = None
    women_workers: Count | None = None
    ethnic_minority_workers: Count | None = None
    founded_year: int | None = Field(None, ge=0, le=32767)
    products: str | None = None
    confirm_duplicate: bool = False


class MergeIn(StrictSchema):
    target: RecordId = Field(..., description="Hồ sơ giữ lại (id).")
    reason: Text = Field(..., min_length=1, max_length=1000, description="Lý do gộp.")


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, LegalForm | Sector) else v) for k, v in values.items()}


def _save(
    request: HttpRequest, form: EstablishmentForm, instance: Establishment | None, confirm: bool
) -> Establishment:
    checked(form)
    try:
        if instance is None:
            return services.establishment_create(
                actor=request.user, data=form.service_data(), confirm_duplicate=confirm
            )
        return services.establishment_update(
            establishment=instance, actor=request.user, data=form.service_data(), confirm_duplicate=confirm
        )
    except services.DuplicateWarning as warning:
        # The page asks to tick "not a duplicate"; the API names the same field.
        raise ValidationError({"confirm_duplicate": warning.messages}) from None


@router.get("", response=list[EstablishmentOut], summary="Danh sách, tìm kiếm cơ sở CNNT (không cần gõ dấu)")
@paginate(Page)
def list_establishments(request: HttpRequest, filters: Query[EstablishmentFilterIn]) -> Any:
    return establishment_list(
        user=request.user,
        filters=EstablishmentFilters(
            q=filters.q,
            commune=filters.commune,
            sector=filters.sector.value if filters.sector else "",
            legal_form=filters.legal_form.value if filters.legal_form else "",
        ),
    )


@router.post(
    "",
    response={201: EstablishmentDetailOut},
    summary="Thêm cơ sở CNNT, kiểm tra như biểu mẫu trên web (trùng mã số thuế, trùng tên cùng xã)",
)
def create_establishment(request: HttpRequest, payload: EstablishmentIn) -> Any:
    user: Any = request.user
    if not (can_manage_registry(user) or user.role == Role.COMMUNE_OFFICER):
        raise PermissionDenied(_("Vai trò của bạn không thêm hồ sơ cơ sở."))
    sent = _plain(payload.model_dump(exclude={"confirm_duplicate"}))
    form = EstablishmentForm({k: "" if v is None else v for k, v in sent.items()}, user=user)
    saved = _save(request, form, None, payload.confirm_duplicate)
    return Reply(201, establishment_get(user=user, pk=saved.pk))


@router.get("/{pk}", response=EstablishmentDetailOut, summary="Một cơ sở CNNT")
def get_establishment(request: HttpRequest, pk: int) -> Any:
    return establishment_get(user=request.user, pk=pk)


@router.patch(
    "/{pk}",
    response=EstablishmentDetailOut,
    summary="Sửa hồ sơ cơ sở (chỉ các trường gửi lên), kiểm tra như biểu mẫu trên web",
)
def update_establishment(request: HttpRequest, pk: int, payload: EstablishmentPatchIn) -> Any:
    user: Any = request.user
    establishment = establishment_get(user=user, pk=pk)
    if establishment.merged_into_id is not None:
        raise Conflict(_("Hồ sơ này đã được gộp vào hồ sơ khác; hãy sửa hồ sơ còn lại."))
    if not services.can_edit(user, establishment):
        raise PermissionDenied(_("Bạn không có quyền sửa hồ sơ này."))
    sent = _plain(payload.model_dump(exclude_unset=True, exclude={"confirm_duplicate"}))
    # A representative edits their own record wherever it is; others choose among their communes.
    form = merged(
        EstablishmentForm,
        sent,
        instance=establishment_get(user=user, pk=pk),
        user=None if user.role == Role.BUSINESS else user,
    )
    _save(request, form, establishment, payload.confirm_duplicate)
    return establishment_get(user=user, pk=pk)


@router.post(
    "/{pk}/merge",
    response=EstablishmentDetailOut,
    summary="Gộp hồ sơ trùng vào hồ sơ giữ lại (cán bộ Trung tâm); trả về hồ sơ giữ lại",
)
def merge_establishment(request: HttpRequest, pk: int, payload: MergeIn) -> Any:
    user: Any = request.user
    source = establishment_get(user=user, pk=pk)
    if not can_manage_registry(user):
        raise PermissionDenied(_("Chỉ cán bộ Trung tâm được gộp hồ sơ."))
    if source.merged_into_id is not None:
        raise Conflict(_("Hồ sơ này đã được gộp trước đó."))
    try:
        target = establishment_get(user=user, pk=payload.target)
    except Http404:
        raise ValidationError(
            {"target": _("Không tìm thấy hồ sơ giữ lại số %(pk)s.") % {"pk": payload.target}}
        ) from None
    kept = services.establishment_merge(source=source, target=target, actor=user, reason=payload.reason)
    return establishment_get(user=user, pk=kept.pk)


@router.get("/{pk}/history", response=list[HistoryOut], summary="Nhật ký thay đổi của hồ sơ (mới nhất trước)")
@paginate(Page)
def establishment_history(request: HttpRequest, pk: int) -> Any:
    establishment = establishment_get(user=request.user, pk=pk)
    return policy.viewer(request, Route.API).history_pages(establishment, audit.history(establishment))
