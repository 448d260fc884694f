"""The default appraisal criteria, shipped as data and marked unverified.

The decree on khuyến công names the factors a proposal is favoured for (a difficult or extremely
difficult area, a border commune, an ethnic-minority region, a commune building new rural areas, local
raw materials, many workers, a traditional craft, the environment) but gives them no weights, and we
hold no provincial selection rules. The weights and scales below are placeholders so that a council can
work from day one: verified=False, and the note says so wherever the set is shown. An administrator
replaces them with the province's own in the admin (/quan-tri/).

The five place factors are pre-filled on each score sheet from the priority classifications of the
project's place on its submission date; the other criteria are scored by each member.

Written out here rather than imported from the app, so that this migration keeps meaning the same thing
when the app's code changes later.
"""

from django.db import migrations

NAME = "Bộ tiêu chí xét chọn đề án khuyến công (mặc định)"

CRITERIA_SET = {
    "name": NAME,
    "legal_basis": (
        "Nghị định 45/2012/NĐ-CP về khuyến công, sửa đổi, bổ sung bởi Nghị định 235/2025/NĐ-CP: các đối "
        "tượng, địa bàn được ưu tiên. Điều, khoản cụ thể cần đối chiếu văn bản gốc."
    ),
    "verified": False,
    "valid_from": None,
    "valid_to": None,
    "note": (
        "Văn bản quy định các yếu tố được ưu tiên nhưng không quy định trọng số. Trọng số và thang điểm "
        "dưới đây là giả định để hệ thống chạy được, chưa đối chiếu văn bản gốc: hãy thay bằng quy chế "
        "xét chọn của tỉnh. Các tiêu chí địa bàn được điền sẵn theo phân loại địa bàn ưu tiên của nơi thực "
        "hiện đề án vào ngày nộp hồ sơ; thành viên hội đồng vẫn sửa được trước khi nộp phiếu."
    ),
}

# code, label, scale (0..max_points), weight out of 100, priority kind used for pre-fill
CRITERIA = [
    ("difficult_area", "Thực hiện tại địa bàn có điều kiện kinh tế – xã hội khó khăn", 5, 5, "difficult"),
    (
        "extremely_difficult_area",
        "Thực hiện tại địa bàn có điều kiện kinh tế – xã hội đặc biệt khó khăn",
        5,
        5,
        "extremely_difficult",
    ),
    ("border_area", "Thực hiện tại xã biên giới", 5, 5, "border"),
    ("ethnic_minority_region", "Thực hiện tại vùng đồng bào dân tộc thiểu số", 5, 5, "ethnic_minority"),
    ("new_rural_commune", "Thực hiện tại xã trong kế hoạch xây dựng nông thôn mới", 5, 5, "new_rural"),
    ("local_raw_materials", "Sử dụng nguyên liệu tại chỗ", 5, 5, ""),
    ("many_workers", "Sử dụng nhiều lao động", 5, 5, ""),
    ("traditional_craft", "Phát triển ngành nghề truyền thống, làng nghề", 5, 5, ""),
    ("environment", "Bảo vệ môi trường, sản xuất sạch hơn", 5, 5, ""),
    ("necessity", "Sự cần thiết và phù hợp với nội dung, đối tượng khuyến công", 10, 15, ""),
    ("feasibility", "Tính khả thi: công nghệ, vốn đối ứng, năng lực thực hiện", 10, 20, ""),
    ("effectiveness", "Hiệu quả kinh tế – xã hội và khả năng nhân rộng", 10, 20, ""),
]


def ship(apps, schema_editor):
    CriteriaSet = apps.get_model("appraisal", "CriteriaSet")
    Criterion = apps.get_model("appraisal", "Criterion")
    criteria_set = CriteriaSet.objects.create(**CRITERIA_SET)
    Criterion.objects.bulk_create(
        [
            Criterion(
                criteria_set=criteria_set,
                code=code,
                label=label,
                max_points=max_points,
                weight=weight,
                priority_kind=kind,
                order=order,
            )
            for order, (code, label, max_points, weight, kind) in enumerate(CRITERIA, start=1)
        ]
    )


def unship(apps, schema_editor):
    CriteriaSet = apps.get_model("appraisal", "CriteriaSet")
    CriteriaSet.objects.filter(name=NAME, councils__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("appraisal", "0001_initial")]

    operations = [migrations.RunPython(ship, unship)]
