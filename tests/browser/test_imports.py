"""An officer uploads a file with errors, reads them, uploads the corrected one and sees the records."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from khuyencong.imports.tests.files import ESTABLISHMENT_HEADER, xlsx

GOOD = [
    1,
    "Hợp tác xã mây tre Tam Thanh",
    "Hợp tác xã",
    "",
    "Lý Văn A",
    "Tam Thanh",
    "Ngành nghề khác",
    12,
    5,
    2010,
]


@pytest.fixture
def background_in_request(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_an_officer_fixes_a_file_from_the_error_list_and_imports_it(
    live_server, page, officer, geo, tmp_path, background_in_request
):
    bad = xlsx(
        tmp_path / "co-so.xlsx",
        [
            ESTABLISHMENT_HEADER,
            GOOD,
            [
                2,
                "Cơ sở Vĩnh Trại",
                "Hộ kinh doanh",
                "",
                "",
                "Vĩnh Trại",
                "Ngành nghề khác",
                "1,286",
                "",
                2010,
            ],
        ],
    )
    fixed = xlsx(
        tmp_path / "co-so-da-sua.xlsx",
        [
            ESTABLISHMENT_HEADER,
            GOOD,
            [
                2,
                "Cơ sở Vĩnh Trại",
                "Hộ kinh doanh",
                "",
                "",
                "Lương Văn Tri",
                "Ngành nghề khác",
                "1.286",
                "",
                2010,
            ],
        ],
    )

    page.goto(live_server.url + "/tai-khoan/dang-nhap/?next=/nhap-du-lieu/")
    page.get_by_label("Tên đăng nhập").fill(officer.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/nhap-du-lieu/")

    page.get_by_label("Loại dữ liệu").select_option("establishments")
    page.get_by_label("Tệp bảng tính").set_input_files(str(bad))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url("**/nhap-du-lieu/*/")
    errors = page.locator("#import-errors")
    assert errors.get_by_role("cell", name="F3").is_visible()
    assert "chia cho nhiều đơn vị" in errors.inner_text()
    assert "không rõ “1,286”" in errors.inner_text()
    assert page.get_by_role("button", name="Nhập vào hệ thống").count() == 0
    assert page.get_by_role("button", name="Tải tệp có chú thích lỗi (.xlsx)").is_visible()

    page.get_by_role("link", name="Tải lên tệp khác").click()
    page.get_by_label("Loại dữ liệu").select_option("establishments")
    page.get_by_label("Tệp bảng tính").set_input_files(str(fixed))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url("**/nhap-du-lieu/*/")
    assert page.get_by_text("Tệp không có lỗi.").is_visible()
    page.get_by_role("button", name="Nhập vào hệ thống").click()
    page.wait_for_url("**/nhap-du-lieu/*/")
    assert page.get_by_text("Đã nhập: 2 bản ghi mới, 0 bản ghi cập nhật.").is_visible()

    page.get_by_role("link", name="Cơ sở CNNT").click()
    results = page.locator("#results")
    assert results.get_by_role("link", name="Cơ sở Vĩnh Trại").count() == 1
    assert results.get_by_role("link", name="Hợp tác xã mây tre Tam Thanh").count() == 1
    assert page.js_errors == []
