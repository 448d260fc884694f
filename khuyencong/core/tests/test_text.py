import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.money import group, million, vnd
from khuyencong.core.text import fold, normalise_spaces, search_key


def test_it_folds_diacritics_and_d_bar():
    assert fold("Đồng Đăng, Hưng Long") == "dong dang, hung long"


def test_it_builds_the_search_key_with_abbreviations_expanded():
    assert search_key("Công ty TNHH TM Hưng Long") == "cong ty tnhh thuong mai hung long"
    assert search_key("Cty trách nhiệm hữu hạn thương mại Hưng Long") == "cong ty tnhh thuong mai hung long"
    assert search_key("HTX mây tre đan") == "hop tac xa may tre dan"


def test_decomposed_and_composed_input_give_the_same_key():
    name = "Hợp tác xã Đồng Đăng"
    assert search_key(unicodedata.normalize("NFD", name)) == search_key(unicodedata.normalize("NFC", name))


def test_it_normalises_stray_spaces_and_decomposed_text():
    assert normalise_spaces("  Công   ty\tHưng  Long ") == "Công ty Hưng Long"
    assert normalise_spaces(unicodedata.normalize("NFD", "Hưng")) == unicodedata.normalize("NFC", "Hưng")


@given(st.text())
def test_folding_is_idempotent_and_ascii_for_vietnamese_letters(text):
    once = fold(text)
    assert fold(once) == once


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ",
        max_size=40,
    )
)
def test_the_search_key_of_vietnamese_text_is_plain_ascii(text):
    key = search_key(text)
    assert key.isascii()
    assert key == search_key(key)


def test_money_is_shown_the_vietnamese_way():
    assert group(1286) == "1.286"
    assert vnd(1_286_000_000) == "1.286.000.000 ₫"
    assert vnd(-5000) == "-5.000 ₫"
    assert million(1_286_400_000) == "1.286 tr.đ"


def test_search_keeps_working_after_a_migration_rebuilds_the_table(officer, geo):
    """SQLite applies most field changes by copying the table, which drops its triggers; the
    post_migrate hook must put them back, or new records would silently drop out of search."""
    from django.db import connection

    from khuyencong.core.search_index import restore_sqlite_triggers
    from khuyencong.establishments.models import Establishment

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute('DROP TRIGGER "establishments_establishment_fts_ai"')
    restore_sqlite_triggers(using="default")
    est = Establishment(name="Xưởng mộc Khuổi Khon", legal_form="artisan", commune=geo.ba_son, sector="other")
    est.full_clean()
    est.save()
    assert list(Establishment.objects.filter(search_key__matches="khuoi khon")) == [est]
