"""The dashboard in a real browser: filters stay in the URL, and every chart's table holds what is drawn."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD

M = 1_000_000


@pytest.fixture
def figures(restores_shipped_data, transactional_db, officer, geo):
    """Three accepted projects over two years and both place systems, one in progress."""
    from khuyencong.projects import services
    from khuyencong.projects.choices import Status
    from khuyencong.projects.models import Project
    from khuyencong.projects.tests.helpers import checklist_met

    def make(code, *, unit, year, category, level, budget, results=None):
        project = services.project_create(
            actor=officer,
            data={
                "code": code,
                "title": f"Đề án {code}",
                "category": category,
                "level": level,
                "plan_year": year,
                "implementing_unit": "Trung tâm Khuyến công",
                "unit": unit,
                "eligible_cost": 4 * sum(v for k, v in budget.items() if k in ("central", "provincial")),
            },
            budget=budget,
            on=dt.date(year, 1, 15),
        )
        support = sum(v for k, v in budget.items() if k in ("central", "provincial"))
        status = Status.AWAITING_ACCEPTANCE if results else Status.IN_PROGRESS
        Project.objects.filter(pk=project.pk).update(status=status, approved_support=support)
        if results:
            project.refresh_from_db()
            services.project_record_acceptance(
                project=project,
                actor=officer,
                held_on=dt.date(year, 11, 20),
                accepted=True,
                results=results,
                checklist=checklist_met(project),
            )

    make(
        "BD-1",
        unit=geo.old_vinh_trai,
        year=2023,
        category="demonstration_model",
        level="local",
        budget={"provincial": 200 * M, "beneficiary": 600 * M},
        results={"jobs_created": 40},
    )
    make(
        "BD-2",
        unit=geo.old_hop_thanh,
        year=2024,
        category="training",
        level="local",
        budget={"provincial": 60 * M},
        results={"workers_trained": 30},
    )
    make(
        "BD-3",
        unit=geo.tam_thanh,
        year=2024,
        category="machinery_application",
        level="national",
        budget={"central": 150 * M, "beneficiary": 150 * M},
        results={"jobs_created": 12},
    )
    make(
        "BD-4",
        unit=geo.ba_son,
        year=2024,
        category="consulting_information",
        level="local",
        budget={"provincial": 40 * M},
    )


def sign_in(page: Page, live_server, user, path: str) -> None:
    page.goto(f"{live_server.url}/tai-khoan/dang-nhap/?{urlencode({'next': path})}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(re.escape(live_server.url + "/ket-qua/")))


def drawn_and_tabled(page: Page, chart_id: str) -> tuple[list[str], list[str]]:
    chart = page.locator(f"#{chart_id}")
    drawn = chart.locator("svg [data-value]").evaluate_all("els => els.map(e => e.dataset.value)")
    chart.locator("summary").click()  # open the table behind the chart
    tabled = chart.locator("td[data-value]").evaluate_all("els => els.map(e => e.dataset.value)")
    return drawn, tabled


def test_filters_stay_in_the_url_and_every_chart_table_matches_its_drawing(
    live_server, figures, page: Page, leader
) -> None:
    sign_in(page, live_server, leader, "/ket-qua/?from_year=2023&to_year=2024")
    expect(page.locator('[data-figure="projects"]')).to_have_text("4")
    expect(page.locator('[data-figure="jobs"]')).to_have_text("52")
    for chart_id in ("chart-years", "chart-funds", "chart-jobs", "chart-disbursement", "chart-categories"):
        drawn, tabled = drawn_and_tabled(page, chart_id)
        assert drawn, chart_id
        assert drawn == tabled, chart_id
    assert drawn_and_tabled(page, "chart-years")[1] == [str(200 * M), str(250 * M)]

    # Filter: current units, local programme; the choices land in the URL and stay selected.
    page.get_by_label("Địa bàn", exact=True).select_option("current")
    page.get_by_label("Cấp khuyến công").select_option("local")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem").click()
    assert "units=current" in page.url and "level=local" in page.url and "from_year=2023" in page.url
    expect(page.get_by_label("Cấp khuyến công")).to_have_value("local")
    expect(page.get_by_label("Địa bàn", exact=True)).to_have_value("current")
    expect(page.locator('[data-figure="projects"]')).to_have_text("3")
    drawn, tabled = drawn_and_tabled(page, "chart-years")
    assert drawn == tabled == [str(200 * M), str(100 * M)]

    # A bar is a link to its year, keeping the other filters.
    with page.expect_navigation():
        page.locator('#chart-years rect[data-label="2024"]').click()
    assert "from_year=2024" in page.url and "to_year=2024" in page.url and "level=local" in page.url
    expect(page.locator('[data-figure="projects"]')).to_have_text("2")

    # The same URL opened afresh shows the same view: the state is in the URL, not in the session.
    fresh = page.context.new_page()
    fresh.goto(page.url)
    expect(fresh.locator('[data-figure="projects"]')).to_have_text("2")
    expect(fresh.get_by_label("Cấp khuyến công")).to_have_value("local")


def test_a_report_is_asked_for_from_the_dashboard_made_and_downloaded(
    live_server, figures, page: Page, leader, settings, tmp_path
) -> None:
    import openpyxl

    # The worker's job done in the request: the page still shows the run and its file.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    sign_in(page, live_server, leader, "/ket-qua/?from_year=2023&to_year=2024&units=current")
    with page.expect_navigation():
        page.get_by_role("link", name="Lập báo cáo với bộ lọc này").click()
    expect(page.get_by_label("Loại báo cáo")).to_have_value("multi_year")
    expect(page.get_by_label("Năm (hoặc năm bắt đầu)")).to_have_value("2023")
    page.get_by_label("Định dạng").select_option("xlsx")
    with page.expect_navigation():
        page.get_by_role("button", name="Lập báo cáo").click()
    expect(page.locator("#report-progress")).to_contain_text("Đã xong")
    with page.expect_download() as caught:
        page.get_by_role("button", name="Tải báo cáo").click()
    download = caught.value
    assert download.suggested_filename == "bao-cao-khuyen-cong-2023-2024.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes()), data_only=True)
    pairs = {row[0].value: row[1].value for row in book["Tổng hợp"].iter_rows(min_row=7) if row[0].value}
    assert pairs["Số đề án"] == 4
    assert pairs["Lao động có việc làm (người)"] == 52
    assert "Quy về đơn vị hành chính hiện nay" in book["Tổng hợp"]["A3"].value
