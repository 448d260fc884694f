"""The moves that carry data (approval, contract, advance, settlement) through their own forms."""

import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.appraisal.tests.factories import appraise
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Advance, Recovery
from khuyencong.projects.tests.helpers import accept

PATH = [
    Status.SUBMITTED,
    Status.UNDER_APPRAISAL,
    Status.PROPOSED,
    Status.APPROVED,
    Status.CONTRACTED,
    Status.IN_PROGRESS,
    Status.AWAITING_ACCEPTANCE,
    Status.ACCEPTED,
]


@pytest.fixture
def walk(officer, leader):
    """Take a project along the main path, through the services, from where it is up to `state`."""

    def walk(project, state):
        start = PATH.index(project.status) + 1 if project.status in PATH else 0
        for to in PATH[start : PATH.index(state) + 1]:
            if to == Status.SUBMITTED:
                services.project_submit(project=project, actor=officer, on=dt.date(2024, 1, 15))
            elif to == Status.APPROVED:
                services.project_approve(
                    project=project,
                    actor=leader,
                    decision_number="12/QĐ-SCT",
                    decision_date=dt.date(2024, 2, 1),
                )
            elif to == Status.PROPOSED:
                appraise(project, officer=officer)  # a council scores it; the conclusion proposes it
            elif to == Status.CONTRACTED:
                services.project_contract(
                    project=project,
                    actor=officer,
                    contract_number="05/HĐ-KC",
                    contract_date=dt.date(2024, 2, 10),
                    contract_amount=500_000_000,
                )
            elif to == Status.ACCEPTED:
                accept(project, officer)
            else:
                services.project_transition(project=project, to=to, actor=officer)
        project.refresh_from_db()
        return project

    return walk


def url(name, project):
    return reverse(f"projects:{name}", args=[project.code_key])


# --- approval ---------------------------------------------------------------------------------------


