"""Entering a province's own caps: administrators only, checked, audited, no overlaps."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.rules import services
from khuyencong.rules.models import CapRule, RuleSet
from khuyencong.rules.selectors import ruleset_history, support_limit
from khuyencong.rules.services import CapRuleData, RuleSetData

RESOLUTION = RuleSetData(
    document="Nghị quyết thử nghiệm 99/NQ-HĐND",
    article="Điều 3",
    level="local",
    province="20",
    valid_from=dt.date(2022, 1, 1),
)


def test_an_administrator_enters_a_provincial_resolution_that_then_applies(administrator):
    rule_set = services.ruleset_create(actor=administrator, data=RESOLUTION)
    services.caprule_create(
        actor=administrator,
        rule_set=rule_set,
        data=CapRuleData(category="demonstration_model", max_share_bp=4000, max_amount_vnd=700_000_000),
    )
    limit = support_limit(
        category="demonstration_model",
        level="local",
        province="20",
        on=dt.date(2022, 1, 1),
        eligible_cost=10**10,
    )
    assert (limit.rule_set_id, limit.max_support_vnd) == (rule_set.pk, 700_000_000)
    # A blank sub-type was stored as the category's main one.
    assert CapRule.objects.get(rule_set=rule_set).subtype == "new_technology"


def test_every_change_writes_an_audit_row_on_the_rule_set(administrator):
    rule_set = services.ruleset_create(actor=administrator, data=RESOLUTION)
    rule = services.caprule_create(
        actor=administrator,
        rule_set=rule_set,
        data=CapRuleData(category="training", max_amount_vnd=50_000_000),
    )
    services.caprule_update(
        actor=administrator,
        rule=rule,
        data=CapRuleData(category="training", max_amount_vnd=60_000_000),
        reason="Sửa lỗi nhập",
    )
    services.caprule_update(  # unchanged: no row
        actor=administrator, rule=rule, data=CapRuleData(category="training", max_amount_vnd=60_000_000)
    )
    services.ruleset_update(
        actor=administrator, rule_set=rule_set, data=RuleSetData(**{**RESOLUTION.__dict__, "verified": True})
    )
    services.caprule_delete(actor=administrator, rule=rule, reason="Nhập nhầm")
    entries = list(ruleset_history(rule_set).order_by("at", "id"))
    assert [e.action for e in entries] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.UPDATE,
        AuditAction.UPDATE,
        AuditAction.UPDATE,
    ]
    assert {e.actor for e in entries} == {administrator}
    amount_change = entries[2].changes[f"cap_rule:{rule.pk}:max_amount_vnd"]
    assert (amount_change["before"], amount_change["after"], entries[2].reason) == (
        50_000_000,
        60_000_000,
        "Sửa lỗi nhập",
    )
    assert entries[3].changes["verified"]["after"] is True
    deleted = entries[4].changes[f"cap_rule:{rule.pk}:max_amount_vnd"]
    assert (deleted["before"], deleted["after"], entries[4].reason) == (60_000_000, None, "Nhập nhầm")


def test_deleting_a_rule_set_keeps_an_audit_row_with_its_lines(administrator):
    rule_set = services.ruleset_create(actor=administrator, data=RESOLUTION)
    services.caprule_create(
        actor=administrator,
        rule_set=rule_set,
        data=CapRuleData(category="training", max_amount_vnd=50_000_000),
    )
    pk = rule_set.pk
    services.ruleset_delete(actor=administrator, rule_set=rule_set, reason="Nhập nhầm")
    assert not RuleSet.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.filter(object_id=str(pk), action=AuditAction.DELETE).get()
    assert "50.000.000 ₫" in entry.changes["cap_rules"]["before"]


@pytest.mark.parametrize("user", ["officer", "leader", "commune_officer"])
def test_only_an_administrator_may_change_caps(user, request):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        services.ruleset_create(actor=actor, data=RESOLUTION)
    national = RuleSet.objects.get(document="Thông tư 28/2018/TT-BTC")
    with pytest.raises(PermissionDenied):
        services.caprule_update(
            actor=actor,
            rule=national.cap_rules.first(),
            data=CapRuleData(category="training", max_amount_vnd=1),
        )
    assert RuleSet.objects.count() == 3
    assert not AuditEntry.objects.exists()


def test_an_overlapping_rule_set_for_the_same_level_and_province_is_refused(administrator):
    services.ruleset_create(actor=administrator, data=RESOLUTION)
    overlapping = RuleSetData(
        **{**RESOLUTION.__dict__, "valid_from": dt.date(2024, 1, 1), "document": "NQ khác"}
    )
    with pytest.raises(ValidationError) as caught:
        services.ruleset_create(actor=administrator, data=overlapping)
    message = caught.value.message_dict["valid_from"][0]
    assert message.startswith(
        "Thời gian hiệu lực trùng với bộ mức “Nghị quyết thử nghiệm 99/NQ-HĐND, Điều 3” (từ 01/01/2022)"
    )
    assert RuleSet.objects.filter(province="20").count() == 1


def test_a_rule_set_that_ends_before_the_next_one_starts_is_accepted(administrator):
    first = services.ruleset_create(
        actor=administrator, data=RuleSetData(**{**RESOLUTION.__dict__, "valid_to": dt.date(2023, 12, 31)})
    )
    second = services.ruleset_create(
        actor=administrator, data=RuleSetData(**{**RESOLUTION.__dict__, "valid_from": dt.date(2024, 1, 1)})
    )
    assert first.valid_to < second.valid_from


def test_a_new_national_set_overlapping_the_open_ended_2018_one_is_refused(administrator):
    data = RuleSetData(document="Thông tư mới", level="national", valid_from=dt.date(2026, 1, 1))
    with pytest.raises(ValidationError, match="Thông tư 28/2018/TT-BTC"):
        services.ruleset_create(actor=administrator, data=data)


def test_a_set_without_a_start_overlaps_everything_before_its_end(administrator):
    data = RuleSetData(document="Văn bản cũ", level="national", valid_to=dt.date(2000, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.ruleset_create(actor=administrator, data=data)
    assert "125/2009" in caught.value.message_dict["valid_from"][0]


def test_the_same_period_for_another_province_or_level_is_not_an_overlap(administrator):
    services.ruleset_create(actor=administrator, data=RESOLUTION)
    services.ruleset_create(
        actor=administrator, data=RuleSetData(**{**RESOLUTION.__dict__, "province": "01"})
    )
    services.ruleset_create(actor=administrator, data=RuleSetData(**{**RESOLUTION.__dict__, "province": ""}))
    assert RuleSet.objects.filter(level="local").count() == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"valid_to": dt.date(2021, 12, 31)}, "valid_to"),
        ({"level": "national"}, "level"),
        ({"province": "2A"}, "province"),
        ({"document": ""}, "document"),
    ],
)
def test_a_bad_rule_set_is_refused_naming_the_field(administrator, data, field):
    with pytest.raises(ValidationError) as caught:
        services.ruleset_create(actor=administrator, data=RuleSetData(**{**RESOLUTION.__dict__, **data}))
    assert field in caught.value.message_dict


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"max_share_bp": 10_001}, "max_share_bp"),
        ({"max_amount_vnd": -1}, "max_amount_vnd"),
        ({"multiplier": Decimal("0")}, "multiplier"),
        ({"multiplier": Decimal("10.01")}, "multiplier"),
        ({"max_share_bp": None, "max_amount_vnd": None}, "max_amount_vnd"),
        ({"subtype": "production_line"}, "subtype"),
    ],
)
def test_a_bad_cap_rule_is_refused_naming_the_field(administrator, data, field):
    rule_set = services.ruleset_create(actor=administrator, data=RESOLUTION)
    values = {"category": "demonstration_model", "max_share_bp": 3000, "max_amount_vnd": 1, **data}
    with pytest.raises(ValidationError) as caught:
        services.caprule_create(actor=administrator, rule_set=rule_set, data=CapRuleData(**values))
    assert field in caught.value.message_dict


def test_a_second_line_for_the_same_category_and_sub_type_is_refused(administrator):
    rule_set = services.ruleset_create(actor=administrator, data=RESOLUTION)
    data = CapRuleData(category="demonstration_model", max_amount_vnd=1)
    services.caprule_create(actor=administrator, rule_set=rule_set, data=data)
    explicit = CapRuleData(category="demonstration_model", subtype="new_technology", max_amount_vnd=2)
    with pytest.raises(ValidationError, match="đã có một mức"):
        services.caprule_create(actor=administrator, rule_set=rule_set, data=explicit)


@pytest.mark.parametrize(
    "fields",
    [
        {"max_share_bp": 10_001},
        {"max_amount_vnd": -1},
        {"max_share_bp": None, "max_amount_vnd": None},
        {"multiplier": Decimal("0")},
    ],
)
def test_the_database_refuses_an_impossible_cap_even_without_the_service(db, fields):
    rule_set = RuleSet.objects.get(document="Thông tư 28/2018/TT-BTC")
    values = {"category": "training", "max_share_bp": 1000, "max_amount_vnd": 1, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        CapRule.objects.create(rule_set=rule_set, **values)


def test_the_database_refuses_an_inverted_validity_and_a_national_provincial_set(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(
            document="x", level="local", valid_from=dt.date(2020, 1, 2), valid_to=dt.date(2020, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSet.objects.create(document="x", level="national", province="20")
