"""The four kinds of file: establishments, projects, actual results and trainee lists.

Each row becomes the data the record's web form receives; that form validates it (with the instance
already on file when the row matches one, so a column the file leaves out keeps its value), then the
record's own services write it. Records are matched by their code (project code, tax code) so that the
same file twice changes nothing.

Establishments are the one bulk kind (a registry can bring 100,000 rows): the form still checks every
row, but matching is done per chunk with two queries instead of per row, and new records are inserted
with `bulk_create` together with their audit rows (`core.audit.build`) — what `establishment_create`
does, batched. Updates go through `establishment_update` one by one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khuyencong.accounts.scope import can_edit_in_place
from khuyencong.core import audit
from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.core.text import search_tokens
from khuyencong.imports import cells as C
from khuyencong.imports.cells import CellError, Column, Typed
from khuyencong.imports.engine import Context, Kind, Planned, errors_of
from khuyencong.imports.places import CommuneIndex
from khuyencong.imports.reader import Cell

Outcome = Planned | dict[str, list[str]]


def _field_label(model: Any, name: str) -> Any:
    return model._meta.get_field(name).verbose_name


# --- typing a row ------------------------------------------------------------------------------------


def type_row(kind: Kind, ctx: Context, cells: list[Cell]) -> Typed:
    """Every mapped column's cell as a form value; cell-level problems by column key."""
    typed = Typed()
    index: CommuneIndex = ctx.state["communes"]
    for column in kind.columns:
        position = ctx.columns.get(column.key)
        if position is None or column.kind in ("ignore", "district"):
            continue
        value = cells[position] if position < len(cells) else ""
        if C.blank(value):
            # An empty cell gives no value: a new record takes the form's default (as the empty page
            # shows it), a record on file keeps what it has. Required fields are still required.
            continue
        labels: dict[str, str] = ctx.state.setdefault("labels", {})
        label = labels.get(column.key) or labels.setdefault(column.key, capfirst(str(column.label)))
        try:
            if column.kind == "text":
                typed.data[column.key] = C.to_text(value)
            elif column.kind == "tax":
                typed.data[column.key] = C.to_tax_code(value)
            elif column.kind == "money":
                typed.data[column.key] = C.to_whole(value, label=label)
            elif column.kind == "whole":
                typed.data[column.key] = C.to_whole(value, label=label, maximum=2_147_483_647)
            elif column.kind == "year":
                typed.data[column.key] = C.to_year(value, label=label)
            elif column.kind == "date":
                typed.data[column.key] = C.to_date(value)
            elif column.kind == "bool":
                typed.data[column.key] = C.to_bool(value, label=label)
            elif column.kind == "list":
                typed.data[column.key] = C.to_list(value)
            elif column.kind == "choice":
                maps = ctx.state.setdefault("choice_maps", {})
                if column.key not in maps:
                    assert column.choices is not None
                    maps[column.key] = C.ChoiceMap(column.choices())
                typed.data[column.key] = maps[column.key].read(value, label=label)
            elif column.kind == "commune":
                district_at = ctx.columns.get("district")
                district = (
                    C.to_text(cells[district_at])
                    if district_at is not None and district_at < len(cells)
                    else ""
                )
                found = index.resolve(C.to_text(value), district)
                if found.unit is None:
                    raise CellError(found.error)
                if found.note:
                    ctx.state.setdefault("renamed", Counter())[found.note] += 1
                typed.data[column.key] = found.unit
            else:  # pragma: no cover - a column kind nobody handles is a programming error
                raise AssertionError(column.kind)
        except CellError as exc:
            typed.errors[column.key] = exc.message
    return typed


def _form_errors(
    form: forms.BaseForm, typed: Typed, field_for: dict[str, str] | None = None
) -> dict[str, list[str]]:
    field_for = field_for or {}
    out: dict[str, list[str]] = {key: [message] for key, message in typed.errors.items()}
    for name, messages in form.errors.items():
        key = field_for.get(name, name)
        if key in typed.errors:
            continue  # the cell's own message already says it
        out.setdefault("" if key == "__all__" else key, []).extend(str(m) for m in messages)
    return out


class _PreparedChoice(forms.ModelChoiceField):
    """A ModelChoiceField whose queryset was evaluated once for the whole file: same choices, same rule,
    no query per row."""

    def __init__(self, original: forms.ModelChoiceField, cache: dict[int, Any]) -> None:
        super().__init__(queryset=original.queryset, required=original.required, label=original.label)
        self.error_messages = original.error_messages
        self.cache = cache
        self.extra: int | None = None  # the record's own unit, allowed even when not in the list

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        pk = getattr(value, "pk", value)
        try:
            return self.cache[int(pk)]
        except (KeyError, TypeError, ValueError):
            if self.extra is not None and str(pk) == str(self.extra):
                from khuyencong.geo.models import AdministrativeUnit

                return AdministrativeUnit.objects.select_related("parent").get(pk=self.extra)
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            ) from None

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)


