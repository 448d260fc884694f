"""The one way to change products and rounds. Every write is atomic, locks what two users could race on,
checks the actor's rights inside, and writes an audit row in the same transaction.

Who does what: the centre (officers, administrators) keeps the catalogue, runs the rounds and records
certificates; a council member declares conflicts and submits their own sheets; a leader may cancel a
round being scored. Certificate numbers are always typed by an officer from the document: nothing here
makes one up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils.text import slugify
from django.utils.translation import gettext as _

from khuyencong.accounts.choices import Role
from khuyencong.core import audit
from khuyencong.core.models import AuditAction
from khuyencong.core.text import fold
from khuyencong.products import selectors, uploads, workflow
from khuyencong.products.choices import CRITERIA, MemberPosition, RoundStatus
from khuyencong.products.models import (
    Conflict,
    Entry,
    Product,
    ProductPhoto,
    Recognition,
    RoundMember,
    ScoreSheet,
    SelectionRound,
)
from khuyencong.projects.documents import Upload

# Paths under /san-pham/ that a product's slug must not take.
RESERVED_SLUGS = frozenset({"quan-ly", "binh-chon"})
PRODUCT_FIELDS = ("name", "group", "producer", "commune", "description")
ROUND_FIELDS = ("name", "year", "level", "held_on", "pass_mark", "decision_reference", "note")


def _require_centre(actor: Any) -> None:
    if not selectors.can_manage(actor):
        raise PermissionDenied(
            _("Chỉ cán bộ Trung tâm hoặc quản trị hệ thống được quản lý sản phẩm và đợt bình chọn.")
        )


def _snapshot(instance: Any) -> audit.Snapshot:
    """audit.snapshot, with stored files shown by their name (a FieldFile is not JSON)."""
    result = audit.snapshot(instance)
    for item in result.values():
        if isinstance(item["value"], FieldFile):
            item["value"] = item["value"].name or None
    return result


def _record_create(instance: Any, *, actor: Any, reason: str = "") -> None:
    audit.record(
        instance=instance,
        action=AuditAction.CREATE,
        actor=actor,
        changes=audit.diff({}, _snapshot(instance)),
        reason=reason,
    )


def _record_update(instance: Any, *, actor: Any, before: audit.Snapshot) -> None:
    changes = audit.diff(before, _snapshot(instance))
    if changes:
        audit.record(instance=instance, action=AuditAction.UPDATE, actor=actor, changes=changes)


def _unique_slug(name: str) -> str:
    base = slugify(fold(name))[:100].strip("-") or "san-pham"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Product.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


# --- products -------------------------------------------------------------------------------------


@transaction.atomic
def product_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> Product:
    _require_centre(actor)
    product = Product(created_by=actor, is_demo=is_demo)
    for name in PRODUCT_FIELDS:
        setattr(product, name, data.get(name, "" if name == "description" else None))
    if product.commune_id is None and product.producer_id is not None:
        product.commune = product.producer.commune
    product.full_clean(exclude=["slug"])
    product.slug = _unique_slug(product.name)
    product.save()
    _record_create(product, actor=actor)
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, data: Mapping[str, Any]) -> Product:
    """Everything but the slug, which printed QR labels carry."""
    _require_centre(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    before = _snapshot(locked)
    for name in PRODUCT_FIELDS:
        if name in data:
            setattr(locked, name, data[name])
    if locked.commune_id is None:
        locked.commune = locked.producer.commune
    locked.full_clean()
    locked.save()
    _record_update(locked, actor=actor, before=before)
    return locked


@transaction.atomic
def photo_add(*, actor: Any, product: Product, upload: Upload, caption: str = "") -> ProductPhoto:
    _require_centre(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    checked = uploads.inspect_photo(upload)
    if ProductPhoto.objects.filter(product=locked, sha256=checked.sha256).exists():
        raise ValidationError({"image": _("Ảnh (image) này đã có trong sản phẩm.")})
    photo = ProductPhoto(
        product=locked,
        sha256=checked.sha256,
        content_type=checked.content_type,
        size=checked.size,
        original_name=checked.original_name,
        caption=" ".join(caption.split())[:300],
    )
    photo.image.save(f"{checked.sha256}.{checked.ext}", File(upload), save=False)  # type: ignore[arg-type]
    try:
        photo.full_clean(exclude=["image"])
        photo.save()
    except Exception:
        photo.image.delete(save=False)
        raise
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={f"photo.{photo.pk}": {"label": _("ảnh"), "before": None, "after": photo.original_name}},
    )
    return photo


@transaction.atomic
def photo_remove(*, actor: Any, photo: ProductPhoto) -> None:
    _require_centre(actor)
    locked = Product.objects.select_for_update().get(pk=photo.product_id)
    name, pk, stored = photo.original_name, photo.pk, photo.image.name
    photo.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: ProductPhoto.image.field.storage.delete(stored))
    audit.record(
        instance=locked,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={f"photo.{pk}": {"label": _("ảnh"), "before": name, "after": None}},
    )


# --- recognitions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateData:
    number: str = ""
    date: dt.date | None = None


def _attach_certificate(recognition: Recognition, upload: Upload) -> None:
    checked = uploads.inspect_certificate(upload)
    recognition.certificate_sha256 = checked.sha256
    recognition.certificate_content_type = checked.content_type
    recognition.certificate_file.save(f"{checked.sha256}.{checked.ext}", File(upload), save=False)  # type: ignore[arg-type]


@transaction.atomic
def recognition_add(
    *,
    actor: Any,
    product: Product,
    level: str,
    year: int,
    decided_on: dt.date,
    certificate: CertificateData = CertificateData(),
    certificate_file: Upload | None = None,
) -> Recognition:
    """A recognition decided outside the rounds kept here (e.g. a regional or national contest)."""
    _require_centre(actor)
    locked = Product.objects.select_for_update().get(pk=product.pk)
    recognition = Recognition(
        product=locked,
        level=level,
        year=year,
        decided_on=decided_on,
        certificate_number=certificate.number,
        certificate_date=certificate.date,
        is_demo=locked.is_demo,
    )
    if Recognition.objects.filter(product=locked, level=level, year=year).exists():
        raise ValidationError(
            {
                "level": _("Sản phẩm “%(name)s” đã được công nhận %(level)s năm %(year)s.")
                % {"name": locked.name, "level": recognition.get_level_display().lower(), "year": year}
            }
        )
    recognition.full_clean(exclude=["certificate_file"], validate_constraints=False)
    if certificate_file is not None:
        _attach_certificate(recognition, certificate_file)
    recognition.save()
    _record_create(recognition, actor=actor)
    return recognition


@transaction.atomic
def certificate_update(
    *,
    actor: Any,
    recognition: Recognition,
    certificate: CertificateData,
    certificate_file: Upload | None = None,
) -> Recognition:
    """Record the certificate as issued (it often comes after the round closes)."""
    _require_centre(actor)
    locked = Recognition.objects.select_for_update().get(pk=recognition.pk)
    before = _snapshot(locked)
    locked.certificate_number = certificate.number
    locked.certificate_date = certificate.date
    locked.full_clean(exclude=["certificate_file"])
    if certificate_file is not None:
        _attach_certificate(locked, certificate_file)
    locked.save()
    _record_update(locked, actor=actor, before=before)
    return locked


# --- rounds ---------------------------------------------------------------------------------------


def _lock_round(selection_round: SelectionRound) -> SelectionRound:
    return SelectionRound.objects.select_for_update().get(pk=selection_round.pk)


def _require_status(selection_round: SelectionRound, *states: RoundStatus) -> None:
    if selection_round.status not in states:
        raise ValidationError(
            _("Đợt bình chọn đang ở trạng thái “%(state)s”: không làm được việc này.")
            % {"state": RoundStatus(selection_round.status).label},
            code="wrong_state",
        )


def _note(
    selection_round: SelectionRound, *, actor: Any, key: str, label: str, before: Any, after: Any
) -> None:
    """Members and entries are kept in the round's own history, readable after they are taken off."""
    audit.record(
        instance=selection_round,
        action=AuditAction.UPDATE,
        actor=actor,
        changes={key: {"label": label, "before": before, "after": after}},
    )


