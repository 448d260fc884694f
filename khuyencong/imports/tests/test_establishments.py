"""Establishments from a file: the web form's rules, matched by tax code, all or nothing, idempotent."""

from __future__ import annotations

import unicodedata

import openpyxl
import pytest

from khuyencong.core.models import AuditEntry
from khuyencong.establishments.models import Establishment
from khuyencong.imports.engine import run_import
from khuyencong.imports.tests.files import ESTABLISHMENT_HEADER, csv_file, xlsx
from khuyencong.imports.workbooks import annotate

NFD = lambda text: unicodedata.normalize("NFD", text)  # noqa: E731


def rows_for(geo):
    return [
        ESTABLISHMENT_HEADER,
        # NFD text, stray spaces, an old commune name (Hợp Thành, Cao Lộc → Ba Sơn), "1.286" workers
        [
            1,
            NFD("  Hợp tác xã   mây tre  Hợp Thành "),
            NFD("Hợp tác xã"),
            "",
            NFD("Lý Văn  Ân"),
            NFD("Xã Hợp Thành"),
            "thu cong my nghe, nganh nghe truyen thong",
            "1.286",
            500,
            2010,
        ],
        # the tax code typed as a number (leading zero lost), today's commune without "Phường"
        [
            2,
            "Công ty TNHH Nhựa Tam Thanh",
            "Doanh nghiệp nhỏ",
            100109106,
            "Hoàng Văn B",
            "tam thanh",
            "Hoá chất, nhựa, cao su",
            45,
            20,
            2004,
        ],
    ]


def test_a_clean_file_imports_with_nfd_names_old_communes_and_vietnamese_numbers(officer, geo, tmp_path):
    report = run_import(
        "establishments", xlsx(tmp_path / "co-so.xlsx", rows_for(geo)), officer, dry_run=False
    )
    assert report.ok, report.errors
    assert report.committed and report.created == 2
    coop = Establishment.objects.get(name="Hợp tác xã mây tre Hợp Thành")
    assert coop.commune == geo.ba_son  # through the successor link
    assert coop.legal_form == "cooperative" and coop.sector == "handicrafts"
    assert coop.workers == 1286 and coop.representative == "Lý Văn Ân"
    company = Establishment.objects.get(tax_code="0100109106")
    assert company.commune == geo.tam_thanh and company.founded_year == 2004
    assert any("Xã Hợp Thành" in n and "Xã Ba Sơn" in n for n in report.notices)
    # every record has its audit row, naming the file
    assert AuditEntry.objects.filter(action="create", reason__contains="co-so.xlsx").count() == 2


def test_a_dry_run_reports_what_would_change_and_writes_nothing(officer, geo, tmp_path):
    report = run_import("establishments", xlsx(tmp_path / "co-so.xlsx", rows_for(geo)), officer, dry_run=True)
    assert report.ok and not report.committed
    assert report.created == 2
    assert [p["action"] for p in report.planned] == ["create", "create"]
    assert Establishment.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_the_same_file_twice_creates_nothing_and_writes_no_audit_row(officer, geo, tmp_path):
    path = xlsx(tmp_path / "co-so.xlsx", rows_for(geo))
    run_import("establishments", path, officer, dry_run=False)
    audits = AuditEntry.objects.count()
    second = run_import("establishments", path, officer, dry_run=False)
    assert second.ok and second.created == 0 and second.updated == 0 and second.unchanged == 2
    assert Establishment.objects.count() == 2
    assert AuditEntry.objects.count() == audits


def test_a_changed_row_updates_the_record_found_by_tax_code(officer, geo, hung_long, tmp_path):
    rows = [
        ["Mã số thuế", "Tên cơ sở", "Loại hình", "Xã/phường", "Ngành nghề", "Số lao động"],
        [
            "0100109106",
            "Công ty TNHH thương mại Hưng Long",
            "Doanh nghiệp nhỏ",
            "Tam Thanh",
            "Hoá chất, nhựa, cao su",
            60,
        ],
    ]
    report = run_import("establishments", xlsx(tmp_path / "sua.xlsx", rows), officer, dry_run=False)
    assert report.ok and report.updated == 1 and report.created == 0
    hung_long.refresh_from_db()
    assert hung_long.workers == 60
    # columns the file leaves out keep their values
    assert hung_long.phone == "0912345678" and hung_long.representative == "Hoàng Văn Long"
    entry = AuditEntry.objects.filter(action="update").get()
    assert set(entry.changes) == {"workers"}


def test_a_row_without_tax_code_matches_the_same_name_in_the_same_commune(
    officer, geo, ba_son_coop, tmp_path
):
    rows = [
        ["Tên cơ sở", "Loại hình", "Xã/phường", "Ngành nghề", "Số lao động"],
        [
            NFD("Hợp tác xã chế biến lâm sản Ba Sơn"),
            "Hợp tác xã",
            "Ba Sơn",
            "Chế biến nông, lâm, thuỷ sản",
            15,
        ],
    ]
    report = run_import("establishments", csv_file(tmp_path / "a.csv", rows), officer, dry_run=False)
    assert report.ok and report.updated == 1
    assert Establishment.objects.count() == 1
    ba_son_coop.refresh_from_db()
    assert ba_son_coop.workers == 15