def _defaults(form: forms.BaseForm) -> dict[str, Any]:
    """What the empty web form starts with (the model's defaults): a new record's value for a column the
    file leaves out or a cell it leaves blank."""
    return {
        name: field.initial() if callable(field.initial) else field.initial
        for name, field in form.fields.items()
        if field.initial is not None
    }


def _common_start(ctx: Context) -> None:
    ctx.state["communes"] = CommuneIndex()


# --- establishments ----------------------------------------------------------------------------------


def _establishment_columns() -> tuple[Column, ...]:
    from khuyencong.establishments.choices import LegalForm, Sector
    from khuyencong.establishments.models import Establishment as E

    return (
        Column("stt", gettext_lazy("STT"), kind="ignore", aliases=("số thứ tự", "tt")),
        Column(
            "name",
            _field_label(E, "name"),
            required=True,
            aliases=("tên", "tên cơ sở CNNT", "tên doanh nghiệp"),
        ),
        Column(
            "legal_form",
            _field_label(E, "legal_form"),
            kind="choice",
            required=True,
            choices=lambda: LegalForm.choices,
            aliases=("loại hình cơ sở", "loại hình doanh nghiệp"),
        ),
        Column(
            "tax_code",
            _field_label(E, "tax_code"),
            kind="tax",
            aliases=("MST", "mã số thuế/CCCD", "mã số doanh nghiệp"),
        ),
        Column(
            "representative",
            _field_label(E, "representative"),
            aliases=("người đại diện theo pháp luật", "chủ cơ sở"),
        ),
        Column("phone", _field_label(E, "phone"), aliases=("số điện thoại", "ĐT", "SĐT")),
        Column("address", _field_label(E, "address"), aliases=("địa chỉ cơ sở",)),
        Column(
            "commune",
            _field_label(E, "commune"),
            kind="commune",
            required=True,
            aliases=("xã", "phường", "xã, phường", "xã/phường/thị trấn", "đơn vị hành chính"),
        ),
        Column(
            "district",
            gettext_lazy("Huyện (trước 01/07/2025)"),
            kind="district",
            aliases=("huyện", "huyện/thành phố", "quận/huyện", "huyện cũ"),
        ),
        Column(
            "sector",
            _field_label(E, "sector"),
            kind="choice",
            required=True,
            choices=lambda: Sector.choices,
            aliases=("ngành nghề sản xuất", "lĩnh vực"),
        ),
        Column("workers", _field_label(E, "workers"), kind="whole", aliases=("lao động", "tổng số lao động")),
        Column(
            "women_workers", _field_label(E, "women_workers"), kind="whole", aliases=("lao động nữ", "nữ")
        ),
        Column(
            "ethnic_minority_workers",
            _field_label(E, "ethnic_minority_workers"),
            kind="whole",
            aliases=("lao động DTTS", "lao động dân tộc thiểu số", "DTTS"),
        ),
        Column(
            "founded_year", _field_label(E, "founded_year"), kind="year", aliases=("năm thành lập cơ sở",)
        ),
        Column("products", _field_label(E, "products"), aliases=("sản phẩm",)),
        Column(
            "confirm_duplicate",
            gettext_lazy("Vẫn lưu khi có thể trùng"),
            kind="bool",
            aliases=("xác nhận không trùng",),
        ),
    )


def _skip_constraints(exclude: Any = None) -> None:
    return None


def _import_form_class() -> type[forms.ModelForm]:
    from khuyencong.establishments.forms import EstablishmentForm

    class ImportEstablishmentForm(EstablishmentForm):
        """The web form, checked without the per-row queries a 100,000-row file cannot afford.

        - The commune comes from the province's units read once at the start of the run, inside the same
          transaction (`_PreparedChoice`), so the model's existence query for it is left out.
        - The table's check constraints (women, minority ≤ workers) are rules `Establishment.clean()`
          checks too, with the messages the page shows, and the tax code's uniqueness is the matching
          the importer does; Django would evaluate each with a SELECT per row (as the service does, it
          skips them, and the database still enforces all of them on insert).
        """

        def _get_validation_exclusions(self) -> set[str]:
            return {*super()._get_validation_exclusions(), "commune"}  # type: ignore[misc]

        def _post_clean(self) -> None:
            self.instance.validate_constraints = _skip_constraints
            try:
                super()._post_clean()  # type: ignore[misc]
            finally:
                del self.instance.validate_constraints

    return ImportEstablishmentForm


