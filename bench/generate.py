"""Fill a bench database with a synthetic registry of N establishments (default 1,000,000).

    DATABASE_URL=sqlite:////work/main/var/bench/search.sqlite3 .venv/bin/python -m bench.generate -n 1000000
    DATABASE_URL=postgres://postgres@/khuyencong_bench?host=/tmp/pg&port=55432 .venv/bin/python -m bench.generate

Without DATABASE_URL the target is var/bench/search.sqlite3. The database is migrated first; geography
comes from `load_geography --all` when that command exists, else a few hundred synthetic communes.
Re-runnable: a database already at N rows is left alone, one with fewer is topped up, one with more
needs --reset. Rows are deterministic for a given --seed.

Loading: search_key/name_key are computed with khuyencong.core.text exactly as Establishment.clean()
does. Secondary indexes (and on SQLite the FTS triggers) are dropped, the rows bulk-inserted
(SQLite: executemany in 50k-row transactions; PostgreSQL: COPY), then the indexes are recreated from
the very SQL the migrations stored, and the FTS index is rebuilt in one pass. `--strategy triggers`
keeps everything in place instead (the slow path, for comparison).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bench import setup_django

DEFAULT_N = 1_000_000
DEFAULT_SEED = 20251125
BATCH = 50_000

# ---------------------------------------------------------------------------------------------------------
# Vocabulary. Weights follow a rough Zipf curve (the first words are the common ones), which is what
# registries look like: a few auspicious syllables (Hưng, Phát, Thịnh...) recur in thousands of names.

LEGAL_FORM_WEIGHTS = [
    ("household_business", 42),
    ("micro_enterprise", 24),
    ("small_enterprise", 11),
    ("medium_enterprise", 3),
    ("cooperative", 10),
    ("cooperative_group", 6),
    ("artisan", 4),
]
ENTERPRISE_PREFIXES = [
    ("Công ty TNHH", 40),
    ("Công ty cổ phần", 22),
    ("Công ty TNHH MTV", 10),
    ("Cty TNHH", 6),
    ("Doanh nghiệp tư nhân", 8),
    ("Công ty trách nhiệm hữu hạn", 3),
    ("Cty CP", 3),
    ("DNTN", 2),
    ("Công ty TNHH một thành viên", 3),
]
COOP_PREFIXES = [("Hợp tác xã", 9), ("HTX", 2)]
COOP_GROUP_PREFIXES = [("Tổ hợp tác", 1)]
HOUSEHOLD_PREFIXES = [("Hộ kinh doanh", 6), ("Cơ sở", 6), ("HKD", 1), ("Cơ sở sản xuất", 2)]
ARTISAN_PREFIXES = [("Cơ sở", 3), ("Nghệ nhân", 1), ("Xưởng", 1)]
# What an enterprise puts between its legal form and its trade.
BUSINESS_WORDS = [
    ("", 30),
    ("thương mại", 14),
    ("thương mại và dịch vụ", 8),
    ("TM", 5),
    ("TMDV", 3),
    ("sản xuất và thương mại", 6),
    ("SX TM", 2),
    ("đầu tư", 3),
    ("xây dựng", 3),
    ("đầu tư và phát triển", 2),
]
TRADES: dict[str, list[tuple[str, int]]] = {
    "forest_products": [
        ("chế biến lâm sản", 10),
        ("chế biến gỗ", 8),
        ("chế biến nông sản", 8),
        ("chế biến chè", 4),
        ("chế biến hồi quế", 3),
        ("sản xuất đồ gỗ", 5),
        ("chế biến nông lâm sản", 4),
        ("sơ chế dược liệu", 2),
        ("chế biến thủy sản", 2),
        ("xay xát", 3),
    ],
    "food_processing": [
        ("chế biến thực phẩm", 10),
        ("sản xuất bánh kẹo", 4),
        ("nấu rượu", 4),
        ("sản xuất miến dong", 3),
        ("làm bún bánh phở", 4),
        ("sản xuất đậu phụ", 2),
        ("chế biến thịt", 3),
        ("sản xuất nước mắm", 2),
        ("làm bánh cuốn", 2),
        ("sản xuất nước đá", 2),
        ("rang xay cà phê", 2),
    ],
    "building_materials": [
        ("vật liệu xây dựng", 12),
        ("sản xuất gạch", 5),
        ("gạch không nung", 4),
        ("khai thác đá", 3),
        ("bê tông", 3),
        ("sản xuất ngói", 2),
        ("cát sỏi", 2),
    ],
    "mechanical": [
        ("cơ khí", 12),
        ("cơ khí chế tạo", 4),
        ("gò hàn", 4),
        ("sửa chữa máy nông nghiệp", 3),
        ("rèn", 2),
        ("cơ khí nhỏ", 2),
        ("nhôm kính", 4),
        ("sắt thép", 3),
    ],
    "chemicals_plastics": [("nhựa", 5), ("bao bì nhựa", 3), ("cao su", 3), ("phân bón", 3), ("sơn", 1)],
    "textiles": [("may mặc", 8), ("dệt thổ cẩm", 3), ("dệt may", 4), ("thêu ren", 2), ("da giày", 2)],
    "handicrafts": [
        ("mây tre đan", 10),
        ("thủ công mỹ nghệ", 8),
        ("đan lát", 3),
        ("gốm", 3),
        ("chạm khắc gỗ", 2),
        ("sơn mài", 1),
        ("làm hương", 3),
        ("đúc đồng", 1),
        ("mây tre giang đan", 2),
        ("chổi chít", 2),
    ],
    "electrical": [("thiết bị điện", 4), ("điện tử", 3), ("lắp ráp linh kiện", 2)],
    "rural_services": [("dịch vụ cơ khí nông nghiệp", 3), ("dịch vụ kỹ thuật", 3), ("sửa chữa điện", 2)],
    "other": [("sản xuất", 4), ("tổng hợp", 2), ("in ấn", 1)],
}
SECTOR_WEIGHTS = [
    ("forest_products", 18),
    ("food_processing", 22),
    ("building_materials", 10),
    ("mechanical", 14),
    ("chemicals_plastics", 3),
    ("textiles", 8),
    ("handicrafts", 14),
    ("electrical", 2),
    ("rural_services", 4),
    ("other", 5),
]
# Auspicious syllables that trade names are made of.
BRAND_SYLLABLES = [
    "Hưng",
    "Phát",
    "Thịnh",
    "Long",
    "Phú",
    "Thành",
    "Đạt",
    "An",
    "Bình",
    "Minh",
    "Hoàng",
    "Gia",
    "Việt",
    "Tiến",
    "Quang",
    "Đức",
    "Tân",
    "Hòa",
    "Hải",
    "Nam",
    "Trường",
    "Sơn",
    "Hà",
    "Kim",
    "Ngọc",
    "Thái",
    "Hồng",
    "Vinh",
    "Lộc",
    "Tài",
    "Nguyên",
    "Trung",
    "Hiếu",
    "Nghĩa",
    "Tín",
    "Cường",
    "Thắng",
    "Lợi",
    "Khang",
    "Anh",
    "Mạnh",
    "Tuấn",
    "Dũng",
    "Hạnh",
    "Phúc",
    "Xuân",
    "Thu",
    "Hương",
    "Lan",
    "Mai",
    "Đăng",
    "Khoa",
    "Bảo",
    "Châu",
    "Quý",
    "Toàn",
    "Huy",
    "Vượng",
    "Đông",
    "Bắc",
    "Tây",
    "Nhật",
    "Hoa",
    "Sáng",
    "Tâm",
    "Trí",
    "Duy",
    "Hạ",
    "Thiên",
    "Lâm",
    "Hào",
    "Mỹ",
    "Phong",
    "Khải",
    "Lực",
    "Cát",
    "Hậu",
    "Thọ",
    "Nhân",
    "Uy",
    "Vĩnh",
]
RARE_BRANDS = ["Pò Mã", "Khuổi Khon", "Bó Củng", "Nà Rị"]  # ~1 in 20,000 names each: the "rare word" queries
PLACES = [
    "Đồng Đăng",
    "Hữu Lũng",
    "Chi Lăng",
    "Lộc Bình",
    "Bắc Sơn",
    "Cao Lộc",
    "Tràng Định",
    "Văn Quan",
    "Bình Gia",
    "Đình Lập",
    "Văn Lãng",
    "Na Dương",
    "Thất Khê",
    "Mai Pha",
    "Kỳ Lừa",
    "Tam Thanh",
    "Vĩnh Trại",
    "Hoàng Văn Thụ",
    "Đông Kinh",
    "Chi Lăng",
    "Hợp Thành",
    "Tân Thanh",
    "Hoàng Đồng",
    "Quảng Lạc",
    "Yên Trạch",
    "Hữu Lễ",
    "Thụy Hùng",
    "Tân Yên",
    "Mẫu Sơn",
    "Bảo Lâm",
    "Hồng Phong",
    "Phú Xá",
    "Bình Trung",
    "Tân Liên",
    "Gia Cát",
    "Song Giáp",
    "Xuân Long",
    "Hải Yến",
    "Công Sơn",
    "Lợi Bác",
    "Khánh Long",
    "Hưng Vũ",
    "Vũ Lễ",
    "Quang Trung",
    "Minh Khai",
    "Đồng Tiến",
    "Hòa Bình",
    "Thống Nhất",
    "Phù Ủng",
    "Phúc Thành",
    "Đại Đồng",
]
PROVINCES = [
    "Lạng Sơn",
    "Cao Bằng",
    "Bắc Ninh",
    "Thái Nguyên",
    "Tuyên Quang",
    "Lào Cai",
    "Phú Thọ",
    "Hà Nội",
    "Hải Phòng",
    "Quảng Ninh",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Huế",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Đắk Lắk",
    "Khánh Hòa",
    "Lâm Đồng",
    "Đồng Nai",
    "Tây Ninh",
    "Hồ Chí Minh",
    "Đồng Tháp",
    "An Giang",
    "Vĩnh Long",
    "Cần Thơ",
    "Cà Mau",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
]
HAMLETS = [
    "Nà Pàn",
    "Bản Cưởm",
    "Khòn Khẻ",
    "Pác Luống",
    "Nà Lừa",
    "Bó Chăm",
    "Pò Nhùng",
    "Khuổi Phầy",
    "Còn Quyền",
    "Nà Thuộc",
    "Đông Tiến",
    "Tân Lập",
    "Thống Nhất",
    "Bình Minh",
    "Đồng Bục",
    "Phai Duốc",
    "Nà Chà",
    "Lũng Vài",
    "Cốc Lùng",
    "Trung Tâm",
    "Chợ",
    "Ga",
    "Pắc Làng",
]
STREETS = [
    "Trần Hưng Đạo",
    "Lê Lợi",
    "Quang Trung",
    "Bà Triệu",
    "Nguyễn Du",
    "Lý Thái Tổ",
    "Hùng Vương",
    "Lê Hồng Phong",
    "Phai Vệ",
    "Bến Bắc",
    "Tam Thanh",
    "Ngô Gia Tự",
    "Nguyễn Trãi",
    "Lý Thường Kiệt",
    "Hoàng Văn Thụ",
    "Phan Đình Phùng",
    "Tô Thị",
]
SURNAMES = [
    ("Nguyễn", 30),
    ("Hoàng", 10),
    ("Nông", 8),
    ("Lương", 5),
    ("Trần", 9),
    ("Lê", 8),
    ("Phạm", 6),
    ("Vi", 4),
    ("Lăng", 3),
    ("Lục", 3),
    ("Vũ", 4),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 3),
    ("Hà", 3),
    ("Chu", 2),
    ("Mã", 2),
    ("Triệu", 2),
    ("Ngô", 2),
    ("Dương", 2),
    ("Lý", 2),
    ("Hứa", 1),
    ("Đinh", 2),
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Xuân", "Công", "Ngọc", "Tiến"]
MIDDLE_F = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương"]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Long",
    "Thắng",
    "Cường",
    "Hải",
    "Sơn",
    "Tuấn",
    "Minh",
    "Quân",
    "Hưng",
    "Thành",
    "Phong",
    "Bình",
    "Khánh",
    "Toàn",
    "Trung",
    "Việt",
    "Nam",
    "Hiếu",
    "Lâm",
    "Tùng",
    "Đạt",
    "Quý",
    "Phúc",
    "Thịnh",
    "Vinh",
    "Hoàng",
    "Duy",
    "Huy",
    "Tú",
    "Lực",
    "Kiên",
    "Đông",
    "Tâm",
    "Trọng",
    "Hào",
    "Vượng",
]
GIVEN_F = [
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Hạnh",
    "Thu",
    "Huệ",
    "Nga",
    "Hằng",
    "Thủy",
    "Yến",
    "Linh",
    "Phương",
    "Dung",
    "Nhung",
    "Trang",
    "Hà",
    "Vân",
    "Hiền",
    "Thảo",
]
PRODUCTS = {
    "forest_products": "gỗ xẻ, ván bóc, hoa hồi, quế khô",
    "food_processing": "miến dong, bánh khảo, rượu ngô",
    "building_materials": "gạch xi măng cốt liệu, đá xây dựng",
    "mechanical": "khung nhà thép, cửa sắt, máy tuốt lúa",
    "chemicals_plastics": "ống nhựa, bao bì",
    "textiles": "quần áo bảo hộ, thổ cẩm",
    "handicrafts": "rổ rá, lẵng hoa mây tre, hương nén",
    "electrical": "tủ điện, dây điện",
    "rural_services": "sửa chữa máy cày, máy bơm",
    "other": "hàng tiêu dùng",
}
# Tax-authority province prefixes (the first two digits of a 10-digit code).
TAX_PREFIXES = [f"{p:02d}" for p in range(1, 69)] + ["49"] * 30  # Lạng Sơn-heavy on top of the country


def _zipf(words: Sequence[str], s: float = 0.9) -> list[tuple[str, float]]:
    return [(w, 1.0 / (rank + 1) ** s) for rank, w in enumerate(words)]


class Picker:
    """Weighted choice with pre-computed cumulative weights (random.choices is slow to set up each call)."""

    def __init__(self, weighted: Sequence[tuple[Any, float]]) -> None:
        import itertools

        self.items = [w for w, _ in weighted]
        self.cum = list(itertools.accumulate(weight for _, weight in weighted))

    def __call__(self, rng: random.Random) -> Any:
        return rng.choices(self.items, cum_weights=self.cum)[0]


# ---------------------------------------------------------------------------------------------------------
# Rows


class RowMaker:
    def __init__(self, seed: int, communes: list[tuple[int, str]], used_tax_codes: set[str]) -> None:
        from khuyencong.core.text import search_tokens
        from khuyencong.establishments import tax_code

        self.rng = random.Random(seed)
        self.check_digit = tax_code.check_digit
        self.used = used_tax_codes
        self.communes = communes
        self.commune_pick = Picker(_zipf(range(len(communes)), 0.6))  # type: ignore[arg-type]
        self.legal_form = Picker(LEGAL_FORM_WEIGHTS)
        self.sector = Picker(SECTOR_WEIGHTS)
        self.trades = {k: Picker(v) for k, v in TRADES.items()}
        self.prefixes = {
            "micro_enterprise": Picker(ENTERPRISE_PREFIXES),
            "small_enterprise": Picker(ENTERPRISE_PREFIXES),
            "medium_enterprise": Picker(ENTERPRISE_PREFIXES),
            "cooperative": Picker(COOP_PREFIXES),
            "cooperative_group": Picker(COOP_GROUP_PREFIXES),
            "household_business": Picker(HOUSEHOLD_PREFIXES),
            "artisan": Picker(ARTISAN_PREFIXES),
        }
        self.business = Picker(BUSINESS_WORDS)
        self.brand = Picker(_zipf(BRAND_SYLLABLES, 0.8))
        self.place = Picker(_zipf(PLACES, 0.7))
        self.surname = Picker(SURNAMES)
        self.given_m = Picker(_zipf(GIVEN_M, 0.5))
        self.given_f = Picker(_zipf(GIVEN_F, 0.5))
        self.hamlet = Picker(_zipf(HAMLETS, 0.5))
        self.street = Picker(_zipf(STREETS, 0.5))
        self.tax_prefix = Picker([(p, 1) for p in TAX_PREFIXES])
        # search_key is search_key(name, tax, address, representative) == the tokens of each part joined,
        # so caching search_tokens per part gives exactly what Establishment.clean() stores.
        self.tokens = functools.lru_cache(maxsize=200_000)(lambda text: " ".join(search_tokens(text)))
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)

    def person(self) -> str:
        r = self.rng
        if r.random() < 0.6:
            return f"{self.surname(r)} {r.choice(MIDDLE_M)} {self.given_m(r)}"
        return f"{self.surname(r)} {r.choice(MIDDLE_F)} {self.given_f(r)}"

    def brand_name(self) -> str:
        r = self.rng
        x = r.random()
        if x < 0.0002 * len(RARE_BRANDS):
            return r.choice(RARE_BRANDS)
        if x < 0.55:
            a, b = self.brand(r), self.brand(r)
            while b == a:
                b = self.brand(r)
            return f"{a} {b}"
        if x < 0.75:
            return self.place(r)
        if x < 0.90:
            return f"{self.brand(r)} {self.brand(r)} {self.brand(r)}" if r.random() < 0.3 else self.brand(r)
        return f"{self.place(r)} {self.brand(r)}"

    def name(self, legal_form: str, sector: str, rep: str) -> str:
        r = self.rng
        prefix = self.prefixes[legal_form](r)
        trade = self.trades[sector](r)
        if legal_form.endswith("enterprise"):
            words = self.business(r)
            parts = [prefix, words, trade if r.random() < 0.7 else "", self.brand_name()]
        elif legal_form in ("cooperative", "cooperative_group"):
            parts = [prefix, trade, self.place(r) if r.random() < 0.6 else self.brand_name()]
        elif legal_form == "household_business" and prefix in ("Hộ kinh doanh", "HKD") and r.random() < 0.6:
            parts = [prefix, rep]
        else:
            tail = rep if r.random() < 0.4 else self.brand_name()
            if prefix.endswith("sản xuất") and trade.startswith("sản xuất"):
                prefix = "Cơ sở"
            parts = [prefix, trade, tail]
        name = " ".join(p for p in parts if p)
        return name[0].upper() + name[1:]

    def tax_code(self) -> str:
        r = self.rng
        while True:
            first_nine = self.tax_prefix(r) + f"{r.randrange(10_000_000):07d}"
            check = self.check_digit(first_nine)
            if check is None:
                continue
            code = f"{first_nine}{check}"
            if code not in self.used:
                self.used.add(code)
                return code

    def address(self, commune_name: str) -> str:
        r = self.rng
        if commune_name.startswith("Phường") and r.random() < 0.7:
            return f"Số {r.randrange(1, 400)} đường {self.street(r)}, {commune_name}"
        return f"Thôn {self.hamlet(r)}, {commune_name}"

    def row(self) -> tuple[Any, ...]:
        r = self.rng
        legal_form = self.legal_form(r)
        sector = self.sector(r)
        rep = self.person()
        name = self.name(legal_form, sector, rep)
        commune_id, commune_name = self.communes[self.commune_pick(r)]
        address = self.address(commune_name)
        tax = self.tax_code()
        workers = int(r.paretovariate(1.3)) + (0 if legal_form == "household_business" else 4)
        women = r.randint(0, workers)
        minority = r.randint(0, workers) if r.random() < 0.5 else 0
        founded = r.randint(1986, 2025) if r.random() < 0.85 else None
        phone = f"0{r.choice('389')}{r.randrange(10**8):08d}"
        name_key = self.tokens(name)
        search = " ".join(
            p for p in (name_key, self.tokens(tax), self.tokens(address), self.tokens(rep)) if p
        )
        return (
            name,
            legal_form,
            tax,
            rep,
            phone,
            address,
            commune_id,
            sector,
            workers,
            women,
            minority,
            founded,
            PRODUCTS[sector],
            search,
            name_key,
            self.now,
            self.now,
        )


COLUMNS = (
    "name",
    "legal_form",
    "tax_code",
    "representative",
    "phone",
    "address",
    "commune_id",
    "sector",
    "workers",
    "women_workers",
    "ethnic_minority_workers",
    "founded_year",
    "products",
    "search_key",
    "name_key",
    "created_at",
    "updated_at",
)


def rows(
    n: int, start: int, seed: int, communes: list[tuple[int, str]], used: set[str]
) -> Iterator[tuple[Any, ...]]:
    maker = RowMaker(seed * 1_000_003 + start, communes, used)
    for _ in range(n):
        yield maker.row()


# ---------------------------------------------------------------------------------------------------------
# Geography


def ensure_geography(log: Any = print) -> list[tuple[int, str]]:
    """(id, name) of the communes establishments are spread over."""
    from django.core.management import call_command, get_commands

    from khuyencong.core.text import search_key
    from khuyencong.geo.choices import REFORM_DATE, Generation, Level
    from khuyencong.geo.models import AdministrativeUnit

    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    if not communes.exists():
        if "load_geography" in get_commands():
            t = time.perf_counter()
            call_command("load_geography", "--all")
            log(f"geography: load_geography --all in {time.perf_counter() - t:.1f}s")
        else:
            rng = random.Random(7)
            created = 0
            for p_index, province in enumerate(PROVINCES, start=1):
                kind = (
                    "Thành phố"
                    if province in ("Hà Nội", "Hải Phòng", "Huế", "Đà Nẵng", "Hồ Chí Minh", "Cần Thơ")
                    else "Tỉnh"
                )
                prov = AdministrativeUnit.objects.create(
                    code=f"P{p_index:02d}",
                    generation=Generation.CURRENT,
                    level=Level.PROVINCE,
                    name=f"{kind} {province}",
                    short_name=province,
                    division_type=kind,
                    valid_from=REFORM_DATE,
                    search_key=search_key(f"{kind} {province}"),
                )
                units = []
                for c_index, place in enumerate(rng.sample(PLACES, 15)):
                    kind_c = "Phường" if c_index < 3 else "Xã"
                    name = f"{kind_c} {place}"
                    units.append(
                        AdministrativeUnit(
                            code=f"B{p_index:02d}{c_index:03d}",
                            generation=Generation.CURRENT,
                            level=Level.COMMUNE,
                            name=name,
                            short_name=place,
                            division_type=kind_c,
                            parent=prov,
                            valid_from=REFORM_DATE,
                            search_key=search_key(name),
                        )
                    )
                AdministrativeUnit.objects.bulk_create(units)
                created += len(units)
            log(
                f"geography: load_geography not available; created {created} synthetic communes in {len(PROVINCES)} provinces"
            )
        communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE)
    current = communes.filter(generation=Generation.CURRENT)
    chosen = current if current.exists() else communes
    return list(chosen.order_by("id").values_list("id", "name"))


# ---------------------------------------------------------------------------------------------------------
# Loading


def _table() -> str:
    from khuyencong.establishments.models import Establishment

    return Establishment._meta.db_table


def _sqlite_secondary(cursor: Any, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(indexes, triggers) on the table as (name, CREATE sql), from sqlite_master: exactly what migrate made."""
    cursor.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        [table],
    )
    found = cursor.fetchall()
    return [(n, s) for t, n, s in found if t == "index"], [(n, s) for t, n, s in found if t == "trigger"]


