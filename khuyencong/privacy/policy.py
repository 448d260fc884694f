"""Personal data: the one policy deciding who sees citizen ID numbers, phones and emails in full.

Every list, detail page, edit form, change history, download (CSV/XLSX) and API answer that shows one
of the fields below asks a `Viewer` for the value: it answers the value in full to the roles that need it for that record
and writes a `PersonalDataAccess` row for what it revealed, or answers it masked (`091****678`,
`n***@example.com`) and writes nothing. Nothing else in the code decides.

The policy (`RULES`):

| record (fields)                                  | full                                                 | masked                                      |
|--------------------------------------------------|------------------------------------------------------|---------------------------------------------|
| Establishment (12-digit tax code = a person's    | administrator, centre officer; commune officer for a | leader, council member, anyone else         |
| ID number; phone)                                | record in their communes; the representative of that |                                             |
|                                                  | establishment for their own record                   |                                             |
| AdviceRequest (email, phone)                     | administrator, centre officer (they answer)          | leader (reads the inbox, does not call back)|
| Trainee (ID number, phone)                       | administrator, centre officer (course settlement,    | leader, commune officer, council member,    |
|                                                  | certificates)                                        | representative                              |
| Comment on a news article (email)                | administrator, centre officer (they moderate)        | anyone else                                 |

Why: the centre registers establishments, signs support contracts and pays trainees, so it works with
the numbers; a commune officer registers and verifies the establishments of their own communes and calls
them, but a trainee's ID number serves only the centre's settlement; a representative corrects their own
record. A leader approves and reads reports, a council member scores proposals: neither contacts the
person, so neither needs the number (data minimisation, as the personal data protection decree
Nghị định 13/2023/NĐ-CP asks). A 10- or 13-digit tax code belongs to an enterprise or a cooperative and is
not personal. Names (representatives, trainees, contacts) are not masked inside the system: official
documents and contracts carry them; they are never public (transparency.choices keeps them out).

Where the full value is shown it is shown straight away, not behind a "reveal" button: an officer opens a
record to call or to check it, and a click before every call would teach everyone to click without
thinking. The log is the control: every page, download and API answer that served an unmasked value is
written, one row per record (a download: one row with the count of rows and the filters).

When the log is written: after the view has produced its response and outside the view's transaction
(the middleware runs outside any `atomic` of the view), in one bulk insert per request. A response that
is a server error (5xx) served nothing and logs nothing. A streamed download logs when its stream ends,
completed or cut short, with the rows actually produced (an asynchronous stream, which this WSGI
deployment does not make, is logged when it starts). If the log cannot be written for a page or an
API answer the request fails (nothing is served without its log row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from khuyencong.accounts.choices import Role
from khuyencong.accounts.scope import ALL, scope_unit_ids
from khuyencong.core.models import AuditEntry
from khuyencong.core.templatetags.vn import mask as mask_digits
from khuyencong.privacy.models import PersonalDataAccess, Route

__all__ = ["MASKED", "RULES", "Route", "Viewer", "finish", "mask", "may_see", "viewer"]

ATTRIBUTE = "_personal_data_log"
PATH_LENGTH = 1000


def mask(field_name: str, value: str | None) -> str:
    """`0912345678` → `091****678`; `lan.nguyen@example.com` → `l***@example.com`."""
    if not value:
        return ""
    text = str(value)
    if "@" in text and field_name == "email":
        local, _at, domain = text.rpartition("@")
        return f"{local[:1]}***@{domain}"
    return mask_digits(text)


def _role(user: Any) -> str:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return ""
    if user.is_superuser:
        return str(Role.ADMIN)
    return str(getattr(user, "role", ""))


def _filled(name: str, value: Any) -> bool:
    return bool(value)


def _establishment_field(name: str, value: Any) -> bool:
    # A 12-digit tax code is a person's identification number; 10 or 13 digits name a company.
    if name == "tax_code":
        return len(str(value or "")) == 12
    return bool(value)


def _establishment_scope(user: Any, role: str, record: Any) -> bool:
    if role == Role.BUSINESS:
        return bool(user.establishment_id) and user.establishment_id == record.pk
    if role == Role.COMMUNE_OFFICER:
        ids = scope_unit_ids(user)
        return ids is ALL or record.commune_id in ids
    return True


@dataclass(frozen=True)
class Rule:
    """One kind of record: its personal fields and the roles that see them in full."""

    fields: tuple[str, ...]
    roles: frozenset[str]
    # Whether a value of the field is personal data (a company's tax code is not).
    personal: Callable[[str, Any], bool] = _filled
    # Extra condition for a role (a representative: their own record only).
    in_scope: Callable[[Any, str, Any], bool] = lambda user, role, record: True


CENTRE = frozenset({Role.ADMIN, Role.OFFICER})
RULES: dict[str, Rule] = {
    "establishments.establishment": Rule(
        fields=("tax_code", "phone"),
        roles=CENTRE | {Role.COMMUNE_OFFICER, Role.BUSINESS},
        personal=_establishment_field,
        in_scope=_establishment_scope,
    ),
    "advice.advicerequest": Rule(fields=("email", "phone"), roles=CENTRE),
    "imports.trainee": Rule(fields=("id_number", "phone"), roles=CENTRE),
    "portal.comment": Rule(fields=("email",), roles=CENTRE),
}


def rule_for(record: Any) -> Rule:
    return RULES[record._meta.label_lower]


def may_see(user: Any, record: Any) -> bool:
    """Whether `user` sees this record's personal fields in full (the log is not touched)."""
    rule = rule_for(record)
    role = _role(user)
    return role in rule.roles and rule.in_scope(user, role, record)


