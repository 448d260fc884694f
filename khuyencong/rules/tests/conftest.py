import datetime as dt
from decimal import Decimal

import pytest

from khuyencong.rules.models import CapRule, RuleSet

LANG_SON = "20"


@pytest.fixture
def lang_son_rules(db):
    """A made-up provincial resolution for the local programme: the document number is illustrative
    only (tests never ship data), and its caps are chosen to differ from the national ones."""
    rule_set = RuleSet.objects.create(
        document="Nghị quyết thử nghiệm 99/NQ-HĐND",
        article="Điều 3",
        level="local",
        province=LANG_SON,
        valid_from=dt.date(2020, 1, 1),
        verified=True,
    )
    CapRule.objects.create(
        rule_set=rule_set,
        category="demonstration_model",
        subtype="new_technology",
        max_share_bp=4000,
        max_amount_vnd=600_000_000,
        multiplier=Decimal("1"),
        verified=True,
    )
    CapRule.objects.create(
        rule_set=rule_set,
        category="machinery_application",
        subtype="equipment",
        max_share_bp=5000,
        max_amount_vnd=200_000_000,
        multiplier=Decimal("1"),
        verified=True,
    )
    return rule_set
