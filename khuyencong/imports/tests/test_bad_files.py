"""Files that are not what they claim, or that try to cost us: a clear message, quickly, nothing imported."""

from __future__ import annotations

import time
import zipfile

import pytest

from khuyencong.establishments.models import Establishment
from khuyencong.imports.engine import run_import
from khuyencong.imports.tests.files import ESTABLISHMENT_HEADER, csv_file, ods, xlsx

GOOD_ROW = [
    1,
    "Hợp tác xã mây tre Tam Thanh",
    "Hợp tác xã",
    "",
    "Lý Văn A",
    "Tam Thanh",
    "Thủ công mỹ nghệ, ngành nghề truyền thống",
    12,
    5,
    2010,
]


def check(path, officer):
    report = run_import("establishments", path, officer, dry_run=False)
    assert not report.committed
    assert Establishment.objects.count() == 0
    return report


def messages(report):
    return " | ".join(e.message for e in report.errors)


def test_an_empty_file_is_refused(officer, geo, tmp_path):
    path = tmp_path / "rong.xlsx"
    path.write_bytes(b"")
    assert "Tệp rỗng" in messages(check(path, officer))


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        (b"<!DOCTYPE html><html><table><tr><td>x</td></tr></table></html>", "HTML"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 50, "ảnh"),
    ],
)
def test_a_file_pretending_to_be_xlsx_is_named_for_what_it_is(officer, geo, tmp_path, content, says):
    path = tmp_path / "danh-sach.xlsx"
    path.write_bytes(content)
    assert says in messages(check(path, officer))


def test_a_word_document_in_a_zip_is_not_a_spreadsheet(officer, geo, tmp_path):
    path = tmp_path / "danh-sach.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert "Word" in messages(check(path, officer))


def test_a_zip_bomb_is_refused_from_its_directory_in_milliseconds(officer, geo, tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b"\x00" * (1 << 20)
            for _ in range(64):  # 64 MB of zeros deflate to about 64 KB
                member.write(chunk)
    assert path.stat().st_size < 1_000_000
    started = time.process_time()
    report = check(path, officer)
    assert time.process_time() - started < 2
    assert "bom nén" in messages(report)


def test_a_zip_that_would_inflate_beyond_the_limit_is_refused(officer, geo, tmp_path, settings):
    settings.KHUYENCONG_IMPORT_MAX_UNCOMPRESSED_MB = 1
    path = xlsx(tmp_path / "lon.xlsx", [ESTABLISHMENT_HEADER, *([GOOD_ROW] * 20_000)])
    assert "vượt giới hạn 1 MB" in messages(check(path, officer))


def test_a_million_empty_rows_after_the_data_stop_the_reading_quickly(officer, geo, tmp_path):
    """ODS stores them as one repeated row: the file is tiny, the sheet a million rows long."""
    path = ods(
        tmp_path / "trong.ods",
        [ESTABLISHMENT_HEADER, GOOD_ROW],
        tail='<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="10"/></table:table-row>',
    )
    started = time.process_time()
    report = run_import("establishments", path, officer, dry_run=True)
    assert time.process_time() - started < 20
    assert report.ok and report.rows == 1 and report.created == 1


def test_a_million_typed_empty_rows_after_the_data_stop_the_reading(officer, geo, tmp_path):
    path = csv_file(tmp_path / "trong.csv", [ESTABLISHMENT_HEADER, GOOD_ROW, *([[""] * 10] * 1_000_000)])
    started = time.process_time()
    report = run_import("establishments", path, officer, dry_run=True)
    assert time.process_time() - started < 30
    assert report.ok and report.rows == 1
    assert any("dòng trống liên tiếp (từ dòng 3)" in n for n in report.notices)


def test_only_empty_rows_under_the_header_import_nothing(officer, geo, tmp_path):
    path = csv_file(tmp_path / "trong.csv", [ESTABLISHMENT_HEADER, *([[""] * 10] * 1_000_000)])
    started = time.process_time()
    report = check(path, officer)
    assert time.process_time() - started < 30
    assert "không có dòng dữ liệu nào" in messages(report)


def test_data_after_a_long_run_of_empty_rows_is_an_error_not_dropped(officer, geo, tmp_path, settings):
    settings.KHUYENCONG_IMPORT_MAX_BLANK_ROWS = 50
    rows = [
        ESTABLISHMENT_HEADER,
        GOOD_ROW,
        *([[""] * 10] * 80),
        [2, *GOOD_ROW[1:3], "", "", "Ba Sơn", *GOOD_ROW[6:]],
    ]
    report = check(xlsx(tmp_path / "khoang.xlsx", rows), officer)
    assert "dữ liệu lại tiếp tục ở dòng 83" in messages(report)


def test_formulas_are_reported_by_cell(officer, geo, tmp_path):
    path = xlsx(
        tmp_path / "congthuc.xlsx",
        [ESTABLISHMENT_HEADER, GOOD_ROW],
        formulas=[(1, 7, "=10+2", 12)],
    )
    report = check(path, officer)
    error = next(e for e in report.errors if "công thức" in e.message)
    assert error.cell == "H2" and error.column == "Số lao động"
    assert "Paste Special" in error.message


def test_formulas_in_an_ods_file_are_reported_too(officer, geo, tmp_path):
    row = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
        for v in GOOD_ROW[:7]
    )
    tail = f'<table:table-row>{row}<table:table-cell table:formula="of:=10+2" office:value-type="float" office:value="12"/></table:table-row>'
    report = check(ods(tmp_path / "congthuc.ods", [ESTABLISHMENT_HEADER], tail=tail), officer)
    assert any(e.cell == "H2" and "công thức" in e.message for e in report.errors)