class EstablishmentKind(Kind):
    key = "establishments"
    dry_run_writes = False

    def __init__(self) -> None:
        self.columns = _establishment_columns()

    def start(self, ctx: Context) -> None:
        from khuyencong.establishments.forms import EstablishmentForm

        _common_start(ctx)
        probe = EstablishmentForm(user=ctx.user)
        commune = probe.fields["commune"]
        assert isinstance(commune, forms.ModelChoiceField)
        ctx.state["commune_field"] = commune
        assert commune.queryset is not None
        ctx.state["commune_cache"] = {u.pk: u for u in commune.queryset}
        ctx.state["defaults"] = _defaults(probe)
        form = _import_form_class()(data={}, user=ctx.user)  # type: ignore[call-arg]
        form.fields["commune"] = _PreparedChoice(commune, ctx.state["commune_cache"])
        ctx.state["form"] = form
        ctx.state["seen_tax"] = {}
        ctx.state["seen_name"] = {}

    def _existing(
        self, typed_rows: list[tuple[int, Typed]]
    ) -> tuple[dict[str, Any], dict[tuple[int, str], list[Any]]]:
        from khuyencong.establishments import tax_code as tax_codes
        from khuyencong.establishments.models import Establishment

        taxes = {tax_codes.normalise(t.data.get("tax_code") or "") for _n, t in typed_rows} - {""}
        names = {
            (t.data["commune"].pk, " ".join(search_tokens(t.data.get("name") or "")))
            for _n, t in typed_rows
            if t.data.get("commune") is not None and t.data.get("name")
        }
        by_tax = (
            {e.tax_code: e for e in Establishment.objects.active().filter(tax_code__in=taxes)}
            if taxes
            else {}
        )
        by_name: dict[tuple[int, str], list[Any]] = {}
        if names:
            # Two IN lists and an exact check here: a query of 500 OR'ed pairs costs more to build than to run.
            candidates = Establishment.objects.active().filter(
                commune_id__in={c for c, _k in names}, name_key__in={k for _c, k in names}
            )
            for est in candidates:
                if (est.commune_id, est.name_key) in names:
                    by_name.setdefault((est.commune_id, est.name_key), []).append(est)
        return by_tax, by_name

    def validate(self, ctx: Context, rows: list[tuple[int, list[Cell]]]) -> list[Outcome]:
        from khuyencong.establishments import tax_code as tax_codes
        from khuyencong.establishments.models import Establishment
        from khuyencong.establishments.services import EDITABLE_FIELDS

        typed_rows = [(number, type_row(self, ctx, cells)) for number, cells in rows]
        by_tax, by_name = self._existing(typed_rows)
        seen_tax: dict[str, int] = ctx.state["seen_tax"]
        seen_name: dict[tuple[int, str], int] = ctx.state["seen_name"]
        outcomes: list[Outcome] = []
        for number, typed in typed_rows:
            tax = tax_codes.normalise(typed.data.get("tax_code") or "")
            commune = typed.data.get("commune")
            name_key = " ".join(search_tokens(typed.data.get("name") or ""))
            existing = by_tax.get(tax) if tax else None
            if existing is None and not tax and commune is not None:
                matches = by_name.get((commune.pk, name_key), [])
                if len(matches) > 1:
                    outcomes.append(
                        {
                            "name": [
                                _(
                                    "Có %(n)s hồ sơ cùng tên ở xã/phường này; hãy ghi mã số thuế để chỉ rõ hồ sơ nào."
                                )
                                % {"n": len(matches)}
                            ]
                        }
                    )
                    continue
                existing = matches[0] if matches else None
            data: dict[str, Any] = dict(ctx.state["defaults"])
            before: dict[str, Any] = {}
            if existing is not None:
                before = {
                    f: getattr(existing, "commune_id" if f == "commune" else f) for f in EDITABLE_FIELDS
                }
                data = dict(before)
            for key, value in typed.data.items():
                if key not in typed.errors:
                    data[key] = value.pk if key == "commune" and value is not None else value
            # One form for the whole run, rebound to each row: building a form (deep copies of its
            # fields and widgets) cost more than checking it. Same class, fields and rules as the page.
            form = ctx.state["form"]
            form.instance = existing if existing is not None else Establishment()
            form.data = data
            form._errors = None
            commune_field: _PreparedChoice = form.fields["commune"]
            # A record still located in an old (pre-2025) unit keeps it selectable, as on the page.
            commune_field.extra = existing.commune_id if existing is not None else None
            valid = form.is_valid()
            errors = _form_errors(form, typed)
            if valid and not errors:
                instance = form.instance
                if not can_edit_in_place(ctx.user, instance.commune_id):
                    errors[""] = [_("Bạn không có quyền ghi hồ sơ ở địa bàn này.")]
            if not errors:
                # The same establishment twice in one file: the second row would silently win.
                key_tax = instance.tax_code
                key_name = (instance.commune_id, instance.name_key)
                if key_tax and key_tax in seen_tax:
                    errors["tax_code"] = [
                        _("Trùng mã số thuế với dòng %(row)s của tệp.") % {"row": seen_tax[key_tax]}
                    ]
                elif not key_tax and key_name in seen_name:
                    errors["name"] = [
                        _("Trùng tên và xã/phường với dòng %(row)s của tệp.") % {"row": seen_name[key_name]}
                    ]
            if errors:
                outcomes.append(errors)
                continue
            if key_tax:
                seen_tax[key_tax] = number
            else:
                seen_name[key_name] = number
            confirm = bool(form.cleaned_data.get("confirm_duplicate"))
            if existing is None:
                duplicate = self._duplicate_error(instance, confirm, by_name)
                if duplicate:
                    outcomes.append(duplicate)
                    continue
                outcomes.append(Planned(number, "create", instance.name, instance))
                continue
            after = {f: getattr(instance, "commune_id" if f == "commune" else f) for f in EDITABLE_FIELDS}
            if after == before:
                outcomes.append(Planned(number, "unchanged", instance.name))
            else:
                outcomes.append(
                    Planned(number, "update", instance.name, (existing.pk, form.service_data(), confirm))
                )
        return outcomes

    def _duplicate_error(
        self, instance: Any, confirm: bool, by_name: dict[tuple[int, str], list[Any]]
    ) -> dict[str, list[str]]:
        """The service's duplicate rule (`find_duplicates`: same name in the same commune), answered from
        the chunk's one query: a new tax code beside a same-named record needs the officer's word."""
        from khuyencong.establishments.services import Duplicate, DuplicateWarning

        if not instance.tax_code or confirm:
            return {}
        same_name = [
            est
            for est in by_name.get((instance.commune_id, instance.name_key), [])
            if est.tax_code != instance.tax_code
        ]
        if same_name:
            duplicates = [Duplicate(est, _("cùng tên, cùng xã/phường")) for est in same_name]
            return {"name": list(DuplicateWarning(duplicates).messages)}
        return {}

    def write(self, ctx: Context, planned: list[Planned]) -> dict[int, dict[str, list[str]]]:
        from khuyencong.establishments import services
        from khuyencong.establishments.models import Establishment

        refused: dict[int, dict[str, list[str]]] = {}
        creates = [p.payload for p in planned if p.action == "create"]
        if creates:
            Establishment.objects.bulk_create(creates)
            AuditEntry.objects.bulk_create(
                [
                    entry
                    for est in creates
                    if (
                        entry := audit.build(
                            instance=est, action=AuditAction.CREATE, actor=ctx.user, reason=ctx.reason
                        )
                    )
                ]
            )
        for p in planned:
            if p.action != "update":
                continue
            pk, data, confirm = p.payload
            try:
                with transaction.atomic():
                    services.establishment_update(
                        establishment=Establishment(pk=pk),
                        actor=ctx.user,
                        data=data,
                        confirm_duplicate=confirm,
                    )
            except (ValidationError, PermissionDenied) as exc:
                refused[p.row] = errors_of(exc)
        return refused


