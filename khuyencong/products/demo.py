"""Demo typical products: a few Lạng Sơn-style products of the demo registry, taken through the services.

Everything here is illustrative (`is_demo`, shown as "minh hoạ"): the products, their descriptions, the
rounds, the scores and the recognitions are made up for the demonstration, and no certificate or decision
number is invented (those fields stay blank). Idempotent: products are matched by name and producer,
rounds by name.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass

from khuyencong.accounts.models import User
from khuyencong.core.text import search_tokens
from khuyencong.establishments.models import Establishment
from khuyencong.products import services
from khuyencong.products.choices import CRITERIA, MemberPosition, ProductGroup, RecognitionLevel, RoundStatus
from khuyencong.products.models import Product, SelectionRound

OFFICER = "canbo"
NOTE = "Dữ liệu minh hoạ: đợt bình chọn, hội đồng và điểm số là giả định; không ghi số quyết định, số giấy chứng nhận."


@dataclass(frozen=True)
class DemoProduct:
    name: str
    group: str
    producer: str
    description: str
    # Target total for every member's sheet (each member varies a little around it).
    score: int


PRODUCTS = (
    DemoProduct(
        "Tinh dầu hồi Đông Kinh",
        ProductGroup.PROCESSED_FOOD,
        "Doanh nghiệp tư nhân chế biến hồi Đông Kinh",
        "Tinh dầu cất từ quả hồi thu hái trong tỉnh, đóng chai thuỷ tinh nhỏ có nhãn ghi nguồn gốc. "
        "(Mô tả minh hoạ cho bản trình diễn.)",
        84,
    ),
    DemoProduct(
        "Làn mây tre đan Quang Lang",
        ProductGroup.HANDICRAFTS,
        "Tổ hợp tác mây tre đan Quang Lang",
        "Làn, giỏ đan tay từ mây và tre địa phương, dáng truyền thống, dùng đi chợ hoặc làm quà. "
        "(Mô tả minh hoạ cho bản trình diễn.)",
        78,
    ),
    DemoProduct(
        "Bánh khảo Hoa Sen",
        ProductGroup.PROCESSED_FOOD,
        "Hộ kinh doanh chế biến thực phẩm Hoa Sen",
        "Bánh khảo làm từ bột gạo nếp rang và đường, đóng hộp giấy, làm theo cách truyền thống của vùng. "
        "(Mô tả minh hoạ cho bản trình diễn.)",
        72,
    ),
    DemoProduct(
        "Máy nghiền đá cỡ nhỏ Phú Thịnh",
        ProductGroup.MACHINERY,
        "Cơ sở cơ khí Phú Thịnh",
        "Máy nghiền đá công suất nhỏ do cơ sở tự thiết kế và chế tạo, phục vụ các công trình ở nông thôn. "
        "(Mô tả minh hoạ cho bản trình diễn.)",
        75,
    ),
    DemoProduct(
        "Miến dong Hoa Sen",
        ProductGroup.PROCESSED_FOOD,
        "Hộ kinh doanh chế biến thực phẩm Hoa Sen",
        "Miến làm từ tinh bột củ dong riềng, phơi nắng, đóng túi. (Mô tả minh hoạ cho bản trình diễn.)",
        64,  # below the pass mark: entered, not recognised, so not on the public pages
    ),
)

ROUND_2024 = "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh năm 2024 (minh hoạ)"
ROUND_2025 = "Bình chọn sản phẩm CNNT tiêu biểu cấp tỉnh năm 2025 (minh hoạ)"


def _points(target: int, product: str, member: str) -> dict[str, int]:
    """A repeatable sheet whose total is within ±3 of the target, split over the criteria by their weight."""
    seed = zlib.crc32(f"{product}|{member}".encode())
    total = max(0, min(100, target + seed % 7 - 3))
    points = {c.code: total * c.max_points // 100 for c in CRITERIA}
    rest = total - sum(points.values())
    for c in CRITERIA:  # put what integer division dropped where there is room
        add = min(rest, c.max_points - points[c.code])
        points[c.code] += add
        rest -= add
    return points


def _producer(name: str) -> Establishment | None:
    return Establishment.objects.active().filter(name_key=" ".join(search_tokens(name))).first()


def build_demo_products() -> int:
    """Products, a closed 2024 round and a 2025 round being scored; the number of products created."""
    officer = User.objects.filter(username=OFFICER).first()
    if officer is None:
        return 0
    from khuyencong.appraisal.demo import members as council_members

    created = 0
    products: dict[str, Product] = {}
    for spec in PRODUCTS:
        producer = _producer(spec.producer)
        if producer is None:
            continue  # not the Lạng Sơn demo registry
        product = Product.objects.filter(name=spec.name, producer=producer).first()
        if product is None:
            product = services.product_create(
                actor=officer,
                data={
                    "name": spec.name,
                    "group": spec.group,
                    "producer": producer,
                    "description": spec.description,
                },
                is_demo=True,
            )
            created += 1
        products[spec.name] = product
    if len(products) < len(PRODUCTS):
        return created
    seats = [
        (user, MemberPosition.CHAIR if i == 0 else MemberPosition.MEMBER)
        for i, (user, _) in enumerate(council_members())
    ]

    if not SelectionRound.objects.filter(name=ROUND_2024).exists():
        # A district recognition from before the 2025 reform, recorded by hand.
        services.recognition_add(
            actor=officer,
            product=products["Làn mây tre đan Quang Lang"],
            level=RecognitionLevel.DISTRICT,
            year=2023,
            decided_on=dt.date(2023, 9, 15),
        )
        closed = services.round_create(
            actor=officer,
            data={
                "name": ROUND_2024,
                "year": 2024,
                "level": RecognitionLevel.PROVINCE,
                "held_on": dt.date(2024, 10, 10),
                "note": NOTE,
            },
            is_demo=True,
        )
        for user, position in seats:
            services.member_add(actor=officer, selection_round=closed, user=user, position=position)
        entries = [
            services.entry_add(
                actor=officer,
                selection_round=closed,
                product=products[spec.name],
                description=spec.description,
            )
            for spec in PRODUCTS
        ]
        services.round_transition(actor=officer, selection_round=closed, to=RoundStatus.SCORING)
        for spec, entry in zip(PRODUCTS, entries, strict=True):
            for user, _ in seats:
                services.sheet_submit(
                    actor=user, entry=entry, points=_points(spec.score, spec.name, user.username)
                )
        services.round_close(actor=officer, selection_round=closed)

    if not SelectionRound.objects.filter(name=ROUND_2025).exists():
        current = services.round_create(
            actor=officer,
            data={
                "name": ROUND_2025,
                "year": 2025,
                "level": RecognitionLevel.PROVINCE,
                "held_on": dt.date(2025, 10, 15),
                "note": NOTE,
            },
            is_demo=True,
        )
        for user, position in seats:
            services.member_add(actor=officer, selection_round=current, user=user, position=position)
        spec = PRODUCTS[-1]
        entry = services.entry_add(
            actor=officer,
            selection_round=current,
            product=products[spec.name],
            description=spec.description + " Cơ sở đã cải tiến bao bì sau lần bình chọn trước (minh hoạ).",
        )
        services.round_transition(actor=officer, selection_round=current, to=RoundStatus.SCORING)
        # One member has scored; the demo council member (hoidong) still has a sheet to fill in.
        user = seats[-1][0]
        services.sheet_submit(actor=user, entry=entry, points=_points(76, spec.name, user.username))
    return created
