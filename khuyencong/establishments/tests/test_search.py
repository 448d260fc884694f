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


@pytest.fixture
def three_mây_tre(geo):
    made = []
    for name in ("Cơ sở mây tre Bắc Sơn", "Cơ sở mây tre An Phú", "Cơ sở mây tre Chi Lăng"):
        est = Establishment(
            name=name, legal_form="household_business", commune=geo.tam_thanh, sector="handicrafts"
        )
        est.full_clean()
        est.save()
        made.append(est)
    return made


def _page(user, q, **filters):
    from khuyencong.establishments.selectors import EstablishmentPaginator

    paginator = EstablishmentPaginator(user=user, filters=EstablishmentFilters(q=q, **filters), per_page=25)
    return paginator, list(paginator.page(1))


@pytest.mark.parametrize("who", ["officer", "commune_officer"])
def test_a_search_under_the_cap_lists_by_name_with_an_exact_count(request, who, three_mây_tre, hung_long):
    user = request.getfixturevalue(who)
    paginator, rows = _page(user, "may tre")
    assert (paginator.count, paginator.capped) == (3, False)
    assert [r.name for r in rows] == [
        "Cơ sở mây tre An Phú",
        "Cơ sở mây tre Bắc Sơn",
        "Cơ sở mây tre Chi Lăng",
    ]
    assert rows == list(establishment_list(user=user, filters=EstablishmentFilters(q="may tre")))


@pytest.mark.parametrize("who", ["officer", "commune_officer"])
def test_a_search_over_the_cap_says_so_and_lists_the_newest_first(request, who, three_mây_tre, monkeypatch):
    from khuyencong.establishments import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 2)
    user = request.getfixturevalue(who)
    paginator, rows = _page(user, "may tre")
    assert (paginator.count, paginator.capped) == (2, True)
    assert [r.pk for r in rows] == sorted((e.pk for e in three_mây_tre), reverse=True)[:2]


def test_the_capped_count_of_the_unsearched_list(officer, three_mây_tre, hung_long, monkeypatch):
    from khuyencong.establishments import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 3)
    paginator, rows = _page(officer, "")
    assert (paginator.count, paginator.capped) == (3, True)
    assert rows == list(establishment_list(user=officer))[:3]  # still by name without a search


def test_the_paginator_keeps_scope_and_filters(outsider, three_mây_tre, ba_son_coop, officer):
    paginator, rows = _page(outsider, "may tre")
    assert (paginator.count, rows) == (0, [])
    paginator, rows = _page(officer, "may tre", sector="forest_products")
    assert rows == []


def test_merged_records_are_left_out_of_a_search(officer, three_mây_tre):
    Establishment.objects.filter(pk=three_mây_tre[0].pk).update(merged_into=three_mây_tre[1])
    paginator, rows = _page(officer, "may tre")
    assert paginator.count == 2 and three_mây_tre[0] not in rows


def test_only_the_last_word_of_a_query_may_be_unfinished(officer, hung_long):
    assert _search(officer, "hung lon") == [hung_long]
    assert _search(officer, "hun long") == []
