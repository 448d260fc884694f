"""The stored per-project facts (results.facts) against the raw GROUP BY, after every kind of change.

Besides these, the root conftest compares the table with a fresh computation after every test of the
suite that used the database, so any change path a test exercises is checked.
"""

import datetime as dt
import itertools
import random

import pytest
from django.core.management import call_command
from django.db import transaction

from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, ActualResult, BudgetLine, Project
from khuyencong.results import aggregation, facts
from khuyencong.results.aggregation import Filters
from khuyencong.results.models import ProjectFact
from khuyencong.results.tests.conftest import M

RANGE = Filters(from_year=2020, to_year=2026)


def assert_current(user):
    """The table equals a fresh computation, and every summary from it equals the raw one."""
    assert facts.drift() == []
    for mode in ("recorded", "current"):
        filters = Filters(from_year=2020, to_year=2026, units=mode)
        assert aggregation.summary(user=user, filters=filters) == aggregation.summary(
            user=user, filters=filters, stored=False
        )


def summary(user, **filters):
    return aggregation.summary(user=user, filters=Filters(from_year=2020, to_year=2026, **filters))


def test_the_stored_path_answers_what_the_raw_path_answers_for_every_filter(programme, officer, geo):
    """Each filter value alone in both place modes, and a fixed sample of combinations, on the fixture
    that spans the reform with a divided commune: a summary from the table equals one from the projects."""
    assert ProjectFact.objects.count() == Project.objects.count()
    values = {
        "fund": ("central", "provincial"),
        "level": ("national", "local"),
        "category": ("demonstration_model", "training"),
        "sector": ("forest_products", "unspecified"),
        "unit": (geo.old_vinh_trai.pk, geo.luong_van_tri.pk, geo.tam_thanh.pk),
    }
    cases = [{}] + [{name: value} for name, options in values.items() for value in options]
    everything = list(itertools.product(*[("", *options) for options in values.values()]))
    sample = random.Random(5).sample(everything, 12)
    cases += [dict(zip(values, combination, strict=True)) for combination in sample]
    for units in ("recorded", "current"):
        for case in cases:
            case = {k: v for k, v in case.items() if v not in ("", None)}
            filters = Filters(from_year=2023, to_year=2025, units=units, **case)
            stored = aggregation.summary(user=officer, filters=filters)
            assert stored == aggregation.summary(user=officer, filters=filters, stored=False), filters
    # and the figures are the hand-computed ones, not two equal wrong answers
    data = aggregation.summary(user=officer, filters=Filters(from_year=2023, to_year=2025))
    assert data["projects"] == 6
    assert data["support_vnd"] == {"central": 450 * M, "provincial": 500 * M}


def test_a_breakdown_takes_the_stored_path_only_when_it_needs_nothing_else(programme, officer):
    filters = Filters(from_year=2023, to_year=2025)
    for by in ("year", "category", "sector", "level", "unit"):
        stored = aggregation.breakdown(user=officer, filters=filters, by=by, only=aggregation.SUMMARY_TOTALS)
        raw = aggregation.breakdown(
            user=officer, filters=filters, by=by, only=aggregation.SUMMARY_TOTALS, stored=False
        )
        assert stored == raw, by
    # what the table does not hold (advances, an "as of" day) is computed from the projects
    assert aggregation._storable(filters, ["projects", "central"])
    assert not aggregation._storable(filters, ["disbursed"])
    assert not aggregation._storable(Filters(from_year=2023, to_year=2025, as_of=dt.date(2024, 1, 1)), [])
    assert not aggregation._storable(Filters(from_year=2023, to_year=2025, priority="any"), [])


def test_a_commune_officer_reads_only_their_communes_from_the_stored_facts(programme, commune_officer):
    assert_current(commune_officer)
    mine = summary(commune_officer)
    assert 0 < mine["projects"] < Project.objects.filter(status__in=aggregation.COUNTED).count()