@transaction.atomic
def round_create(*, actor: Any, data: Mapping[str, Any], is_demo: bool = False) -> SelectionRound:
    _require_centre(actor)
    selection_round = SelectionRound(created_by=actor, is_demo=is_demo)
    for name in ROUND_FIELDS:
        if name in data:
            setattr(selection_round, name, data[name])
    selection_round.full_clean()
    selection_round.save()
    _record_create(selection_round, actor=actor)
    return selection_round


@transaction.atomic
def round_update(*, actor: Any, selection_round: SelectionRound, data: Mapping[str, Any]) -> SelectionRound:
    """While preparing, everything; while scoring, only the decision reference and the note (the
    level, year and pass mark decide the results the members are scoring towards)."""
    _require_centre(actor)
    locked = _lock_round(selection_round)
    _require_status(locked, RoundStatus.DRAFT, RoundStatus.SCORING)
    before = _snapshot(locked)
    editable = ROUND_FIELDS if locked.status == RoundStatus.DRAFT else ("decision_reference", "note")
    for name in ROUND_FIELDS:
        if name not in data:
            continue
        if name not in editable and data[name] != getattr(locked, name):
            raise ValidationError(
                {name: _("Đợt bình chọn đang chấm điểm: không đổi năm, cấp, ngày hoặc điểm đạt được nữa.")}
            )
        setattr(locked, name, data[name])
    locked.full_clean()
    locked.save()
    _record_update(locked, actor=actor, before=before)
    return locked