# --- projects ----------------------------------------------------------------------------------------


def _project_columns() -> tuple[Column, ...]:
    from khuyencong.projects.choices import (
        ContentCategory,
        ExpectedIndicator,
        FundingSource,
        ProgrammeLevel,
        SubType,
    )
    from khuyencong.projects.models import Project as P

    budget_aliases = {
        "central": ("kinh phí TW", "ngân sách trung ương", "KPKC quốc gia", "kinh phí khuyến công quốc gia"),
        "provincial": (
            "kinh phí tỉnh",
            "ngân sách tỉnh",
            "ngân sách địa phương",
            "kinh phí khuyến công địa phương",
        ),
        "beneficiary": ("vốn đối ứng", "đối ứng", "vốn đối ứng của cơ sở"),
        "other": ("nguồn khác", "kinh phí khác"),
    }
    return (
        Column("stt", gettext_lazy("STT"), kind="ignore", aliases=("số thứ tự", "tt")),
        Column("code", _field_label(P, "code"), required=True, aliases=("mã", "số hiệu đề án")),
        Column("title", _field_label(P, "title"), required=True, aliases=("tên", "tên đề án khuyến công")),
        Column(
            "category",
            _field_label(P, "category"),
            kind="choice",
            required=True,
            choices=lambda: ContentCategory.choices,
            aliases=("nội dung", "nội dung khuyến công"),
        ),
        Column(
            "subtype", _field_label(P, "subtype"), kind="choice", choices=lambda: [("", ""), *SubType.choices]
        ),
        Column(
            "level",
            _field_label(P, "level"),
            kind="choice",
            required=True,
            choices=lambda: ProgrammeLevel.choices,
            aliases=("cấp", "nguồn khuyến công"),
        ),
        Column("is_pilot", _field_label(P, "is_pilot"), kind="bool", aliases=("điểm",)),
        Column(
            "plan_year",
            _field_label(P, "plan_year"),
            kind="year",
            required=True,
            aliases=("năm", "năm thực hiện"),
        ),
        Column(
            "implementing_unit",
            _field_label(P, "implementing_unit"),
            required=True,
            aliases=("đơn vị chủ trì",),
        ),
        Column(
            "unit",
            _field_label(P, "unit"),
            kind="commune",
            required=True,
            aliases=("xã/phường", "địa điểm thực hiện", "xã"),
        ),
        Column(
            "district",
            gettext_lazy("Huyện (trước 01/07/2025)"),
            kind="district",
            aliases=("huyện", "huyện/thành phố", "huyện cũ"),
        ),
        Column(
            "beneficiaries",
            gettext_lazy("Cơ sở thụ hưởng (mã số thuế)"),
            kind="list",
            aliases=("cơ sở thụ hưởng", "mã số thuế cơ sở thụ hưởng"),
        ),
        Column("partners", _field_label(P, "partners")),
        Column("description", _field_label(P, "description")),
        Column("start_date", _field_label(P, "start_date"), kind="date"),
        Column("end_date", _field_label(P, "end_date"), kind="date"),
        Column(
            "eligible_cost",
            _field_label(P, "eligible_cost"),
            kind="money",
            required=True,
            aliases=("chi phí hợp lệ", "tổng chi phí hợp lệ"),
        ),
        *(
            Column(
                f"budget_{source.value}",
                gettext_lazy("Kinh phí: %(source)s (đồng)") % {"source": source.label},
                kind="money",
                aliases=budget_aliases[source.value],
            )
            for source in FundingSource
        ),
        *(
            Column(
                f"expected_{ind.value}",
                gettext_lazy("Dự kiến: %(indicator)s") % {"indicator": ind.label},
                kind="whole",
                aliases=(f"dự kiến {ind.label}",),
            )
            for ind in ExpectedIndicator
        ),
        Column("repeat_justification", _field_label(P, "repeat_justification")),
    )


