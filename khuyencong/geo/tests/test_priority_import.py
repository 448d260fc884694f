import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.geo.importers import PriorityImportError, import_priorities
from khuyencong.geo.models import PriorityClassification

HEADER = "ma_don_vi,he_thong,loai,hieu_luc_tu,hieu_luc_den,can_cu,da_doi_chieu\n"


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(row + "\n" for row in rows)).encode("utf-8")


GOOD = _csv(
    "90103,2025,difficult,01/07/2025,,Văn bản thử nghiệm số 1,không",
    "90003,legacy,Địa bàn đặc biệt khó khăn,01/01/2021,30/06/2025,Văn bản thử nghiệm số 2,có",
    "20,2025,border,1/7/2025,,,",
)


def test_it_imports_a_good_file_with_the_values_it_holds(geo):
    result = import_priorities(content=GOOD, actor=None)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    rows = {
        (p.unit, p.kind): (p.valid_from, p.valid_to, p.legal_basis, p.verified)
        for p in PriorityClassification.objects.all()
    }
    assert rows == {
        (geo.ba_son, "difficult"): (dt.date(2025, 7, 1), None, "Văn bản thử nghiệm số 1", False),
        (geo.old_hop_thanh, "extremely_difficult"): (
            dt.date(2021, 1, 1),
            dt.date(2025, 6, 30),
            "Văn bản thử nghiệm số 2",
            True,
        ),
        (geo.province, "border"): (dt.date(2025, 7, 1), None, "", False),
    }
    assert AuditEntry.objects.filter(action=AuditAction.CREATE).count() == 3


def test_importing_the_same_file_again_changes_nothing_and_a_corrected_one_updates(geo):
    import_priorities(content=GOOD, actor=None)
    again = import_priorities(content=GOOD, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    corrected = _csv("90103,2025,difficult,01/07/2025,31/12/2026,Văn bản thử nghiệm số 1,có")
    result = import_priorities(content=corrected, actor=None)
    assert (result.created, result.updated) == (0, 1)
    row = PriorityClassification.objects.get(unit=geo.ba_son, kind="difficult")
    assert (row.valid_to, row.verified) == (dt.date(2026, 12, 31), True)
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_error_by_row(geo):
    content = _csv(
        "90103,2025,difficult,01/07/2025,,Văn bản thử nghiệm,không",  # row 2: good
        "99999,2025,difficult,01/07/2025,,,",  # row 3: no such unit
        "90101,moi-nhat,difficult,01/07/2025,,,",  # row 4: bad generation
        "90101,2025,kho khan lam,2025-07-01,,,",  # row 5: bad kind and date format
        "90101,2025,border,01/07/2025,30/06/2025,,",  # row 6: ends before it starts
        "90102,2025,border,01/07/2025,,,chắc vậy",  # row 7: bad verified
        "90103,2025,difficult,01/07/2025,,,",  # row 8: same as row 2
        "90103,2025,difficult,01/01/2026,,,",  # row 9: overlaps row 2
        ",2025,difficult,01/07/2025,,,",  # row 10: no code
    )
    with pytest.raises(PriorityImportError) as caught:
        import_priorities(content=content, actor=None)
    errors = caught.value.errors
    assert errors == [
        "Dòng 3: không có đơn vị mã 99999 thuộc hệ thống “Từ 01/07/2025 (2 cấp)”.",
        "Dòng 4: hệ thống “moi-nhat” không hợp lệ: ghi “legacy” cho đơn vị trước 01/07/2025, "
        "“2025” cho đơn vị hiện hành.",
        "Dòng 5: loại địa bàn “kho khan lam” không hợp lệ; dùng một trong: difficult, extremely_difficult, "
        "border, ethnic_minority, new_rural.",
        "Dòng 5: ngày bắt đầu “2025-07-01” không đúng dạng dd/mm/yyyy.",
        "Dòng 6: Hiệu lực đến: Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.",
        "Dòng 7: cột đã đối chiếu văn bản gốc “chắc vậy” không hợp lệ; ghi “có” hoặc “không”.",
        "Dòng 8: trùng đơn vị, loại và ngày bắt đầu với dòng 2.",
        "Dòng 9: Đơn vị này đã có “Địa bàn khó khăn” hiệu lực từ 01/07/2025, trùng thời gian. "
        "Hãy kết thúc phân loại đó trước.",
        "Dòng 10: thiếu mã đơn vị.",
    ]
    assert PriorityClassification.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_it_finds_units_whose_leading_zeros_a_spreadsheet_dropped(lang_son):
    content = _csv("5986;2025;difficult;01/07/2025;;;").replace(b",", b";")
    import_priorities(content=content, actor=None)
    assert PriorityClassification.objects.get().unit.name == "Phường Tam Thanh"


def test_the_command_reports_the_errors_and_fails(geo, tmp_path):
    bad = tmp_path / "uu-tien.csv"
    bad.write_bytes(_csv("90103,2025,difficult,01/07/2025,,,", "12345,legacy,difficult,01/07/2025,,,"))
    err = StringIO()
    with pytest.raises(CommandError, match="1 lỗi; chưa nhập dòng nào"):
        call_command("import_priorities", str(bad), stderr=err)
    assert "Dòng 3: không có đơn vị mã 12345" in err.getvalue()
    assert PriorityClassification.objects.count() == 0


def test_the_command_imports_a_good_file_naming_the_administrator_in_the_audit_log(
    geo, administrator, tmp_path
):
    good = tmp_path / "uu-tien.csv"
    good.write_bytes(GOOD)
    out = StringIO()
    call_command("import_priorities", str(good), "--user", administrator.username, stdout=out)
    assert "tạo mới 3" in out.getvalue()
    assert set(AuditEntry.objects.values_list("actor", flat=True)) == {administrator.pk}


def test_the_command_refuses_to_name_someone_who_is_not_an_administrator(geo, officer, tmp_path):
    good = tmp_path / "uu-tien.csv"
    good.write_bytes(GOOD)
    with pytest.raises(CommandError, match="không phải tài khoản quản trị"):
        call_command("import_priorities", str(good), "--user", officer.username)
    assert PriorityClassification.objects.count() == 0