@transaction.atomic
def member_add(
    *, actor: Any, selection_round: SelectionRound, user: Any, position: str = MemberPosition.MEMBER
) -> RoundMember:
    _require_centre(actor)
    locked = _lock_round(selection_round)
    _require_status(locked, RoundStatus.DRAFT)
    if not user.is_active or user.role != Role.COUNCIL_MEMBER:
        raise ValidationError(
            {
                "user": _(
                    "Chỉ người dùng có vai trò “Thành viên hội đồng” mới được đưa vào hội đồng bình chọn."
                )
            }
        )
    if position not in MemberPosition.values:
        raise ValidationError({"position": _("Chức danh không hợp lệ.")})
    name = user.get_full_name() or user.username
    if RoundMember.objects.filter(round=locked, user=user).exists():
        raise ValidationError({"user": _("%(name)s đã là thành viên hội đồng này.") % {"name": name}})
    if (
        position == MemberPosition.CHAIR
        and RoundMember.objects.filter(round=locked, position=position).exists()
    ):
        raise ValidationError({"position": _("Hội đồng đã có chủ tịch.")})
    member = RoundMember(round=locked, user=user, position=position)
    member.full_clean(validate_constraints=False)
    member.save()
    _note(
        locked,
        actor=actor,
        key=f"member.{user.username}",
        label=_("thành viên"),
        before=None,
        after=str(member),
    )
    return member


@transaction.atomic
def member_remove(*, actor: Any, member: RoundMember) -> None:
    _require_centre(actor)
    locked = _lock_round(member.round)
    _require_status(locked, RoundStatus.DRAFT)
    member = RoundMember.objects.select_related("user").get(pk=member.pk)
    text, username = str(member), member.user.username
    if member.sheets.exists() or member.conflicts.exists():
        raise ValidationError(
            _("%(name)s đã chấm điểm hoặc khai báo: không rút khỏi hội đồng được.") % {"name": member.name}
        )
    member.delete()
    _note(locked, actor=actor, key=f"member.{username}", label=_("thành viên"), before=text, after=None)