def load_sqlite(
    n: int, start: int, seed: int, communes: list[tuple[int, str]], used: set[str], strategy: str, log: Any
) -> dict[str, float]:
    from django.db import connection

    table = _table()
    fts = f"{table}_fts"
    connection.ensure_connection()
    raw = connection.connection
    timings: dict[str, float] = {}
    cur = raw.cursor()
    cur.execute("PRAGMA synchronous=OFF")
    cur.execute("PRAGMA cache_size=-1000000")  # 1 GB page cache while loading
    cur.execute("PRAGMA temp_store=MEMORY")
    indexes, triggers = _sqlite_secondary(cur, table)
    drop = strategy == "rebuild"
    if drop:
        raw.execute("BEGIN")
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for name, _sql in triggers:
            cur.execute(f'DROP TRIGGER "{name}"')
        raw.execute("COMMIT")
    sql = f'INSERT INTO "{table}" ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})'
    t0 = time.perf_counter()
    gen_time = 0.0
    done = 0
    it = rows(n, start, seed, communes, used)
    while done < n:
        g = time.perf_counter()
        batch = [next(it) for _ in range(min(BATCH, n - done))]
        gen_time += time.perf_counter() - g
        raw.execute("BEGIN")
        cur.executemany(sql, batch)
        raw.execute("COMMIT")
        done += len(batch)
        if done % 200_000 == 0 or done == n:
            log(f"  {start + done:>9,} rows  {time.perf_counter() - t0:6.1f}s")
    timings["rows generated in Python"] = gen_time
    timings["insert (incl. generation)"] = time.perf_counter() - t0
    t = time.perf_counter()
    mark_merged(cur, table, log)
    raw.commit()
    timings["mark 0.5% merged"] = time.perf_counter() - t
    if drop:
        t = time.perf_counter()
        raw.execute("BEGIN")
        for _name, create in indexes:
            cur.execute(create)
        raw.execute("COMMIT")
        timings["recreate B-tree indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        raw.execute("BEGIN")
        cur.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'rebuild\')')
        for _name, create in triggers:
            cur.execute(create)
        raw.execute("COMMIT")
        timings["FTS5 rebuild"] = time.perf_counter() - t
    t = time.perf_counter()
    cur.execute(f'INSERT INTO "{fts}"("{fts}") VALUES (\'optimize\')')
    timings["FTS5 optimize"] = time.perf_counter() - t
    t = time.perf_counter()
    cur.execute("ANALYZE")
    cur.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    timings["ANALYZE + checkpoint"] = time.perf_counter() - t
    cur.execute("PRAGMA synchronous=NORMAL")
    return timings