def personal_fields(record: Any) -> tuple[str, ...]:
    """The fields of this record that hold personal data now (an empty phone holds none)."""
    rule = rule_for(record)
    return tuple(name for name in rule.fields if rule.personal(name, getattr(record, name, "")))


@dataclass
class _Export:
    fields: set[str] = field(default_factory=set)
    count: int = 0
    last: Any = None


@dataclass
class Log:
    """What one request revealed, written once at its end."""

    user: Any
    path: str
    records: dict[tuple[type[models.Model], Route, int], set[str]] = field(default_factory=dict)
    exports: dict[type[models.Model], _Export] = field(default_factory=dict)
    done: bool = False

    def add(self, record: Any, route: Route, names: Iterable[str]) -> None:
        names = set(names)
        if not names:
            return
        if route == Route.EXPORT:
            entry = self.exports.setdefault(type(record), _Export())
            entry.fields |= names
            # Rows come one after another, each read column by column: a new pk is a new row.
            if entry.last != record.pk:
                entry.count += 1
                entry.last = record.pk
            return
        self.records.setdefault((type(record), route, record.pk), set()).update(names)

    def rows(self) -> list[PersonalDataAccess]:
        def ordered(names: set[str], model: type[models.Model]) -> str:
            declared = RULES[model._meta.label_lower].fields
            return ",".join(n for n in declared if n in names)

        rows = [
            PersonalDataAccess(
                user_id=self.user.pk,
                content_type=ContentType.objects.get_for_model(model),
                object_id=pk,
                fields=ordered(names, model),
                route=route,
                path=self.path,
                record_count=1,
            )
            for (model, route, pk), names in self.records.items()
        ]
        rows += [
            PersonalDataAccess(
                user_id=self.user.pk,
                content_type=ContentType.objects.get_for_model(model),
                object_id=None,
                fields=ordered(entry.fields, model),
                route=Route.EXPORT,
                path=self.path,
                record_count=entry.count,
            )
            for model, entry in self.exports.items()
            if entry.count
        ]
        return rows

    def write(self) -> None:
        if self.done:
            return
        self.done = True
        rows = self.rows()
        if rows:
            PersonalDataAccess.objects.bulk_create(rows)