def test_the_leader_sees_the_approval_form_and_approves_with_a_decision(
    client, leader, officer, proposal, walk
):
    walk(proposal, Status.PROPOSED)
    client.force_login(officer)
    assert url("approve", proposal) not in client.get(proposal.get_absolute_url()).content.decode()
    client.force_login(leader)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert url("approve", proposal) in page and 'id="id_approve-decision_number"' in page
    response = client.post(
        url("approve", proposal),
        {"approve-decision_number": "12/QĐ-SCT", "approve-decision_date": "01/02/2024"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED
    assert proposal.decision_number == "12/QĐ-SCT" and proposal.decision_date == dt.date(2024, 2, 1)
    assert proposal.approved_support == 500_000_000


def test_an_officer_cannot_approve(client, officer, proposal, walk):
    walk(proposal, Status.PROPOSED)
    client.force_login(officer)
    response = client.post(
        url("approve", proposal),
        {"approve-decision_number": "12/QĐ-SCT", "approve-decision_date": "01/02/2024"},
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED and proposal.decision_number == ""


def test_an_approval_without_a_number_or_with_a_bad_date_shows_the_errors(client, leader, proposal, walk):
    walk(proposal, Status.PROPOSED)
    client.force_login(leader)
    response = client.post(
        url("approve", proposal), {"approve-decision_number": "", "approve-decision_date": "2024/02/31"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chưa phê duyệt được" in html
    assert 'href="#id_approve-decision_number"' in html and 'href="#id_approve-decision_date"' in html
    assert "dd/mm/yyyy" in html
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED


def test_approving_a_draft_is_refused_with_the_rule_and_changes_nothing(client, leader, proposal):
    client.force_login(leader)
    response = client.post(
        url("approve", proposal),
        {"approve-decision_number": "12/QĐ-SCT", "approve-decision_date": "01/02/2024"},
        follow=True,
    )
    assert "Không thể chuyển đề án từ “Dự thảo” sang “Đã phê duyệt”" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT


# --- contract -----------------------------------------------------------------------------------------


def test_an_officer_records_the_contract(client, officer, proposal, walk):
    walk(proposal, Status.APPROVED)
    client.force_login(officer)
    page = client.get(proposal.get_absolute_url()).content.decode()
    assert 'value="500.000.000"' in page  # the approved support is offered as the contract amount
    response = client.post(
        url("contract", proposal),
        {
            "contract-contract_number": "05/HĐ-KC",
            "contract-contract_date": "10/02/2024",
            "contract-contract_amount": "480.000.000",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.CONTRACTED
    assert (proposal.contract_number, proposal.contract_amount) == ("05/HĐ-KC", 480_000_000)


def test_a_contract_above_the_approved_support_is_refused_naming_the_rule(client, officer, proposal, walk):
    walk(proposal, Status.APPROVED)
    client.force_login(officer)
    response = client.post(
        url("contract", proposal),
        {
            "contract-contract_number": "05/HĐ-KC",
            "contract-contract_date": "10/02/2024",
            "contract-contract_amount": "600.000.000",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giá trị hợp đồng không được vượt kinh phí hỗ trợ được duyệt (500.000.000 ₫)" in html
    assert 'href="#id_contract-contract_amount"' in html
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED and proposal.contract_number == ""


@pytest.mark.parametrize("role", ["leader", "commune_officer", "business_rep"])
def test_other_roles_cannot_record_the_contract(request, client, proposal, walk, role):
    walk(proposal, Status.APPROVED)
    client.force_login(request.getfixturevalue(role))
    assert url("contract", proposal) not in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        url("contract", proposal),
        {
            "contract-contract_number": "05/HĐ-KC",
            "contract-contract_date": "10/02/2024",
            "contract-contract_amount": "480.000.000",
        },
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.APPROVED


# --- advances -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [Status.CONTRACTED, Status.IN_PROGRESS])
def test_an_officer_records_an_advance_and_it_is_listed(client, officer, proposal, walk, state):
    walk(proposal, state)
    client.force_login(officer)
    assert url("advance", proposal) in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        url("advance", proposal),
        {"advance-amount": "200.000.000", "advance-paid_on": "15/02/2024", "advance-note": "Tạm ứng đợt 1"},
        follow=True,
    )
    html = response.content.decode()
    assert "Đã ghi nhận tạm ứng 200.000.000 ₫" in html
    assert "Tạm ứng đợt 1" in html and "15/02/2024" in html
    assert Advance.objects.get().amount == 200_000_000


def test_an_advance_above_the_allowed_share_is_refused_naming_the_rule(
    client, officer, proposal, walk, settings
):
    settings.KHUYENCONG_ADVANCE_MAX_PERCENT = 70
    walk(proposal, Status.CONTRACTED)
    client.force_login(officer)
    response = client.post(
        url("advance", proposal), {"advance-amount": "400.000.000", "advance-paid_on": "15/02/2024"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "vượt mức cho phép 350.000.000 ₫ (70% kinh phí được duyệt)" in html
    assert 'href="#id_advance-amount"' in html
    assert not Advance.objects.exists()


def test_an_advance_of_zero_or_with_decimals_is_refused(client, officer, proposal, walk):
    walk(proposal, Status.CONTRACTED)
    client.force_login(officer)
    for typed, message in [("0", "phải từ 1 trở lên"), ("1.000,5", "không có phần thập phân")]:
        response = client.post(
            url("advance", proposal), {"advance-amount": typed, "advance-paid_on": "15/02/2024"}
        )
        assert message in response.content.decode()
    assert not Advance.objects.exists()


@pytest.mark.parametrize("role", ["leader", "commune_officer", "business_rep"])
def test_only_centre_staff_record_advances(request, client, proposal, walk, role):
    walk(proposal, Status.IN_PROGRESS)
    client.force_login(request.getfixturevalue(role))
    assert url("advance", proposal) not in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        url("advance", proposal), {"advance-amount": "1.000.000", "advance-paid_on": "15/02/2024"}
    )
    assert response.status_code == 403
    assert not Advance.objects.exists()


def test_no_advance_before_the_contract(client, officer, proposal, walk):
    walk(proposal, Status.APPROVED)
    client.force_login(officer)
    assert url("advance", proposal) not in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        url("advance", proposal),
        {"advance-amount": "1.000.000", "advance-paid_on": "15/02/2024"},
        follow=True,
    )
    assert "Chỉ tạm ứng cho đề án đã ký hợp đồng hoặc đang thực hiện" in response.content.decode()
    assert not Advance.objects.exists()


def test_an_outsider_gets_404_on_every_form(client, outsider, proposal, walk):
    walk(proposal, Status.IN_PROGRESS)
    client.force_login(outsider)
    for name in ("approve", "contract", "advance", "settle", "edit"):
        assert client.post(url(name, proposal), {}).status_code == 404


# --- settlement ---------------------------------------------------------------------------------------


def test_settling_below_the_advance_records_the_recovery_and_shows_it(client, officer, proposal, walk):
    walk(proposal, Status.IN_PROGRESS)
    services.project_record_advance(
        project=proposal, actor=officer, amount_vnd=300_000_000, paid_on=dt.date(2024, 3, 1)
    )
    walk(proposal, Status.ACCEPTED)
    client.force_login(officer)
    response = client.post(
        url("settle", proposal),
        {"settle-settled_amount": "280.000.000", "settle-liquidation_date": "20/12/2024"},
        follow=True,
    )
    html = response.content.decode()
    assert "Số tiền tạm ứng phải thu hồi: 20.000.000 ₫" in html
    assert "Thu hồi (tạm ứng vượt số quyết toán)" in html
    proposal.refresh_from_db()
    assert proposal.status == Status.SETTLED and proposal.settled_amount == 280_000_000
    assert proposal.liquidation_date == dt.date(2024, 12, 20)
    assert Recovery.objects.get().amount == 20_000_000


def test_settling_above_the_approved_support_is_refused_naming_the_rule(client, officer, proposal, walk):
    walk(proposal, Status.ACCEPTED)
    client.force_login(officer)
    response = client.post(
        url("settle", proposal),
        {"settle-settled_amount": "500.000.001", "settle-liquidation_date": "20/12/2024"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kinh phí quyết toán không được vượt kinh phí được duyệt (500.000.000 ₫)" in html
    assert 'href="#id_settle-settled_amount"' in html
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED and proposal.settled_amount is None


@pytest.mark.parametrize("role", ["leader", "commune_officer", "business_rep"])
def test_other_roles_cannot_settle(request, client, proposal, walk, role):
    walk(proposal, Status.ACCEPTED)
    client.force_login(request.getfixturevalue(role))
    assert url("settle", proposal) not in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(
        url("settle", proposal),
        {"settle-settled_amount": "400.000.000", "settle-liquidation_date": "20/12/2024"},
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.ACCEPTED


# --- what the page shows ------------------------------------------------------------------------------


def test_the_page_shows_the_legal_maximum_beside_the_requested_support(client, officer, proposal, walk):
    walk(proposal, Status.SUBMITTED)
    client.force_login(officer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    # submitted on 15/01/2024: TT 28/2018 applies, 30 % of 2 bn
    assert "Mức tối đa theo quy định: 600.000.000 ₫, theo Thông tư 28/2018/TT-BTC" in html
    assert "áp dụng cho ngày 15/01/2024" in html
    assert "Lao động có việc làm" in html  # expected results


def test_the_simple_moves_have_verbs_and_a_required_reason_where_the_rule_needs_one(
    client, officer, proposal, walk
):
    walk(proposal, Status.SUBMITTED)
    client.force_login(officer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert ">Bắt đầu thẩm định</button>" in html and ">Trả lại để bổ sung</button>" in html
    assert "Lý do (bắt buộc)" in html
