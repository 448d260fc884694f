"""Reports: the data function, the XLSX (opened with openpyxl) and CSV files, the background task and pages."""

import csv
import io

import openpyxl
import pytest

from khuyencong.results import reports
from khuyencong.results.choices import ReportStatus
from khuyencong.results.models import ReportRun
from khuyencong.results.reports import ReportSpec
from khuyencong.results.tasks import generate_report
from khuyencong.results.tests.conftest import M


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_report_data_holds_every_breakdown_and_the_total_in_words(programme, officer):
    data = reports.report_data(user=officer, spec=ReportSpec(kind="multi_year", year=2023, to_year=2025))
    assert data.title == "Báo cáo kết quả công tác khuyến công giai đoạn 2023–2025"
    assert [s.key for s in data.sections] == [
        "year",
        "category",
        "sector",
        "level",
        "fund",
        "unit",
        "priority",
    ]
    assert data.total.projects == 6
    assert data.support_in_words == "Chín trăm năm mươi triệu đồng"


def test_a_six_month_report_counts_what_had_happened_by_30_june(programme, officer):
    data = reports.report_data(user=officer, spec=ReportSpec(kind="half_year", year=2025))
    assert data.total.projects == 2
    assert data.total.jobs_created == 0  # the 2025 model was accepted in December
    assert data.total.disbursed == 0  # the consulting advance was paid in September
    assert "Số liệu đến ngày 30/06/2025" in data.scope


def test_the_workbook_has_a_sheet_per_breakdown_frozen_headers_vietnamese_formats_and_formulas(
    programme, officer
):
    data = reports.report_data(user=officer, spec=ReportSpec(kind="multi_year", year=2023, to_year=2025))
    content = reports.render(data, "xlsx")
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == [
        "Tổng hợp",
        "Theo năm kế hoạch",
        "Theo nội dung hỗ trợ",
        "Theo ngành nghề",
        "Theo cấp khuyến công",
        "Theo nguồn kinh phí",
        "Theo địa bàn",
        "Theo địa bàn ưu tiên",
        "Bền vững",
    ]
    years = book["Theo năm kế hoạch"]
    assert years.freeze_panes == "C7"
    header = [c.value for c in years[6]]
    assert header[:6] == [
        "Mã",
        "Năm",
        "Số đề án",
        "Kinh phí TW (đồng)",
        "Kinh phí tỉnh (đồng)",
        "Tổng kinh phí hỗ trợ (đồng)",
    ]
    assert [c.value for c in years["A"][6:9]] == ["2023", "2024", "2025"]
    assert [c.value for c in years["D"][6:9]] == [150 * M, 0, 300 * M]
    assert years["F7"].value == "=D7+E7"  # a real formula
    assert years["D7"].number_format == "#,##0"
    assert years["B10"].value == "Tổng cộng"
    assert years["C10"].value == "=SUM(C7:C9)"
    # the computed values are cached beside the formulas for readers that do not calculate
    values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    assert values["Theo năm kế hoạch"]["F10"].value == 950 * M
    assert values["Theo năm kế hoạch"]["C10"].value == 6
    summary = values["Tổng hợp"]
    pairs = {row[0].value: row[1].value for row in summary.iter_rows(min_row=7) if row[0].value}
    assert pairs["Số đề án"] == 6
    assert pairs["Tổng kinh phí hỗ trợ (đồng)"] == 950 * M
    assert pairs["Tổng kinh phí hỗ trợ bằng chữ"] == "Chín trăm năm mươi triệu đồng"
    assert pairs["Vốn đối ứng / 1 đồng hỗ trợ"] == pytest.approx(1.74)
    units = values["Theo địa bàn"]
    assert (
        sum(
            row[2].value for row in units.iter_rows(min_row=7) if row[1].value != "Tổng cộng" and row[1].value
        )
        == 6
    )