class ProjectKind(Kind):
    key = "projects"

    def __init__(self) -> None:
        self.columns = _project_columns()

    def start(self, ctx: Context) -> None:
        from khuyencong.projects.forms import ProjectForm

        _common_start(ctx)
        ctx.state["seen"] = {}
        ctx.state["defaults"] = _defaults(ProjectForm(user=ctx.user))

    def validate(self, ctx: Context, rows: list[tuple[int, list[Cell]]]) -> list[Outcome]:
        from khuyencong.establishments.models import Establishment
        from khuyencong.projects.choices import ExpectedIndicator, FundingSource
        from khuyencong.projects.forms import FORM_FIELDS, ProjectForm
        from khuyencong.projects.models import Project, code_key
        from khuyencong.projects.selectors import project_list

        outcomes: list[Outcome] = []
        seen: dict[str, int] = ctx.state["seen"]
        for number, cells in rows:
            typed = type_row(self, ctx, cells)
            key = code_key(typed.data.get("code") or "")
            if key and key in seen:
                outcomes.append(
                    {"code": [_("Trùng mã đề án với dòng %(row)s của tệp.") % {"row": seen[key]}]}
                )
                continue
            existing = Project.objects.filter(code_key=key).first() if key else None
            if existing is not None and not project_list(user=ctx.user).filter(pk=existing.pk).exists():
                outcomes.append(
                    {
                        "code": [
                            _("Mã đề án %(code)s đã có, nhưng ngoài phạm vi của bạn.")
                            % {"code": typed.data.get("code")}
                        ]
                    }
                )
                continue
            data: dict[str, Any] = {} if existing is not None else dict(ctx.state["defaults"])
            before: dict[str, Any] = {}
            if existing is not None:
                for name in FORM_FIELDS:
                    data[name] = getattr(existing, "unit_id" if name == "unit" else name)
                for source, amount in existing.budget().items():
                    data[f"budget_{source}"] = amount
                for row in existing.expected_results.all():
                    data[f"expected_{row.indicator}"] = row.value
                data["beneficiaries"] = list(existing.beneficiaries.values_list("pk", flat=True))
                before = dict(data)
            taxes: list[str] = []
            for key_, value in typed.data.items():
                if key_ in typed.errors:
                    continue
                if key_ == "beneficiaries":
                    taxes = value
                    continue
                data[key_] = value.pk if key_ == "unit" and value is not None else value
            if "beneficiaries" in ctx.columns and "beneficiaries" not in typed.errors:
                found = dict(
                    Establishment.objects.active().filter(tax_code__in=taxes).values_list("tax_code", "pk")
                )
                missing = [t for t in taxes if t not in found]
                if missing:
                    typed.errors["beneficiaries"] = _(
                        "Không có cơ sở với mã số thuế: %(codes)s (hãy nhập cơ sở trước)."
                    ) % {"codes": ", ".join(missing)}
                data["beneficiaries"] = [found[t] for t in taxes if t in found]
            form = ProjectForm(data=data, instance=existing, user=ctx.user)
            valid = form.is_valid()
            errors = _form_errors(form, typed)
            if not valid or errors:
                outcomes.append(errors or {"": [_("Dòng không hợp lệ.")]})
                continue
            if key:
                seen[key] = number
            after = {
                name: getattr(form.instance, "unit_id" if name == "unit" else name) for name in FORM_FIELDS
            }
            after.update({f"budget_{s}": v for s, v in form.budget().items()})
            after.update(
                {f"expected_{i}": v for i, v in form.expected().items() if v or f"expected_{i}" in before}
            )
            after["beneficiaries"] = sorted(b.pk for b in form.cleaned_data.get("beneficiaries") or [])
            if existing is not None:
                before["beneficiaries"] = sorted(before.get("beneficiaries", []))
                compare = {k: v for k, v in before.items() if k in after}
                for s in FundingSource.values:
                    compare.setdefault(f"budget_{s}", None)
                    after.setdefault(f"budget_{s}", None)
                for i in ExpectedIndicator.values:
                    if f"expected_{i}" in after or f"expected_{i}" in compare:
                        compare.setdefault(f"expected_{i}", 0)
                        after.setdefault(f"expected_{i}", 0)
                if all(compare.get(k) == after.get(k) for k in set(compare) | set(after)):
                    outcomes.append(Planned(number, "unchanged", str(existing)))
                    continue
            payload = {
                "data": form.service_data(),
                "beneficiaries": list(form.cleaned_data.get("beneficiaries") or []),
                "budget": form.budget(),
                "expected": form.expected(),
                "existing": existing,
            }
            label = f"{form.instance.code} {form.instance.title}"
            outcomes.append(Planned(number, "update" if existing else "create", label, payload))
        return outcomes

    def write(self, ctx: Context, planned: list[Planned]) -> dict[int, dict[str, list[str]]]:
        from khuyencong.projects import services

        refused: dict[int, dict[str, list[str]]] = {}
        for p in planned:
            if p.action == "unchanged":
                continue
            payload = p.payload
            data = payload["data"]
            try:
                with transaction.atomic():
                    if payload["existing"] is None:
                        # The cap in force when the project started applies, as for a past year's proposal typed in.
                        on = data.get("start_date") or dt.date(int(data["plan_year"]), 1, 1)
                        services.project_create(
                            actor=ctx.user,
                            data=data,
                            beneficiaries=payload["beneficiaries"],
                            budget=payload["budget"],
                            expected=payload["expected"],
                            on=on,
                        )
                    else:
                        services.project_update(
                            project=payload["existing"],
                            actor=ctx.user,
                            data=data,
                            beneficiaries=payload["beneficiaries"],
                            budget=payload["budget"],
                            expected=payload["expected"],
                        )
            except (ValidationError, PermissionDenied) as exc:
                refused[p.row] = errors_of(
                    exc, {"requested_support": "budget_provincial", "budget": "budget_provincial"}
                )
        return refused


