"""Checks for the files a product carries: photos (JPEG, PNG) and the certificate (PDF, JPEG, PNG).

Built on the project documents' rules (khuyencong/projects/documents.py): a type is accepted only when
the name's extension and the content agree, the size limit is KHUYENCONG_MAX_UPLOAD_MB, and the file is
stored under its SHA-256. Photos are also opened with Pillow, so a PNG header glued to something else is
refused too. Every refusal names the field it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from khuyencong.projects.documents import ALLOWED, FileType, Upload, extension, hash_stream, max_upload_bytes

PHOTO_TYPES: dict[str, FileType] = {ext: ALLOWED[ext] for ext in ("jpg", "jpeg", "png")}
CERTIFICATE_TYPES: dict[str, FileType] = {ext: ALLOWED[ext] for ext in ("pdf", "jpg", "jpeg", "png")}
SNIFF_BYTES = 16
# Far above any camera photo; refuses decompression bombs before Pillow allocates them.
MAX_PIXELS = 60_000_000


@dataclass(frozen=True)
class Checked:
    ext: str
    content_type: str
    sha256: str
    size: int
    original_name: str


def _refuse(field: str, message: str) -> ValidationError:
    return ValidationError({field: message}, code="invalid_file")


def _check_size(field: str, label: str, size: int | None) -> None:
    if not size:
        raise _refuse(field, _("%(label)s rỗng: hãy chọn một tệp có nội dung.") % {"label": label})
    if size > max_upload_bytes():
        raise _refuse(
            field,
            _("%(label)s quá lớn: mỗi tệp không được vượt %(mb)s MB.")
            % {"label": label, "mb": settings.KHUYENCONG_MAX_UPLOAD_MB},
        )


def _check_type(field: str, label: str, upload: Upload, types: dict[str, FileType]) -> tuple[str, FileType]:
    ext = extension(upload.name or "")
    kind = types.get(ext)
    allowed = ", ".join(sorted({e.upper() for e in types}))
    if kind is None:
        raise _refuse(
            field,
            _("%(label)s “%(name)s” không thuộc loại được phép; chỉ nhận: %(allowed)s.")
            % {"label": label, "name": upload.name or "", "allowed": allowed},
        )
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in kind.magic):
        raise _refuse(
            field,
            _(
                "%(label)s “%(name)s” có đuôi .%(ext)s nhưng nội dung không phải tệp %(type)s; "
                "chỉ nhận tệp có nội dung đúng với đuôi tên (%(allowed)s)."
            )
            % {"label": label, "name": upload.name or "", "ext": ext, "type": kind.label, "allowed": allowed},
        )
    return ext, kind


def _check_image(field: str, label: str, upload: Upload) -> None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:  # type: ignore[arg-type]
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _refuse(field, _("%(label)s có kích thước ảnh quá lớn.") % {"label": label})
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise _refuse(
            field,
            _("%(label)s “%(name)s” không đọc được như một ảnh.") % {"label": label, "name": upload.name},
        ) from None
    finally:
        upload.seek(0)


def _inspect(field: str, label: str, upload: Upload, types: dict[str, FileType], *, image: bool) -> Checked:
    _check_size(field, label, upload.size)
    ext, kind = _check_type(field, label, upload, types)
    if image or kind.content_type.startswith("image/"):
        _check_image(field, label, upload)
    try:
        sha256, size = hash_stream(upload)
    except ValidationError:
        raise _refuse(
            field,
            _("%(label)s quá lớn: mỗi tệp không được vượt %(mb)s MB.")
            % {"label": label, "mb": settings.KHUYENCONG_MAX_UPLOAD_MB},
        ) from None
    _check_size(field, label, size)
    name = PurePath((upload.name or "").replace("\\", "/")).name[:255]
    return Checked(ext=ext, content_type=kind.content_type, sha256=sha256, size=size, original_name=name)


def inspect_photo(upload: Upload) -> Checked:
    return _inspect("image", _("Ảnh sản phẩm (image)"), upload, PHOTO_TYPES, image=True)


def inspect_certificate(upload: Upload) -> Checked:
    return _inspect(
        "certificate_file",
        _("Tệp giấy chứng nhận (certificate_file)"),
        upload,
        CERTIFICATE_TYPES,
        image=False,
    )


def photo_upload_to(instance: Any, filename: str) -> str:
    """Under MEDIA_ROOT, named by the hash so the name says nothing of the content."""
    return f"products/{instance.product_id}/{instance.sha256}.{extension(filename)}"


def certificate_upload_to(instance: Any, filename: str) -> str:
    return f"products/{instance.product_id}/certificates/{instance.certificate_sha256}.{extension(filename)}"
