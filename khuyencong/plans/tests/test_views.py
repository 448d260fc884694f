"""The plan pages: who sees them, forms that report the service's Vietnamese messages, downloads."""

import pytest

from khuyencong.plans import services
from khuyencong.plans.models import AnnualPlan, Scenario
from khuyencong.plans.tests.helpers import M


@pytest.fixture
def plan(officer, make_proposal, make_plan):
    make_proposal(score="90", amount=600 * M)
    make_proposal(score="80", amount=500 * M)
    make_proposal(score="75", amount=500 * M)
    return make_plan()


def test_plans_are_for_the_centre_and_leaders_only(client, plan, commune_officer, leader):
    client.force_login(commune_officer)
    assert client.get("/ke-hoach/").status_code == 403
    assert client.get(f"/ke-hoach/{plan.pk}/").status_code == 404
    client.force_login(leader)
    page = client.get(f"/ke-hoach/{plan.pk}/")
    assert page.status_code == 200
    assert "Lưu dự toán và ràng buộc" not in page.content.decode()  # a leader reads, the centre edits
    assert client.post(f"/ke-hoach/{plan.pk}/toi-uu/", {"run-name": "X"}).status_code == 403


def test_an_officer_creates_a_plan_from_the_list(client, officer):
    client.force_login(officer)
    response = client.post(
        "/ke-hoach/",
        {
            "year": "2026",
            "level": "local",
            "reference_date": "01/11/2025",
            "envelope_provincial": "5.000.000.000",
        },
    )
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{plan.pk}/"
    assert plan.envelope_map() == {"provincial": 5_000_000_000, "central": 0}
    # A second plan for the same year and level is refused, naming the field.
    again = client.post(
        "/ke-hoach/",
        {"year": "2026", "level": "local", "reference_date": "01/11/2025", "envelope_provincial": "1"},
    )
    assert "Đã có kế hoạch khuyến công địa phương năm 2026" in again.content.decode()
    assert AnnualPlan.objects.count() == 1


def test_a_share_above_100_percent_is_shown_on_its_field_and_not_saved(client, officer, plan):
    client.force_login(officer)
    response = client.post(
        f"/ke-hoach/{plan.pk}/rang-buoc/",
        {
            "rules-reference_date": "01/11/2025",
            "rules-envelope_provincial": "1.000.000.000",
            "rules-priority_min": "120",
            "rules-objective": "score",
            "rules-time_limit": "30",
            "rules-gap": "0,01",
        },
    )
    assert response.status_code == 200
    assert (
        "Tỷ lệ tối thiểu cho địa bàn ưu tiên phải từ 0 % đến 100 % (đang nhập 120 %)."
        in response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.priority_min_bp == 0


def test_running_comparing_and_downloading(client, officer, plan):
    client.force_login(officer)
    first = client.post(f"/ke-hoach/{plan.pk}/toi-uu/", {"run-name": "Theo điểm"})
    scenario = Scenario.objects.get(name="Theo điểm")
    assert first["Location"] == scenario.get_absolute_url()
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "Đây là phương án tốt nhất có thể (đã được chứng minh)." in page
    assert "cần thêm 100 tr.đ ở nguồn ngân sách tỉnh" in page
    services.plan_update(
        plan=plan,
        actor=officer,
        rules=services.PlanRules(
            reference_date=plan.reference_date, envelopes={"provincial": 1_100 * M}, gap_ppm=0
        ),
    )
    client.post(f"/ke-hoach/{plan.pk}/toi-uu/", {"run-name": "Thêm 100 tr.đ"})
    other = Scenario.objects.get(name="Thêm 100 tr.đ")
    compare = client.get(f"/ke-hoach/{plan.pk}/so-sanh/", {"a": scenario.pk, "b": other.pk}).content.decode()
    assert "Theo điểm" in compare and "Thêm 100 tr.đ" in compare
    assert "2 đề án khác nhau giữa hai phương án." in compare  # A in, C out
    # The plan page's ticked boxes compare without any script; one box alone is sent back with a message.
    ticked = client.get(f"/ke-hoach/{plan.pk}/so-sanh/", {"pick": [scenario.pk, other.pk]}).content.decode()
    assert "2 đề án khác nhau giữa hai phương án." in ticked
    alone = client.get(f"/ke-hoach/{plan.pk}/so-sanh/", {"pick": [scenario.pk]}, follow=True)
    assert "Hãy đánh dấu đúng hai phương án để so sánh." in alone.content.decode()
    workbook = client.get(f"/ke-hoach/{plan.pk}/phu-luc.xlsx", {"phuong_an": other.pk})
    assert workbook.status_code == 200
    assert workbook["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert client.get(f"/ke-hoach/{plan.pk}/phu-luc.xlsx").status_code == 404  # nothing submitted yet


def test_decisions_on_one_proposal_are_saved_together_or_not_at_all(client, officer, plan):
    from khuyencong.plans.models import PartialFunding, PlanOverride

    target = services.candidates(year=plan.year, level=plan.level).first()
    client.force_login(officer)
    prefix = f"p{target.pk}"
    response = client.post(
        f"/ke-hoach/{plan.pk}/de-an/{target.pk}/",
        {f"{prefix}-decision": "in", f"{prefix}-reason": "Đề án điểm", f"{prefix}-minimum": "700.000.000"},
    )
    assert response.status_code == 200
    assert "không vượt mức đề nghị 600.000.000 ₫" in response.content.decode()
    assert not PlanOverride.objects.exists() and not PartialFunding.objects.exists()
    client.post(
        f"/ke-hoach/{plan.pk}/de-an/{target.pk}/",
        {f"{prefix}-decision": "in", f"{prefix}-reason": "Đề án điểm", f"{prefix}-minimum": "400.000.000"},
    )
    assert PlanOverride.objects.get().reason == "Đề án điểm"
    assert PartialFunding.objects.get().minimum == 400 * M


def test_the_menu_links_the_plans_for_the_centre_and_leaders_only(client, officer, leader, commune_officer):
    from django.urls import reverse

    link = f'href="{reverse("plans:list")}"'
    for user, shown in ((officer, True), (leader, True), (commune_officer, False)):
        client.force_login(user)
        assert (link in client.get(reverse("core:todo")).content.decode()) is shown, user.username