def test_merged_header_cells_are_reported(officer, geo, tmp_path):
    header = [*ESTABLISHMENT_HEADER[:7], "Lao động", None, "Năm thành lập"]
    second = ["", "", "", "", "", "", "", "Số lao động", "Trong đó lao động nữ", ""]
    path = xlsx(tmp_path / "gop.xlsx", [header, second, GOOD_ROW], merge=[(0, 7, 0, 8, "Lao động")])
    report = check(path, officer)
    text = messages(report)
    assert "Ô gộp H1:I1 ở dòng tiêu đề" in text


def test_a_title_merged_above_the_header_is_fine(officer, geo, tmp_path):
    path = xlsx(
        tmp_path / "tieude.xlsx",
        [["DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN"], [], ESTABLISHMENT_HEADER, GOOD_ROW],
        merge=[(0, 0, 0, 9, "DANH SÁCH CƠ SỞ CÔNG NGHIỆP NÔNG THÔN")],
    )
    report = run_import("establishments", path, officer, dry_run=True)
    assert report.ok, messages(report)
    assert report.header_row == 3 and report.created == 1


def test_a_merged_header_in_an_ods_file_is_reported(officer, geo, tmp_path):
    cells = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
        for h in ESTABLISHMENT_HEADER[:7]
    )
    header = (
        f'<table:table-row>{cells}<table:table-cell table:number-columns-spanned="2" office:value-type="string">'
        "<text:p>Lao động</text:p></table:table-cell><table:covered-table-cell/>"
        '<table:table-cell office:value-type="string"><text:p>Năm thành lập</text:p></table:table-cell></table:table-row>'
    )
    report = check(ods(tmp_path / "gop.ods", [], tail=header), officer)
    assert "Ô gộp H1:I1 ở dòng tiêu đề" in messages(report)


def test_a_second_header_row_is_reported(officer, geo, tmp_path):
    report = check(
        xlsx(tmp_path / "hai.xlsx", [ESTABLISHMENT_HEADER, ESTABLISHMENT_HEADER, GOOD_ROW]), officer
    )
    assert any(e.row == 2 and "dòng tiêu đề thứ hai" in e.message for e in report.errors)


def test_a_header_repeated_further_down_is_reported(officer, geo, tmp_path):
    rows = [
        ESTABLISHMENT_HEADER,
        *[[i, *GOOD_ROW[1:3], "", "", "Tam Thanh", *GOOD_ROW[6:]] for i in range(5)],
        ESTABLISHMENT_HEADER,
    ]
    rows[1:6] = [
        [i, f"Cơ sở số {i}", "Hộ kinh doanh", "", "", "Tam Thanh", "Ngành nghề khác", 1, 0, 2010]
        for i in range(5)
    ]
    report = check(xlsx(tmp_path / "lap.xlsx", rows), officer)
    assert any(e.row == 7 and "dòng tiêu đề thứ hai" in e.message for e in report.errors)


def test_a_column_numbering_row_is_reported(officer, geo, tmp_path):
    numbering = [f"({i})" for i in range(1, 11)]
    report = check(xlsx(tmp_path / "so.xlsx", [ESTABLISHMENT_HEADER, numbering, GOOD_ROW]), officer)
    assert any(e.row == 2 and "đánh số cột" in e.message for e in report.errors)


def test_unknown_duplicated_and_missing_columns_are_all_reported(officer, geo, tmp_path):
    header = ["Tên cơ sở", "Loại hình", "Ghi chú riêng", "Ngành nghề", "ten co so"]
    report = check(xlsx(tmp_path / "cot.xlsx", [header, ["A", "Hợp tác xã", "x", "Khác", "B"]]), officer)
    text = messages(report)
    assert "Cột “Ghi chú riêng” không có trong mẫu nhập" in text
    assert "Cột “ten co so” xuất hiện hai lần (cột A và E)" in text
    assert "Thiếu cột bắt buộc “Xã/phường”" in text


def test_data_in_a_column_without_header_is_reported(officer, geo, tmp_path):
    row = [*GOOD_ROW, "dữ liệu lạc"]
    report = check(xlsx(tmp_path / "lac.xlsx", [ESTABLISHMENT_HEADER, row]), officer)
    assert any(e.cell == "K2" and "không có tiêu đề" in e.message for e in report.errors)


def test_a_sheet_without_a_recognisable_header_says_which_columns_are_needed(officer, geo, tmp_path):
    report = check(xlsx(tmp_path / "khong.xlsx", [["a", "b"], ["c", "d"]]), officer)
    assert "Không tìm thấy dòng tiêu đề" in messages(report)
    assert "Tên cơ sở" in messages(report)


def test_a_windows_1258_csv_with_semicolons_is_read(officer, geo, tmp_path):
    path = csv_file(tmp_path / "cp.csv", [ESTABLISHMENT_HEADER, GOOD_ROW], encoding="cp1258", delimiter=";")
    report = run_import("establishments", path, officer, dry_run=False)
    assert report.ok, messages(report)
    assert Establishment.objects.get().name == "Hợp tác xã mây tre Tam Thanh"


def test_the_row_limit_applies(officer, geo, tmp_path, settings):
    settings.KHUYENCONG_IMPORT_MAX_ROWS = 3
    rows = [
        ESTABLISHMENT_HEADER,
        *[
            [i, f"Cơ sở số {i}", "Hộ kinh doanh", "", "", "Tam Thanh", "Ngành nghề khác", 1, 0, 2010]
            for i in range(5)
        ],
    ]
    assert "hơn 3 dòng dữ liệu" in messages(check(xlsx(tmp_path / "nhieu.xlsx", rows), officer))
