"""The indicator catalogue of issue 5 §1, shipped as data.

Codes shared with projects.ExpectedIndicator (jobs_created, workers_trained, establishments_supported,
machines, models) are the ones the acceptance records; their values are read from the acceptance.
The others are recorded per period by officers. The aggregation rule says how one project's values over
several periods become one figure (projects are then added up): a flow (money, trainees) adds up, a
stock (workers still employed, yearly revenue) takes the latest period, a running total reported again
and again (products recognised so far) takes the largest report.

The data is written out here rather than imported from the app, so that this migration keeps meaning
the same thing when the app's code changes later.
"""

from django.db import migrations

CATALOGUE = [
    # code, Vietnamese name, English name, unit vi, unit en, rule, origin, money, disaggregated
    ("jobs_created", "Lao động có việc làm", "Jobs created", "người", "persons", "sum", "acceptance", False, False),
    ("workers_trained", "Lao động được đào tạo", "Workers trained", "người", "persons", "sum", "acceptance", False, True),
    ("trained_employed", "Lao động sau đào tạo có việc làm", "Trained workers employed afterwards", "người", "persons", "latest", "recorded", False, True),
    ("establishments_supported", "Cơ sở được hỗ trợ", "Establishments supported", "cơ sở", "establishments", "sum", "acceptance", False, False),
    ("models", "Mô hình trình diễn", "Demonstration models built", "mô hình", "models", "sum", "acceptance", False, False),
    ("machines", "Máy móc, dây chuyền", "Machines and lines supplied", "máy, dây chuyền", "machines, lines", "sum", "acceptance", False, False),
    ("counterpart_mobilised", "Vốn đối ứng huy động được", "Counterpart money mobilised", "đồng", "VND", "sum", "recorded", True, False),
    ("products_recognised", "Sản phẩm được công nhận", "Products recognised", "sản phẩm", "products", "max", "recorded", False, False),
    ("revenue_after_support", "Doanh thu sau hỗ trợ", "Revenue after support", "đồng/năm", "VND/year", "latest", "recorded", True, False),
]


def ship(apps, schema_editor):
    Indicator = apps.get_model("results", "Indicator")
    for position, (code, vi, en, unit_vi, unit_en, rule, origin, money, split) in enumerate(CATALOGUE, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "name_vi": vi,
                "name_en": en,
                "unit_vi": unit_vi,
                "unit_en": unit_en,
                "rule": rule,
                "origin": origin,
                "is_money": money,
                "disaggregated": split,
                "position": position * 10,
            },
        )


def unship(apps, schema_editor):
    apps.get_model("results", "Indicator").objects.filter(code__in=[row[0] for row in CATALOGUE]).delete()


class Migration(migrations.Migration):
    dependencies = [("results", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
