"""Spreadsheet import over the API: the same upload checks, engine and report as the import pages."""

# No `from __future__ import annotations` here: django-ninja reads these annotations at run time.
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from khuyencong.api.paging import Page
from khuyencong.imports.choices import ImportKind
from khuyencong.imports.engine import ImportReport, run_import
from khuyencong.imports.forms import UploadForm
from khuyencong.imports.selectors import trainee_list
from khuyencong.imports.services import may_import
from khuyencong.privacy import policy
from khuyencong.privacy.models import Route

router = Router()


class RowErrorOut(Schema):
    row: int | None
    cell: str
    column: str
    value: str
    message: str


class ImportOut(Schema):
    kind: str
    filename: str
    dry_run: bool
    format: str
    rows: int
    created: int
    updated: int
    unchanged: int
    committed: bool
    notices: list[str]
    errors: list[RowErrorOut]


def _out(report: ImportReport) -> dict[str, Any]:
    return {
        "kind": report.kind,
        "filename": report.filename,
        "dry_run": report.dry_run,
        "format": report.format,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "committed": report.committed,
        "notices": [str(n) for n in report.notices],
        "errors": [
            {"row": e.row, "cell": e.cell, "column": e.column, "value": e.value, "message": e.message}
            for e in report.errors
        ],
    }


@router.post(
    "/{kind}",
    response={200: ImportOut},
    summary="Kiểm tra (dry_run) hoặc nhập một tệp bảng tính (.xlsx, .ods, .csv)",
    description=(
        "kind: establishments | projects | results | trainees. dry_run=true (mặc định) chỉ kiểm tra và báo "
        "mọi lỗi (dòng, cột, giá trị, thông báo), không ghi gì; dry_run=false nhập cả tệp trong một giao "
        "dịch, hoặc không nhập gì nếu còn một lỗi (422, `errors` nêu từng ô). Nhập lại cùng tệp không tạo "
        "bản ghi mới. Tệp lớn nên nhập qua trang “Nhập dữ liệu” (chạy nền, có tiến độ)."
    ),
)
def import_file(request: HttpRequest, kind: str, file: File[UploadedFile], dry_run: bool = True) -> Any:
    from khuyencong.api.api import error

    if kind not in ImportKind.values:
        return error(request, 404, _("Không có loại dữ liệu nhập “%(kind)s”.") % {"kind": kind[:40]})
    if not may_import(request.user):
        return error(request, 403, _("Chỉ cán bộ Trung tâm và quản trị hệ thống được nhập dữ liệu từ tệp."))
    form = UploadForm(data={"kind": kind}, files=MultiValueDict({"file": [file]}))
    if not form.is_valid():
        items = [{"field": f, "message": str(m)} for f, messages in form.errors.items() for m in messages]
        return error(request, 422, items[0]["message"], items)
    report = run_import(kind, file, request.user, dry_run, filename=file.name or "")
    if report.errors and not dry_run:
        cells: list[dict[str, Any]] = [
            {
                "field": e.cell or e.column or None,
                "message": _format_error(e.row, e.column, e.value, e.message),
            }
            for e in report.errors
        ]
        response: HttpResponse = error(
            request, 422, _("Tệp còn %(n)s lỗi; chưa nhập gì.") % {"n": len(report.errors)}, cells
        )
        return response
    return _out(report)


def _format_error(row: int | None, column: str, value: str, message: str) -> str:
    if row is None:
        return message
    where = _("dòng %(row)s") % {"row": row}
    if column:
        where += ", " + _("cột “%(column)s”") % {"column": column}
    if value:
        where += ", " + _("giá trị “%(value)s”") % {"value": value}
    return f"{where}: {message}"


class TraineeOut(Schema):
    id: int
    project: str = Field(..., description="Mã đề án (khoá đào tạo).")
    full_name: str
    sex: str
    ethnicity: str
    birth_year: int
    commune_id: int
    commune: str
    id_number: str = Field(
        ...,
        description="Số định danh cá nhân (CCCD): đầy đủ cho cán bộ Trung tâm và quản trị (mỗi lần đọc được "
        "ghi nhật ký), còn lại được che (020******789); rỗng khi chưa ghi.",
    )
    phone: str = Field(..., description="Như số định danh: đầy đủ hoặc được che (091****678).")

    @staticmethod
    def resolve_project(obj: Any) -> str:
        return str(obj.project.code)

    @staticmethod
    def resolve_commune(obj: Any) -> str:
        return str(obj.commune)

    @staticmethod
    def resolve_id_number(obj: Any, context: Any) -> str:
        return policy.viewer(context["request"], Route.API).value(obj, "id_number")

    @staticmethod
    def resolve_phone(obj: Any, context: Any) -> str:
        return policy.viewer(context["request"], Route.API).value(obj, "phone")


class TraineeFilterIn(Schema):
    project: str = Field(
        "", max_length=40, description="Mã đề án (khoá đào tạo); trống: mọi khoá bạn xem được."
    )


# Two segments: `POST /{kind}` owns every single-segment path of this router.
@router.get("/trainees/roster", response=list[TraineeOut], summary="Danh sách học viên các khoá đào tạo")
@paginate(Page)
def list_trainees(request: HttpRequest, filters: Query[TraineeFilterIn]) -> Any:
    return trainee_list(user=request.user, project=filters.project)
