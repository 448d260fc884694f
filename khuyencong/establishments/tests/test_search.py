import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khuyencong.establishments.models import Establishment
from khuyencong.establishments.selectors import EstablishmentFilters, establishment_list


def _search(user, q):
    return list(establishment_list(user=user, filters=EstablishmentFilters(q=q)))


@pytest.mark.parametrize(
    "query",
    [
        "hung long",
        "HƯNG LONG",
        "Hưng Long",
        "cty tnhh hung long",
        "tnhh tm hung",
        "hung lo",
        "0100109106",
        "01001",
    ],
)
def test_it_finds_hung_long_however_the_query_is_typed(officer, hung_long, ba_son_coop, query):
    assert _search(officer, query) == [hung_long]


def test_a_query_typed_in_decomposed_unicode_finds_the_same(officer, hung_long):
    assert _search(officer, unicodedata.normalize("NFD", "Hưng Long")) == [hung_long]


def test_every_word_must_match(officer, hung_long, ba_son_coop):
    assert _search(officer, "hung son") == []
    assert _search(officer, "lam san ba son") == [ba_son_coop]


def test_it_searches_the_address_too(officer, hung_long):
    assert _search(officer, "khoi 5") == [hung_long]


def test_a_query_without_letters_or_digits_finds_nothing(officer, hung_long):
    assert _search(officer, "%%% '\"") == []


def test_an_edited_name_is_found_by_its_new_name_only(officer, hung_long):
    hung_long.name = "Công ty TNHH Phú Thịnh"
    hung_long.full_clean()
    hung_long.save()
    assert _search(officer, "phu thinh") == [hung_long]
    assert _search(officer, "hung long") == []


def test_search_respects_scope(outsider, hung_long, ba_son_coop):
    assert _search(outsider, "hung long") == []
    assert _search(outsider, "ba son") == [ba_son_coop]


WORDS = [
    "Hưng",
    "Long",
    "Phú",
    "Thịnh",
    "Đồng",
    "Đăng",
    "Mây",
    "Tre",
    "Lâm",
    "Sản",
    "Bắc",
    "Sơn",
    "Chi",
    "Lăng",
]


@settings(max_examples=20)
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=4))
def test_any_name_is_found_by_its_unaccented_lowercase_words(officer, geo, words):
    est = Establishment(
        name="Cơ sở " + " ".join(words),
        legal_form="household_business",
        commune=geo.tam_thanh,
        sector="other",
    )
    est.full_clean()
    est.save()
    try:
        from khuyencong.core.text import fold

        assert est in _search(officer, fold(" ".join(words)))
    finally:
        est.delete()
