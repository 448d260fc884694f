"""Files attached to a project (issue 3 §7): which types are allowed, how large, and their hash.

Model-free: these helpers read an uploaded file and either describe it or refuse it with a message that
names the field ("file") and the rule broken. A type is accepted only when the name's extension and the
content agree, so an executable renamed ``.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FIELD = "file"
CHUNK_SIZE = 64 * 1024
SNIFF_BYTES = 16


class Upload(Protocol):
    """What Django's UploadedFile offers and these helpers use."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...

    def read(self, size: int = -1) -> bytes: ...


def _zip_with_content_types(marker: bytes) -> Callable[[IO[bytes]], bool]:
    """An Office Open XML file: a zip whose [Content_Types].xml declares the main part's type."""

    def check(stream: IO[bytes]) -> bool:
        with zipfile.ZipFile(stream) as archive:
            return marker in archive.read("[Content_Types].xml")

    return check


def _zip_with_mimetype(mimetype: bytes) -> Callable[[IO[bytes]], bool]:
    """An OpenDocument file: a zip whose "mimetype" entry names the document type."""

    def check(stream: IO[bytes]) -> bool:
        with zipfile.ZipFile(stream) as archive:
            return archive.read("mimetype").strip() == mimetype

    return check


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    magic: tuple[bytes, ...]
    # A further look inside a zip container, for the formats that are zips.
    inside: Callable[[IO[bytes]], bool] | None = None


ZIP_MAGIC = (b"PK\x03\x04",)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
JPEG = FileType("JPEG", "image/jpeg", (b"\xff\xd8\xff",))

ALLOWED: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", (b"%PDF-",)),
    "png": FileType("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": JPEG,
    "jpeg": JPEG,
    "docx": FileType("DOCX", DOCX, ZIP_MAGIC, _zip_with_content_types(b"wordprocessingml.document.main+xml")),
    "xlsx": FileType("XLSX", XLSX, ZIP_MAGIC, _zip_with_content_types(b"spreadsheetml.sheet.main+xml")),
    "odt": FileType("ODT", ODT, ZIP_MAGIC, _zip_with_mimetype(ODT.encode())),
    "ods": FileType("ODS", ODS, ZIP_MAGIC, _zip_with_mimetype(ODS.encode())),
}


def allowed_extensions() -> list[str]:
    return sorted(ALLOWED)


def accept_attribute() -> str:
    """For the <input type="file" accept="…"> of the upload form (a hint; the server decides)."""
    return ",".join(f".{ext}" for ext in allowed_extensions())


def max_upload_bytes() -> int:
    return int(settings.KHUYENCONG_MAX_UPLOAD_MB) * 1024 * 1024


def refuse(message: str) -> ValidationError:
    return ValidationError({FIELD: message}, code="invalid_file")


def extension(name: str) -> str:
    """The lower-case extension without the dot ("" when there is none)."""
    return PurePath(name).suffix.lower().lstrip(".")


def _too_large() -> ValidationError:
    return refuse(
        _("Tệp đính kèm (file) quá lớn: mỗi tệp không được vượt %(mb)s MB.")
        % {"mb": settings.KHUYENCONG_MAX_UPLOAD_MB}
    )


def check_size(size: int | None) -> None:
    """Refuse an empty file or one above KHUYENCONG_MAX_UPLOAD_MB."""
    if not size:
        raise refuse(_("Tệp đính kèm (file) rỗng: hãy chọn một tệp có nội dung."))
    if size > max_upload_bytes():
        raise _too_large()


def _content_matches(upload: Upload, kind: FileType) -> bool:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    if not any(head.startswith(magic) for magic in kind.magic):
        return False
    if kind.inside is None:
        return True
    upload.seek(0)
    try:
        return kind.inside(upload)  # type: ignore[arg-type]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return False
    finally:
        upload.seek(0)


def check_type(upload: Upload) -> tuple[str, FileType]:
    """The extension and type of an allowed file whose content agrees with its name; refuse the rest."""
    ext = extension(upload.name or "")
    kind = ALLOWED.get(ext)
    allowed = ", ".join(ext.upper() for ext in allowed_extensions())
    if kind is None:
        raise refuse(
            _("Tệp đính kèm (file) “%(name)s” không thuộc loại được phép; chỉ nhận: %(allowed)s.")
            % {"name": upload.name or "", "allowed": allowed}
        )
    if not _content_matches(upload, kind):
        raise refuse(
            _(
                "Tệp đính kèm (file) “%(name)s” có đuôi .%(ext)s nhưng nội dung không phải tệp %(label)s; "
                "chỉ nhận tệp có nội dung đúng với đuôi tên (%(allowed)s)."
            )
            % {"name": upload.name or "", "ext": ext, "label": kind.label, "allowed": allowed}
        )
    upload.seek(0)
    return ext, kind


def hash_stream(upload: Upload) -> tuple[str, int]:
    """SHA-256 and size, read chunk by chunk; stops as soon as the size limit is passed."""
    digest = hashlib.sha256()
    size = 0
    limit = max_upload_bytes()
    upload.seek(0)
    for chunk in upload.chunks(CHUNK_SIZE):
        size += len(chunk)
        if size > limit:
            raise _too_large()
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class Checked:
    ext: str
    content_type: str
    sha256: str
    size: int
    original_name: str


def inspect(upload: Upload) -> Checked:
    """Check size and type, then hash: everything a service needs before it writes anything."""
    check_size(upload.size)
    ext, kind = check_type(upload)
    sha256, size = hash_stream(upload)
    check_size(size)
    name = PurePath((upload.name or "").replace("\\", "/")).name[:255]
    return Checked(ext=ext, content_type=kind.content_type, sha256=sha256, size=size, original_name=name)


def storage_name(*, project_id: Any, sha256: str, ext: str) -> str:
    """Where a file lives under MEDIA_ROOT: named by its hash, so the name says nothing of the content."""
    return f"projects/{project_id}/{sha256}.{ext}"


def document_upload_to(instance: Any, filename: str) -> str:
    """FileField.upload_to: the path from the row's project and hash, the extension from the name."""
    return storage_name(project_id=instance.project_id, sha256=instance.sha256, ext=extension(filename))