def test_a_budget_change_through_the_model_the_queryset_and_a_delete(programme, officer):
    project = programme["tam_thanh_consulting"]
    line = BudgetLine.objects.get(project=project, source="provincial")
    line.amount = 45 * M
    line.save()
    assert ProjectFact.objects.get(project=project).provincial == 45 * M
    assert_current(officer)
    BudgetLine.objects.filter(project=project, source="provincial").update(amount=47 * M)
    assert ProjectFact.objects.get(project=project).provincial == 47 * M
    BudgetLine.objects.create(project=project, source="central", amount=5 * M)
    assert ProjectFact.objects.get(project=project).central == 5 * M
    BudgetLine.objects.filter(project=project, source="central").delete()
    assert ProjectFact.objects.get(project=project).central == 0
    BudgetLine.objects.bulk_create([BudgetLine(project=project, source="other", amount=3 * M)])
    assert ProjectFact.objects.get(project=project).other == 3 * M
    assert_current(officer)


def test_a_status_change_through_save_and_update_counts_or_uncounts_the_project(programme, officer):
    project = programme["tam_thanh_consulting"]
    before = summary(officer)["projects"]
    Project.objects.filter(pk=project.pk).update(status=Status.CANCELLED)
    assert summary(officer)["projects"] == before - 1
    project.refresh_from_db()
    project.status = Status.IN_PROGRESS
    project.save()
    assert summary(officer)["projects"] == before
    assert_current(officer)


def test_beneficiaries_from_either_side_move_the_sector(programme, officer, hung_long, ba_son_coop):
    project = programme["luong_van_tri_model"]  # no beneficiary: unspecified
    assert ProjectFact.objects.get(project=project).sector == aggregation.NO_SECTOR
    project.beneficiaries.add(ba_son_coop)
    assert ProjectFact.objects.get(project=project).sector == ba_son_coop.sector
    project.beneficiaries.clear()
    assert ProjectFact.objects.get(project=project).sector == aggregation.NO_SECTOR
    ba_son_coop.projects.add(project)  # the establishment's side: pk_set names projects
    assert ProjectFact.objects.get(project=project).sector == ba_son_coop.sector
    ba_son_coop.projects.clear()
    assert ProjectFact.objects.get(project=project).sector == aggregation.NO_SECTOR
    ba_son_coop.projects.add(project)
    ba_son_coop.projects.remove(project)
    assert ProjectFact.objects.get(project=project).sector == aggregation.NO_SECTOR
    assert_current(officer)


def test_a_beneficiarys_new_sector_reaches_its_projects(programme, officer, hung_long):
    projects = list(Project.objects.filter(beneficiaries=hung_long).values_list("pk", flat=True))
    assert projects
    new_sector = next(s for s in ("textiles", "food_processing") if s != hung_long.sector)
    hung_long.sector = new_sector
    hung_long.save()
    assert set(ProjectFact.objects.filter(project_id__in=projects).values_list("sector", flat=True)) == {
        new_sector
    }
    assert_current(officer)


def test_an_acceptance_and_its_results_through_every_write(programme, officer):
    project = programme["vinh_trai_model"]
    acceptance = Acceptance.objects.get(project=project)
    ActualResult.objects.filter(acceptance=acceptance, indicator="jobs_created").update(value=41)
    assert ProjectFact.objects.get(project=project).jobs_created == 41
    result = ActualResult.objects.get(acceptance=acceptance, indicator="jobs_created")
    result.value = 42
    result.save()
    assert ProjectFact.objects.get(project=project).jobs_created == 42
    result.delete()
    assert ProjectFact.objects.get(project=project).jobs_created == 0
    ActualResult.objects.bulk_create(
        [ActualResult(acceptance=acceptance, indicator="jobs_created", value=43)]
    )
    assert ProjectFact.objects.get(project=project).jobs_created == 43
    Acceptance.objects.filter(pk=acceptance.pk).update(accepted=False)
    assert ProjectFact.objects.get(project=project).jobs_created == 0
    assert ProjectFact.objects.get(project=project).accepted == 0
    assert_current(officer)


