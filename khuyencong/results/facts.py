"""Per-project facts kept in a table (results.ProjectFact), so a summary only groups.

The summary of a national 5-year range counts about 10,000 projects; computing each project's money and
results (a budget line per source, the accepted acceptance's results, its first beneficiary's sector, its
current unit through the successor links) took most of its time. Those figures change only when the
project, its budget lines, beneficiaries, acceptance, results or the geography change, so they are kept
here and refreshed on each of those changes, inside the same transaction (a rolled-back change leaves its
facts as they were).

The refresh is the same SQL the raw path computes (`aggregation._per_project`), written with
INSERT … SELECT, so there is one definition of each figure. What depends on the request (an "as of"
date, priority classifications in force, advances and recoveries, recorded indicators) is not stored:
those requests take the raw path. `drift()` compares the table with a fresh computation; the test suite
runs it after every test that touched the database, which covers every change path the suite exercises.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete

from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession
from khuyencong.projects.models import Acceptance, ActualResult, BudgetLine, Project
from khuyencong.results.choices import UnitMode
from khuyencong.results.models import ProjectFact

# Measures stored per project: the name aggregation uses -> the model field holding it.
MEASURES: dict[str, str] = {
    "central": "central",
    "provincial": "provincial",
    "own": "own",
    "other": "other",
    "settled": "settled",
    "accepted": "accepted",
    "jobs_created": "jobs_created",
    "workers_trained": "workers_trained",
    "establishments_supported": "establishments_supported",
    "models": "models_built",
    "machines": "machines",
    "trained_women": "trained_women",
    "trained_ethnic_minority": "trained_ethnic_minority",
    "completion_n": "completion_n",
    "completion_days": "completion_days",
    "settlement_n": "settlement_n",
    "settlement_days": "settlement_days",
}
# Besides these, "projects" is always available (one per row).
SERVED = frozenset({"projects", *MEASURES})

# Source expression alias -> ProjectFact field, in the order of the INSERT.
_DIMENSIONS: dict[str, str] = {
    "pk": "project",
    "plan_year": "plan_year",
    "status": "status",
    "category": "category",
    "level": "level",
    "unit_id": "recorded_unit",
    "fact_current_unit": "current_unit",
    "fact_sector": "sector",
}
# Above this many projects a refresh rebuilds the whole table rather than listing ids in the query.
_WHOLE_TABLE_ABOVE = 5_000


def _source(projects: QuerySet[Project]) -> tuple[str, list[Any]]:
    """SELECT of every stored column for `projects`, in the order of `_columns()`."""
    from khuyencong.results import aggregation as agg

    per = agg._per_project(agg.Filters(from_year=agg.MIN_YEAR, to_year=agg.MAX_YEAR), [])
    qs = (
        projects.annotate(
            fact_current_unit=agg._place_expression(UnitMode.CURRENT),
            fact_sector=agg._sector_expression(),
        )
        .alias(**agg._one_to_one_joins())
        .annotate(**{f"m__{name}": per[name] for name in MEASURES})
        .order_by()
    )
    aliases = [*_DIMENSIONS, *(f"m__{name}" for name in MEASURES)]
    sql, params = qs.values(*aliases).query.sql_with_params()
    quote = connection.ops.quote_name
    # The derived table names each column by its alias, whatever order the ORM put them in.
    outer = ", ".join(f"s.{quote(a)}" for a in aliases)
    return f"SELECT {outer} FROM ({sql}) s", list(params)


def _columns() -> list[str]:
    by_name = {f.name: f for f in ProjectFact._meta.concrete_fields}
    names = [*_DIMENSIONS.values(), *MEASURES.values()]
    return [by_name[n].column for n in names]


def refresh(project_ids: Iterable[int | None] | None = None) -> None:
    """Recompute the facts of these projects (all of them when None); deleted projects lose theirs."""
    ids = None if project_ids is None else sorted({int(i) for i in project_ids if i is not None})
    if ids is not None and not ids:
        return
    if ids is not None and len(ids) > _WHOLE_TABLE_ABOVE:
        ids = None
    projects = Project.objects.all() if ids is None else Project.objects.filter(pk__in=ids)
    stale = ProjectFact.objects.all() if ids is None else ProjectFact.objects.filter(project_id__in=ids)
    sql, params = _source(projects)
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(ProjectFact._meta.db_table)} ({', '.join(quote(c) for c in _columns())}) {sql}"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As in aggregation.fact_table: the correlated subqueries would make PostgreSQL JIT-compile.
            cursor.execute("SET LOCAL jit = off")
        stale._raw_delete(stale.db)  # no relations point at a fact: no collector needed
        cursor.execute(insert, params)


def drift(limit: int = 20) -> list[str]:
    """Projects whose stored facts differ from a fresh computation (empty when the table is current)."""
    sql, params = _source(Project.objects.all())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fresh = {row[0]: tuple(row) for row in cursor.fetchall()}
    fields = [*_DIMENSIONS.values(), *MEASURES.values()]
    stored = {
        row[0]: tuple(row)
        for row in ProjectFact.objects.values_list(*[f"{f}_id" if f == "project" else f for f in fields])
    }
    problems = []
    for pk in sorted(set(fresh) | set(stored)):
        if fresh.get(pk) != stored.get(pk):
            problems.append(f"project {pk}: stored {stored.get(pk)} != computed {fresh.get(pk)}")
            if len(problems) >= limit:
                break
    return problems


# --- change paths -------------------------------------------------------------------------------------


def _project_saved(sender: Any, instance: Project, **kwargs: Any) -> None:
    refresh([instance.pk])


def _project_deleted(sender: Any, instance: Project, **kwargs: Any) -> None:
    # Its budget lines' deletion (earlier in the same cascade) may have written its facts again; the
    # foreign key is checked at commit, by which time they are gone.
    ProjectFact.objects.filter(project_id=instance.pk).delete()


def _line_changed(sender: Any, instance: BudgetLine, **kwargs: Any) -> None:
    refresh([instance.project_id])


def _acceptance_changed(sender: Any, instance: Acceptance, **kwargs: Any) -> None:
    refresh([instance.project_id])


def _result_changed(sender: Any, instance: ActualResult, **kwargs: Any) -> None:
    refresh(Acceptance.objects.filter(pk=instance.acceptance_id).values_list("project_id", flat=True))


def _beneficiaries_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not reverse:
        if action in ("post_add", "post_remove", "post_clear"):
            refresh([instance.pk])
        return
    # From the establishment's side: pk_set holds projects; a clear names none, so note them first.
    if action == "pre_clear":
        instance._facts_projects = list(
            sender.objects.filter(establishment_id=instance.pk).values_list("project_id", flat=True)
        )
    elif action in ("post_add", "post_remove"):
        refresh(pk_set or ())
    elif action == "post_clear":
        refresh(getattr(instance, "_facts_projects", ()))


def _projects_of_establishment(establishment_id: int) -> Iterable[int]:
    through = Project.beneficiaries.through
    return through.objects.filter(establishment_id=establishment_id).values_list("project_id", flat=True)


def _establishment_saved(sender: Any, instance: Establishment, **kwargs: Any) -> None:
    # Its sector is the sector of the projects it is the first beneficiary of.
    refresh(_projects_of_establishment(instance.pk))


def _establishment_deleting(sender: Any, instance: Establishment, **kwargs: Any) -> None:
    instance._facts_projects = list(_projects_of_establishment(instance.pk))  # type: ignore[attr-defined]


def _establishment_deleted(sender: Any, instance: Establishment, **kwargs: Any) -> None:
    refresh(getattr(instance, "_facts_projects", ()))


def _projects_in(unit_id: int) -> Iterable[int]:
    return Project.objects.filter(unit_id=unit_id).values_list("pk", flat=True)


def _unit_saved(sender: Any, instance: AdministrativeUnit, **kwargs: Any) -> None:
    refresh(_projects_in(instance.pk))


def _succession_changed(sender: Any, instance: UnitSuccession, **kwargs: Any) -> None:
    refresh(_projects_in(instance.predecessor_id))


def _backfill(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: fill the table when projects exist without facts (first deployment, a restore of an
    older backup)."""
    if ProjectFact.objects.using(using).count() != Project.objects.using(using).count():
        refresh()