# --- actual results (indicator values) ---------------------------------------------------------------


def _indicator_choices() -> list[tuple[str, str]]:
    from khuyencong.results.choices import IndicatorOrigin
    from khuyencong.results.models import Indicator

    return [
        (i.code, i.name_vi)
        for i in Indicator.objects.filter(origin=IndicatorOrigin.RECORDED).order_by("position")
    ]


def _result_columns() -> tuple[Column, ...]:
    from khuyencong.results.choices import ValueSource

    return (
        Column("stt", gettext_lazy("STT"), kind="ignore", aliases=("số thứ tự", "tt")),
        Column("project", gettext_lazy("Mã đề án"), required=True, aliases=("đề án", "mã")),
        Column(
            "indicator",
            gettext_lazy("Chỉ tiêu"),
            kind="choice",
            required=True,
            choices=_indicator_choices,
            aliases=("mã chỉ tiêu", "tên chỉ tiêu"),
        ),
        Column(
            "period_start",
            gettext_lazy("Từ ngày"),
            kind="date",
            required=True,
            aliases=("đầu kỳ", "ngày đầu kỳ"),
        ),
        Column(
            "period_end",
            gettext_lazy("Đến ngày"),
            kind="date",
            required=True,
            aliases=("cuối kỳ", "ngày cuối kỳ"),
        ),
        Column(
            "value",
            gettext_lazy("Giá trị"),
            kind="money",
            required=True,
            aliases=("giá trị đạt được", "số liệu"),
        ),
        Column("women", gettext_lazy("Trong đó nữ"), kind="whole", aliases=("nữ",)),
        Column(
            "ethnic_minority",
            gettext_lazy("Trong đó dân tộc thiểu số"),
            kind="whole",
            aliases=("DTTS", "dân tộc thiểu số"),
        ),
        Column(
            "source",
            gettext_lazy("Nguồn số liệu"),
            kind="choice",
            required=True,
            choices=lambda: ValueSource.choices[1:],
            aliases=("nguồn",),
        ),
        Column("note", gettext_lazy("Ghi chú"), aliases=()),
    )


def _project_by_code(ctx: Context, code: str) -> Any:
    """A project the user may see, by its code however it is typed (cached for the run)."""
    from khuyencong.projects.models import code_key
    from khuyencong.projects.selectors import project_list

    key = code_key(code)
    cache: dict[str, Any] = ctx.state.setdefault("projects", {})
    if key not in cache:
        cache[key] = project_list(user=ctx.user).filter(code_key=key).first()
    return cache[key]


