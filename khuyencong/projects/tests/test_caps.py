import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khuyencong.projects import services
from khuyencong.projects.choices import Status


def test_it_rejects_support_above_the_2018_cap_and_names_the_basis(officer, proposal):
    services.project_update(
        project=proposal,
        actor=officer,
        data={"eligible_cost": 4_000_000_000},
        budget={"provincial": 900_000_000, "beneficiary": 3_100_000_000},
    )
    # 30 % of 4 bn is 1.2 bn; the amount cap is 1 bn: asking 1.2 bn is refused at submission
    with pytest.raises(ValidationError) as caught:
        services.project_update(
            project=proposal,
            actor=officer,
            data={},
            budget={"provincial": 1_200_000_000, "beneficiary": 2_800_000_000},
        )
    message = caught.value.message_dict["requested_support"][0]
    assert "1.000.000.000 ₫" in message
    assert "28/2018/TT-BTC" in message
    proposal.refresh_from_db()
    assert proposal.requested_support == 900_000_000  # nothing half-saved


def test_the_cap_of_the_submission_date_applies(officer, proposal):
    # 600 m asked on 2 bn eligible: within 30 % (600 m) under TT 28/2018, above the 500 m of TTLT 26/2014
    services.project_update(
        project=proposal,
        actor=officer,
        data={},
        budget={"provincial": 600_000_000, "beneficiary": 1_400_000_000},
    )
    with pytest.raises(ValidationError, match="26/2014"):
        services.project_submit(project=proposal, actor=officer, on=dt.date(2018, 5, 14))
    services.project_submit(project=proposal, actor=officer, on=dt.date(2018, 5, 15))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED and proposal.submitted_on == dt.date(2018, 5, 15)


def test_a_past_proposal_is_checked_against_the_caps_of_its_own_date(officer, geo, hung_long):
    data = {
        "code": "KC-2010-099",
        "title": "Đổi mới máy ép nhựa",
        "category": "machinery_application",
        "level": "local",
        "plan_year": 2010,
        "implementing_unit": "Trung tâm",
        "unit": geo.old_tam_thanh,
        "eligible_cost": 1_000_000_000,
    }
    budget = {"provincial": 350_000_000, "beneficiary": 650_000_000}
    # today TT 28/2018 caps machinery at 300 m; in 2010 no machinery cap was in force (warn, not block)
    with pytest.raises(ValidationError, match="28/2018"):
        services.project_create(actor=officer, data=data, beneficiaries=[hung_long], budget=budget)
    project = services.project_create(
        actor=officer, data=data, beneficiaries=[hung_long], budget=budget, on=dt.date(2010, 3, 1)
    )
    assert project.requested_support == 350_000_000
