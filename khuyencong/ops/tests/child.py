"""What the resilience tests run in a process of their own: `python -m khuyencong.ops.tests.child NAME`.

Each function works on the installation the environment names (DATABASE_URL, KHUYENCONG_VAR_DIR) through
the real services and prints one JSON line. The fault tests kill this process at a chosen point: the
point is a receiver or wrapper installed here, in the child only, never in the shipped code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import django

M = 1_000_000
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def emit(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")
    sys.stdout.flush()


def die_here(point: str) -> None:
    """Tell the parent where we are, then die as `kill -9` would: no cleanup, no rollback by Python."""
    emit({"killed_at": point})
    os.kill(os.getpid(), signal.SIGKILL)


def user(username: str) -> Any:
    from khuyencong.accounts.models import User

    return User.objects.get(username=username)


# --- installation state -----------------------------------------------------------------------------


def figures() -> None:
    from pathlib import Path

    from django.conf import settings

    from khuyencong.ops import archive

    counted = archive.live_figures()
    emit({**counted.as_json(), "media": archive.media_hashes(Path(settings.MEDIA_ROOT))})


def upload_documents() -> None:
    """Attach a few documents to demo projects through the real upload service."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from khuyencong.projects.document_services import project_document_upload
    from khuyencong.projects.models import Project

    officer = user("canbo")
    stored = []
    for i, project in enumerate(Project.objects.order_by("pk")[:3]):
        for name, content, kind in (
            (f"Quyết định {i}.pdf", PDF + f"% {i}\n".encode(), "decision"),
            (f"Ảnh {i}.png", PNG + bytes([i]) * 10, "photo"),
        ):
            doc = project_document_upload(
                project=project, actor=officer, upload=SimpleUploadedFile(name, content), kind=kind
            )
            stored.append(doc.file.name)
    emit(stored)


def damage() -> None:
    """What a restore must undo: money changed, a row deleted, a document row and its file gone."""
    from django.db import connection

    from khuyencong.projects.models import ProjectDocument

    with connection.cursor() as cursor:
        cursor.execute("UPDATE projects_budgetline SET amount = amount + 1")
        cursor.execute("DELETE FROM projects_advance")
    document = ProjectDocument.objects.order_by("pk").first()
    assert document is not None
    document.file.delete(save=False)
    ProjectDocument.objects.filter(pk=document.pk).delete()
    emit("damaged")


# --- the annual plan --------------------------------------------------------------------------------


def _proposal(officer: Any, unit: Any, code: str, amount: int, score: str) -> Any:
    from khuyencong.projects import services
    from khuyencong.projects.choices import Status
    from khuyencong.projects.models import Project

    project = services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": f"Đề án thử {code}",
            "category": "training",
            "level": "local",
            "plan_year": 2031,
            "implementing_unit": "Trung tâm",
            "unit": unit,
            "eligible_cost": amount * 4,
        },
        budget={"provincial": amount, "beneficiary": amount},
        on=dt.date(2030, 9, 1),
    )
    services.project_submit(project=project, actor=officer, on=dt.date(2030, 9, 1))
    services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    Project.objects.filter(pk=project.pk).update(appraisal_score=Decimal(score))
    return services.project_transition(project=project, to=Status.PROPOSED, actor=officer)


def submitted_plan(count: str, extra: str = "0") -> None:
    """A 2031 local plan of `count` proposals (100 tr.đ each, envelope exactly their sum), submitted;
    and `extra` further proposals of the year (10 tr.đ each) that the plan does not hold."""
    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.plans import services
    from khuyencong.plans.services import PlanRules

    officer = user("canbo")
    unit = (
        AdministrativeUnit.objects.filter(level=Level.COMMUNE, generation=Generation.CURRENT)
        .order_by("pk")
        .first()
    )
    planned = [_proposal(officer, unit, f"KC-PLAN-{i:03d}", 100 * M, "80") for i in range(int(count))]
    plan = services.plan_create(
        actor=officer,
        year=2031,
        level="local",
        rules=PlanRules(
            reference_date=dt.date(2030, 11, 1), envelopes={"provincial": 100 * M * int(count)}, gap_ppm=0
        ),
    )
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Trình")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    others = [_proposal(officer, unit, f"KC-NGOAI-{i:03d}", 10 * M, "50") for i in range(int(extra))]
    emit({"plan": plan.pk, "projects": [p.pk for p in planned], "others": [p.pk for p in others]})


def approve_plan(plan_id: str, kill_after: str = "") -> None:
    """Approve the plan as the leader; with `kill_after` N, die once N of its projects are approved."""
    from django.db.models.signals import post_save

    from khuyencong.plans import services
    from khuyencong.plans.models import AnnualPlan
    from khuyencong.projects.models import Project

    approved: list[int] = []

    def on_save(sender: Any, instance: Project, **kwargs: Any) -> None:
        if instance.status == "approved":
            approved.append(instance.pk)
            if kill_after and len(approved) == int(kill_after):
                die_here(f"after approving {len(approved)} projects, before the plan is marked approved")

    post_save.connect(on_save, sender=Project, weak=False)
    plan = AnnualPlan.objects.get(pk=int(plan_id))
    services.plan_approve(
        plan=plan, actor=user("lanhdao"), decision_number="5/QĐ-UBND", decision_date=dt.date(2031, 1, 5)
    )
    emit({"approved": approved})