class ResultKind(Kind):
    key = "results"

    def __init__(self) -> None:
        self.columns = _result_columns()

    def start(self, ctx: Context) -> None:
        _common_start(ctx)
        ctx.state["seen"] = {}
        ctx.state["projects"] = {}

    def validate(self, ctx: Context, rows: list[tuple[int, list[Cell]]]) -> list[Outcome]:
        from khuyencong.results.forms import IndicatorValueForm
        from khuyencong.results.models import IndicatorValue

        outcomes: list[Outcome] = []
        seen: dict[tuple[Any, ...], int] = ctx.state["seen"]
        for number, cells in rows:
            typed = type_row(self, ctx, cells)
            project = (
                _project_by_code(ctx, typed.data.get("project") or "") if typed.data.get("project") else None
            )
            if project is None:
                errors = {key: [m] for key, m in typed.errors.items()}
                errors.setdefault("project", []).append(
                    _("Không có đề án mã “%(code)s” trong phạm vi của bạn.")
                    % {"code": typed.data.get("project") or ""}
                )
                outcomes.append(errors)
                continue
            data = {k: v for k, v in typed.data.items() if k not in typed.errors and k != "project"}
            form = IndicatorValueForm(data=data, project=project)
            valid = form.is_valid()
            errors = _form_errors(form, typed)
            if not valid or errors:
                outcomes.append(errors or {"": [_("Dòng không hợp lệ.")]})
                continue
            clean = form.cleaned_data
            identity = (project.pk, clean["indicator"].pk, clean["period_start"], clean["period_end"])
            if identity in seen:
                outcomes.append(
                    {
                        "period_start": [
                            _("Trùng đề án, chỉ tiêu và kỳ với dòng %(row)s của tệp.")
                            % {"row": seen[identity]}
                        ]
                    }
                )
                continue
            seen[identity] = number
            existing = IndicatorValue.objects.filter(
                project=project,
                indicator=clean["indicator"],
                period_start=clean["period_start"],
                period_end=clean["period_end"],
            ).first()
            values = {
                "value": clean["value"],
                "women": clean.get("women"),
                "ethnic_minority": clean.get("ethnic_minority"),
                "source": clean["source"],
                "note": (clean.get("note") or "").strip(),
            }
            label = f"{project.code} · {clean['indicator'].name_vi} · {clean['period_start']:%d/%m/%Y}–{clean['period_end']:%d/%m/%Y}"
            if existing is not None:
                if all(getattr(existing, k) == v for k, v in values.items()):
                    outcomes.append(Planned(number, "unchanged", label))
                    continue
                outcomes.append(Planned(number, "update", label, {"row": existing, "values": values}))
                continue
            outcomes.append(
                Planned(number, "create", label, {"project": project, "clean": clean, "values": values})
            )
        return outcomes

    def write(self, ctx: Context, planned: list[Planned]) -> dict[int, dict[str, list[str]]]:
        from khuyencong.results import services

        refused: dict[int, dict[str, list[str]]] = {}
        for p in planned:
            if p.action == "unchanged":
                continue
            try:
                with transaction.atomic():
                    if p.action == "update":
                        services.indicator_value_update(
                            row=p.payload["row"], actor=ctx.user, reason=ctx.reason, **p.payload["values"]
                        )
                    else:
                        clean = p.payload["clean"]
                        services.indicator_value_record(
                            project=p.payload["project"],
                            actor=ctx.user,
                            indicator=clean["indicator"],
                            period_start=clean["period_start"],
                            period_end=clean["period_end"],
                            **p.payload["values"],
                        )
            except (ValidationError, PermissionDenied) as exc:
                refused[p.row] = errors_of(exc)
        return refused


# --- trainees ----------------------------------------------------------------------------------------


