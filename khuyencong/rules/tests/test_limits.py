"""The support cap chosen for a date, a level and a province, and the arithmetic of the maximum."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.rules.models import BASIS_POINTS, CapRule, RuleSet, scaled_amount
from khuyencong.rules.selectors import check_support, max_support, support_limit

pytestmark = pytest.mark.django_db

TT28 = "Thông tư 28/2018/TT-BTC, Điều 8 (sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC)"
TTLT26 = "Thông tư liên tịch 26/2014/TTLT-BTC-BCT"
TTLT125 = "Thông tư liên tịch 125/2009/TTLT-BTC-BCT"


def demo(on, **kw):
    return support_limit(category="demonstration_model", level="national", on=on, **kw)


# --- the shipped defaults -----------------------------------------------------------------------


def test_the_three_shipped_rule_sets_are_exactly_those_of_design_and_all_unverified():
    shipped = {
        rs.document: (
            rs.article,
            rs.amended_by,
            rs.level,
            rs.province,
            rs.valid_from,
            rs.valid_to,
            rs.verified,
        )
        for rs in RuleSet.objects.all()
    }
    assert shipped == {
        "Thông tư 28/2018/TT-BTC": (
            "Điều 8",
            "Thông tư 64/2024/TT-BTC",
            "national",
            "",
            dt.date(2018, 5, 15),
            None,
            False,
        ),
        "Thông tư liên tịch 26/2014/TTLT-BTC-BCT": (
            "",
            "",
            "national",
            "",
            dt.date(2014, 4, 4),
            dt.date(2018, 5, 14),
            False,
        ),
        "Thông tư liên tịch 125/2009/TTLT-BTC-BCT": (
            "",
            "",
            "national",
            "",
            None,
            dt.date(2014, 4, 3),
            False,
        ),
    }
    lines = {
        (r.rule_set.document, r.category, r.subtype): (
            r.max_share_bp,
            r.max_amount_vnd,
            r.multiplier,
            r.verified,
        )
        for r in CapRule.objects.select_related("rule_set")
    }
    assert lines == {
        ("Thông tư 28/2018/TT-BTC", "demonstration_model", "new_technology"): (
            3000,
            1_000_000_000,
            Decimal("1"),
            True,
        ),
        ("Thông tư 28/2018/TT-BTC", "machinery_application", "equipment"): (
            5000,
            300_000_000,
            Decimal("1"),
            True,
        ),
        ("Thông tư 28/2018/TT-BTC", "machinery_application", "production_line"): (
            5000,
            300_000_000,
            Decimal("1.5"),
            True,
        ),
        (TTLT26, "demonstration_model", "new_technology"): (3000, 500_000_000, Decimal("1"), True),
        (TTLT26, "demonstration_model", "efficient_establishment"): (None, 100_000_000, Decimal("1"), False),
        (TTLT125, "demonstration_model", "new_technology"): (3000, 250_000_000, Decimal("1"), False),
    }


# --- dates either side of each start --------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "basis", "amount"),
    [
        (dt.date(2009, 1, 1), TTLT125, 250_000_000),
        (dt.date(2014, 4, 3), TTLT125, 250_000_000),
        (dt.date(2014, 4, 4), TTLT26, 500_000_000),
        (dt.date(2018, 5, 14), TTLT26, 500_000_000),
        (dt.date(2018, 5, 15), TT28, 1_000_000_000),
        (dt.date(2030, 1, 1), TT28, 1_000_000_000),
    ],
)
def test_the_rule_in_force_on_the_date_is_chosen_with_both_ends_inclusive(on, basis, amount):
    limit = demo(on, eligible_cost=10_000_000_000)
    assert limit.applies
    assert limit.legal_basis == basis
    assert limit.max_amount_vnd == amount
    assert limit.max_support_vnd == amount
    assert limit.max_share == Decimal("0.3")


def test_the_day_before_and_the_day_of_the_2014_start_get_different_caps():
    assert demo(dt.date(2014, 4, 3), eligible_cost=3_000_000_000).max_support_vnd == 250_000_000
    assert demo(dt.date(2014, 4, 4), eligible_cost=3_000_000_000).max_support_vnd == 500_000_000


def test_the_day_before_and_the_day_of_the_2018_start_get_different_caps():
    before = demo(dt.date(2018, 5, 14), eligible_cost=4_000_000_000)
    after = demo(dt.date(2018, 5, 15), eligible_cost=4_000_000_000)
    assert (before.max_support_vnd, before.valid_from, before.valid_to) == (
        500_000_000,
        dt.date(2014, 4, 4),
        dt.date(2018, 5, 14),
    )
    assert (after.max_support_vnd, after.valid_from, after.valid_to) == (
        1_000_000_000,
        dt.date(2018, 5, 15),
        None,
    )


def test_the_set_without_a_known_start_reports_a_blank_valid_from():
    limit = demo(dt.date(2010, 6, 1), eligible_cost=100_000_000)
    assert (limit.valid_from, limit.valid_to) == (None, dt.date(2014, 4, 3))
    assert limit.max_support_vnd == 30_000_000
    assert limit.verified is False
    assert "chưa đối chiếu văn bản gốc" in limit.message


# --- share against amount -------------------------------------------------------------------------


def test_thirty_percent_of_four_billion_is_capped_at_one_billion():
    limit = demo(dt.date(2019, 5, 1), eligible_cost=4_000_000_000)
    assert limit.share_limit_vnd == 1_200_000_000
    assert limit.amount_limit_vnd == 1_000_000_000
    assert limit.max_support_vnd == 1_000_000_000
    assert limit.message.startswith(
        "Mức hỗ trợ tối đa 1.000.000.000 ₫ (30 % chi phí hợp lệ, không quá 1.000.000.000 ₫)"
    )


def test_thirty_percent_of_two_billion_and_one_floors_to_the_dong():
    limit = demo(dt.date(2019, 5, 1), eligible_cost=2_000_000_001)
    assert limit.max_support_vnd == 600_000_000  # 600,000,000.3 floored
    assert isinstance(limit.max_support_vnd, int)


def test_a_small_project_is_limited_by_its_share():
    assert demo(dt.date(2019, 5, 1), eligible_cost=1_286_000_000).max_support_vnd == 385_800_000


def test_without_an_eligible_cost_only_the_amount_limits():
    limit = demo(dt.date(2019, 5, 1))
    assert limit.max_support_vnd == 1_000_000_000
    assert limit.share_limit_vnd is None
    assert "Nhập chi phí hợp lệ" in limit.message


def test_a_line_without_a_share_is_limited_by_its_amount_only():
    limit = demo(dt.date(2015, 1, 1), subtype="efficient_establishment", eligible_cost=10_000_000_000)
    assert (limit.max_share, limit.max_support_vnd, limit.verified) == (None, 100_000_000, False)


# --- sub-types and the production-line multiplier ---------------------------------------------------


def test_a_production_line_gets_one_and_a_half_times_the_equipment_amount():
    limit = support_limit(
        category="machinery_application",
        subtype="production_line",
        level="national",
        on=dt.date(2019, 5, 1),
        eligible_cost=2_000_000_000,
    )
    assert limit.multiplier == Decimal("1.5")
    assert limit.max_amount_vnd == 300_000_000
    assert limit.max_support_vnd == 450_000_000
    assert "300.000.000 ₫ × 1,5 = 450.000.000 ₫" in limit.message


def test_equipment_is_the_main_machinery_sub_type_and_is_capped_at_300_million():
    blank = support_limit(
        category="machinery_application",
        level="national",
        on=dt.date(2019, 5, 1),
        eligible_cost=2_000_000_000,
    )
    assert (blank.subtype, blank.applied_subtype, blank.max_support_vnd) == (
        "equipment",
        "equipment",
        300_000_000,
    )


def test_a_production_line_without_its_own_line_falls_back_to_equipment_without_the_multiplier(
    lang_son_rules,
):
    limit = support_limit(
        category="machinery_application",
        subtype="production_line",
        level="local",
        province="20",
        on=dt.date(2021, 1, 1),
        eligible_cost=2_000_000_000,
    )
    assert limit.legal_basis == "Nghị quyết thử nghiệm 99/NQ-HĐND, Điều 3"
    assert (limit.applied_subtype, limit.multiplier, limit.max_support_vnd) == (
        "equipment",
        Decimal("1"),
        200_000_000,
    )
    assert limit.fell_back
    assert "không quy định riêng cho “Dây chuyền công nghệ”" in limit.message


def test_an_efficient_establishment_model_never_borrows_the_new_technology_cap():
    limit = demo(dt.date(2019, 5, 1), subtype="efficient_establishment", eligible_cost=1_000_000_000)
    assert limit.applies is False
    assert limit.max_support_vnd is None


# --- provincial against national ---------------------------------------------------------------------


def test_a_provincial_rule_set_wins_for_the_local_programme(lang_son_rules):
    limit = support_limit(
        category="demonstration_model",
        level="local",
        province="20",
        on=dt.date(2021, 1, 1),
        eligible_cost=4_000_000_000,
    )
    assert limit.rule_set_id == lang_son_rules.pk
    assert limit.max_support_vnd == 600_000_000
    assert limit.verified is True


def test_a_provincial_rule_set_does_not_apply_to_the_national_programme(lang_son_rules):
    limit = support_limit(
        category="demonstration_model",
        level="national",
        province="20",
        on=dt.date(2021, 1, 1),
        eligible_cost=4_000_000_000,
    )
    assert limit.legal_basis == TT28
    assert limit.max_support_vnd == 1_000_000_000


def test_another_province_and_dates_before_the_resolution_keep_the_national_default(lang_son_rules):
    other = support_limit(
        category="demonstration_model",
        level="local",
        province="01",
        on=dt.date(2021, 1, 1),
        eligible_cost=4_000_000_000,
    )
    earlier = support_limit(
        category="demonstration_model",
        level="local",
        province="20",
        on=dt.date(2019, 12, 31),
        eligible_cost=4_000_000_000,
    )
    assert (other.legal_basis, other.max_support_vnd) == (TT28, 1_000_000_000)
    assert (earlier.legal_basis, earlier.max_support_vnd) == (TT28, 1_000_000_000)


def test_the_national_default_covers_a_category_the_province_did_not_set(lang_son_rules):
    CapRule.objects.filter(rule_set=lang_son_rules, category="demonstration_model").delete()
    limit = support_limit(
        category="demonstration_model",
        level="local",
        province="20",
        on=dt.date(2021, 1, 1),
        eligible_cost=4_000_000_000,
    )
    assert limit.legal_basis == TT28


# --- no rule: warn, never block ------------------------------------------------------------------------


def test_a_category_without_a_cap_on_the_date_warns_and_does_not_block():
    limit = support_limit(
        category="training", level="local", province="20", on=dt.date(2019, 5, 1), eligible_cost=10
    )
    assert limit.applies is False
    assert limit.max_support_vnd is None
    assert limit.message.startswith("Chưa có mức trần cho ngày này")
    assert "01/05/2019" in limit.message
    checked = check_support(
        category="training", level="local", on=dt.date(2019, 5, 1), eligible_cost=10, requested_support=10**12
    )
    assert checked.applies is False


def test_a_date_covered_by_no_rule_set_warns(db):
    RuleSet.objects.filter(valid_from__isnull=True).delete()
    limit = demo(dt.date(2010, 1, 1), eligible_cost=100)
    assert limit.applies is False
    assert "Chưa có mức trần cho ngày này" in limit.message


# --- the refusal -----------------------------------------------------------------------------------------


def test_it_rejects_support_above_the_2018_cap_naming_the_cap_and_the_basis():
    with pytest.raises(ValidationError) as caught:
        check_support(
            category="demonstration_model",
            level="local",
            on=dt.date(2019, 5, 1),
            eligible_cost=4_000_000_000,
            requested_support=1_200_000_000,
        )
    assert caught.value.message_dict == {
        "requested_support": [
            "Mức hỗ trợ đề nghị 1.200.000.000 ₫ vượt mức trần 1.000.000.000 ₫ theo " + TT28 + "."
        ]
    }


def test_it_accepts_support_exactly_at_the_cap():
    limit = check_support(
        category="demonstration_model",
        level="local",
        on=dt.date(2019, 5, 1),
        eligible_cost=4_000_000_000,
        requested_support=1_000_000_000,
    )
    assert limit.max_support_vnd == 1_000_000_000


def test_a_negative_request_is_refused():
    with pytest.raises(ValidationError, match="không được là số âm"):
        check_support(
            category="demonstration_model",
            level="local",
            on=dt.date(2019, 5, 1),
            eligible_cost=1,
            requested_support=-1,
        )


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"category": "painting"}, "category"),
        ({"subtype": "production_line"}, "subtype"),
        ({"level": "regional"}, "level"),
        ({"province": "2"}, "province"),
        ({"eligible_cost": -1}, "eligible_cost"),
    ],
)
def test_bad_input_is_refused_naming_the_field(kwargs, field):
    query = {"category": "demonstration_model", "level": "local", "on": dt.date(2019, 5, 1), **kwargs}
    with pytest.raises(ValidationError) as caught:
        support_limit(**query)
    assert set(caught.value.message_dict) == {field}


# --- the arithmetic, for every input -------------------------------------------------------------------------


@given(
    eligible_cost=st.integers(min_value=0, max_value=10**13),
    share_bp=st.integers(min_value=0, max_value=BASIS_POINTS),
    amount=st.integers(min_value=0, max_value=10**12),
    multiplier=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10"), places=2),
)
def test_the_maximum_is_an_integer_within_both_limits_and_equal_to_one_of_them(
    eligible_cost, share_bp, amount, multiplier
):
    result = max_support(
        max_share_bp=share_bp, max_amount_vnd=amount, multiplier=multiplier, eligible_cost=eligible_cost
    )
    assert type(result) is int
    assert result >= 0
    # result ≤ eligible_cost × share and ≤ amount × multiplier, compared exactly in integers.
    assert result * BASIS_POINTS <= eligible_cost * share_bp
    assert Decimal(result) <= Decimal(amount) * multiplier
    # and it is the larger whole number of đồng that satisfies both (floor, not an under-estimate).
    assert (result + 1) * BASIS_POINTS > eligible_cost * share_bp or Decimal(result + 1) > Decimal(
        amount
    ) * multiplier
    assert result in {eligible_cost * share_bp // BASIS_POINTS, scaled_amount(amount, multiplier)}


@given(
    on=st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2040, 12, 31)),
    eligible_cost=st.integers(min_value=0, max_value=10**13),
    subtype=st.sampled_from(["equipment", "production_line"]),
)
def test_every_shipped_machinery_answer_respects_its_own_rule(on, eligible_cost, subtype):
    limit = support_limit(
        category="machinery_application", subtype=subtype, level="local", on=on, eligible_cost=eligible_cost
    )
    if on < dt.date(2018, 5, 15):
        assert limit.applies is False  # DESIGN ships no machinery cap before TT 28/2018
        return
    assert isinstance(limit.max_support_vnd, int)
    assert limit.max_support_vnd * BASIS_POINTS <= eligible_cost * limit.max_share_bp
    assert Decimal(limit.max_support_vnd) <= Decimal(limit.max_amount_vnd) * limit.multiplier
    assert limit.max_support_vnd <= (450_000_000 if subtype == "production_line" else 300_000_000)