def test_a_new_default_successor_moves_a_divided_communes_projects(programme, officer, geo):
    before = ProjectFact.objects.get(project=programme["vinh_trai_model"]).current_unit
    links = UnitSuccession.objects.filter(predecessor=geo.old_vinh_trai)
    default = links.get(is_default=True)
    other = links.exclude(pk=default.pk).first()
    assert other is not None and before == default.successor_id
    default.is_default = False
    default.save()
    other.is_default = True
    other.save()
    assert ProjectFact.objects.get(project=programme["vinh_trai_model"]).current_unit == other.successor_id
    assert_current(officer)
    # a unit that changes generation: its projects are counted in it (or mapped) accordingly
    unit = AdministrativeUnit.objects.get(pk=geo.old_hop_thanh.pk)
    unit.save()
    assert_current(officer)


def test_a_rolled_back_change_leaves_the_facts_as_they_were(programme, officer):
    project = programme["tam_thanh_consulting"]
    before = ProjectFact.objects.get(project=project).provincial
    seen_inside = []

    def failing_service():
        with transaction.atomic():
            BudgetLine.objects.filter(project=project, source="provincial").update(amount=1)
            seen_inside.append(ProjectFact.objects.get(project=project).provincial)
            raise RuntimeError("the service failed half-way")

    with pytest.raises(RuntimeError):
        failing_service()
    assert seen_inside == [1]
    assert ProjectFact.objects.get(project=project).provincial == before
    assert_current(officer)


def test_a_deleted_project_takes_its_facts_with_it(make_project, officer):
    project = make_project(year=2024, status=Status.DRAFT)
    assert ProjectFact.objects.filter(project=project).exists()
    project.beneficiaries.clear()
    project.delete()
    assert not ProjectFact.objects.filter(project_id=project.pk).exists()
    assert facts.drift() == []


def test_the_command_rebuilds_a_table_emptied_or_tampered_with_and_check_reports_it(programme, officer):
    ProjectFact.objects.filter(project=programme["tam_thanh_consulting"]).update(provincial=1)
    problems = facts.drift()
    assert len(problems) == 1 and str(programme["tam_thanh_consulting"].pk) in problems[0]
    with pytest.raises(Exception, match="khác số liệu tính lại"):
        call_command("refresh_facts", "--check")
    ProjectFact.objects.all().delete()
    assert facts.drift()
    call_command("refresh_facts")
    assert facts.drift() == []
    call_command("refresh_facts", "--check")
    assert_current(officer)


def test_migrate_fills_the_table_when_projects_have_no_facts(programme, officer):
    ProjectFact.objects.all().delete()
    facts._backfill(sender=None)
    assert ProjectFact.objects.count() == Project.objects.count()
    assert_current(officer)


def test_an_establishment_deleted_with_its_links_leaves_its_projects_unspecified(make_project, officer, geo):
    est = Establishment.objects.create(
        name="Cơ sở thử xoá", legal_form="household", commune=geo.tam_thanh, sector="forest_products"
    )
    project = make_project(year=2024, beneficiaries=[est])
    assert ProjectFact.objects.get(project=project).sector == "forest_products"
    project.beneficiaries.remove(est)
    est.delete()
    assert ProjectFact.objects.get(project=project).sector == aggregation.NO_SECTOR
    assert facts.drift() == []


def test_projects_written_in_bulk_get_their_facts(make_project, officer):
    model = make_project(year=2024, status=Status.DRAFT)
    copies = []
    for n in range(3):
        copy = Project.objects.get(pk=model.pk)
        copy.pk = None
        copy.code = f"{model.code}-B{n}"
        copy.code_key = copy.code.upper()
        copy.status = Status.APPROVED
        copies.append(copy)
    made = Project.objects.bulk_create(copies)
    assert ProjectFact.objects.filter(project__in=made, status=Status.APPROVED).count() == 3
    assert facts.drift() == []
