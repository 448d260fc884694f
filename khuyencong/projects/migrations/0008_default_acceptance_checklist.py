"""A default acceptance checklist per content category, shipped as data.

No legal text we hold lists what an acceptance council checks, so every item here is the development
team's suggestion: shipped with verified=False (shown as "chưa đối chiếu văn bản gốc") for an
administrator to edit, retire or confirm against the province's own rules. Which items are required
(a required item found "not met" rules out the verdict "accepted") is a suggestion too.

The data is written out here rather than imported from the app, so that this migration keeps meaning
the same thing when the app's code changes later.
"""

from django.db import migrations

NOTE = (
    "Gợi ý của nhóm phát triển phần mềm, chưa đối chiếu văn bản gốc; quản trị viên sửa, bổ sung hoặc "
    "ngừng dùng theo quy định của tỉnh."
)
VOUCHERS = ("Hoá đơn, chứng từ chi tiêu đầy đủ, hợp lệ theo dự toán được duyệt", True)

# category: [(text, required), ...] in the order the council goes through them.
ITEMS = {
    "training": [
        ("Lớp học được tổ chức đúng nội dung, thời gian, địa điểm và số buổi theo đề án", True),
        ("Danh sách học viên có chữ ký, đủ số lượng theo đề án", True),
        ("Học viên được kiểm tra cuối khoá và được cấp chứng chỉ hoặc giấy xác nhận", False),
        ("Học viên có việc làm sau khoá học, được cơ sở xác nhận", False),
        VOUCHERS,
    ],
    "management_capacity": [
        ("Khoá đào tạo, hội thảo, tham quan được tổ chức đúng nội dung, thời gian theo đề án", True),
        ("Danh sách người tham dự có chữ ký, đủ số lượng theo đề án", True),
        ("Tài liệu, giáo trình được phát cho người tham dự", False),
        VOUCHERS,
    ],
    "demonstration_model": [
        ("Máy móc, thiết bị của mô hình được lắp đặt đúng chủng loại, số lượng và thông số theo hợp đồng", True),
        ("Mô hình đã vận hành ổn định và sản xuất ra sản phẩm", True),
        ("Đã tổ chức trình diễn, giới thiệu mô hình cho các cơ sở khác tham quan, học tập", False),
        ("Số lao động có việc làm đạt mục tiêu của đề án", False),
        VOUCHERS,
    ],
    "machinery_application": [
        ("Máy móc, thiết bị được lắp đặt đúng chủng loại, số lượng và số hiệu (serial) theo hợp đồng", True),
        ("Máy móc, thiết bị có nguồn gốc, xuất xứ rõ ràng và giấy bảo hành", False),
        ("Máy móc, thiết bị đã chạy thử và đưa vào sản xuất", True),
        ("Người lao động được hướng dẫn vận hành, bảo dưỡng máy", False),
        VOUCHERS,
    ],
    "cleaner_production": [
        ("Có báo cáo đánh giá sản xuất sạch hơn hoặc thiết kế hệ thống xử lý", False),
        ("Thiết bị, hệ thống xử lý đã lắp đặt và vận hành theo thiết kế", True),
        ("Có số liệu đo đạc cho thấy giảm tiêu hao nguyên liệu, năng lượng hoặc giảm ô nhiễm", False),
        VOUCHERS,
    ],
    "product_development": [
        ("Hoạt động (bình chọn, hội chợ, triển lãm, phòng trưng bày, nhãn hiệu) được thực hiện đúng nội dung theo đề án", True),
        ("Sản phẩm của đề án (hồ sơ nhãn hiệu, bao bì, gian hàng, ấn phẩm) đã được bàn giao", True),
        ("Có danh sách cơ sở tham gia, được hỗ trợ, có xác nhận", False),
        VOUCHERS,
    ],
    "consulting_information": [
        ("Nội dung tư vấn, thông tin, truyền thông được thực hiện đúng số lượng, thời lượng theo đề án", True),
        ("Sản phẩm (báo cáo tư vấn, chương trình phát sóng, ấn phẩm, bản tin) đã được bàn giao, lưu trữ", True),
        ("Cơ sở được tư vấn xác nhận kết quả", False),
        VOUCHERS,
    ],
    "linkage_clusters": [
        ("Hoạt động liên doanh, liên kết hoặc hạng mục cụm công nghiệp được thực hiện đúng nội dung theo đề án", True),
        ("Có văn bản, hợp đồng liên kết hoặc hồ sơ hoàn thành hạng mục", False),
        VOUCHERS,
    ],
    "international_cooperation": [
        ("Hoạt động hợp tác (đoàn ra, đoàn vào, hội thảo, trao đổi kinh nghiệm) được thực hiện đúng nội dung theo đề án", True),
        ("Có báo cáo kết quả và tài liệu thu được", False),
        VOUCHERS,
    ],
    "system_capacity": [
        ("Hoạt động nâng cao năng lực, chuyển đổi số được thực hiện đúng nội dung, thời gian theo đề án", True),
        ("Sản phẩm (phần mềm, cơ sở dữ liệu, tài liệu) đã được bàn giao và đưa vào sử dụng", False),
        ("Danh sách cán bộ tham gia có xác nhận", False),
        VOUCHERS,
    ],
}


def ship(apps, schema_editor):
    Item = apps.get_model("projects", "AcceptanceChecklistItem")
    for category, rows in ITEMS.items():
        for order, (text, required) in enumerate(rows, start=1):
            Item.objects.get_or_create(
                category=category,
                text=text,
                defaults={"order": order, "required": required, "active": True, "verified": False, "note": NOTE},
            )


def unship(apps, schema_editor):
    Item = apps.get_model("projects", "AcceptanceChecklistItem")
    Answer = apps.get_model("projects", "AcceptanceChecklistAnswer")
    for category, rows in ITEMS.items():
        shipped = Item.objects.filter(category=category, text__in=[text for text, _required in rows])
        # An item some acceptance has answered stays: the record must keep pointing at it.
        shipped.exclude(pk__in=Answer.objects.values("item_id")).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0007_acceptance_checklist_amendments")]

    operations = [migrations.RunPython(ship, unship)]