def test_the_pdf_is_an_official_report_with_the_total_support_in_words(programme, officer):
    from khuyencong.paperwork.tests.conftest import pdf_text

    data = reports.report_data(user=officer, spec=ReportSpec(kind="multi_year", year=2023, to_year=2025))
    text = " ".join(pdf_text(reports.render(data, "pdf")).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "BÁO CÁO Kết quả công tác khuyến công giai đoạn 2023–2025" in text
    assert "950.000.000 đồng (Bằng chữ: Chín trăm năm mươi triệu đồng)" in text
    assert "THEO NỘI DUNG HỖ TRỢ" in text and "Tổng cộng 6 950.000.000" in text


def test_the_csv_is_utf8_with_a_bom_and_plain_numbers(programme, officer):
    data = reports.report_data(user=officer, spec=ReportSpec(kind="annual", year=2023))
    content = reports.render(data, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Bảng", "Mã", "Tên", "Số đề án"]
    assert rows[1][:5] == ["Tổng hợp", "", "Tổng cộng", "2", str(150 * M)]
    assert rows[[r[1] for r in rows].index("demonstration_model")][:4] == [
        "Theo nội dung hỗ trợ",
        "demonstration_model",
        "Xây dựng mô hình trình diễn kỹ thuật",
        "1",
    ]


def test_the_task_makes_the_file_records_progress_and_the_requester_downloads_it(
    client, programme, officer, leader
):
    run = ReportRun.objects.create(
        kind="multi_year",
        format="xlsx",
        parameters={"year": 2023, "to_year": 2025, "filters": {"units": "current"}},
        requested_by=officer,
    )
    generate_report.call(run.pk)
    run.refresh_from_db()
    assert (run.status, run.progress) == (ReportStatus.DONE, 100)
    client.force_login(officer)
    response = client.get(f"/bao-cao/{run.pk}/tai-ve/")
    assert response.status_code == 200
    assert 'filename="bao-cao-khuyen-cong-2023-2025.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True)
    assert book["Theo địa bàn"]["B7"].value == "Phường Lương Văn Tri"  # current units, the largest first
    client.force_login(leader)
    assert client.get(f"/bao-cao/{run.pk}/tai-ve/").status_code == 404


def test_a_full_disk_fails_the_run_with_a_clear_message_and_leaves_no_partial_file(
    settings, tmp_path, programme, officer
):
    from khuyencong.ops.tests.test_faults import FullDiskStorage

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{FullDiskStorage.__module__}.FullDiskStorage"},
    }
    run = ReportRun.objects.create(
        kind="multi_year", format="pdf", parameters={"year": 2023, "to_year": 2025}, requested_by=officer
    )
    with pytest.raises(OSError, match="No space left"):
        generate_report.call(run.pk)
    run.refresh_from_db()
    assert run.status == ReportStatus.FAILED
    assert not run.file
    assert "hết dung lượng" in run.error
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_the_page_queues_a_report_and_shows_its_progress(
    client, programme, leader, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/bao-cao/",
            {"kind": "annual", "year": "2024", "format": "csv", "units": "current", "level": "local"},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bao-cao/{run.pk}/"
    assert run.parameters == {
        "year": 2024,
        "to_year": None,
        "filters": {"units": "current", "level": "local"},
    }
    assert DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).exists()
    page = client.get(f"/bao-cao/{run.pk}/").content.decode()
    assert "Đang chờ" in page
    assert 'hx-trigger="every 1s"' in page
    generate_report.call(run.pk)
    partial = client.get(f"/bao-cao/{run.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Tải báo cáo" in partial
    assert "hx-trigger" not in partial  # finished: the polling stops


def test_a_reversed_range_is_refused_with_its_rule(client, leader):
    client.force_login(leader)
    response = client.post(
        "/bao-cao/", {"kind": "multi_year", "year": "2013", "to_year": "2012", "format": "xlsx"}
    )
    assert response.status_code == 400
    assert "phải nhỏ hơn hoặc bằng năm kết thúc" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_a_business_representative_cannot_ask_for_reports(client, business_rep):
    client.force_login(business_rep)
    assert client.get("/bao-cao/").status_code == 403
