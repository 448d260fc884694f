"""The proposal pages: create and edit through the form, amounts typed the Vietnamese way, caps shown."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from khuyencong.core.forms import parse_whole_number
from khuyencong.core.models import AuditEntry
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import BudgetLine, ExpectedResult, Project


@pytest.fixture
def form_data(geo, hung_long):
    """A local demonstration model at Tam Thanh: 2 bn eligible, 500 m asked (30 % cap: 600 m)."""
    return {
        "code": "KCĐP-2025-011",
        "title": "Mô hình trình diễn máy ép nhựa tái chế",
        "category": "demonstration_model",
        "subtype": "",
        "level": "local",
        "plan_year": "2025",
        "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
        "unit": str(geo.tam_thanh.pk),
        "beneficiaries": [str(hung_long.pk)],
        "start_date": "01/03/2025",
        "end_date": "30/11/2025",
        "eligible_cost": "2.000.000.000",
        "budget_provincial": "500.000.000",
        "budget_beneficiary": "1.500.000.000",
        "expected_jobs_created": "1.286",
        "expected_models": "1",
    }


def _nothing_saved():
    assert Project.objects.count() == 0
    assert BudgetLine.objects.count() == 0
    assert ExpectedResult.objects.count() == 0
    assert not AuditEntry.objects.filter(content_type__model="project").exists()


def test_an_officer_creates_a_project_with_amounts_typed_the_vietnamese_way(
    client, officer, hung_long, form_data
):
    client.force_login(officer)
    response = client.post(reverse("projects:create"), form_data)
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert project.eligible_cost == 2_000_000_000
    assert project.budget() == {"provincial": 500_000_000, "beneficiary": 1_500_000_000}
    assert {r.indicator: r.value for r in project.expected_results.all()} == {
        "jobs_created": 1286,
        "models": 1,
    }
    assert list(project.beneficiaries.all()) == [hung_long]
    assert project.status == Status.DRAFT and project.created_by == officer
    assert project.start_date.isoformat() == "2025-03-01"


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        (
            "eligible_cost",
            "2.000.000.000,50",
            "Chi phí hợp lệ (đồng) phải là số nguyên, không có phần thập phân",
        ),
        ("eligible_cost", "2000000000.5", "Chi phí hợp lệ (đồng) phải là số nguyên, không có phần thập phân"),
        (
            "budget_provincial",
            "-500.000.000",
            "Kinh phí: Ngân sách tỉnh (khuyến công địa phương) (đồng) không được là số âm",
        ),
        (
            "budget_beneficiary",
            "−1.500.000.000",
            "Kinh phí: Vốn đối ứng của cơ sở (đồng) không được là số âm",
        ),
        ("expected_jobs_created", "12,5", "Dự kiến: Lao động có việc làm phải là số nguyên"),
        ("expected_models", "-1", "Dự kiến: Mô hình trình diễn không được là số âm"),
    ],
)
def test_a_bad_amount_is_refused_naming_the_field_and_nothing_is_saved(
    client, officer, form_data, field, typed, message
):
    client.force_login(officer)
    response = client.post(reverse("projects:create"), {**form_data, field: typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đề án chưa được lưu" in html
    assert message in html
    assert f'href="#id_{field}"' in html  # the summary links to the field
    _nothing_saved()


def test_a_request_above_the_cap_shows_the_cap_and_its_basis_and_saves_nothing(client, officer, form_data):
    client.force_login(officer)
    # 30 % of 4 bn is 1.2 bn, but the amount cap of TT 28/2018 is 1 bn
    response = client.post(
        reverse("projects:create"),
        {**form_data, "eligible_cost": "4.000.000.000", "budget_provincial": "1.200.000.000"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "vượt mức trần 1.000.000.000 ₫ theo Thông tư 28/2018/TT-BTC" in html
    assert 'href="#id_budget_provincial"' in html
    assert "Mức hỗ trợ tối đa theo quy định" in html
    _nothing_saved()


def test_the_form_shows_the_legal_maximum_for_the_amounts_typed(client, officer, form_data):
    client.force_login(officer)
    response = client.post(reverse("projects:limit"), form_data, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "600.000.000 ₫" in html and "Thông tư 28/2018/TT-BTC" in html
    assert "không vượt mức trần" in html
    response = client.post(reverse("projects:limit"), {**form_data, "budget_provincial": "700.000.000"})
    assert "vượt mức trần 600.000.000 ₫" in response.content.decode()


def test_a_commune_officer_cannot_create_in_another_commune(client, commune_officer, geo, form_data):
    client.force_login(commune_officer)
    page = client.get(reverse("projects:create")).content.decode()
    assert "Phường Tam Thanh" in page and "Xã Ba Sơn" not in page
    response = client.post(reverse("projects:create"), {**form_data, "unit": str(geo.ba_son.pk)})
    assert response.status_code == 200
    assert "Địa điểm đã chọn không có trong danh sách xã/phường hiện hành thuộc phạm vi của bạn" in (
        response.content.decode()
    )
    _nothing_saved()


def test_a_commune_officer_creates_in_their_own_commune(client, commune_officer, geo, form_data):
    client.force_login(commune_officer)
    response = client.post(reverse("projects:create"), form_data)
    assert response.status_code == 302
    assert Project.objects.get().unit == geo.tam_thanh


def test_beneficiaries_are_limited_to_establishments_the_user_sees(
    client, commune_officer, ba_son_coop, form_data
):
    client.force_login(commune_officer)
    assert ba_son_coop.name not in client.get(reverse("projects:create")).content.decode()
    response = client.post(reverse("projects:create"), {**form_data, "beneficiaries": [str(ba_son_coop.pk)]})
    assert response.status_code == 200
    assert 'href="#id_beneficiaries"' in response.content.decode()
    _nothing_saved()


@pytest.mark.parametrize("role", ["officer", "administrator", "commune_officer", "business_rep"])
def test_roles_that_may_propose_see_the_create_button(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert reverse("projects:create") in client.get(reverse("projects:list")).content.decode()
    assert client.get(reverse("projects:create")).status_code == 200


@pytest.mark.parametrize("role", ["leader", "council_member", "public_user"])
def test_other_roles_neither_see_the_button_nor_open_the_page(request, client, geo, form_data, role):
    client.force_login(request.getfixturevalue(role))
    assert reverse("projects:create") not in client.get(reverse("projects:list")).content.decode()
    assert client.get(reverse("projects:create")).status_code == 403
    assert client.post(reverse("projects:create"), form_data).status_code == 403
    _nothing_saved()


def test_a_code_already_used_is_reported_on_the_code_field(client, officer, proposal, form_data):
    client.force_login(officer)
    response = client.post(reverse("projects:create"), {**form_data, "code": "kcdp-2024-007"})
    html = response.content.decode()
    assert 'href="#id_code"' in html and "đã được dùng" in html
    assert Project.objects.count() == 1


def test_an_officer_edits_a_draft_and_the_change_is_audited(client, officer, proposal, form_data):
    client.force_login(officer)
    page = client.get(reverse("projects:edit", args=[proposal.code_key])).content.decode()
    assert 'value="2.000.000.000"' in page and 'value="500.000.000"' in page
    data = {**form_data, "code": proposal.code, "budget_provincial": "550.000.000", "expected_models": ""}
    response = client.post(reverse("projects:edit", args=[proposal.code_key]), data)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.requested_support == 550_000_000
    assert proposal.title == form_data["title"]
    entry = AuditEntry.objects.filter(object_id=str(proposal.pk)).order_by("-id").first()
    assert entry.changes["budget.provincial"]["after"] == 550_000_000


def test_editing_above_the_cap_shows_the_cap_and_changes_nothing(client, officer, proposal, form_data):
    client.force_login(officer)
    response = client.post(
        reverse("projects:edit", args=[proposal.code_key]),
        {**form_data, "code": proposal.code, "budget_provincial": "700.000.000"},
    )
    assert response.status_code == 200
    assert "vượt mức trần 600.000.000 ₫ theo Thông tư 28/2018/TT-BTC" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.requested_support == 500_000_000
    assert proposal.title != form_data["title"]


def test_a_project_past_approval_cannot_be_edited(client, officer, proposal, form_data):
    Project.objects.filter(pk=proposal.pk).update(status=Status.APPROVED, approved_support=500_000_000)
    client.force_login(officer)
    assert (
        reverse("projects:edit", args=[proposal.code_key])
        not in client.get(proposal.get_absolute_url()).content.decode()
    )
    assert client.get(reverse("projects:edit", args=[proposal.code_key])).status_code == 403
    response = client.post(
        reverse("projects:edit", args=[proposal.code_key]), {**form_data, "code": proposal.code}
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.title != form_data["title"]


def test_a_leader_cannot_edit_and_an_outsider_gets_404(client, leader, outsider, proposal):
    client.force_login(leader)
    assert client.get(reverse("projects:edit", args=[proposal.code_key])).status_code == 403
    client.force_login(outsider)
    assert client.get(reverse("projects:edit", args=[proposal.code_key])).status_code == 404


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1.286.000.000", 1_286_000_000),
        ("1286000000", 1_286_000_000),
        ("1 286 000 000 ₫", 1_286_000_000),
        ("535", 535),
        ("0", 0),
        ("1.000 đồng", 1000),
    ],
)
def test_amounts_are_read_the_vietnamese_way(typed, value):
    assert parse_whole_number(typed, label="số tiền") == value


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1,5", "decimal"),
        ("1.5", "decimal"),
        ("1.286.000,00", "decimal"),
        ("-1", "negative"),
        ("− 5", "negative"),
        ("abc", "invalid"),
        ("1e6", "invalid"),
        ("10.000.000.000.000.000", "too_large"),
    ],
)
def test_decimals_negatives_and_words_are_refused(typed, code):
    with pytest.raises(ValidationError) as caught:
        parse_whole_number(typed, label="số tiền")
    assert caught.value.code == code
    assert caught.value.messages[0].startswith("Số tiền")


def test_the_service_still_refuses_a_commune_officer_outside_their_commune(commune_officer, geo):
    # The form hides other communes; the service is the gate for every other caller.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.project_create(
            actor=commune_officer,
            data={
                "code": "X-1",
                "title": "t",
                "category": "training",
                "level": "local",
                "plan_year": 2025,
                "implementing_unit": "u",
                "unit": geo.ba_son,
            },
        )
    assert Project.objects.count() == 0
