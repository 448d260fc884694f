"""The appraisal cast: three council members, a proposal under appraisal and a council for its round."""

import datetime as dt

import pytest

from khuyencong.appraisal import services
from khuyencong.appraisal.tests.factories import make_council, member_user, shipped_criteria
from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status

SUBMITTED_ON = dt.date(2024, 1, 15)


@pytest.fixture
def criteria(db):
    return shipped_criteria()


@pytest.fixture
def members(council_member):
    """Vi Thị Hội (hoidong, chair), Hà Thị Thu (secretary), Nông Văn Bình (member)."""
    return [
        council_member,
        member_user("thamdinh2", "Hà Thị", "Thu"),
        member_user("thamdinh3", "Nông Văn", "Bình"),
    ]


def new_proposal(officer, geo, beneficiary, *, code="KCĐP-2024-007", submitted_on=SUBMITTED_ON, unit=None):
    project = project_services.project_create(
        actor=officer,
        data={
            "code": code,
            "title": "Mô hình trình diễn dây chuyền sản xuất ống nhựa",
            "category": "demonstration_model",
            "level": "local",
            "plan_year": 2024,
            "implementing_unit": "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
            "unit": unit or geo.tam_thanh,
            "eligible_cost": 2_000_000_000,
        },
        beneficiaries=[beneficiary],
        budget={"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        expected={"jobs_created": 30, "models": 1},
    )
    project = project_services.project_submit(project=project, actor=officer, on=submitted_on)
    return project_services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)


@pytest.fixture
def proposal(officer, geo, hung_long):
    """Hưng Long's 2024 demonstration model (local programme), submitted 15/01/2024, under appraisal."""
    return new_proposal(officer, geo, hung_long)


@pytest.fixture
def council(officer, members, criteria):
    return make_council(
        officer=officer, year=2024, level="local", members=members, name="Hội đồng thẩm định 2024"
    )


@pytest.fixture
def assignment(council, proposal, officer):
    return services.proposal_assign(council=council, actor=officer, project=proposal)


@pytest.fixture
def other_council(officer, criteria):
    """A council of the same round on which none of `members` sits."""
    outsider_member = member_user("thamdinhkhac", "Lò Văn", "Khác")
    return make_council(
        officer=officer, year=2024, level="local", members=[outsider_member], name="Hội đồng khác"
    )
