"""The publication policy shipped as data: which project fields the public pages, downloads and open data show.

No legal text we hold lists which fields of a khuyến công project must or may be published, so every row
is the development team's suggestion for an administrator to change. Free text that officers type
(the description) may name people, so it starts private; results recorded after the acceptance include a
household's revenue, so they start private too. Personal data has no row at all and cannot be published.

The data is written out here rather than imported from the app, so that this migration keeps meaning
the same thing when the app's code changes later.
"""

from django.db import migrations

SUGGESTION = "Gợi ý của nhóm phát triển phần mềm; Trung tâm xem xét, quyết định."
FREE_TEXT = (
    "Văn bản tự do do cán bộ nhập, có thể ghi tên, số điện thoại của người dân: chỉ công khai khi "
    "Trung tâm đã rà soát toàn bộ mô tả."
)
LATER = (
    "Gồm doanh thu, vốn đối ứng của từng cơ sở, kể cả hộ kinh doanh (thông tin tài chính của cá nhân): "
    "chỉ công khai khi Trung tâm đã quyết định."
)
PHOTOS = (
    "Ảnh do hội đồng nghiệm thu chụp; khi công khai, ảnh được bỏ thông tin EXIF (toạ độ GPS, máy chụp) "
    "và không ghi tên tệp gốc. Tắt nếu ảnh có mặt người dân."
)

# field, public, note
POLICY = [
    ("title", True, SUGGESTION),
    ("category", True, SUGGESTION),
    ("level", True, SUGGESTION),
    ("plan_year", True, SUGGESTION),
    ("commune", True, SUGGESTION),
    ("description", False, FREE_TEXT),
    ("implementing_unit", True, SUGGESTION),
    ("partners", True, SUGGESTION),
    ("beneficiaries", True, "Chỉ tên doanh nghiệp, hợp tác xã; hộ kinh doanh, nghệ nhân, tổ hợp tác không bao giờ được nêu tên."),
    ("dates", True, SUGGESTION),
    ("decision", True, SUGGESTION),
    ("approved_support", True, SUGGESTION),
    ("advanced", True, SUGGESTION),
    ("settled", True, SUGGESTION),
    ("expected_results", True, SUGGESTION),
    ("achieved_results", True, SUGGESTION),
    ("later_results", False, LATER),
    ("photos", True, PHOTOS),
    ("status", True, SUGGESTION),
]


def ship(apps, schema_editor):
    Rule = apps.get_model("transparency", "PublicationRule")
    for field, public, note in POLICY:
        Rule.objects.get_or_create(field=field, defaults={"public": public, "note": note})


def unship(apps, schema_editor):
    apps.get_model("transparency", "PublicationRule").objects.filter(field__in=[r[0] for r in POLICY]).delete()


class Migration(migrations.Migration):
    dependencies = [("transparency", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
