"""The products cast: a household business with personal data, products in three communes, and a
provincial round with three council members."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from khuyencong.establishments.models import Establishment
from khuyencong.products import services
from khuyencong.products.choices import MemberPosition, ProductGroup, RecognitionLevel, RoundStatus

# Personal data of the household behind a business: none of it may appear on a public page.
OWNER = "Nông Thị Bích Hạnh"
OWNER_PHONE = "0987654321"
OWNER_ID = "020185000123"  # a 12-digit personal identification number used as tax code
OWNER_ADDRESS = "Thôn Nà Pàn, nhà số 17"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.KHUYENCONG_PUBLIC_BASE_URL = ""


@pytest.fixture
def household(geo):
    est = Establishment(
        name="Hộ kinh doanh bánh khảo Bích Hạnh",
        legal_form="household_business",
        tax_code=OWNER_ID,
        representative=OWNER,
        phone=OWNER_PHONE,
        address=OWNER_ADDRESS,
        commune=geo.ba_son,
        sector="food_processing",
        workers=4,
        women_workers=3,
    )
    est.full_clean()
    est.save()
    return est


def make_product(officer, producer, name, group=ProductGroup.PROCESSED_FOOD, commune=None, **extra):
    data = {"name": name, "group": group, "producer": producer, "commune": commune, **extra}
    return services.product_create(actor=officer, data=data)


def recognise(officer, product, level=RecognitionLevel.PROVINCE, year=2024, decided_on=None, **extra):
    return services.recognition_add(
        actor=officer,
        product=product,
        level=level,
        year=year,
        decided_on=decided_on or dt.date(year, 10, 1),
        **extra,
    )


@pytest.fixture
def banh_khao(officer, household):
    """Bánh khảo of the household business in Ba Sơn, recognised at province level in 2024."""
    product = make_product(
        officer, household, "Bánh khảo nếp cái hoa vàng", description="Bánh khảo truyền thống."
    )
    recognise(officer, product, RecognitionLevel.PROVINCE, 2024)
    return product


@pytest.fixture
def ong_nhua(officer, hung_long, geo):
    """Hưng Long's pipes in Tam Thanh, recognised at region level in 2023 (machinery group)."""
    product = make_product(officer, hung_long, "Ống nhựa HDPE Hưng Long", ProductGroup.MACHINERY)
    recognise(officer, product, RecognitionLevel.REGION, 2023)
    return product


@pytest.fixture
def old_commune_product(officer, hung_long, geo):
    """A product recorded in the old Phường Vĩnh Trại (now split into Lương Văn Tri and Tam Thanh)."""
    product = make_product(
        officer, hung_long, "Giỏ mây Vĩnh Trại", ProductGroup.HANDICRAFTS, commune=geo.old_vinh_trai
    )
    recognise(officer, product, RecognitionLevel.DISTRICT, 2019, dt.date(2019, 8, 1))
    return product


@pytest.fixture
def unrecognised(officer, hung_long):
    return make_product(officer, hung_long, "Tấm nhựa chưa công nhận", ProductGroup.OTHER)


@pytest.fixture
def judges(council_member):
    from khuyencong.accounts.models import User

    def member(username, first, last):
        return User.objects.create_user(
            username=username, password="x", role="council_member", first_name=first, last_name=last
        )

    return [council_member, member("binhchon2", "Hà Thị", "Thu"), member("binhchon3", "Nông Văn", "Bình")]


@pytest.fixture
def selection_round(officer, judges):
    """Provincial round 2025 (held 15/10/2025), pass mark 70, three members, still being prepared."""
    r = services.round_create(
        actor=officer,
        data={
            "name": "Bình chọn cấp tỉnh 2025",
            "year": 2025,
            "level": RecognitionLevel.PROVINCE,
            "held_on": dt.date(2025, 10, 15),
        },
    )
    for i, user in enumerate(judges):
        services.member_add(
            actor=officer,
            selection_round=r,
            user=user,
            position=MemberPosition.CHAIR if i == 0 else MemberPosition.MEMBER,
        )
    return r


@pytest.fixture
def entry(officer, selection_round, unrecognised):
    return services.entry_add(
        actor=officer, selection_round=selection_round, product=unrecognised, description="Thuyết minh."
    )


@pytest.fixture
def scoring(officer, selection_round, entry):
    return services.round_transition(actor=officer, selection_round=selection_round, to=RoundStatus.SCORING)


def sheet(total: int) -> dict[str, int]:
    """Points adding up to `total` (0..100), within each criterion's maximum."""
    market = min(40, total)
    economic = min(40, total - market)
    culture = min(10, total - market - economic)
    return {
        "market": market,
        "economic": economic,
        "culture": culture,
        "other": total - market - economic - culture,
    }


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name="anh.png", data=None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data if data is not None else png_bytes(), content_type="image/png")