def connect() -> None:
    """Called from ResultsConfig.ready(). Bulk writes that send no signals call `refresh` themselves."""
    uid = "results.facts"
    post_save.connect(_project_saved, sender=Project, dispatch_uid=f"{uid}.project")
    post_delete.connect(_project_deleted, sender=Project, dispatch_uid=f"{uid}.project_deleted")
    for signal in (post_save, post_delete):
        signal.connect(_line_changed, sender=BudgetLine, dispatch_uid=f"{uid}.line")
        signal.connect(_acceptance_changed, sender=Acceptance, dispatch_uid=f"{uid}.acceptance")
        signal.connect(_result_changed, sender=ActualResult, dispatch_uid=f"{uid}.result")
        signal.connect(_succession_changed, sender=UnitSuccession, dispatch_uid=f"{uid}.succession")
    m2m_changed.connect(
        _beneficiaries_changed, sender=Project.beneficiaries.through, dispatch_uid=f"{uid}.beneficiaries"
    )
    post_save.connect(_establishment_saved, sender=Establishment, dispatch_uid=f"{uid}.establishment")
    pre_delete.connect(_establishment_deleting, sender=Establishment, dispatch_uid=f"{uid}.est_deleting")
    post_delete.connect(_establishment_deleted, sender=Establishment, dispatch_uid=f"{uid}.est_deleted")
    post_save.connect(_unit_saved, sender=AdministrativeUnit, dispatch_uid=f"{uid}.unit")
    post_migrate.connect(_backfill, sender=apps.get_app_config("results"), dispatch_uid=f"{uid}.backfill")
