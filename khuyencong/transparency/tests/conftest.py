"""Projects at the stages the public pages care about, built through the project services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.establishments.models import Establishment
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project
from khuyencong.projects.tests.helpers import accept, walk

# A person's details as a household business would give them: none may ever reach a public page.
PERSON = "Nguyễn Thị Bích Hằng"
PHONE = "0987654321"
EMAIL = "bichhang.hokinhdoanh@example.vn"
CITIZEN_ID = "020185012345"


@pytest.fixture
def placed(geo):
    """Commune centres for the hand-built geography (made up, around Lạng Sơn city)."""
    for unit, lat, lon in [
        (geo.tam_thanh, "21.853700", "106.761500"),
        (geo.luong_van_tri, "21.846000", "106.740000"),
        (geo.ba_son, "21.900000", "106.800000"),
        (geo.old_tam_thanh, "21.853700", "106.761500"),
        (geo.old_vinh_trai, "21.846000", "106.740000"),
        (geo.old_hop_thanh, "21.900000", "106.800000"),
    ]:
        unit.latitude, unit.longitude = Decimal(lat), Decimal(lon)
        unit.save(update_fields=["latitude", "longitude"])
    return geo


def make_project(officer, *, code: str, unit, beneficiaries, year: int = 2024, **extra) -> Project:
    data = {
        "code": code,
        "title": f"Mô hình trình diễn {code}",
        "category": "demonstration_model",
        "level": "local",
        "plan_year": year,
        "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
        "unit": unit,
        "eligible_cost": 2_000_000_000,
        "start_date": dt.date(year, 3, 1),
        "end_date": dt.date(year, 11, 30),
        # Tests give one establishment several projects; the repeat-support rule wants a reason.
        "repeat_justification": "Mở rộng mô hình sang dây chuyền thứ hai",
    }
    data.update(extra)
    return services.project_create(
        actor=officer,
        data=data,
        beneficiaries=beneficiaries,
        budget={"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        expected={"jobs_created": 30, "models": 1},
    )


def take_to_settled(project: Project, *, officer, leader, jobs: int = 32) -> Project:
    walk(project, Status.IN_PROGRESS, officer=officer, leader=leader)
    services.project_record_advance(
        project=project, actor=officer, amount_vnd=200_000_000, paid_on=dt.date(2024, 3, 5)
    )
    services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    accept(
        project,
        officer,
        held_on=dt.date(2024, 11, 20),
        results={"jobs_created": jobs, "models": 1},
        notes=f"Hội đồng làm việc với bà {PERSON}, điện thoại {PHONE}.",
        council=[(PERSON, "Chủ hộ")],
    )
    project.refresh_from_db()
    services.project_settle(
        project=project, actor=officer, settled_amount=480_000_000, liquidation_date=dt.date(2024, 12, 10)
    )
    project.refresh_from_db()
    return project


@pytest.fixture
def settled(placed, officer, leader, hung_long) -> Project:
    """Hưng Long's demonstration model: 500 m approved, 200 m advanced, 480 m settled, 32 jobs of 30."""
    project = make_project(officer, code="KCĐP-2024-007", unit=placed.tam_thanh, beneficiaries=[hung_long])
    return take_to_settled(project, officer=officer, leader=leader)


@pytest.fixture
def household(placed) -> Establishment:
    est = Establishment(
        name=f"Hộ kinh doanh {PERSON}",
        legal_form="household_business",
        tax_code=CITIZEN_ID,
        representative=PERSON,
        phone=PHONE,
        address=f"Nhà bà {PERSON}, thôn Nà Sản",
        commune=placed.ba_son,
        sector="food_processing",
        workers=4,
    )
    est.full_clean()
    est.save()
    return est


@pytest.fixture
def household_project(officer, leader, placed, household) -> Project:
    """A settled project for the household, with the person's details in every free-text place an officer
    might type them: the description (private by default), the acceptance notes and council list."""
    from khuyencong.accounts.models import User

    User.objects.create_user(
        username="hokinhdoanh",
        password="mat-khau-thu-nghiem-2025",
        role="business",
        establishment=household,
        email=EMAIL,
        first_name="Nguyễn Thị Bích",
        last_name="Hằng",
    )
    project = make_project(
        officer,
        code="KCĐP-2024-009",
        unit=placed.ba_son,
        beneficiaries=[household],
        title="Hỗ trợ máy sấy miến dong cho hộ kinh doanh",
        description=f"Hộ bà {PERSON} (CCCD {CITIZEN_ID}, điện thoại {PHONE}, thư {EMAIL}) làm miến dong.",
    )
    return take_to_settled(project, officer=officer, leader=leader, jobs=5)


@pytest.fixture
def draft(officer, placed, ba_son_coop) -> Project:
    return make_project(officer, code="KCĐP-2024-010", unit=placed.ba_son, beneficiaries=[ba_son_coop])
