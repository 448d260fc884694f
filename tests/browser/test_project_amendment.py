"""An amendment through the pages: the officer asks to extend a contracted project and raise its support,
sees the changes before sending, and the leader approves them."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from tests.browser.test_project_lifecycle import expect_status, press, shipped_caps, sign_in, sign_out

__all__ = ["shipped_caps"]  # a fixture this module uses


def contracted_project(officer, leader, hung_long, geo_unit):
    """A demonstration model approved for 500 m (cap 600 m) and contracted, made through the services."""
    from khuyencong.appraisal.tests.factories import appraise
    from khuyencong.projects import services
    from khuyencong.projects.choices import Status

    project = services.project_create(
        actor=officer,
        data={
            "code": "KCĐP-2026-002",
            "title": "Mô hình trình diễn sấy gỗ rừng trồng",
            "category": "demonstration_model",
            "level": "local",
            "plan_year": 2026,
            "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
            "unit": geo_unit,
            "eligible_cost": 2_000_000_000,
            "start_date": dt.date(2026, 3, 1),
            "end_date": dt.date(2026, 11, 30),
        },
        beneficiaries=[hung_long],
        budget={"provincial": 500_000_000, "beneficiary": 1_500_000_000},
        expected={"jobs_created": 30, "models": 1},
    )
    services.project_submit(project=project, actor=officer, on=dt.date(2026, 1, 15))
    services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
    appraise(project, officer=officer)
    services.project_approve(
        project=project, actor=leader, decision_number="126/QĐ-SCT", decision_date=dt.date(2026, 2, 20)
    )
    services.project_contract(
        project=project,
        actor=officer,
        contract_number="08/HĐ-KC",
        contract_date=dt.date(2026, 3, 1),
        contract_amount=500_000_000,
    )
    return project


def test_an_officer_requests_an_amendment_and_the_leader_approves_it(
    live_server, shipped_caps, page: Page, officer, leader, hung_long
) -> None:
    project = contracted_project(officer, leader, hung_long, hung_long.commune)
    path = project.get_absolute_url()

    sign_in(page, live_server, officer, path)
    with page.expect_navigation():
        page.get_by_role("button", name="Đề nghị điều chỉnh", exact=True).click()
    # The form holds today's values; the officer types over two of them and previews.
    expect(page.get_by_label("Ngày kết thúc")).to_have_value("30/11/2026")
    page.get_by_label("Lý do điều chỉnh").fill("Mưa lũ kéo dài; bổ sung một dây chuyền sấy")
    page.get_by_label("Ngày kết thúc").fill("31/03/2027")
    page.get_by_label("Kinh phí: Ngân sách tỉnh").fill("580.000.000")
    page.get_by_label("Kinh phí hỗ trợ được duyệt").fill("580.000.000")
    press(page, "Xem trước thay đổi")
    preview = page.locator("#amendment-preview")
    expect(preview.get_by_role("row", name="Ngày kết thúc")).to_contain_text("30/11/2026")
    expect(preview.get_by_role("row", name="Ngày kết thúc")).to_contain_text("31/03/2027")
    expect(preview.get_by_role("row", name="Kinh phí hỗ trợ được duyệt")).to_contain_text("580.000.000 ₫")
    press(page, "Gửi đề nghị điều chỉnh")
    expect(page.get_by_text("Đã gửi đề nghị điều chỉnh; chờ lãnh đạo phê duyệt.")).to_be_visible()
    expect(page.locator("#amendment-pending")).to_contain_text("Mưa lũ kéo dài")
    expect(page.get_by_role("button", name="Phê duyệt điều chỉnh")).to_have_count(0)
    sign_out(page, live_server)

    # The leader finds it in the to-do list and approves it from the project page.
    sign_in(page, live_server, leader, "/viec-can-lam/")
    section = page.locator("#todo-amendments_to_decide")
    expect(section).to_contain_text("Đề nghị điều chỉnh chờ quyết định (1)")
    with page.expect_navigation():
        section.get_by_role("link", name="KCĐP-2026-002").click()
    page.get_by_label("Ý kiến").fill("Đồng ý điều chỉnh")
    press(page, "Phê duyệt điều chỉnh")
    expect(page.get_by_text("Đề nghị điều chỉnh: Đã phê duyệt.")).to_be_visible()
    expect(page.get_by_text("quyết định số 126/QĐ-SCT")).to_contain_text("580.000.000 ₫")
    expect(page.locator("dl.facts").first).to_contain_text("01/03/2026 – 31/03/2027")
    done = page.locator("article.amendment-past")
    expect(done).to_contain_text("Đã phê duyệt")
    expect(done.get_by_role("row", name="Kinh phí: Ngân sách tỉnh")).to_contain_text("500.000.000 ₫")
    expect(done.get_by_role("row", name="Kinh phí: Ngân sách tỉnh")).to_contain_text("580.000.000 ₫")
    expect_status(page, "Đã ký hợp đồng")
    assert page.js_errors == []  # type: ignore[attr-defined]