# --- reports ----------------------------------------------------------------------------------------


def queue_report() -> None:
    """What the reports page does: a run row and a queued task (the worker picks it up)."""
    from django.db import transaction

    from khuyencong.results.models import ReportRun
    from khuyencong.results.tasks import generate_report

    with transaction.atomic():
        run = ReportRun.objects.create(
            kind="annual",
            format="xlsx",
            parameters={"year": 2012, "to_year": None, "filters": {}},
            requested_by=user("canbo"),
        )
        transaction.on_commit(lambda: generate_report.enqueue(run.pk))
    emit({"run": run.pk})


def work_killed(point: str) -> None:
    """Run the task worker once; die at `point`: "computing" (a progress step) or "file" (the report
    file is written, the run not yet marked done)."""
    from django.core.files.storage import FileSystemStorage
    from django.core.management import call_command

    from khuyencong.results import reports

    if point == "computing":
        original_data: Callable[..., Any] = reports.report_data

        def report_data(*args: Any, **kwargs: Any) -> Any:
            progress = kwargs["progress"]
            progress(40, "đang tổng hợp")
            die_here("computing")
            return original_data(*args, **kwargs)

        reports.report_data = report_data
    else:
        storage: Any = FileSystemStorage
        original_save = storage._save

        def _save(self: FileSystemStorage, name: str, content: Any) -> str:
            stored: str = original_save(self, name, content)
            die_here("file")
            return stored

        storage._save = _save
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    emit({"killed_at": None})


def run_worker() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    emit("done")


def report_state(run_id: str) -> None:
    from pathlib import Path

    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    from khuyencong.results.models import ReportRun

    run = ReportRun.objects.get(pk=int(run_id))
    files = sorted(
        p.relative_to(settings.MEDIA_ROOT).as_posix()
        for p in Path(settings.MEDIA_ROOT).rglob("*")
        if p.is_file()
    )
    emit(
        {
            "status": run.status,
            "file": run.file.name or "",
            "error": run.error,
            "files": files,
            "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
        }
    )


# --- concurrency on a file database -----------------------------------------------------------------


def race(kind: str, target: str, threads: str) -> None:
    """`threads` threads, each with its own connection, released at once against one plan or project.

    kind: "plan" (approve the plan `target`), "approve" (approve the project `target`), "advance"
    (advance 7 tr.đ on the project `target`), "mixed" (`target` = plan id, then one proposal per
    further thread)."""
    from django.core.exceptions import ValidationError
    from django.db import OperationalError, connections

    from khuyencong.plans import services as plan_services
    from khuyencong.plans.models import AnnualPlan
    from khuyencong.projects import services
    from khuyencong.projects.models import Project

    count = int(threads)
    start = threading.Barrier(count)
    outcomes: list[str] = []
    leader, officer = user("lanhdao"), user("canbo")

    def act(i: int) -> None:
        try:
            start.wait()
            if kind == "mixed":
                # Thread 0 approves the plan; the others each approve one proposal outside it.
                plan_id, *others = target.split(",")
                if i == 0:
                    plan_services.plan_approve(
                        plan=AnnualPlan(pk=int(plan_id)),
                        actor=leader,
                        decision_number="1/QĐ",
                        decision_date=dt.date(2031, 1, 5),
                    )
                else:
                    services.project_approve(
                        project=Project(pk=int(others[i - 1])),
                        actor=leader,
                        decision_number=f"{i}/QĐ",
                        decision_date=dt.date(2031, 1, 5),
                    )
            elif kind == "plan":
                plan_services.plan_approve(
                    plan=AnnualPlan(pk=int(target)),
                    actor=leader,
                    decision_number=f"{i}/QĐ",
                    decision_date=dt.date(2031, 1, 5),
                )
            elif kind == "approve":
                services.project_approve(
                    project=Project(pk=int(target)),
                    actor=leader,
                    decision_number=f"{i}/QĐ",
                    decision_date=dt.date(2031, 1, 5),
                )
            else:
                services.project_record_advance(
                    project=Project(pk=int(target)),
                    actor=officer,
                    amount_vnd=7 * M,
                    paid_on=dt.date(2031, 2, 1),
                )
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        except OperationalError as exc:
            outcomes.append(f"error: {exc}")
        finally:
            connections.close_all()

    workers = [threading.Thread(target=act, args=(i,)) for i in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    emit(outcomes)


FUNCTIONS: dict[str, Callable[..., None]] = {
    f.__name__: f
    for f in (
        figures,
        upload_documents,
        damage,
        submitted_plan,
        approve_plan,
        queue_report,
        work_killed,
        run_worker,
        report_state,
        race,
    )
}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyencong.settings")
    django.setup()
    FUNCTIONS[sys.argv[1]](*sys.argv[2:])
