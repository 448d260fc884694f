"""One project from draft to settled, every step taken through the pages by the role that owns it."""

from __future__ import annotations

import importlib
import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from conftest import PASSWORD
from khuyencong.appraisal.tests.factories import member_user, shipped_criteria

LOGIN_PATH = "/tai-khoan/dang-nhap/"


def sign_in(page: Page, live_server, user, path: str) -> None:
    page.goto(f"{live_server.url}{LOGIN_PATH}?next={path}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + path)


def sign_out(page: Page, live_server) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + LOGIN_PATH)))


def press(page: Page, name: str) -> None:
    """Click a move's button and wait for the page the redirect brings back."""
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def expect_status(page: Page, label: str) -> None:
    expect(page.locator("#project-status")).to_have_text(label)


# A tiny but real JPEG header is all the upload check reads.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 200


@pytest.fixture(autouse=True)
def shipped_checklist(transactional_db) -> None:
    """The acceptance checklist a migration ships, put back if an earlier live-server test flushed it."""
    from django.apps import apps

    from khuyencong.projects.models import AcceptanceChecklistItem

    if not AcceptanceChecklistItem.objects.exists():
        importlib.import_module("khuyencong.projects.migrations.0008_default_acceptance_checklist").ship(
            apps, None
        )


def checklist_size(project_path: str) -> int:
    from khuyencong.projects.models import AcceptanceChecklistItem, Project

    project = Project.objects.get(code_key=project_path.strip("/").split("/")[-1])
    return AcceptanceChecklistItem.objects.filter(category=project.category, active=True).count()


@pytest.fixture
def shipped_caps(transactional_db) -> None:
    """The caps a migration ships as data, put back if an earlier live-server test flushed them."""
    from django.apps import apps

    from khuyencong.rules.models import RuleSet

    if not RuleSet.objects.exists():
        importlib.import_module("khuyencong.rules.migrations.0002_default_rule_sets").ship(apps, None)


# What each council member gives on the criteria a member scores (the place criteria stay pre-filled).
SCORES = {
    "Sử dụng nguyên liệu tại chỗ": (4, 4),
    "Sử dụng nhiều lao động": (5, 5),
    "Phát triển ngành nghề truyền thống, làng nghề": (2, 2),
    "Bảo vệ môi trường, sản xuất sạch hơn": (4, 4),
    "Sự cần thiết và phù hợp với nội dung, đối tượng khuyến công": (8, 6),
    "Tính khả thi: công nghệ, vốn đối ứng, năng lực thực hiện": (7, 6),
    "Hiệu quả kinh tế – xã hội và khả năng nhân rộng": (9, 6),
}  # totals 59,00 and 48,00: the mean, 53,50, becomes the appraisal score


def appraise_through_the_pages(page: Page, live_server, officer, members, project_path: str) -> None:
    """The officer (signed in, on the project's page) sets up a council and gives it the proposal; each
    member declares no conflict of interest and scores; the officer concludes, which proposes it."""
    page.get_by_role("link", name="Giao cho một hội đồng").click()
    page.wait_for_url(live_server.url + "/tham-dinh/")
    page.get_by_role("button", name="Lập hội đồng").click()
    page.get_by_label("Tên hội đồng").fill("Hội đồng xét chọn đề án khuyến công địa phương năm 2026")
    page.get_by_label("Năm kế hoạch").fill("2026")
    page.get_by_label("Cấp khuyến công").select_option("local")
    press(page, "Lưu")
    for member, position in zip(members, ("Chủ tịch hội đồng", "Thư ký hội đồng"), strict=True):
        page.get_by_role("combobox", name="Thành viên", exact=True).select_option(
            label=member.get_full_name()
        )
        page.get_by_label("Chức danh").select_option(label=position)
        press(page, "Thêm thành viên")
    page.get_by_role("combobox", name="Đề án", exact=True).select_option(
        label="KCĐP-2026-001 — Mô hình trình diễn dây chuyền sản xuất ống nhựa"
    )
    press(page, "Giao đề án cho hội đồng")
    council_path = page.url.removeprefix(live_server.url)
    expect(page.locator("#progress")).to_contain_text("Chưa khai báo")
    sign_out(page, live_server)

    for index, member in enumerate(members):
        sign_in(page, live_server, member, project_path)
        page.get_by_role("link", name="Khai báo và chấm điểm").click()
        page.get_by_label("Tôi không có xung đột lợi ích").check()
        press(page, "Khai báo")
        expect(page.locator("#sheet-state")).to_have_text("Đang chấm")
        expect(page.locator("#sheet")).to_contain_text("Điền sẵn 0 điểm")  # Tam Thanh has no classification
        for label, points in SCORES.items():
            page.get_by_label(label, exact=True).fill(str(points[index]))
        expect(page.locator("#sheet-total")).to_contain_text(("59,00", "48,00")[index])  # htmx, nothing saved
        page.wait_for_load_state("networkidle")
        press(page, "Nộp phiếu")
        expect(page.locator("#sheet-submitted-total")).to_have_text(("59,00", "48,00")[index])
        sign_out(page, live_server)

    sign_in(page, live_server, officer, council_path)
    press(page, "Kết luận thẩm định KCĐP-2026-001")
    expect(
        page.get_by_text("Đã kết luận thẩm định đề án KCĐP-2026-001: Đề xuất vào kế hoạch.")
    ).to_be_visible()
    page.get_by_role("link", name="KCĐP-2026-001", exact=True).click()
    page.wait_for_url(live_server.url + project_path)
    expect(page.locator("#appraisal-score")).to_have_text("53,50")


