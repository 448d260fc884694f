import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from khuyencong.geo.choices import Generation, Level
from khuyencong.geo.loader import GeographyLoadError, load_geography
from khuyencong.geo.models import AdministrativeUnit, UnitSuccession

LEGACY, CURRENT = Generation.LEGACY, Generation.CURRENT


def _count(generation, level):
    return AdministrativeUnit.objects.filter(generation=generation, level=level).count()


def _database_state():
    units = list(AdministrativeUnit.objects.order_by("pk").values())
    links = list(UnitSuccession.objects.order_by("pk").values())
    return units, links


def test_it_loads_lang_son_as_the_city_ten_districts_194_old_communes_and_65_current_ones(lang_son):
    assert _count(LEGACY, Level.PROVINCE) == 1
    assert _count(LEGACY, Level.DISTRICT) == 11
    assert _count(LEGACY, Level.COMMUNE) == 194
    assert _count(CURRENT, Level.PROVINCE) == 1
    assert _count(CURRENT, Level.DISTRICT) == 0
    assert _count(CURRENT, Level.COMMUNE) == 65
    districts = AdministrativeUnit.objects.filter(generation=LEGACY, level=Level.DISTRICT)
    assert sorted(d.division_type for d in districts) == ["Huyện"] * 10 + ["Thành phố"]
    assert districts.get(code="178").name == "Thành phố Lạng Sơn"
    assert lang_son.count(LEGACY, Level.COMMUNE) == 194
    assert lang_son.count(CURRENT, Level.COMMUNE) == 65


def test_it_dates_old_units_to_30_june_2025_and_new_ones_from_1_july_2025(lang_son, units):
    old = units.legacy("05974")
    new = units.current("05986")
    assert (old.valid_from, old.valid_to) == (None, dt.date(2025, 6, 30))
    assert (new.valid_from, new.valid_to) == (dt.date(2025, 7, 1), None)
    assert not AdministrativeUnit.objects.filter(generation=LEGACY, valid_to__isnull=True).exists()
    assert not AdministrativeUnit.objects.filter(generation=CURRENT, valid_from__isnull=True).exists()


def test_it_hangs_old_communes_under_districts_and_new_ones_under_the_province(lang_son, units):
    old_province = units.legacy("20", Level.PROVINCE)
    new_province = units.current("20", Level.PROVINCE)
    assert set(
        AdministrativeUnit.objects.filter(generation=LEGACY, level=Level.COMMUNE).values_list(
            "parent__level", "parent__parent"
        )
    ) == {(Level.DISTRICT, old_province.pk)}
    assert set(
        AdministrativeUnit.objects.filter(generation=CURRENT, level=Level.COMMUNE).values_list(
            "parent", flat=True
        )
    ) == {new_province.pk}
    tam_thanh = units.legacy("05974")
    assert (tam_thanh.name, tam_thanh.short_name, tam_thanh.division_type) == (
        "Phường Tam Thanh",
        "Tam Thanh",
        "Phường",
    )
    assert tam_thanh.parent.name == "Thành phố Lạng Sơn"
    assert new_province.name == "Tỉnh Lạng Sơn"


def test_it_stores_the_centre_coordinates_of_old_and_new_units(lang_son, units):
    old = units.legacy("05974")
    assert (old.latitude, old.longitude) == (Decimal("21.854371"), Decimal("106.752238"))
    new = units.current("06187")
    assert (new.latitude, new.longitude) == (Decimal("21.859260"), Decimal("106.754170"))
    assert not AdministrativeUnit.objects.filter(latitude__isnull=True).exists()


def test_it_fills_the_search_key_so_names_are_found_without_diacritics(lang_son):
    found = AdministrativeUnit.objects.filter(search_key__matches="vinh trai")
    assert [(u.name, u.generation) for u in found] == [("Phường Vĩnh Trại", LEGACY)]
    assert AdministrativeUnit.objects.filter(search_key__matches="ky lua").get().code == "06187"


