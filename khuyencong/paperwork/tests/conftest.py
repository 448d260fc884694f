"""A project taken through the real services, stopping at each stage a document needs."""

import datetime as dt
from io import BytesIO

import docx
import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as DocxParagraph
from pypdf import PdfReader

from khuyencong.appraisal.tests.factories import appraise
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.tests.helpers import checklist_met

# 30 % of 350 million: the 2018 cap for a demonstration model allows the whole request.
SUPPORT = 105_000_000


@pytest.fixture
def submitted(officer, geo, hung_long):
    project = services.project_create(
        actor=officer,
        data={
            "code": "KCĐP-2024-011",
            "title": "Mô hình trình diễn máy ép gạch không nung",
            "category": "demonstration_model",
            "level": "local",
            "plan_year": 2024,
            "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
            "unit": geo.tam_thanh,
            "eligible_cost": 350_000_000,
            "start_date": dt.date(2024, 3, 15),
            "end_date": dt.date(2024, 10, 31),
        },
        beneficiaries=[hung_long],
        budget={"provincial": SUPPORT, "beneficiary": 245_000_000},
        expected={"jobs_created": 30, "workers_trained": 20, "machines": 2},
        on=dt.date(2024, 2, 20),
    )
    return services.project_submit(project=project, actor=officer, on=dt.date(2024, 2, 20))


@pytest.fixture
def approved(submitted, officer, leader):
    project = services.project_transition(project=submitted, to=Status.UNDER_APPRAISAL, actor=officer)
    project = appraise(project, officer=officer)
    return services.project_approve(
        project=project, actor=leader, decision_number="15/QĐ-SCT", decision_date=dt.date(2024, 3, 7)
    )


def carry_to_acceptance(project, officer, *, advance):
    """Contract, start, advance `advance` đồng, ask for acceptance and record a passed acceptance."""
    project = services.project_contract(
        project=project,
        actor=officer,
        contract_number="07/2024/HĐ-KC",
        contract_date=dt.date(2024, 3, 12),
        contract_amount=SUPPORT,
    )
    project = services.project_transition(project=project, to=Status.IN_PROGRESS, actor=officer)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=advance, paid_on=dt.date(2024, 4, 1)
    )
    project = services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    services.project_record_acceptance(
        project=project,
        actor=officer,
        held_on=dt.date(2024, 11, 5),
        accepted=True,
        results={"jobs_created": 32, "workers_trained": 20, "machines": 2},
        trained_women=12,
        trained_ethnic_minority=15,
        machines=[("Máy ép gạch thuỷ lực", "EP-2024-0117"), ("Máy trộn cưỡng bức", "TR-2024-0042")],
        notes="Cơ sở vận hành dây chuyền ổn định.\nSản phẩm đạt tiêu chuẩn gạch không nung.",
        council=[("Hoàng Thị Lan", "Chủ tịch hội đồng"), ("Vi Văn Bình", "Thư ký")],
        checklist=checklist_met(project),
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def accepted(approved, officer):
    return carry_to_acceptance(approved, officer, advance=SUPPORT)


@pytest.fixture
def settled(accepted, officer):
    # 105 million advanced, 101.5 million settled: 3.5 million is recorded for recovery.
    return services.project_settle(
        project=accepted, actor=officer, settled_amount=101_500_000, liquidation_date=dt.date(2024, 12, 2)
    )


def flat(text: str) -> str:
    """One space between words: PDF text breaks lines where the layout did."""
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    return flat(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    """Every paragraph of the body (tables included) and of the page headers, in order."""
    document = docx.Document(BytesIO(data))
    parts = []
    for section in document.sections:
        for header in (section.first_page_header, section.header):
            parts += [p.text for p in header.paragraphs]
    # Paragraph.text reads w:t and w:noBreakHyphen alike, in table cells too.
    parts += [DocxParagraph(p, document).text for p in document.element.body.iter(qn("w:p"))]
    return flat(" ".join(parts))
