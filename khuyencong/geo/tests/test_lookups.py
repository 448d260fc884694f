import datetime as dt

import pytest

from khuyencong.geo.choices import Generation, Level, PriorityKind
from khuyencong.geo.models import AdministrativeUnit, PriorityClassification
from khuyencong.geo.selectors import (
    current_units_for,
    default_successor,
    legacy_units_for,
    priority_kinds_on,
)


def _names(units):
    return [(u.name, u.parent.short_name if u.parent else None) for u in units]


def test_lang_son_has_four_current_wards_and_every_old_city_ward_went_into_them(lang_son):
    wards = AdministrativeUnit.objects.filter(
        generation=Generation.CURRENT, parent__code="20", division_type="Phường"
    ).order_by("code")
    assert [(w.code, w.name) for w in wards] == [
        ("05977", "Phường Đông Kinh"),
        ("05983", "Phường Lương Văn Tri"),
        ("05986", "Phường Tam Thanh"),
        ("06187", "Phường Kỳ Lừa"),
    ]
    city = AdministrativeUnit.objects.get(generation=Generation.LEGACY, level=Level.DISTRICT, code="178")
    assert city.children.count() == 8
    for old in city.children.all():
        assert default_successor(old) in wards, old


@pytest.mark.parametrize(
    ("code", "old_units"),
    [
        ("05986", [("Phường Tam Thanh", "Lạng Sơn"), ("Xã Hoàng Đồng", "Lạng Sơn")]),
        ("05983", [("Phường Chi Lăng", "Lạng Sơn"), ("Xã Quảng Lạc", "Lạng Sơn")]),
        (
            "06187",
            [
                ("Phường Hoàng Văn Thụ", "Lạng Sơn"),
                ("Thị trấn Cao Lộc", "Cao Lộc"),
                ("Xã Hợp Thành", "Cao Lộc"),
                ("Xã Gia Cát", "Cao Lộc"),
                ("Xã Tân Liên", "Cao Lộc"),
            ],
        ),
        (
            "05977",
            [
                ("Phường Vĩnh Trại", "Lạng Sơn"),
                ("Phường Đông Kinh", "Lạng Sơn"),
                ("Xã Mai Pha", "Lạng Sơn"),
                ("Xã Yên Trạch", "Cao Lộc"),
            ],
        ),
    ],
)
def test_it_tells_which_old_units_make_up_each_current_ward_of_lang_son(lang_son, units, code, old_units):
    ward = units.current(code)
    found = legacy_units_for(ward)
    assert sorted(_names(found)) == sorted(old_units)
    assert all(u.generation == Generation.LEGACY and u.level == Level.COMMUNE for u in found)
    for old in found:
        assert current_units_for(old) == [ward]


def test_a_divided_old_commune_names_its_default_successor_first(lang_son, units):
    kien_moc = units.legacy("06625")  # Xã Kiên Mộc, huyện Đình Lập
    assert _names(current_units_for(kien_moc)) == [("Xã Kiên Mộc", "Lạng Sơn"), ("Xã Châu Sơn", "Lạng Sơn")]
    assert default_successor(kien_moc) == units.current("06625")
    binh_xa = units.legacy("06622")  # Xã Bính Xá, huyện Đình Lập
    assert [u.code for u in current_units_for(binh_xa)] == ["06613", "06625"]
    assert default_successor(binh_xa).name == "Xã Đình Lập"


def test_a_current_commune_lists_a_divided_old_commune_among_its_parts(lang_son, units):
    current_kien_moc = units.current("06625")
    assert {u.name for u in legacy_units_for(current_kien_moc)} == {"Xã Bắc Xa", "Xã Bính Xá", "Xã Kiên Mộc"}
    assert "Xã Kiên Mộc" in [u.name for u in legacy_units_for(units.current("06637"))]


def test_an_old_district_and_province_are_covered_by_the_current_province(lang_son, units):
    province = units.current("20", Level.PROVINCE)
    assert current_units_for(units.legacy("183", Level.DISTRICT)) == [province]
    assert default_successor(units.legacy("20", Level.PROVINCE)) == province
    parts = legacy_units_for(province)
    assert [u.level for u in parts] == [Level.PROVINCE] + [Level.DISTRICT] * 11
    assert parts[0].name == "Tỉnh Lạng Sơn"


def test_a_unit_of_the_other_generation_stands_for_itself(lang_son, units):
    current = units.current("05986")
    old = units.legacy("05974")
    assert current_units_for(current) == [current]
    assert default_successor(current) == current
    assert legacy_units_for(old) == [old]


def test_the_hand_built_slice_uses_the_same_lookups(geo):
    assert current_units_for(geo.old_vinh_trai) == [geo.luong_van_tri, geo.tam_thanh]
    assert default_successor(geo.old_vinh_trai) == geo.luong_van_tri
    assert legacy_units_for(geo.tam_thanh) == [geo.old_tam_thanh, geo.old_vinh_trai]
    assert default_successor(geo.old_province) is None


def _classify(unit, kind, start, end=None):
    return PriorityClassification.objects.create(unit=unit, kind=kind, valid_from=start, valid_to=end)


def test_priority_kinds_on_a_day_are_those_in_force_with_both_ends_inclusive(geo):
    difficult = _classify(geo.ba_son, PriorityKind.DIFFICULT, dt.date(2021, 1, 1), dt.date(2025, 12, 31))
    border = _classify(geo.ba_son, PriorityKind.BORDER, dt.date(2025, 7, 1))
    _classify(geo.tam_thanh, PriorityKind.NEW_RURAL, dt.date(2021, 1, 1))
    assert priority_kinds_on(geo.ba_son, dt.date(2020, 12, 31)) == []
    assert priority_kinds_on(geo.ba_son, dt.date(2021, 1, 1)) == [difficult]
    assert priority_kinds_on(geo.ba_son, dt.date(2025, 7, 1)) == [border, difficult]
    assert priority_kinds_on(geo.ba_son, dt.date(2025, 12, 31)) == [border, difficult]
    assert priority_kinds_on(geo.ba_son, dt.date(2026, 1, 1)) == [border]
