"""Attaching a file to a project: checked, hashed, stored under MEDIA_ROOT and audited, or refused whole."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.projects import documents, workflow
from khuyencong.projects.models import DocumentKind, Project, ProjectDocument


def may_upload(user: Any, project: Project) -> bool:
    """Centre staff, and the project's proposer or the representative of a beneficiary, within scope."""
    if not Project.objects.visible_to(user).filter(pk=project.pk).exists():
        return False
    role = workflow.role_of(user)
    if role in workflow.CENTRE:
        return True
    if project.created_by_id is not None and project.created_by_id == user.pk:
        return True
    return role == Role.BUSINESS and workflow.acts_in_scope(project, user)


def storage_error_message(exc: OSError, name: str) -> str:
    """What the person uploading reads when the server cannot write the file (nothing was saved)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _(
            "Không lưu được tệp đính kèm (file) “%(name)s”: máy chủ đã hết dung lượng lưu trữ. Hồ sơ chưa "
            "thay đổi; hãy báo quản trị hệ thống giải phóng dung lượng rồi tải lên lại."
        ) % {"name": name}
    return _(
        "Không lưu được tệp đính kèm (file) “%(name)s” do lỗi ghi trên máy chủ (%(error)s). Hồ sơ chưa "
        "thay đổi; hãy thử lại hoặc báo quản trị hệ thống."
    ) % {"name": name, "error": exc.strerror or exc.__class__.__name__}


@transaction.atomic
def project_document_upload(
    *, project: Project, actor: Any, upload: documents.Upload, kind: str, title: str = ""
) -> ProjectDocument:
    """Store one file for a project. On any refusal nothing is saved: no row and no file on disk."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if not may_upload(actor, locked):
        raise PermissionDenied(_("Bạn không có quyền đính kèm tài liệu cho đề án này."))
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Loại tài liệu không có trong danh mục.")})
    checked = documents.inspect(upload)
    if locked.documents.filter(sha256=checked.sha256).exists():
        raise documents.refuse(
            _("Tệp đính kèm (file) “%(name)s” đã có trong hồ sơ đề án (cùng mã băm).")
            % {"name": checked.original_name}
        )
    document = ProjectDocument(
        project=locked,
        kind=kind,
        title=title.strip() or checked.original_name,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    name = documents.storage_name(project_id=locked.pk, sha256=checked.sha256, ext=checked.ext)
    if default_storage.exists(name):  # left behind by an earlier failure: no row points at it
        default_storage.delete(name)
    try:
        document.file.save(name, upload, save=False)
    except OSError as exc:
        # A full disk or a write error: the storage may have left part of the file; it goes too.
        if default_storage.exists(name):
            default_storage.delete(name)
        raise documents.refuse(storage_error_message(exc, checked.original_name)) from exc
    stored = document.file.name
    # If the row or its audit cannot be written, the file goes too.
    try:
        document.full_clean(exclude=["file"])
        document.save()
        audit.record(
            instance=locked,
            action=AuditAction.UPDATE,
            actor=actor,
            changes={
                "document": {
                    "label": _("tài liệu đính kèm"),
                    "before": None,
                    "after": f"{document.get_kind_display()}: {document.title} "
                    f"({checked.original_name}, SHA-256 {checked.sha256})",
                }
            },
        )
    except BaseException:
        default_storage.delete(stored)
        raise
    return document


# Several files saved with other records in one step (acceptance photos, settlement documents) -------

PHOTO_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})


def check_upload(upload: documents.Upload, *, kind: str) -> documents.Checked:
    """Check a file before anything is written: type, size, and for a photo that it is an image."""
    checked = documents.inspect(upload)
    if kind == DocumentKind.PHOTO and checked.ext not in PHOTO_EXTENSIONS:
        raise documents.refuse(
            _("Ảnh “%(name)s” phải là tệp %(types)s.")
            % {"name": checked.original_name, "types": ", ".join(sorted(e.upper() for e in PHOTO_EXTENSIONS))}
        )
    return checked


@contextmanager
def files_removed_on_failure() -> Iterator[list[ProjectDocument]]:
    """Collect the documents stored inside the block; if the block fails, their files go too.

    The database rolls back the rows on its own, but files on disk are not part of the transaction.
    """
    stored: list[ProjectDocument] = []
    try:
        yield stored
    except BaseException:
        for document in stored:
            default_storage.delete(document.file.name)
        raise


def upload_many(
    *,
    project: Project,
    actor: Any,
    uploads: list[tuple[str, documents.Upload]],
    stored: list[ProjectDocument],
) -> None:
    """Store (kind, file) pairs one by one through project_document_upload, recording each in `stored`."""
    for kind, upload in uploads:
        stored.append(project_document_upload(project=project, actor=actor, upload=upload, kind=kind))
