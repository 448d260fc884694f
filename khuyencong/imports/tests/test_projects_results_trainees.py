"""Projects (budget lines, beneficiaries), actual results and trainee lists from files."""

from __future__ import annotations

import datetime as dt
import unicodedata

from khuyencong.core.models import AuditEntry
from khuyencong.imports.engine import run_import
from khuyencong.imports.models import Trainee
from khuyencong.imports.tests.files import xlsx
from khuyencong.projects.models import Project
from khuyencong.results.models import IndicatorValue

PROJECT_HEADER = [
    "Mã đề án",
    "Tên đề án",
    "Nội dung hỗ trợ",
    "Cấp khuyến công",
    "Năm kế hoạch",
    "Đơn vị thực hiện",
    "Địa điểm",
    "Chi phí hợp lệ (đồng)",
    "Kinh phí tỉnh",
    "Vốn đối ứng",
    "Cơ sở thụ hưởng (mã số thuế)",
    "Dự kiến: Lao động có việc làm",
    "Ngày bắt đầu",
    "Ngày kết thúc",
]


def project_row(code="KCĐP-2016-001", provincial="500 triệu", taxes="0100109106"):
    return [
        code,
        "Mô hình trình diễn máy ép nhựa",
        "Xây dựng mô hình trình diễn kỹ thuật",
        "Khuyến công địa phương",
        2016,
        "Trung tâm Khuyến công Lạng Sơn",
        "Hợp Thành, Cao Lộc",
        "2 tỷ",
        provincial,
        "1,5 tỷ",
        taxes,
        30,
        "01/03/2016",
        42674,  # an Excel serial day: 31/10/2016
    ]


def test_projects_come_in_with_budget_lines_beneficiaries_and_expected_results(
    officer, geo, hung_long, tmp_path
):
    path = xlsx(tmp_path / "de-an.xlsx", [PROJECT_HEADER, project_row()])
    report = run_import("projects", path, officer, dry_run=False)
    assert report.ok, report.errors
    project = Project.objects.get(code="KCĐP-2016-001")
    assert (
        project.unit == geo.ba_son and project.category == "demonstration_model" and project.level == "local"
    )
    assert project.eligible_cost == 2_000_000_000
    assert project.budget() == {"provincial": 500_000_000, "beneficiary": 1_500_000_000}
    assert list(project.beneficiaries.all()) == [hung_long]
    assert project.expected_results.get().value == 30
    assert project.start_date == dt.date(2016, 3, 1) and project.end_date == dt.date(2016, 10, 31)
    audits = AuditEntry.objects.count()
    again = run_import("projects", path, officer, dry_run=False)
    assert again.ok and again.unchanged == 1 and again.created == 0 and again.updated == 0
    assert Project.objects.count() == 1 and AuditEntry.objects.count() == audits


def test_a_changed_budget_updates_the_project_found_by_its_code(officer, geo, hung_long, tmp_path):
    run_import("projects", xlsx(tmp_path / "a.xlsx", [PROJECT_HEADER, project_row()]), officer, dry_run=False)
    row = project_row(code="kcdp-2016-001", provincial="400.000.000")  # the code typed another way
    report = run_import("projects", xlsx(tmp_path / "b.xlsx", [PROJECT_HEADER, row]), officer, dry_run=False)
    assert report.ok and report.updated == 1
    assert Project.objects.get().budget()["provincial"] == 400_000_000


def test_the_services_checks_are_reported_by_the_dry_run(officer, geo, hung_long, tmp_path):
    """The cap (30 % of 2 bn, at most 500 m in 2016) is the service's rule: the dry run meets it too."""
    rows = [
        PROJECT_HEADER,
        project_row(provincial="900 triệu"),
        project_row(code="KCĐP-2016-002", taxes="0100109106; 4900000001"),
    ]
    report = run_import("projects", xlsx(tmp_path / "tran.xlsx", rows), officer, dry_run=True)
    assert not report.ok and Project.objects.count() == 0
    cap = next(e for e in report.errors if e.row == 2)
    assert "Vượt mức trần" in cap.message or "trần" in cap.message
    missing = next(e for e in report.errors if e.row == 3)
    assert missing.column == "Cơ sở thụ hưởng (mã số thuế)" and "4900000001" in missing.message