@transaction.atomic
def entry_add(
    *, actor: Any, selection_round: SelectionRound, product: Product, description: str = ""
) -> Entry:
    _require_centre(actor)
    locked = _lock_round(selection_round)
    _require_status(locked, RoundStatus.DRAFT)
    product = Product.objects.select_related("producer").get(pk=product.pk)
    if Entry.objects.filter(round=locked, product=product).exists():
        raise ValidationError(
            {"product": _("Sản phẩm “%(name)s” đã có trong đợt này.") % {"name": product.name}}
        )
    if Recognition.objects.filter(product=product, level=locked.level, year=locked.year).exists():
        raise ValidationError(
            {
                "product": _("Sản phẩm “%(name)s” đã được công nhận %(level)s năm %(year)s.")
                % {"name": product.name, "level": locked.get_level_display().lower(), "year": locked.year}
            }
        )
    entry = Entry(round=locked, product=product, producer=product.producer, description=description.strip())
    entry.full_clean(validate_constraints=False)
    entry.save()
    _note(
        locked,
        actor=actor,
        key=f"entry.{product.pk}",
        label=_("sản phẩm dự bình chọn"),
        before=None,
        after=product.name,
    )
    return entry


@transaction.atomic
def entry_remove(*, actor: Any, entry: Entry) -> None:
    _require_centre(actor)
    locked = _lock_round(entry.round)
    _require_status(locked, RoundStatus.DRAFT)
    entry = Entry.objects.select_related("product").get(pk=entry.pk)
    if entry.sheets.exists():
        raise ValidationError(
            _("Sản phẩm “%(name)s” đã có phiếu chấm: không rút được.") % {"name": entry.product.name}
        )
    name, pk = entry.product.name, entry.product_id
    entry.delete()
    _note(locked, actor=actor, key=f"entry.{pk}", label=_("sản phẩm dự bình chọn"), before=name, after=None)


# --- the council's work ---------------------------------------------------------------------------


def _seat(selection_round: SelectionRound, actor: Any) -> RoundMember:
    member = selectors.membership(selection_round, actor)
    if member is None:
        raise PermissionDenied(_("Bạn không phải thành viên hội đồng của đợt bình chọn này."))
    return member


@transaction.atomic
def conflict_declare(*, actor: Any, entry: Entry, reason: str) -> Conflict:
    """A member who has an interest in an entry says so, and then does not score it."""
    locked = _lock_round(entry.round)
    member = _seat(locked, actor)
    _require_status(locked, RoundStatus.DRAFT, RoundStatus.SCORING)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Hãy ghi lý do xung đột lợi ích.")})
    if ScoreSheet.objects.filter(entry=entry, member=member).exists():
        raise ValidationError(_("Bạn đã nộp phiếu cho sản phẩm này: không khai báo xung đột được nữa."))
    if Conflict.objects.filter(entry=entry, member=member).exists():
        raise ValidationError(_("Bạn đã khai báo xung đột lợi ích với sản phẩm này."))
    conflict = Conflict(entry=entry, member=member, reason=reason[:2000])
    conflict.full_clean(validate_constraints=False)
    conflict.save()
    _note(
        locked,
        actor=actor,
        key=f"conflict.{entry.product_id}.{actor.username}",
        label=_("xung đột lợi ích"),
        before=None,
        after=f"{member.name}: {conflict.reason}",
    )
    return conflict


def _whole_points(raw: Any, label: str, maximum: int) -> int:
    message = _("Điểm “%(criterion)s” phải là số nguyên từ 0 đến %(max)s.") % {
        "criterion": label,
        "max": maximum,
    }
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise ValidationError(
            _("Chưa chấm tiêu chí “%(criterion)s” (0 đến %(max)s điểm).")
            % {"criterion": label, "max": maximum},
            code="missing",
        )
    if isinstance(raw, bool):
        raise ValidationError(message, code="invalid")
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise ValidationError(message, code="invalid") from None
    if not 0 <= value <= maximum:
        raise ValidationError(message, code="out_of_range")
    return value


