"""The support caps of DESIGN §4, shipped as data.

Exactly what DESIGN §4 states, nothing more: no article is given for the two joint circulars, nothing
for Lạng Sơn's own levels. The shares and amounts of the first three rows are seen in public sources
(cap rule verified=True); the start dates (so every rule set) and the last two rows are to be confirmed
against the official texts (verified=False) and say "chưa đối chiếu văn bản gốc" wherever shown.

TTLT 125/2009 is "before 2014-04-04" with no known start: valid_from is left blank, which the selector
reads as "in force for every date up to valid_to".

The data is written out here rather than imported from the app, so that this migration keeps meaning
the same thing when the app's code changes later.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

NATIONAL = "national"

RULE_SETS = [
    {
        "document": "Thông tư 28/2018/TT-BTC",
        "article": "Điều 8",
        "amended_by": "Thông tư 64/2024/TT-BTC",
        "level": NATIONAL,
        "province": "",
        "valid_from": dt.date(2018, 5, 15),
        "valid_to": None,
        "verified": False,
        "note": (
            "Mức chung toàn quốc, áp dụng cho khuyến công quốc gia và cho khuyến công địa phương khi tỉnh "
            "chưa có mức riêng. Ngày bắt đầu hiệu lực và nội dung sửa đổi của Thông tư 64/2024/TT-BTC cần "
            "đối chiếu văn bản gốc; tỷ lệ và mức tối đa đã thấy trong nguồn công khai."
        ),
        "rules": [
            {
                "category": "demonstration_model",
                "subtype": "new_technology",
                "max_share_bp": 3000,
                "max_amount_vnd": 1_000_000_000,
                "multiplier": Decimal("1"),
                "verified": True,
                "note": "Mô hình trình diễn kỹ thuật công nghệ mới, sản phẩm mới: 30 %, tối đa 1.000.000.000 ₫ một mô hình.",
            },
            {
                "category": "machinery_application",
                "subtype": "equipment",
                "max_share_bp": 5000,
                "max_amount_vnd": 300_000_000,
                "multiplier": Decimal("1"),
                "verified": True,
                "note": "Ứng dụng máy móc thiết bị tiên tiến: 50 %, tối đa 300.000.000 ₫ một cơ sở.",
            },
            {
                "category": "machinery_application",
                "subtype": "production_line",
                "max_share_bp": 5000,
                "max_amount_vnd": 300_000_000,
                "multiplier": Decimal("1.5"),
                "verified": True,
                "note": "Dây chuyền công nghệ: 1,5 lần mức máy móc thiết bị (450.000.000 ₫).",
            },
        ],
    },
    {
        "document": "Thông tư liên tịch 26/2014/TTLT-BTC-BCT",
        "article": "",
        "amended_by": "",
        "level": NATIONAL,
        "province": "",
        "valid_from": dt.date(2014, 4, 4),
        "valid_to": dt.date(2018, 5, 14),
        "verified": False,
        "note": "Ngày hiệu lực cần đối chiếu văn bản gốc.",
        "rules": [
            {
                "category": "demonstration_model",
                "subtype": "new_technology",
                "max_share_bp": 3000,
                "max_amount_vnd": 500_000_000,
                "multiplier": Decimal("1"),
                "verified": True,
                "note": "Mô hình trình diễn kỹ thuật công nghệ mới, sản phẩm mới: 30 %, tối đa 500.000.000 ₫.",
            },
            {
                "category": "demonstration_model",
                "subtype": "efficient_establishment",
                "max_share_bp": None,
                "max_amount_vnd": 100_000_000,
                "multiplier": Decimal("1"),
                "verified": False,
                "note": "Mô hình của cơ sở CNNT đang hoạt động có hiệu quả: không ghi tỷ lệ, tối đa 100.000.000 ₫; cần đối chiếu văn bản gốc.",
            },
        ],
    },
    {
        "document": "Thông tư liên tịch 125/2009/TTLT-BTC-BCT",
        "article": "",
        "amended_by": "",
        "level": NATIONAL,
        "province": "",
        "valid_from": None,
        "valid_to": dt.date(2014, 4, 3),
        "verified": False,
        "note": (
            "Chưa rõ ngày bắt đầu hiệu lực: áp dụng cho mọi ngày đến 03/04/2014. "
            "Văn bản và tỷ lệ 30 % cần đối chiếu; mức 250.000.000 ₫ theo nguồn báo chí."
        ),
        "rules": [
            {
                "category": "demonstration_model",
                "subtype": "new_technology",
                "max_share_bp": 3000,
                "max_amount_vnd": 250_000_000,
                "multiplier": Decimal("1"),
                "verified": False,
                "note": "Mô hình trình diễn kỹ thuật: 30 % (cần đối chiếu), tối đa 250.000.000 ₫ (theo nguồn báo chí).",
            },
        ],
    },
]


def ship(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    CapRule = apps.get_model("rules", "CapRule")
    for spec in RULE_SETS:
        fields = {key: value for key, value in spec.items() if key != "rules"}
        rule_set = RuleSet.objects.create(**fields)
        for rule in spec["rules"]:
            CapRule.objects.create(rule_set=rule_set, **rule)


def unship(apps, schema_editor):
    RuleSet = apps.get_model("rules", "RuleSet")
    for spec in RULE_SETS:
        RuleSet.objects.filter(
            document=spec["document"], level=spec["level"], province=spec["province"], valid_from=spec["valid_from"]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
