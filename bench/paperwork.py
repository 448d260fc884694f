"""Time one approval decision (Quyết định phê duyệt đề án) as the download view makes it.

    .venv/bin/python -m bench.paperwork            # 30 runs of each step
    .venv/bin/python -m bench.paperwork -n 100

On first run it makes var/bench/paperwork.sqlite3 (migrated, one province, one commune, an officer, a
leader, one establishment and one project taken through submission, appraisal and approval by the
real services); later runs reuse it. Then it times, after one cold render that is reported on its own
(the first render in a process loads WeasyPrint, Pango and fontconfig):

* build -- builders.approval_decision(project): the queries and the description
* pdf   -- pdf.render_pdf(doc): HTML, layout, font subsetting and embedding
* docx  -- word.render_docx(doc)
* view  -- build + pdf, what one PDF download costs the server

and prints the median and the 90th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench import BENCH_VAR, setup_django

CODE = "KCĐP-BENCH-001"


def _project() -> Any:
    """The bench project, made through the services the first time."""
    from khuyencong.accounts.models import User
    from khuyencong.establishments.models import Establishment
    from khuyencong.geo.choices import Generation, Level
    from khuyencong.geo.models import AdministrativeUnit
    from khuyencong.projects import services
    from khuyencong.projects.choices import Status
    from khuyencong.projects.models import Project, code_key

    existing = Project.objects.filter(code_key=code_key(CODE)).first()
    if existing is not None and existing.status == Status.APPROVED:
        return existing
    province, _ = AdministrativeUnit.objects.get_or_create(
        code="20",
        generation=Generation.CURRENT,
        defaults={"name": "Tỉnh Lạng Sơn", "short_name": "Lạng Sơn", "level": Level.PROVINCE},
    )
    commune, _ = AdministrativeUnit.objects.get_or_create(
        code="90101",
        generation=Generation.CURRENT,
        defaults={
            "name": "Phường Tam Thanh",
            "short_name": "Tam Thanh",
            "level": Level.COMMUNE,
            "parent": province,
        },
    )
    officer = User.objects.filter(username="bench-canbo").first() or User.objects.create_user(
        username="bench-canbo", password=None, role="officer"
    )
    leader = User.objects.filter(username="bench-lanhdao").first() or User.objects.create_user(
        username="bench-lanhdao", password=None, role="leader"
    )
    establishment = Establishment.objects.filter(name="Công ty TNHH thương mại Hưng Long").first()
    if establishment is None:
        establishment = Establishment(
            name="Công ty TNHH thương mại Hưng Long",
            legal_form="small_enterprise",
            representative="Hoàng Văn Long",
            address="Khối 5, phường Tam Thanh",
            commune=commune,
            sector="chemicals_plastics",
            workers=45,
        )
        establishment.full_clean()
        establishment.save()
    project = services.project_create(
        actor=officer,
        data={
            "code": CODE,
            "title": "Mô hình trình diễn dây chuyền sản xuất ống nhựa",
            "category": "demonstration_model",
            "level": "local",
            "plan_year": 2024,
            "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
            "unit": commune,
            "eligible_cost": 2_000_000_000,
            "start_date": dt.date(2024, 3, 1),
            "end_date": dt.date(2024, 11, 30),
        },
        beneficiaries=[establishment],
        budget={"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        expected={"jobs_created": 30, "workers_trained": 20, "models": 1},
        on=dt.date(2024, 2, 20),
    )
    project = services.project_submit(project=project, actor=officer, on=dt.date(2024, 2, 20))
    project = services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    # Proposing needs an appraisal score: the demo council scores it and the officer concludes.
    from khuyencong.appraisal import demo as appraisal_demo

    if not User.objects.filter(username=appraisal_demo.CHAIR).exists():
        User.objects.create_user(username=appraisal_demo.CHAIR, password=None, role="council_member")
    project = appraisal_demo.appraise(project, officer=officer)
    return services.project_approve(
        project=project, actor=leader, decision_number="15/QĐ-SCT", decision_date=dt.date(2024, 3, 7)
    )


def _time(step: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=30)
    args = parser.parse_args(argv)

    setup_django(f"sqlite:///{BENCH_VAR / 'paperwork.sqlite3'}")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from khuyencong.accounts.models import User
    from khuyencong.paperwork import builders
    from khuyencong.paperwork.pdf import render_pdf
    from khuyencong.paperwork.word import render_docx
    from khuyencong.projects.selectors import project_get

    _project()
    reader = User.objects.get(username="bench-canbo")

    def build() -> Any:
        return builders.approval_decision(project_get(user=reader, code=CODE))

    doc = build()
    start = time.perf_counter()
    pages = render_pdf(doc)
    cold = (time.perf_counter() - start) * 1000

    results = {
        "build": _time(build, args.runs),
        "pdf": _time(lambda: render_pdf(doc), args.runs),
        "docx": _time(lambda: render_docx(doc), args.runs),
        "view": _time(lambda: render_pdf(build()), args.runs),
    }
    print(
        f"Approval decision, {args.runs} runs each ({len(pages):,} bytes of PDF); first PDF in the process: {cold:.0f} ms"
    )
    from bench.figures import Figure, percentile, record

    record(
        "paperwork",
        "sqlite",
        [
            Figure(f"approval decision, {step}", statistics.median(times), percentile(times, 99))
            for step, times in results.items()
        ],
        rows="one project",
        extra={"first PDF in the process (ms)": cold},
    )
    print(f"{'step':<6} {'median ms':>10} {'p90 ms':>8}")
    for step, times in results.items():
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) >= 2 else times[0]
        print(f"{step:<6} {statistics.median(times):>10.1f} {p90:>8.1f}")


if __name__ == "__main__":
    main()