def check_points(points: Mapping[str, Any]) -> dict[str, int]:
    """Every criterion present and within 0..max; errors keyed by criterion code, naming it and its max."""
    result: dict[str, int] = {}
    errors: dict[str, ValidationError] = {}
    for criterion in CRITERIA:
        try:
            result[criterion.code] = _whole_points(
                points.get(criterion.code), str(criterion.label), criterion.max_points
            )
        except ValidationError as exc:
            errors[criterion.code] = exc
    unknown = sorted(set(points) - {c.code for c in CRITERIA})
    if unknown:
        errors["__all__"] = ValidationError(
            _("Phiếu chấm có tiêu chí không có trong thang điểm: %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    if errors:
        raise ValidationError(errors)
    return result


@transaction.atomic
def sheet_submit(*, actor: Any, entry: Entry, points: Mapping[str, Any]) -> ScoreSheet:
    """A member's sheet for one entry, submitted once."""
    locked = _lock_round(entry.round)
    member = _seat(locked, actor)
    if locked.status != RoundStatus.SCORING:
        raise ValidationError(
            _("Chỉ chấm điểm khi đợt bình chọn đang ở trạng thái “%(state)s”.")
            % {"state": RoundStatus.SCORING.label},
            code="wrong_state",
        )
    entry = Entry.objects.select_related("product").get(pk=entry.pk, round=locked)
    if Conflict.objects.filter(entry=entry, member=member).exists():
        raise ValidationError(
            _("Bạn đã khai báo xung đột lợi ích với sản phẩm “%(name)s” nên không chấm điểm sản phẩm này.")
            % {"name": entry.product.name},
            code="conflict",
        )
    if ScoreSheet.objects.filter(entry=entry, member=member).exists():
        raise ValidationError(
            _("Bạn đã nộp phiếu chấm cho sản phẩm “%(name)s”; mỗi thành viên chỉ nộp một phiếu.")
            % {"name": entry.product.name},
            code="second_sheet",
        )
    values = check_points(points)
    sheet = ScoreSheet(entry=entry, member=member, total=sum(values.values()), **values)
    sheet.full_clean(validate_constraints=False)
    sheet.save()
    _record_create(sheet, actor=actor)
    return sheet


# --- lifecycle ------------------------------------------------------------------------------------


@transaction.atomic
def round_transition(
    *, actor: Any, selection_round: SelectionRound, to: RoundStatus, reason: str = ""
) -> SelectionRound:
    """Every move but closing (round_close records the results)."""
    locked = _lock_round(selection_round)
    if to == RoundStatus.CLOSED:
        raise ValidationError(_("Kết thúc đợt bình chọn bằng chức năng ghi kết quả."), code="use_close")
    workflow.require(locked, to=to, actor=actor, reason=reason)
    if to == RoundStatus.SCORING:
        if not locked.entries.exists():
            raise ValidationError(_("Đợt bình chọn chưa có sản phẩm dự bình chọn nào."))
        if not locked.members.exists():
            raise ValidationError(_("Đợt bình chọn chưa có thành viên hội đồng nào."))
    if to == RoundStatus.DRAFT and ScoreSheet.objects.filter(entry__round=locked).exists():
        raise ValidationError(_("Đã có phiếu chấm: không đưa đợt bình chọn về chuẩn bị được nữa."))
    return _move(locked, to=to, actor=actor, reason=reason)


def _move(locked: SelectionRound, *, to: RoundStatus, actor: Any, reason: str = "") -> SelectionRound:
    before = _snapshot(locked)
    locked.status = to
    locked.full_clean()
    locked.save()
    audit.record(
        instance=locked,
        action=AuditAction.TRANSITION,
        actor=actor,
        changes=audit.diff(before, _snapshot(locked)),
        reason=reason.strip(),
    )
    return locked


def passes(totals: list[int], pass_mark: int) -> bool:
    """Mean ≥ pass mark, in exact integers (a mean of 69.995 does not round up to a pass)."""
    return bool(totals) and sum(totals) >= pass_mark * len(totals)


def mean_of(totals: list[int]) -> Decimal:
    return (Decimal(sum(totals)) / Decimal(len(totals))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_text(value: Decimal) -> str:
    """72,50: the Vietnamese decimal comma."""
    return f"{value:.2f}".replace(".", ",")


@transaction.atomic
def round_close(
    *,
    actor: Any,
    selection_round: SelectionRound,
    certificates: Mapping[int, CertificateData] | None = None,
    decision_reference: str | None = None,
) -> SelectionRound:
    """Record each entry's mean and result, and recognise the products that reached the pass mark at the
    round's level and year, with the certificate the officer typed for it (blank until it is issued).

    Needs every member without a conflict to have submitted a sheet for every entry.
    """
    locked = _lock_round(selection_round)
    workflow.require(locked, to=RoundStatus.CLOSED, actor=actor)
    certificates = dict(certificates or {})
    state = selectors.progress(locked)
    waiting = [row.entry.product.name for row in state.rows if not row.complete]
    if not state.rows:
        raise ValidationError(_("Đợt bình chọn chưa có sản phẩm dự bình chọn nào."))
    if waiting:
        raise ValidationError(
            _("Chưa ghi kết quả được: còn sản phẩm chưa đủ phiếu chấm (%(names)s).")
            % {"names": ", ".join(waiting)},
            code="incomplete",
        )
    entry_ids = {row.entry.pk for row in state.rows}
    stray = sorted(set(certificates) - entry_ids)
    if stray:
        raise ValidationError(_("Giấy chứng nhận ghi cho sản phẩm không thuộc đợt bình chọn này."))
    numbers = [c.number.strip() for c in certificates.values() if c.number.strip()]
    if len(numbers) != len(set(numbers)):
        raise ValidationError({"certificates": _("Hai sản phẩm không được cùng một số giấy chứng nhận.")})
    if decision_reference is not None:
        locked.decision_reference = decision_reference
    for row in state.rows:
        entry = row.entry
        totals = [cell.sheet.total for cell in row.cells if cell.sheet is not None]
        entry.mean_score = mean_of(totals)
        entry.sheet_count = len(totals)
        entry.passed = passes(totals, locked.pass_mark)
        certificate = certificates.get(entry.pk, CertificateData())
        if not entry.passed and (certificate.number.strip() or certificate.date):
            raise ValidationError(
                _("Sản phẩm “%(name)s” không đạt (%(mean)s điểm): không ghi giấy chứng nhận.")
                % {"name": entry.product.name, "mean": score_text(entry.mean_score)}
            )
        if entry.passed:
            if Recognition.objects.filter(
                product=entry.product, level=locked.level, year=locked.year
            ).exists():
                raise ValidationError(
                    _("Sản phẩm “%(name)s” đã được công nhận %(level)s năm %(year)s.")
                    % {
                        "name": entry.product.name,
                        "level": locked.get_level_display().lower(),
                        "year": locked.year,
                    }
                )
            recognition = Recognition(
                product=entry.product,
                level=locked.level,
                year=locked.year,
                decided_on=locked.held_on,
                round=locked,
                certificate_number=certificate.number,
                certificate_date=certificate.date,
                is_demo=locked.is_demo or entry.product.is_demo,
            )
            try:
                recognition.full_clean(validate_constraints=False)
            except ValidationError as exc:
                raise ValidationError(
                    {f"certificates.{entry.pk}": [f"{entry.product.name}: {m}" for m in exc.messages]}
                ) from None
            recognition.save()
            _record_create(
                recognition,
                actor=actor,
                reason=_("Kết quả đợt bình chọn “%(round)s”") % {"round": locked.name},
            )
            entry.recognition = recognition
        entry.full_clean(validate_constraints=False)
        entry.save()
        _note(
            locked,
            actor=actor,
            key=f"result.{entry.product_id}",
            label=_("kết quả"),
            before=None,
            after=(_("%(name)s: %(mean)s điểm, %(result)s"))
            % {
                "name": entry.product.name,
                "mean": score_text(entry.mean_score),
                "result": _("đạt") if entry.passed else _("không đạt"),
            },
        )
    return _move(locked, to=RoundStatus.CLOSED, actor=actor)