def test_it_links_every_old_unit_to_exactly_one_default_current_unit(lang_son):
    old_units = AdministrativeUnit.objects.filter(generation=LEGACY)
    assert old_units.count() == 206
    for unit in old_units:
        assert unit.succession_links.filter(is_default=True).count() == 1, unit
    assert UnitSuccession.objects.count() == 209
    assert set(UnitSuccession.objects.values_list("effective", flat=True)) == {dt.date(2025, 7, 1)}
    assert lang_son.links.created == 209


def test_it_changes_nothing_when_loaded_a_second_time(lang_son):
    before = _database_state()
    again = load_geography(province="20")
    assert _database_state() == before
    assert not again.changed
    assert again.links.unchanged == 209
    assert {key: (c.created, c.updated) for key, c in again.units.items()} == dict.fromkeys(
        lang_son.units, (0, 0)
    )


def test_it_repairs_a_changed_unit_in_place_keeping_its_id(lang_son, units):
    tam_thanh = units.legacy("05974")
    AdministrativeUnit.objects.filter(pk=tam_thanh.pk).update(name="Phường Tam Thanh cũ", latitude=None)
    UnitSuccession.objects.filter(predecessor=units.legacy("06625")).delete()
    again = load_geography(province="20")
    repaired = units.legacy("05974")
    assert repaired.pk == tam_thanh.pk
    assert (repaired.name, repaired.latitude) == ("Phường Tam Thanh", Decimal("21.854371"))
    assert again.units[(LEGACY, Level.COMMUNE)].updated == 1
    assert again.links.created == 2
    assert AdministrativeUnit.objects.count() == 272


def test_it_moves_the_default_when_the_data_names_another_successor(lang_son, units):
    kien_moc = units.legacy("06625")
    UnitSuccession.objects.filter(predecessor=kien_moc).update(is_default=False)
    UnitSuccession.objects.filter(predecessor=kien_moc, successor__code="06637").update(is_default=True)
    again = load_geography(province="20")
    assert again.links.updated == 2
    assert kien_moc.succession_links.get(is_default=True).successor.code == "06625"


def test_it_accepts_an_old_province_code_and_loads_the_province_it_joined(db):
    summary = load_geography(province="26")  # Vĩnh Phúc, now part of Phú Thọ
    assert summary.province == "25"
    old_provinces = AdministrativeUnit.objects.filter(generation=LEGACY, level=Level.PROVINCE)
    assert sorted(old_provinces.values_list("code", flat=True)) == ["17", "25", "26"]
    assert list(
        AdministrativeUnit.objects.filter(generation=CURRENT, level=Level.PROVINCE).values_list(
            "name", flat=True
        )
    ) == ["Tỉnh Phú Thọ"]


def test_it_refuses_a_province_code_that_does_not_exist(db):
    with pytest.raises(GeographyLoadError, match="99"):
        load_geography(province="99")
    with pytest.raises(CommandError):
        call_command("load_geography", "--province", "abc")
    assert AdministrativeUnit.objects.count() == 0


def test_the_command_loads_the_configured_province_and_prints_what_it_did(db, settings):
    settings.KHUYENCONG_PROVINCE = "20"
    out = StringIO()
    call_command("load_geography", stdout=out)
    text = out.getvalue()
    assert "tỉnh mã 20" in text
    assert "Xã (trước 01/07/2025): 194 (tạo mới 194, cập nhật 0, không đổi 0)" in text
    assert "Xã/phường (từ 01/07/2025): 65 (tạo mới 65" in text
    out = StringIO()
    call_command("load_geography", "--province", "20", stdout=out)
    assert "Không có gì thay đổi" in out.getvalue()


def test_it_loads_the_whole_country_with_63_old_and_34_current_provinces(db):
    summary = load_geography(province="all")
    assert _count(LEGACY, Level.PROVINCE) == 63
    assert _count(LEGACY, Level.DISTRICT) == 696
    assert _count(LEGACY, Level.COMMUNE) == 10035
    assert _count(CURRENT, Level.PROVINCE) == 34
    assert _count(CURRENT, Level.COMMUNE) == 3321
    assert summary.warnings == ()
    assert not load_geography(province="all").changed