def test_a_project_goes_from_draft_to_settled_through_the_pages(
    live_server, shipped_caps, page: Page, officer, leader, council_member, hung_long
) -> None:
    # The officer proposes a demonstration model; the form shows the legal maximum as amounts are typed.
    sign_in(page, live_server, officer, "/de-an/")
    page.get_by_role("button", name="Lập đề án").click()
    page.wait_for_url(live_server.url + "/de-an/them/")
    page.get_by_label("Mã đề án").fill("KCĐP-2026-001")
    page.get_by_label("Tên đề án").fill("Mô hình trình diễn dây chuyền sản xuất ống nhựa")
    page.get_by_label("Nội dung hỗ trợ").select_option("demonstration_model")
    page.get_by_label("Cấp khuyến công").select_option("local")
    page.get_by_label("Năm kế hoạch").fill("2026")
    page.get_by_label("Đơn vị thực hiện").fill("Trung tâm Khuyến công Lạng Sơn")
    page.get_by_label("Địa điểm").select_option(label="Phường Tam Thanh")
    page.get_by_label("Cơ sở thụ hưởng").select_option(label="Công ty TNHH thương mại Hưng Long")
    page.get_by_label("Ngày bắt đầu").fill("01/03/2026")
    page.get_by_label("Ngày kết thúc").fill("30/11/2026")
    page.get_by_label("Chi phí hợp lệ").fill("2.000.000.000")
    page.get_by_label("Kinh phí: Ngân sách tỉnh").fill("500.000.000")
    page.get_by_label("Kinh phí: Vốn đối ứng").fill("1.500.000.000")
    page.get_by_label("Dự kiến: Lao động có việc làm").fill("30")
    page.get_by_label("Dự kiến: Lao động có việc làm").press("Tab")
    # Let the live preview settle before saving: the test database (in-memory SQLite) locks a table
    # against a read that overlaps a write.
    page.wait_for_load_state("networkidle")
    limit = page.locator("#limit")
    expect(limit).to_contain_text("600.000.000 ₫")  # 30 % of 2 bn, below the 1 bn amount cap
    expect(limit).to_contain_text("Thông tư 28/2018/TT-BTC")
    expect(limit).to_contain_text("không vượt mức trần")
    with page.expect_navigation():
        page.get_by_role("button", name="Lưu", exact=True).click()
    assert page.url == live_server.url + "/de-an/KCDP-2026-001/"
    expect_status(page, "Dự thảo")
    expect(page.locator("#requested-support")).to_contain_text("Mức tối đa theo quy định: 600.000.000 ₫")
    project_path = "/de-an/KCDP-2026-001/"

    press(page, "Nộp đề án")
    expect_status(page, "Đã nộp")
    press(page, "Bắt đầu thẩm định")
    expect_status(page, "Đang thẩm định")
    # Appraisal: a council scores it; the officer's conclusion proposes it for the plan.
    shipped_criteria()
    appraise_through_the_pages(
        page, live_server, officer, [council_member, member_user("thamdinh2", "Hà Thị", "Thu")], project_path
    )
    expect_status(page, "Đề xuất vào kế hoạch")
    # Only the leader approves: the officer has no approval form.
    expect(page.get_by_role("button", name="Phê duyệt", exact=True)).to_have_count(0)
    sign_out(page, live_server)

    # The leader approves with the decision's number and date.
    sign_in(page, live_server, leader, project_path)
    page.get_by_label("Số quyết định phê duyệt").fill("125/QĐ-SCT")
    page.get_by_label("Ngày quyết định").fill("20/02/2026")
    press(page, "Phê duyệt")
    expect_status(page, "Đã phê duyệt")
    expect(page.get_by_text("quyết định số 125/QĐ-SCT ngày 20/02/2026")).to_be_visible()
    sign_out(page, live_server)

    # The officer follows it through contract, implementation, an advance and acceptance.
    sign_in(page, live_server, officer, project_path)
    page.get_by_label("Số hợp đồng").fill("07/HĐ-KC")
    page.get_by_label("Ngày ký hợp đồng").fill("01/03/2026")
    page.get_by_label("Giá trị hợp đồng").fill("500.000.000")
    press(page, "Ghi nhận hợp đồng")
    expect_status(page, "Đã ký hợp đồng")
    press(page, "Bắt đầu thực hiện")
    expect_status(page, "Đang thực hiện")

    # A first try with decimals is refused, naming the field; nothing is recorded.
    page.get_by_label("Số tiền tạm ứng").fill("200.000.000,5")
    page.get_by_label("Ngày tạm ứng").fill("15/03/2026")
    press(page, "Ghi nhận tạm ứng")
    expect(page.get_by_role("alert").filter(has_text="Chưa ghi nhận được tạm ứng")).to_contain_text(
        "Số tiền tạm ứng (đồng) phải là số nguyên"
    )
    page.get_by_label("Số tiền tạm ứng").fill("200.000.000")
    page.get_by_label("Ngày tạm ứng").fill("15/03/2026")
    page.get_by_label("Ghi chú").fill("Tạm ứng đợt 1")
    press(page, "Ghi nhận tạm ứng")
    expect(page.get_by_text("Đã ghi nhận tạm ứng 200.000.000 ₫")).to_be_visible()
    advances = page.get_by_role("table", name="Tạm ứng: tổng 200.000.000 ₫")
    expect(advances).to_contain_text("15/03/2026")
    expect(advances).to_contain_text("200.000.000 ₫")

    press(page, "Đề nghị nghiệm thu")
    expect_status(page, "Chờ nghiệm thu")
    # The council's visit: results beside the expected ones, who was there, the checklist, a photo.
    press(page, "Ghi nhận kết quả nghiệm thu")
    page.get_by_label("Ngày nghiệm thu").fill("15/11/2026")
    page.get_by_label("Họ tên thành viên 1").fill("Nguyễn Văn An")
    page.get_by_label("Chức vụ thành viên 1").fill("Phó Giám đốc Sở Công Thương, Chủ tịch hội đồng")
    expect(page.get_by_role("row", name="Đạt được: Lao động có việc làm")).to_contain_text("30")
    page.get_by_label("Đạt được: Lao động có việc làm").fill("32")
    page.get_by_label("Tên máy 1").fill("Máy đùn ống nhựa")
    page.get_by_label("Số hiệu máy 1").fill("EX-2026-01")
    checklist = page.locator("fieldset.checklist-item")
    expect(checklist.first).to_be_visible()
    for item in checklist.all():
        item.get_by_label("Đạt", exact=True).check()
    page.get_by_label("Ảnh nghiệm thu", exact=True).set_input_files(
        files=[FilePayload(name="xuong.jpg", mimeType="image/jpeg", buffer=PHOTO)]
    )
    page.get_by_label("Đạt yêu cầu", exact=True).check()
    press(page, "Ghi nhận kết quả nghiệm thu")
    expect_status(page, "Đã nghiệm thu")
    results = page.locator("#acceptance-results")
    expect(results.get_by_role("row", name="Lao động có việc làm")).to_contain_text("32")
    expect(page.locator("#acceptance-checklist tbody tr")).to_have_count(checklist_size(project_path))
    expect(page.get_by_role("link", name="xuong.jpg").first).to_be_visible()

    # Settled below the approved 500 m (and above the 200 m advanced, so nothing to recover).
    page.get_by_label("Kinh phí quyết toán").fill("450.000.000")
    page.get_by_label("Ngày thanh lý hợp đồng").fill("20/12/2026")
    press(page, "Quyết toán")
    expect_status(page, "Đã quyết toán")
    expect(page.get_by_text("Đã quyết toán đề án: 450.000.000 ₫.")).to_be_visible()
    expect(page.get_by_text("Thu hồi (tạm ứng vượt số quyết toán)")).to_have_count(0)

    # The history lists every step, each with who took it.
    history = page.locator("table.history")
    steps = [
        "Đã nộp",
        "Đang thẩm định",
        "Đề xuất vào kế hoạch",
        "Đã phê duyệt",
        "Đã ký hợp đồng",
        "Đang thực hiện",
        "Chờ nghiệm thu",
        "Đã nghiệm thu",
        "Đã quyết toán",
    ]
    moves = history.locator("tbody tr", has_text="Chuyển trạng thái")
    expect(moves).to_have_count(len(steps))
    # Newest first: read them back in the order they happened, with who took each step.
    rows = moves.all()[::-1]
    assert [row.locator("li", has_text="Trạng thái").locator("ins").inner_text() for row in rows] == steps
    assert [row.locator("td").nth(1).inner_text() for row in rows] == [
        "Hoàng Thị Lãnh" if step == "Đã phê duyệt" else "Nguyễn Văn Cán" for step in steps
    ]
    expect(history.locator("tbody tr", has_text="Tạm ứng đợt 1")).to_have_count(1)
    assert page.js_errors == []  # type: ignore[attr-defined]