RESULT_HEADER = ["Mã đề án", "Chỉ tiêu", "Từ ngày", "Đến ngày", "Giá trị", "Nguồn số liệu", "Ghi chú"]


def test_actual_results_are_recorded_once_and_corrected_with_a_reason(officer, geo, make_project, tmp_path):
    project = make_project()
    row = [
        project.code,
        "Doanh thu sau hỗ trợ",
        "01/01/2024",
        "30/06/2024",
        "1,5 tỷ",
        "Báo cáo của cơ sở",
        "",
    ]
    path = xlsx(tmp_path / "kq.xlsx", [RESULT_HEADER, row])
    report = run_import("results", path, officer, dry_run=False)
    assert report.ok, report.errors
    value = IndicatorValue.objects.get(project=project)
    assert value.indicator_id == "revenue_after_support" and value.value == 1_500_000_000
    assert run_import("results", path, officer, dry_run=False).unchanged == 1
    row[4] = "1,6 tỷ"
    changed = run_import("results", xlsx(tmp_path / "kq2.xlsx", [RESULT_HEADER, row]), officer, dry_run=False)
    assert changed.updated == 1
    value.refresh_from_db()
    assert value.value == 1_600_000_000
    assert AuditEntry.objects.filter(action="update", reason__contains="kq2.xlsx").exists()


def test_results_the_acceptance_owns_or_of_unknown_projects_are_refused(officer, geo, make_project, tmp_path):
    project = make_project()
    rows = [
        RESULT_HEADER,
        [project.code, "Lao động có việc làm", "01/01/2024", "30/06/2024", 5, "Báo cáo của cơ sở", ""],
        ["KHONG-CO", "Doanh thu sau hỗ trợ", "01/01/2024", "30/06/2024", 5, "Báo cáo của cơ sở", ""],
        [project.code, "Doanh thu sau hỗ trợ", "01/01/2024", "30/06/2099", 5, "Báo cáo của cơ sở", ""],
    ]
    report = run_import("results", xlsx(tmp_path / "kq.xlsx", rows), officer, dry_run=True)
    by_row = {e.row: e for e in report.errors}
    assert by_row[2].column == "Chỉ tiêu"
    assert "KHONG-CO" in by_row[3].message
    assert "tương lai" in by_row[4].message  # the service's rule, met in the dry run
    assert IndicatorValue.objects.count() == 0


TRAINEE_HEADER = [
    "Họ và tên",
    "Giới tính",
    "Dân tộc",
    "Năm sinh",
    "Xã/phường cư trú",
    "Huyện",
    "Khoá đào tạo (mã đề án)",
]


def test_a_trainee_list_comes_in_by_course_and_again_changes_nothing(officer, geo, make_project, tmp_path):
    course = make_project(category="training")
    rows = [
        TRAINEE_HEADER,
        [
            unicodedata.normalize("NFD", "Hoàng Thị  Mến"),
            "Nữ",
            "Tày",
            1990,
            "Hợp Thành",
            "Cao Lộc",
            course.code,
        ],
        ["Lý Văn Tùng", "nam", "Nùng", "1988", "Phường Tam Thanh", "", course.code.lower()],
    ]
    path = xlsx(tmp_path / "hoc-vien.xlsx", rows)
    report = run_import("trainees", path, officer, dry_run=False)
    assert report.ok, report.errors
    men = Trainee.objects.get(full_name="Hoàng Thị Mến")
    assert (
        men.sex == "female" and men.commune == geo.ba_son and men.project == course and men.is_ethnic_minority
    )
    again = run_import("trainees", path, officer, dry_run=False)
    assert again.unchanged == 2 and Trainee.objects.count() == 2


def test_trainees_belong_to_training_projects_only(officer, geo, make_project, tmp_path):
    model = make_project(category="demonstration_model")
    rows = [TRAINEE_HEADER, ["Lý Văn Tùng", "Nam", "Nùng", 1988, "Tam Thanh", "", model.code]]
    report = run_import("trainees", xlsx(tmp_path / "hv.xlsx", rows), officer, dry_run=True)
    assert "không phải đề án đào tạo nghề" in report.errors[0].message
