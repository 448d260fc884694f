"""Diacritics-insensitive full-text search over a stored, folded search key.

Each searchable model keeps a `search_key` column (core.text.search_key). The index over it is
vendor-specific and created by the `CreateSearchIndex` migration operation:

* SQLite: an FTS5 external-content table `<table>_fts` kept in step by triggers; a query token
  matches a word prefix through FTS5's prefix indexes.
* PostgreSQL: a GIN index on `to_tsvector('simple', search_key)`; a query token becomes `token:*`.

Both answer "every query word starts a word of the key", the `matches` lookup compiles to the
index's own syntax, and the key being pre-folded means neither needs `unaccent` or a custom tokenizer.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models, router
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState, StateApps
from django.db.models.lookups import Lookup

from khuyencong.core.text import search_tokens


class SearchKeyField(models.CharField):
    """A CharField that supports `field__matches="hung long"`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 800)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def query_tokens(query: str) -> list[str]:
    return search_tokens(query)


# Every query word but the last must be a whole word; the last may be a word still being typed. Prefix
# terms make both indexes gather every word that starts with them, so keeping them to the last word is
# what keeps a six-word query fast (bench/README.md).
def fts5_query(tokens: list[str]) -> str:
    *words, last = tokens
    return " ".join([*(f'"{t}"' for t in words), f'"{last}"*'])


def tsquery_text(tokens: list[str]) -> str:
    *words, last = tokens
    return " & ".join([*words, f"{last}:*"])


@SearchKeyField.register_lookup
class Matches(Lookup):
    lookup_name = "matches"

    # A query with no searchable character matches nothing rather than everything.
    NOTHING: tuple[str, list[Any]] = ("0 = 1", [])

    def _tokens(self) -> list[str]:
        return query_tokens(str(self.rhs))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self._tokens():
            return self.NOTHING
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        clauses: list[str] = []
        params: list[Any] = []
        for token in self._tokens():
            clauses.append(f"(' ' || {lhs_sql}) LIKE %s")
            params.extend([*lhs_params, f"% {token}%"])
        return " AND ".join(clauses), params

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self._tokens():
            return self.NOTHING
        table = self.lhs.target.model._meta.db_table
        pk = self.lhs.target.model._meta.pk.column
        alias = connection.ops.quote_name(self.lhs.alias)
        fts = connection.ops.quote_name(f"{table}_fts")
        match = fts5_query(self._tokens())
        return f"{alias}.{connection.ops.quote_name(pk)} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [
            match
        ]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self._tokens():
            return self.NOTHING
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        tsquery = tsquery_text(self._tokens())
        return f"to_tsvector('simple'::regconfig, {lhs_sql}) @@ to_tsquery('simple'::regconfig, %s)", [
            *lhs_params,
            tsquery,
        ]


@SearchKeyField.register_lookup
class MatchesScan(Matches):
    """The rows of `matches` in a form no index serves, for plans that walk another index in order
    (the primary key, a commune) and test each row: SQLite gets `+id IN (...)`, which it cannot drive
    the query from; PostgreSQL gets ts_match_vq(), the function behind @@, which GIN cannot serve."""

    lookup_name = "matches_scan"

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = super().as_sqlite(compiler, connection)
        return (sql if (sql, params) == self.NOTHING else f"+{sql}"), params

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not self._tokens():
            return self.NOTHING
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        return (
            f"ts_match_vq(to_tsvector('simple'::regconfig, {lhs_sql}), to_tsquery('simple'::regconfig, %s))",
            [*lhs_params, tsquery_text(self._tokens())],
        )