def _pg_secondary(cursor: Any, table: str) -> list[tuple[str, str]]:
    """Indexes that are not the primary key, as (name, CREATE INDEX ...) from pg_indexes."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND i.indexname NOT IN (
               SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u'))""",
        [table, table],
    )
    return list(cursor.fetchall())


def load_postgres(
    n: int, start: int, seed: int, communes: list[tuple[int, str]], used: set[str], strategy: str, log: Any
) -> dict[str, float]:
    from django.db import connection

    table = _table()
    timings: dict[str, float] = {}
    connection.ensure_connection()
    raw = connection.connection  # psycopg 3
    raw.autocommit = True
    with raw.cursor() as cur:
        indexes = _pg_secondary(cur, table) if strategy == "rebuild" else []
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET maintenance_work_mem = '512MB'")
        t0 = time.perf_counter()
        gen_time = 0.0
        done = 0
        it = rows(n, start, seed, communes, used)
        cols = ", ".join(COLUMNS)
        while done < n:
            g = time.perf_counter()
            batch = [next(it) for _ in range(min(BATCH, n - done))]
            gen_time += time.perf_counter() - g
            with raw.transaction(), cur.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                for row in batch:
                    copy.write_row(row)
            done += len(batch)
            if done % 200_000 == 0 or done == n:
                log(f"  {start + done:>9,} rows  {time.perf_counter() - t0:6.1f}s")
        timings["rows generated in Python"] = gen_time
        timings["COPY (incl. generation)"] = time.perf_counter() - t0
        t = time.perf_counter()
        mark_merged(cur, table, log)
        timings["mark 0.5% merged"] = time.perf_counter() - t
        t = time.perf_counter()
        for name, create in indexes:
            t1 = time.perf_counter()
            cur.execute(create)
            timings[f"CREATE INDEX {name}"] = time.perf_counter() - t1
        if indexes:
            timings["recreate indexes (total)"] = time.perf_counter() - t
        t = time.perf_counter()
        cur.execute(f'VACUUM (ANALYZE) "{table}"')
        timings["VACUUM ANALYZE"] = time.perf_counter() - t
    return timings


