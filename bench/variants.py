"""Candidate fixes for the registry search, tried inside the bench process only.

Nothing here changes the project's files: the lookup's SQL is swapped by patching
`khuyencong.core.search_index.Matches` for the duration of one call, and the one schema experiment
(a partial index on merged_into) is applied to the bench database in `setup` and undone in `teardown`.
Every variant still goes through the real selector `establishment_list(...)`.

Each variant's `make(q)` returns a function that does what a list request would do and returns
(count shown, first-page rows). A capped count is shown as the string "2000+".
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from django.db import connection
from django.db.models import CharField, F, Func

CAP = 2000  # count at most this many; at or above it the page walks the name index
PAGE_SIZE = 25


class Unindexed(Func):
    """`(name || '')`: sorts exactly like name but no index matches it, so PostgreSQL must filter, then sort."""

    template = "(%(expressions)s || '')"
    output_field = CharField()


# --- the lookup's SQL, variant by variant ---------------------------------------------------------------


def fts5_match(tokens: list[str], exact: bool) -> str:
    """FTS5 query: every token a prefix (today), or whole words but the last (the one being typed)."""
    if not exact:
        return " ".join(f'"{t}"*' for t in tokens)
    return " ".join([*(f'"{t}"' for t in tokens[:-1]), f'"{tokens[-1]}"*'])


def tsquery(tokens: list[str], exact: bool) -> str:
    tokens = [t for t in tokens if t != "\x00"]
    if not tokens:
        return "''"
    if not exact:
        return " & ".join(f"{t}:*" for t in tokens)
    return " & ".join([*tokens[:-1], f"{tokens[-1]}:*"])


@contextlib.contextmanager
def patched_matches(
    *, exact: bool = False, walk: bool = False, vector_column: str = "", ids: list[int] | None = None
) -> Iterator[None]:
    """Swap the SQL of `search_key__matches` while the block runs.

    exact: whole words but the last.  walk (SQLite): `+id IN (...)`, so the planner cannot drive the
    query from the FTS rowids and walks estab_name_id in order instead, probing the match list.
    walk (PostgreSQL): `ts_match_vq(to_tsvector(...), to_tsquery(...))`, the function behind @@: the GIN
    index cannot serve a function call and the planner gives it a flat 1/3 selectivity, so with
    ORDER BY name, id LIMIT 25 it walks estab_name_id and filters.
    ids: the candidates a capped probe already found: `id IN (1, 2, ...)`, no second index search.
    """
    from khuyencong.core import search_index

    cls = search_index.Matches
    saved = cls.as_sqlite, cls.as_postgresql

    def as_ids(self: Any, conn: Any) -> tuple[str, list[Any]]:
        pk = conn.ops.quote_name(self.lhs.target.model._meta.pk.column)
        if not ids:
            return "1 = 0", []
        return f"{conn.ops.quote_name(self.lhs.alias)}.{pk} IN ({', '.join(['%s'] * len(ids))})", list(ids)

    def as_sqlite(self: Any, compiler: Any, conn: Any) -> tuple[str, list[Any]]:
        if ids is not None:
            return as_ids(self, conn)
        if not self._tokens():
            return "0 = 1", []  # as the project's lookup: nothing searchable matches nothing
        table = self.lhs.target.model._meta.db_table
        pk = self.lhs.target.model._meta.pk.column
        alias = conn.ops.quote_name(self.lhs.alias)
        fts = conn.ops.quote_name(f"{table}_fts")
        plus = "+" if walk else ""
        return (
            f"{plus}{alias}.{conn.ops.quote_name(pk)} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)",
            [fts5_match(self._tokens(), exact)],
        )

    def as_postgresql(self: Any, compiler: Any, conn: Any) -> tuple[str, list[Any]]:
        if ids is not None:
            return as_ids(self, conn)
        if not self._tokens():
            return "0 = 1", []
        lhs_sql, lhs_params = compiler.compile(self.lhs)
        vector = f"to_tsvector('simple'::regconfig, {lhs_sql})"
        if vector_column:  # a stored tsvector column next to search_key (variant E)
            vector, lhs_params = (
                f"{conn.ops.quote_name(self.lhs.alias)}.{conn.ops.quote_name(vector_column)}",
                [],
            )
        query = "to_tsquery('simple'::regconfig, %s)"
        # The function behind @@, called as a function: no index can serve it and the planner gives it
        # a flat 1/3 selectivity, so ORDER BY name, id LIMIT 25 walks estab_name_id.
        sql = f"ts_match_vq({vector}, {query})" if walk else f"{vector} @@ {query}"
        return sql, [*lhs_params, tsquery(self._tokens(), exact)]

    # setattr: the patch swaps methods on the class for the duration of one measured call.
    setattr(cls, "as_sqlite", as_sqlite)  # noqa: B010
    setattr(cls, "as_postgresql", as_postgresql)  # noqa: B010
    try:
        yield
    finally:
        setattr(cls, "as_sqlite", saved[0])  # noqa: B010
        setattr(cls, "as_postgresql", saved[1])  # noqa: B010


# --- a capped probe that never touches the main table ---------------------------------------------------


def capped_probe(q: str, *, exact: bool, cap: int = CAP, vector_column: str = "") -> list[int]:
    """The ids of the records that match, at most cap + 1 of them (merged ones included).

    SQLite: the FTS table alone, streamed: no rowid lookups into the main table, no materialised IN list.
    PostgreSQL: the GIN expression with LIMIT and no ORDER BY, so no name-index walk.
    """
    from khuyencong.core.search_index import query_tokens
    from khuyencong.establishments.models import Establishment

    tokens = query_tokens(q)
    if not tokens:
        return []
    table = Establishment._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                f'SELECT rowid FROM "{table}_fts" WHERE "{table}_fts" MATCH %s LIMIT %s',
                [fts5_match(tokens, exact), cap + 1],
            )
        else:
            vector = f'"{vector_column}"' if vector_column else "to_tsvector('simple'::regconfig, search_key)"
            cur.execute(
                f"SELECT id FROM \"{table}\" WHERE {vector} @@ to_tsquery('simple'::regconfig, %s) LIMIT %s",
                [tsquery(tokens, exact), cap + 1],
            )
        return [row[0] for row in cur.fetchall()]


# --- variants -------------------------------------------------------------------------------------------


def _officer_qs(q: str) -> Any:
    from bench.users import current_user
    from khuyencong.establishments.selectors import EstablishmentFilters, establishment_list

    return establishment_list(user=current_user(), filters=EstablishmentFilters(q=q))


def make_exact(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    from django.core.paginator import Paginator

    def run() -> tuple[Any, list[Any]]:
        with patched_matches(exact=True):
            paginator = Paginator(_officer_qs(q), PAGE_SIZE)
            rows = list(paginator.page(1))
            return paginator.count, rows

    return run


def adaptive(q: str, *, exact: bool, vector_column: str = "", many: str = "name") -> tuple[Any, list[Any]]:
    """Capped probe, then the plan it calls for: walk an index when many match, else sort the few."""
    from bench.users import current_user
    from khuyencong.accounts.scope import ALL, scope_unit_ids

    def many_rows(walk: bool = True) -> list[Any]:
        with patched_matches(exact=exact, walk=walk, vector_column=vector_column):
            qs = _officer_qs(q)
            if many == "newest":  # walk the primary key backwards: matches are spread evenly over ids
                qs = qs.order_by("-id")
            return list(qs[:PAGE_SIZE])

    def few_rows(qs: Any, n: int) -> list[Any]:
        if connection.vendor == "postgresql":
            qs = qs.order_by(Unindexed(F("name")), "id")
        return list(qs[: min(PAGE_SIZE, n) or 1])

    if not q.strip():
        # No search: count at most CAP + 1 active records, first page straight off estab_name_id.
        qs = _officer_qs(q)
        n = qs.order_by()[: CAP + 1].count()
        rows = list(qs[:PAGE_SIZE])
        return (f"{CAP}+" if n > CAP else n), rows
    if scope_unit_ids(current_user()) is ALL:
        ids = capped_probe(q, exact=exact, vector_column=vector_column)
        if len(ids) > CAP:
            return f"{CAP}+", many_rows()
        # Few: the probe's ids are the candidates; merged records and any other filter still come from
        # the selector.
        with patched_matches(ids=ids):
            qs = _officer_qs(q)
            n = qs.count()  # exact, and cheap: primary-key lookups of at most CAP ids
            return n, few_rows(qs, n)
    # A place-scoped user sees part of the registry: count inside the scope, capped. SQLite:
    # the walk form, so the scope's commune index drives and probes the match list; PostgreSQL: the plain
    # form, which it combines with the commune index itself (BitmapAnd or commune index + filter).
    sqlite = connection.vendor == "sqlite"
    with patched_matches(exact=exact, walk=sqlite, vector_column=vector_column):
        qs = _officer_qs(q)
        n = qs.order_by()[: CAP + 1].count()
        if n <= CAP:
            return n, few_rows(qs, n)
    return f"{CAP}+", many_rows(walk=sqlite)


def make_adaptive(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    return lambda: adaptive(q, exact=False)


def make_exact_adaptive(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    return lambda: adaptive(q, exact=True)


# The schema experiment: merged_into's foreign-key index made partial (WHERE merged_into_id IS NOT NULL),
# so `merged_into_id IS NULL` can no longer pick it and the no-search list walks estab_name_id.
_saved_index: list[tuple[str, str]] = []


def _merged_index_setup() -> None:
    from khuyencong.establishments.models import Establishment

    table = Establishment._meta.db_table
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type='index' AND tbl_name=%s AND sql LIKE %s",
                [table, '%"merged_into_id")%'],
            )
        else:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename=%s AND indexdef LIKE %s",
                [table, "%(merged_into_id)"],
            )
        _saved_index[:] = cur.fetchall()
        for name, _sql in _saved_index:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute(
            f'CREATE INDEX "bench_estab_merged_into" ON "{table}" ("merged_into_id") '
            "WHERE merged_into_id IS NOT NULL"
        )
        cur.execute(f'ANALYZE "{table}"')


def _merged_index_teardown() -> None:
    from khuyencong.establishments.models import Establishment

    table = Establishment._meta.db_table
    with connection.cursor() as cur:
        cur.execute('DROP INDEX IF EXISTS "bench_estab_merged_into"')
        for _name, sql in _saved_index:
            cur.execute(sql)
        cur.execute(f'ANALYZE "{table}"')


def make_newest(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    return lambda: adaptive(q, exact=True, many="newest")


for _make in (make_adaptive, make_exact_adaptive, make_newest):
    _make.setup = _merged_index_setup  # type: ignore[attr-defined]
    _make.teardown = _merged_index_teardown  # type: ignore[attr-defined]


VECTOR = "bench_search_vector"


def make_vector(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    return lambda: adaptive(q, exact=True, vector_column=VECTOR)


def make_vector_newest(q: str) -> Callable[[], tuple[Any, list[Any]]]:
    return lambda: adaptive(q, exact=True, vector_column=VECTOR, many="newest")


def _vector_setup() -> None:
    """PostgreSQL: a stored generated tsvector column with its own GIN index (plus the partial merged index)."""
    import time

    from khuyencong.establishments.models import Establishment

    _merged_index_setup()
    table = Establishment._meta.db_table
    with connection.cursor() as cur:
        t = time.perf_counter()
        cur.execute(
            f'ALTER TABLE "{table}" ADD COLUMN "{VECTOR}" tsvector '
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_key)) STORED"
        )
        cur.execute(f'CREATE INDEX "{VECTOR}_gin" ON "{table}" USING gin ("{VECTOR}")')
        cur.execute(f'ANALYZE "{table}"')
        print(f"  stored tsvector column + GIN index built in {time.perf_counter() - t:.1f} s", flush=True)


def _vector_teardown() -> None:
    from khuyencong.establishments.models import Establishment

    table = Establishment._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f'ALTER TABLE "{table}" DROP COLUMN IF EXISTS "{VECTOR}"')
        cur.execute(f'VACUUM FULL "{table}"')  # give back the dropped column's space
        cur.execute(f'VACUUM (ANALYZE) "{table}"')  # and the visibility map that index-only scans need
    _merged_index_teardown()


make_vector.setup = _vector_setup  # type: ignore[attr-defined]
make_vector_newest.teardown = _vector_teardown  # type: ignore[attr-defined]  # E and F share the column


def for_vendor(vendor: str) -> dict[str, tuple[str, Callable[[str], Callable[[], Any]]]]:
    return {
        "A exact-words": (
            "query words match whole words except the last, which stays a prefix (`hung long` → "
            'FTS5 `"hung" "long"*`, tsquery `hung & long:*`); paging unchanged (exact count + page).',
            make_exact,
        ),
        "B capped+adaptive+partial index": (
            f"(1) merged_into's index made partial (`WHERE merged_into_id IS NOT NULL`; applied to the bench "
            f"database for this variant, then undone), (2) a capped probe (FTS5 table alone / GIN with LIMIT) "
            f'fetches up to {CAP}+1 matching ids; over {CAP}: show "{CAP}+" and walk estab_name_id (SQLite '
            "`+id IN (…)`, PostgreSQL `ts_match_vq(…)`, the function behind @@, which no index serves); else "
            "`id IN (probe's ids)`: exact count and sort of at most 2000 rows (PostgreSQL: ORDER BY "
            "(name || ''), id). Prefix semantics kept.",
            make_adaptive,
        ),
        "C A+B": ("both of the above.", make_exact_adaptive),
        "D C, newest first when >2000": (
            "C, but a search with more than 2000 matches lists the newest records first (ORDER BY id DESC, "
            "walking the primary key) instead of by name; up to 2000 matches stay sorted by name.",
            make_newest,
        ),
        **(
            {
                "E C+stored tsvector": (
                    "C with a stored generated column `tsvector GENERATED ALWAYS AS (to_tsvector('simple', "
                    "search_key)) STORED` and its GIN index (added for this variant, then dropped): the walk's filter "
                    "and the probe read the stored vector instead of re-parsing search_key for every row.",
                    make_vector,
                ),
                "F E, newest first when >2000": (
                    "E with D's ordering for more than 2000 matches.",
                    make_vector_newest,
                ),
            }
            if vendor == "postgresql"
            else {}
        ),
    }