def test_one_bad_row_means_nothing_is_imported_and_every_error_is_listed(officer, geo, tmp_path):
    rows = [
        *rows_for(geo),
        [3, "Cơ sở Vĩnh Trại", "Hộ kinh doanh", "", "", "Vĩnh Trại", "Ngành nghề khác", "1,286", "", 2010],
        [4, "", "Công ty", "0100109107", "", "Lạng Sơn Mới", "Khác lạ", 10, 11, 1800],
    ]
    report = run_import("establishments", xlsx(tmp_path / "loi.xlsx", rows), officer, dry_run=False)
    assert not report.committed
    assert Establishment.objects.count() == 0 and AuditEntry.objects.count() == 0
    by_cell = {(e.row, e.column): e for e in report.errors}
    # a divided old commune is asked about, never guessed
    assert "đã được chia cho nhiều đơn vị" in by_cell[(4, "Xã/phường")].message
    assert by_cell[(4, "Xã/phường")].value == "Vĩnh Trại"
    # 1,286 could be 1286 or 1.286: reported for the officer to confirm
    assert "không rõ" in by_cell[(4, "Số lao động")].message
    assert by_cell[(5, "Tên cơ sở")].message  # required, as on the page
    assert "Loại hình" in by_cell[(5, "Loại hình")].message
    assert "Không tìm thấy xã/phường" in by_cell[(5, "Xã/phường")].message
    assert "Mã số thuế" in by_cell[(5, "Mã số thuế")].message  # the check digit, the model's rule
    assert report.created == 2  # what the valid rows would do is still reported


def test_the_web_forms_rules_apply(officer, geo, tmp_path):
    rows = [
        ESTABLISHMENT_HEADER,
        [1, "Cơ sở A", "Doanh nghiệp nhỏ", "", "", "Tam Thanh", "Ngành nghề khác", 10, 11, 2010],
    ]
    report = run_import("establishments", xlsx(tmp_path / "nu.xlsx", rows), officer, dry_run=True)
    assert [e.message for e in report.errors] == ["Số lao động nữ không được lớn hơn tổng số lao động."]
    assert report.errors[0].column == "Trong đó lao động nữ"


def test_the_same_establishment_twice_in_one_file_is_an_error(officer, geo, tmp_path):
    row = [
        1,
        "Công ty TNHH Nhựa Tam Thanh",
        "Doanh nghiệp nhỏ",
        "0100109106",
        "",
        "Tam Thanh",
        "Ngành nghề khác",
        4,
        1,
        2004,
    ]
    report = run_import(
        "establishments",
        xlsx(tmp_path / "trung.xlsx", [ESTABLISHMENT_HEADER, row, row]),
        officer,
        dry_run=True,
    )
    assert [(e.row, e.message) for e in report.errors] == [(3, "Trùng mã số thuế với dòng 2 của tệp.")]


def test_a_new_tax_code_beside_a_same_named_record_needs_confirmation(officer, geo, hung_long, tmp_path):
    header = ["Tên cơ sở", "Loại hình", "Mã số thuế", "Xã/phường", "Ngành nghề"]
    row = [
        "Công ty TNHH thương mại Hưng Long",
        "Doanh nghiệp nhỏ",
        "0101243150",
        "Tam Thanh",
        "Ngành nghề khác",
    ]
    report = run_import("establishments", xlsx(tmp_path / "a.xlsx", [header, row]), officer, dry_run=True)
    assert "Có thể trùng" in report.errors[0].message
    confirmed = run_import(
        "establishments",
        xlsx(tmp_path / "b.xlsx", [[*header, "Vẫn lưu khi có thể trùng"], [*row, "Có"]]),
        officer,
        dry_run=False,
    )
    assert confirmed.ok and confirmed.created == 1


@pytest.mark.parametrize("who", ["commune_officer", "leader", "business_rep"])
def test_only_centre_officers_import(who, request, geo, tmp_path):
    user = request.getfixturevalue(who)
    report = run_import("establishments", xlsx(tmp_path / "a.xlsx", rows_for(geo)), user, dry_run=False)
    assert "Chỉ cán bộ Trung tâm" in report.errors[0].message
    assert Establishment.objects.filter(name__contains="Hợp Thành").count() == 0


def test_the_annotated_copy_marks_each_bad_cell_and_lists_the_errors(officer, geo, tmp_path):
    rows = [
        *rows_for(geo),
        [3, "Cơ sở Vĩnh Trại", "Hộ kinh doanh", "", "", "Vĩnh Trại", "Khác", "1,286", "", 2010],
    ]
    source = xlsx(tmp_path / "loi.xlsx", rows)
    report = run_import("establishments", source, officer, dry_run=True)
    target = annotate(source, report, tmp_path / "chu-thich.xlsx")
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    assert sheet["B2"].value == NFD("  Hợp tác xã   mây tre  Hợp Thành ")  # original values kept
    assert sheet["F4"].value == "Vĩnh Trại"
    assert sheet["F4"].fill.fgColor.rgb.endswith("F8D7DA")
    assert "chia cho nhiều đơn vị" in sheet["F4"].comment.text
    assert sheet["H4"].comment is not None and sheet["B2"].comment is None
    assert sheet["K1"].value == "Lỗi" and "Xã/phường" in sheet["K4"].value
    listing = book.worksheets[1]
    assert listing.max_row == 1 + len(report.errors)