def mark_merged(cur: Any, table: str, log: Any) -> None:
    """0.5% of records merged into their predecessor: the selector's merged_into IS NULL filter has work to do."""
    cur.execute(
        f'UPDATE "{table}" SET merged_into_id = id - 1 WHERE id - (id / 200) * 200 = 0 AND merged_into_id IS NULL'
    )
    log(f"  marked {cur.rowcount:,} records as merged")


def count_rows() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(f'SELECT count(*) FROM "{_table()}"')
        return int(cur.fetchone()[0])


def reset(log: Any) -> None:
    from django.db import connection

    table = _table()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("UPDATE accounts_user SET establishment_id = NULL WHERE establishment_id IS NOT NULL")
            cur.execute(f'TRUNCATE "{table}" RESTART IDENTITY CASCADE')
        else:
            cur.execute("UPDATE accounts_user SET establishment_id = NULL WHERE establishment_id IS NOT NULL")
            cur.execute(f'UPDATE "{table}" SET merged_into_id = NULL')
            cur.execute(f'DELETE FROM "{table}"')
            cur.execute(f'INSERT INTO "{table}_fts"("{table}_fts") VALUES (\'rebuild\')')
            cur.execute("VACUUM")
    log("reset: establishments emptied")


def report_path() -> Any:
    """var/bench/<database>.generate.json: the timings of the run that filled this database."""
    from django.db import connection

    from bench import BENCH_VAR

    s = connection.settings_dict
    key = Path(s["NAME"]).name if connection.vendor == "sqlite" else f"pg-{s['NAME']}-{s.get('PORT') or ''}"
    return BENCH_VAR / f"{key}.generate.json"


