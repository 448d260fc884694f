"""A roster's optional CCCD and phone: checked by their own rules, read from spreadsheets, kept on re-import."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from khuyencong.imports import services
from khuyencong.imports.engine import run_import
from khuyencong.imports.models import Trainee
from khuyencong.imports.tests.files import xlsx
from khuyencong.privacy import validators
from khuyencong.privacy.tests.conftest import TRAINEE_ID, TRAINEE_PHONE

HEADER = ["Họ và tên", "Giới tính", "Dân tộc", "Năm sinh", "Xã/phường cư trú", "Khoá đào tạo (mã đề án)"]


def _data(course, geo, **extra):
    return {
        "project": course,
        "full_name": "Hoàng Thị Mến",
        "sex": "female",
        "ethnicity": "Tày",
        "birth_year": 1990,
        "commune": geo.tam_thanh,
        **extra,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("02019001234", "đúng 12 chữ số; đã nhập 11 chữ số"),
        ("120190012345", "mã tỉnh"),
        ("020990012345", "thế kỷ sinh"),
    ],
)
def test_a_malformed_citizen_id_is_refused_naming_the_rule(raw, message):
    with pytest.raises(ValidationError, match=message):
        validators.citizen_id(raw)


def test_a_citizen_id_is_read_with_spaces_and_dots():
    assert validators.citizen_id("0201 9001.2345") == TRAINEE_ID
    assert validators.citizen_id_birth(TRAINEE_ID) == (1990, True)


def test_a_trainee_whose_number_says_another_year_or_sex_is_refused(officer, course, geo):
    with pytest.raises(ValidationError, match="năm sinh 1991"):
        services.trainee_create(actor=officer, data=_data(course, geo, id_number="020191012345"))
    with pytest.raises(ValidationError, match="giới tính"):
        services.trainee_create(actor=officer, data=_data(course, geo, id_number="020090012345"))
    assert not Trainee.objects.exists()


def test_a_phone_is_stored_as_digits(officer, course, geo):
    trainee = services.trainee_create(actor=officer, data=_data(course, geo, phone="+84 977.111.222"))
    assert trainee.phone == TRAINEE_PHONE


def test_a_roster_brings_numbers_in_and_a_file_without_them_keeps_them(officer, course, geo, tmp_path):
    rows = [
        [*HEADER, "Số CCCD", "SĐT"],
        # Excel dropped the leading zeros of both number cells.
        ["Hoàng Thị Mến", "Nữ", "Tày", 1990, "Tam Thanh", course.code, 20190012345, 977111222],
        ["Lý Văn Tùng", "Nam", "Nùng", 1988, "Tam Thanh", course.code, "", ""],
    ]
    report = run_import("trainees", xlsx(tmp_path / "hv.xlsx", rows), officer, dry_run=False)
    assert report.ok, report.errors
    men = Trainee.objects.get(full_name="Hoàng Thị Mến")
    assert (men.id_number, men.phone) == (TRAINEE_ID, TRAINEE_PHONE)
    assert Trainee.objects.get(full_name="Lý Văn Tùng").id_number == ""
    plain = [HEADER, ["Hoàng Thị Mến", "Nữ", "Tày", 1990, "Tam Thanh", course.code]]
    again = run_import("trainees", xlsx(tmp_path / "hv2.xlsx", plain), officer, dry_run=False)
    assert again.ok and again.unchanged == 1
    men.refresh_from_db()
    assert (men.id_number, men.phone) == (TRAINEE_ID, TRAINEE_PHONE)


def test_a_roster_with_a_wrong_number_imports_nothing(officer, course, geo, tmp_path):
    rows = [
        [*HEADER, "CCCD"],
        ["Hoàng Thị Mến", "Nữ", "Tày", 1990, "Tam Thanh", course.code, TRAINEE_ID],
        ["Lý Văn Tùng", "Nam", "Nùng", 1988, "Tam Thanh", course.code, "0201880"],
    ]
    report = run_import("trainees", xlsx(tmp_path / "hv.xlsx", rows), officer, dry_run=False)
    assert not report.committed and "12 chữ số" in report.errors[0].message
    assert not Trainee.objects.exists()
