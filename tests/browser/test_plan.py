"""The annual plan through the pages: an officer optimises and submits, the leader approves."""

from __future__ import annotations

import importlib
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD

LOGIN_PATH = "/tai-khoan/dang-nhap/"
M = 1_000_000


def sign_in(page: Page, live_server, user, path: str) -> None:
    page.goto(f"{live_server.url}{LOGIN_PATH}?next={path}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + path)


def sign_out(page: Page, live_server) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + LOGIN_PATH)))


@pytest.fixture
def proposals(transactional_db, officer, geo):
    """Three proposals for 2026, scored by the appraisal: 90 pts/600 tr.đ, 80/500 and 75/500."""
    from django.apps import apps

    from khuyencong.projects import services
    from khuyencong.projects.choices import Status
    from khuyencong.projects.models import Project
    from khuyencong.rules.models import RuleSet

    if not RuleSet.objects.exists():  # an earlier live-server test flushed the shipped caps
        importlib.import_module("khuyencong.rules.migrations.0002_default_rule_sets").ship(apps, None)
    made = []
    for n, (score, amount) in enumerate([("90", 600), ("80", 500), ("75", 500)], start=1):
        project = services.project_create(
            actor=officer,
            data={
                "code": f"KCĐP-2026-00{n}",
                "title": f"Đào tạo nghề đợt {n}",
                "category": "training",
                "level": "local",
                "plan_year": 2026,
                "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
                "unit": geo.tam_thanh,
            },
            budget={"provincial": amount * M},
        )
        services.project_submit(project=project, actor=officer)
        services.project_transition(project=project, to=Status.UNDER_APPRAISAL, actor=officer)
        Project.objects.filter(pk=project.pk).update(appraisal_score=Decimal(score))
        made.append(services.project_transition(project=project, to=Status.PROPOSED, actor=officer))
    return made


def test_an_officer_optimises_and_submits_and_the_leader_approves(
    live_server, page: Page, officer, leader, proposals
) -> None:
    first, second, third = proposals
    sign_in(page, live_server, officer, "/ke-hoach/")
    page.get_by_label("Năm kế hoạch").fill("2026")
    page.get_by_label("Cấp khuyến công").select_option("local")
    page.get_by_label("Ngày tham chiếu (xét địa bàn ưu tiên)").fill("01/11/2025")
    page.get_by_label("Dự toán ngân sách tỉnh (đồng)").fill("1.000.000.000")
    with page.expect_navigation():
        page.get_by_role("button", name="Lập kế hoạch").click()
    expect(page.locator("#plan-status")).to_have_text("Dự thảo")
    plan_url = page.url

    # Optimise: the two proposals of 80 and 75 points beat the single one of 90 that ranking by score takes.
    page.get_by_label("Tên phương án").fill("Phương án 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Chạy tối ưu").click()
    expect(page.locator(".gap-text")).to_have_text("Đây là phương án tốt nhất có thể (đã được chứng minh).")
    expect(page.locator("#selected tbody tr")).to_have_count(2)
    expect(page.locator("#selected")).to_contain_text(second.code)
    expect(page.locator("#selected")).to_contain_text(third.code)
    excluded = page.locator("#excluded tbody tr", has_text=first.code)
    expect(excluded).to_contain_text("cần thêm 100 tr.đ ở nguồn ngân sách tỉnh")
    expect(excluded).to_contain_text(f"thay cho đề án {third.code}")
    expect(page.locator("#greedy-comparison")).to_contain_text("phương án tối ưu hơn 65")

    # Submit it: the plan is locked.
    page.goto(plan_url)
    page.get_by_label("Phương án trình duyệt").select_option(label="Phương án 1")
    with page.expect_navigation():
        page.get_by_role("button", name="Trình kế hoạch").click()
    expect(page.locator("#plan-status")).to_have_text("Đã trình (khoá)")
    expect(page.get_by_role("button", name="Chạy tối ưu")).to_have_count(0)
    sign_out(page, live_server)

    # The leader approves with the decision's number and date: the projects are approved with it.
    sign_in(page, live_server, leader, plan_url.removeprefix(live_server.url))
    page.get_by_label("Số quyết định phê duyệt").fill("125/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("05/01/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Phê duyệt kế hoạch").click()
    expect(page.locator("#plan-status")).to_have_text("Đã phê duyệt")
    expect(page.locator("#plan-decision")).to_have_text("số 125/QĐ-UBND ngày 05/01/2026")
    page.goto(live_server.url + second.get_absolute_url())
    expect(page.locator("#project-status")).to_have_text("Đã phê duyệt")
    expect(page.get_by_text("quyết định số 125/QĐ-UBND ngày 05/01/2026")).to_be_visible()
    page.goto(live_server.url + first.get_absolute_url())
    expect(page.locator("#project-status")).to_have_text("Đề xuất vào kế hoạch")
    assert page.js_errors == []  # type: ignore[attr-defined]