def check_database(allow_any: bool) -> None:
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if not allow_any and "bench" not in name:
        sys.exit(f"refusing to fill {name!r}: its name does not contain 'bench' (use --allow-any-database)")


def ensure(
    n: int = DEFAULT_N,
    *,
    seed: int = DEFAULT_SEED,
    strategy: str = "rebuild",
    do_reset: bool = False,
    allow_any: bool = False,
    log: Any = print,
) -> dict[str, Any]:
    """Bring the configured database to n establishments; returns what was done and how long it took."""
    from django.core.management import call_command
    from django.db import connection

    check_database(allow_any)
    report: dict[str, Any] = {"vendor": connection.vendor, "n": n, "timings": {}}
    t_all = time.perf_counter()
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    report["timings"]["migrate"] = time.perf_counter() - t
    if do_reset:
        reset(log)
    existing = count_rows()
    if existing == n:
        log(f"{connection.vendor}: already {n:,} establishments, nothing to do")
        saved = report_path()
        if saved.exists() and json.loads(saved.read_text()).get("n") == n:
            report = json.loads(saved.read_text())  # how long it took when it was made
        report["skipped"] = True
        return report
    if existing > n:
        sys.exit(f"the database holds {existing:,} establishments, more than {n:,}: use --reset")
    t = time.perf_counter()
    communes = ensure_geography(log)
    report["timings"]["geography"] = time.perf_counter() - t
    report["communes"] = len(communes)
    from khuyencong.establishments.models import Establishment

    used = (
        set(Establishment.objects.exclude(tax_code="").values_list("tax_code", flat=True))
        if existing
        else set()
    )
    log(
        f"{connection.vendor}: generating {n - existing:,} establishments ({existing:,} present), strategy={strategy}"
    )
    loader = load_sqlite if connection.vendor == "sqlite" else load_postgres
    report["timings"].update(loader(n - existing, existing, seed, communes, used, strategy, log))
    report["timings"]["total"] = time.perf_counter() - t_all
    report["skipped"] = False
    report_path().write_text(json.dumps(report, indent=1))
    for label, seconds in report["timings"].items():
        log(f"  {label:<40} {seconds:8.1f} s")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=DEFAULT_N, help="establishments wanted (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--strategy",
        choices=["rebuild", "triggers"],
        default="rebuild",
        help="rebuild: drop indexes/triggers, bulk load, recreate (fast); triggers: load in place",
    )
    parser.add_argument("--reset", action="store_true", help="empty the establishments table first")
    parser.add_argument(
        "--allow-any-database",
        action="store_true",
        help="fill a database whose name does not contain 'bench'",
    )
    args = parser.parse_args(argv)
    setup_django()
    ensure(
        args.n, seed=args.seed, strategy=args.strategy, do_reset=args.reset, allow_any=args.allow_any_database
    )


if __name__ == "__main__":
    main()