@dataclass(frozen=True)
class Viewer:
    """A request's eyes on personal data through one route. `request` None: masks everything, logs nothing."""

    request: HttpRequest | None
    route: Route

    @property
    def user(self) -> Any:
        return getattr(self.request, "user", None)

    def sees(self, record: Any) -> bool:
        return self.request is not None and may_see(self.user, record)

    def _log(self) -> Log | None:
        if self.request is None:
            return None
        log: Log | None = getattr(self.request, ATTRIBUTE, None)
        if log is None:
            log = Log(user=self.user, path=self.request.get_full_path()[:PATH_LENGTH])
            setattr(self.request, ATTRIBUTE, log)
        return log

    def value(self, record: Any, name: str) -> str:
        """The field as this viewer may see it; a full personal value is logged."""
        raw = getattr(record, name, "") or ""
        if name not in rule_for(record).fields:
            raise KeyError(f"{record._meta.label_lower}.{name} is not declared personal")
        if not rule_for(record).personal(name, raw):
            return str(raw)
        if not self.sees(record):
            return mask(name, raw)
        log = self._log()
        assert log is not None
        log.user = self.user  # an API token's user is known only once the view ran
        log.add(record, self.route, [name])
        return str(raw)

    def reveal(self, record: Any) -> bool:
        """Log every personal field of a record shown whole (an edit form); False when not allowed."""
        if not self.sees(record):
            return False
        log = self._log()
        assert log is not None
        log.user = self.user
        log.add(record, self.route, personal_fields(record))
        return True

    def _changes(self, record: Any, changes: dict[str, Any], sees: bool, shown: set[str]) -> dict[str, Any]:
        rule = rule_for(record)
        result = dict(changes)
        for name in rule.fields:
            change = changes.get(name)
            if not isinstance(change, dict):
                continue
            change = dict(change)
            for side in ("before", "after"):
                value = change.get(side)
                if value is not None and rule.personal(name, value):
                    if sees:
                        shown.add(name)
                    else:
                        change[side] = mask(name, str(value))
            result[name] = change
        return result

    def history(self, record: Any, entries: Iterable[AuditEntry]) -> list[AuditEntry]:
        """A record's audit entries with the personal values of its changes masked or logged."""
        sees = self.sees(record)
        shown: set[str] = set()
        result = []
        for entry in entries:
            if entry.changes:
                entry.changes = self._changes(record, entry.changes, sees, shown)
            result.append(entry)
        if shown:
            log = self._log()
            assert log is not None
            log.user = self.user
            log.add(record, self.route, shown)
        return result

    def history_pages(self, record: Any, entries: QuerySet[AuditEntry]) -> HistoryPages:
        return HistoryPages(self, record, entries)


@dataclass(frozen=True)
class HistoryPages:
    """A record's history for the API's pager: each page is masked (or logged) as it is read."""

    viewer: Viewer
    record: Any
    entries: QuerySet[AuditEntry]

    def count(self) -> int:
        return self.entries.count()

    def __getitem__(self, key: slice) -> list[AuditEntry]:
        return self.viewer.history(self.record, self.entries[key])


MASKED = Viewer(request=None, route=Route.PAGE)


def viewer(request: HttpRequest, route: Route = Route.PAGE) -> Viewer:
    # Started here so a streamed download that reveals its first value only once streaming began is
    # still known to the middleware.
    Viewer(request, route)._log()
    return Viewer(request, route)


def _then_write(chunks: Iterable[Any], log: Log) -> Iterator[Any]:
    try:
        yield from chunks
    finally:
        log.write()


def finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Write what the request revealed (see the module's docstring for when)."""
    log: Log | None = getattr(request, ATTRIBUTE, None)
    if log is None:
        return response
    if response.status_code >= 500:
        log.done = True  # nothing was served
        return response
    # A workbook (FileResponse) is whole before it is sent; a CSV is made row by row as it is sent.
    if (
        isinstance(response, StreamingHttpResponse)
        and not isinstance(response, FileResponse)
        and not response.is_async
    ):
        response.streaming_content = _then_write(cast(Iterator[bytes], response.streaming_content), log)
        # The server closes the response when the client goes away mid-file: log what was produced.
        response._resource_closers.append(log.write)  # type: ignore[attr-defined]  # not in the stubs
        return response
    log.write()
    return response