def _trainee_columns() -> tuple[Column, ...]:
    from khuyencong.imports.choices import Sex
    from khuyencong.imports.models import Trainee as T

    return (
        Column("stt", gettext_lazy("STT"), kind="ignore", aliases=("số thứ tự", "tt")),
        Column(
            "full_name",
            _field_label(T, "full_name"),
            required=True,
            aliases=("họ tên", "tên học viên", "họ và tên học viên"),
        ),
        Column(
            "sex",
            _field_label(T, "sex"),
            kind="choice",
            required=True,
            choices=lambda: Sex.choices,
            aliases=("giới",),
        ),
        Column("ethnicity", _field_label(T, "ethnicity"), required=True, aliases=("dân tộc",)),
        Column(
            "birth_year",
            _field_label(T, "birth_year"),
            kind="year",
            required=True,
            aliases=("năm sinh học viên",),
        ),
        Column(
            "commune",
            _field_label(T, "commune"),
            kind="commune",
            required=True,
            aliases=("xã/phường", "xã", "địa chỉ (xã/phường)", "nơi cư trú"),
        ),
        Column(
            "district",
            gettext_lazy("Huyện (trước 01/07/2025)"),
            kind="district",
            aliases=("huyện", "huyện cũ"),
        ),
        Column(
            "project",
            gettext_lazy("Khoá đào tạo (mã đề án)"),
            required=True,
            aliases=("khoá đào tạo", "mã đề án", "khoá học", "lớp"),
        ),
        # Optional: rosters kept for certificates and allowances carry them. "tax" restores the leading
        # zero Excel drops from a number cell (020123456789 read as 20123456789).
        Column(
            "id_number",
            _field_label(T, "id_number"),
            kind="tax",
            aliases=("cccd", "số cccd", "số định danh cá nhân", "cmnd/cccd", "số cmnd/cccd", "căn cước"),
        ),
        Column("phone", _field_label(T, "phone"), kind="tax", aliases=("số điện thoại", "ĐT", "SĐT")),
    )


OPTIONAL_TRAINEE = frozenset({"id_number", "phone"})


class TraineeKind(Kind):
    key = "trainees"

    def __init__(self) -> None:
        self.columns = _trainee_columns()

    def start(self, ctx: Context) -> None:
        _common_start(ctx)
        ctx.state["seen"] = {}
        ctx.state["projects"] = {}

    def validate(self, ctx: Context, rows: list[tuple[int, list[Cell]]]) -> list[Outcome]:
        from khuyencong.imports.forms import TRAINEE_FIELDS, TraineeForm
        from khuyencong.imports.models import Trainee

        outcomes: list[Outcome] = []
        seen: dict[tuple[Any, ...], int] = ctx.state["seen"]
        for number, cells in rows:
            typed = type_row(self, ctx, cells)
            project = (
                _project_by_code(ctx, typed.data.get("project") or "") if typed.data.get("project") else None
            )
            data = {
                k: (v.pk if k == "commune" and v is not None else v)
                for k, v in typed.data.items()
                if k not in typed.errors
            }
            data["project"] = project.pk if project is not None else None
            form = TraineeForm(data=data, user=ctx.user)
            valid = form.is_valid()
            errors = _form_errors(form, typed)
            if project is None and typed.data.get("project") and "project" not in typed.errors:
                errors["project"] = [
                    _("Không có đề án mã “%(code)s” trong phạm vi của bạn.") % {"code": typed.data["project"]}
                ]
            if not valid or errors:
                outcomes.append(errors or {"": [_("Dòng không hợp lệ.")]})
                continue
            assert project is not None  # a blank course is a required-field error above
            clean = form.cleaned_data
            name_key = " ".join(search_tokens(clean["full_name"]))
            identity = (project.pk, name_key, clean["birth_year"])
            if identity in seen:
                outcomes.append(
                    {
                        "full_name": [
                            _("Trùng họ tên, năm sinh và khoá với dòng %(row)s của tệp.")
                            % {"row": seen[identity]}
                        ]
                    }
                )
                continue
            seen[identity] = number
            # An optional column left out, or a blank cell, keeps what a trainee on file has.
            values = {f: clean[f] for f in TRAINEE_FIELDS if f not in OPTIONAL_TRAINEE or f in typed.data}
            existing = Trainee.objects.filter(
                project=project, name_key=name_key, birth_year=clean["birth_year"]
            ).first()
            label = f"{clean['full_name']} ({clean['birth_year']}) · {project.code}"
            if existing is not None:
                if all(getattr(existing, f) == v for f, v in values.items()):
                    outcomes.append(Planned(number, "unchanged", label))
                else:
                    outcomes.append(Planned(number, "update", label, {"trainee": existing, "values": values}))
                continue
            outcomes.append(Planned(number, "create", label, {"values": values}))
        return outcomes

    def write(self, ctx: Context, planned: list[Planned]) -> dict[int, dict[str, list[str]]]:
        from khuyencong.imports import services

        refused: dict[int, dict[str, list[str]]] = {}
        for p in planned:
            if p.action == "unchanged":
                continue
            try:
                with transaction.atomic():
                    if p.action == "update":
                        services.trainee_update(
                            trainee=p.payload["trainee"],
                            actor=ctx.user,
                            data=p.payload["values"],
                            reason=ctx.reason,
                        )
                    else:
                        services.trainee_create(actor=ctx.user, data=p.payload["values"], reason=ctx.reason)
            except (ValidationError, PermissionDenied) as exc:
                refused[p.row] = errors_of(exc)
        return refused


KINDS: dict[str, type[Kind]] = {
    "establishments": EstablishmentKind,
    "projects": ProjectKind,
    "results": ResultKind,
    "trainees": TraineeKind,
}

MAX_UPLOAD_BYTES = lambda: settings.KHUYENCONG_IMPORT_MAX_UPLOAD_MB * 1024 * 1024  # noqa: E731