def candidate_ids(model: type[models.Model], query: str, limit: int, column: str = "search_key") -> list[int]:
    """Ids of at most `limit` records whose key matches, straight from the index: no join, no order.

    Merged and out-of-scope records are included; the caller narrows them with `pk__in`.
    """
    tokens = query_tokens(query)
    if not tokens:
        return []
    connection = connections[router.db_for_read(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            fts = connection.ops.quote_name(f"{table}_fts")
            cursor.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s LIMIT %s", [fts5_query(tokens), limit]
            )
        elif connection.vendor == "postgresql":
            pk = connection.ops.quote_name(model._meta.pk.column)
            col = connection.ops.quote_name(column)
            cursor.execute(
                f"SELECT {pk} FROM {connection.ops.quote_name(table)} WHERE to_tsvector('simple'::regconfig, {col}) "
                "@@ to_tsquery('simple'::regconfig, %s) LIMIT %s",
                [tsquery_text(tokens), limit],
            )
        else:
            manager = model._base_manager
            return list(manager.filter(**{f"{column}__matches": query}).values_list("pk", flat=True)[:limit])
        return [row[0] for row in cursor.fetchall()]


def sqlite_triggers(table: str, pk: str, col: str) -> list[str]:
    """The triggers that keep `<table>_fts` in step with the table (idempotent statements)."""
    fts = f"{table}_fts"
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ai" AFTER INSERT ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"(rowid, {col}) VALUES (new."{pk}", new."{col}"); END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_ad" AFTER DELETE ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, {col}) VALUES (\'delete\', old."{pk}", old."{col}"); END',
        f'CREATE TRIGGER IF NOT EXISTS "{fts}_au" AFTER UPDATE OF "{col}" ON "{table}" BEGIN '
        f'INSERT INTO "{fts}"("{fts}", rowid, {col}) VALUES (\'delete\', old."{pk}", old."{col}"); '
        f'INSERT INTO "{fts}"(rowid, {col}) VALUES (new."{pk}", new."{col}"); END',
    ]


def restore_sqlite_triggers(*, using: str = "default", **_: Any) -> None:
    """After `migrate`: put back FTS triggers that a table rebuild dropped, re-index and re-analyse.

    SQLite has no ALTER COLUMN, so Django applies most field changes by copying the table into a new
    one, and the triggers of the old table go with it. Checking after every migrate keeps that from
    silently stopping the index, whatever later migrations do.
    """
    from django.apps import apps

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, SearchKeyField):
                    continue
                table, pk = model._meta.db_table, model._meta.pk.column
                fts = f"{table}_fts"
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
                    [fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"],
                )
                present = {row[0] for row in cursor.fetchall()}
                if fts not in present or len(present) == 4:
                    continue
                for sql in sqlite_triggers(table, pk, field.column):
                    cursor.execute(sql)
                cursor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
                # The rebuilt table also lost its planner statistics; without them SQLite may sort
                # the whole registry instead of walking an index.
                cursor.execute(f'ANALYZE "{table}"')


class CreateSearchIndex(Operation):
    """Migration operation: the vendor's full-text index over `<model>.<column>`."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, column: str = "search_key") -> None:
        self.model_name = model_name
        self.column = column

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        return self.__class__.__qualname__, [self.model_name], {"column": self.column}

    def _table(self, app_label: str, apps: StateApps) -> tuple[str, str]:
        model = apps.get_model(app_label, self.model_name)
        return model._meta.db_table, model._meta.pk.column

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        table, pk = self._table(app_label, to_state.apps)
        col = self.column
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            fts = f"{table}_fts"
            schema_editor.execute(
                f"CREATE VIRTUAL TABLE \"{fts}\" USING fts5({col}, content='{table}', content_rowid='{pk}', "
                "tokenize='unicode61', prefix='1 2 3')"
            )
            for sql in sqlite_triggers(table, pk, col):
                schema_editor.execute(sql)
            schema_editor.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
        elif vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{table}_{col}_fts" ON "{table}" '
                f"USING gin (to_tsvector('simple'::regconfig, \"{col}\"))"
            )

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: ProjectState,
        to_state: ProjectState,
    ) -> None:
        table, _pk = self._table(app_label, from_state.apps)
        vendor = schema_editor.connection.vendor
        if vendor == "sqlite":
            fts = f"{table}_fts"
            for suffix in ("ai", "ad", "au"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "{fts}_{suffix}"')
            schema_editor.execute(f'DROP TABLE IF EXISTS "{fts}"')
        elif vendor == "postgresql":
            schema_editor.execute(f'DROP INDEX IF EXISTS "{table}_{self.column}_fts"')

    def describe(self) -> str:
        return f"Create full-text search index on {self.model_name}.{self.column}"
