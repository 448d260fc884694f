from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from khuyencong.results.tests.conftest import indicator_catalogue, make_project  # noqa: F401

ARTISAN_ID = "020123456789"
ARTISAN_PHONE = "0987654321"
HOUSEHOLD_ID = "020198765432"
TRAINEE_ID = "020190012345"  # a woman (digit 4: 1) born in 1990
TRAINEE_PHONE = "0977111222"
ADVICE_EMAIL = "lan.nguyen@example.com"
ADVICE_PHONE = "0912000111"
COMMENT_EMAIL = "ban.doc@example.com"


def _establishment(**fields: Any) -> Any:
    from khuyencong.establishments.models import Establishment

    est = Establishment(sector="food_processing", workers=3, **fields)
    est.full_clean()
    est.save()
    return est


@pytest.fixture
def artisan(geo):
    """A person's record in Tam Thanh (the commune officer's scope): their ID number is the tax code."""
    return _establishment(
        name="Nghệ nhân Hoàng Văn An",
        legal_form="artisan",
        tax_code=ARTISAN_ID,
        phone=ARTISAN_PHONE,
        commune=geo.tam_thanh,
    )


@pytest.fixture
def household(geo):
    return _establishment(
        name="Hộ kinh doanh Lò Thị Bình",
        legal_form="household_business",
        tax_code=HOUSEHOLD_ID,
        commune=geo.tam_thanh,
    )


@pytest.fixture
def artisan_rep(artisan):
    from khuyencong.accounts.models import User

    return User.objects.create_user(username="nghenhan", password="x", role="business", establishment=artisan)


@pytest.fixture
def course(make_project):  # noqa: F811
    return make_project(category="training")


@pytest.fixture
def trainee(course, officer, geo):
    from khuyencong.imports import services

    return services.trainee_create(
        actor=officer,
        data={
            "project": course,
            "full_name": "Hoàng Thị Mến",
            "sex": "female",
            "ethnicity": "Tày",
            "birth_year": 1990,
            "commune": geo.tam_thanh,
            "id_number": TRAINEE_ID,
            "phone": TRAINEE_PHONE,
        },
    )


@pytest.fixture
def advice_request(db):
    from khuyencong.advice import services

    request, _token = services.request_submit(
        business_name="Hợp tác xã Mây tre Na Sầm",
        topic="technology",
        question="Xin tư vấn máy chẻ tre.",
        contact_name="Nguyễn Thị Lan",
        email=ADVICE_EMAIL,
        phone=ADVICE_PHONE,
    )
    return request


@pytest.fixture
def comment(officer):
    from khuyencong.portal import services
    from khuyencong.portal.models import Comment
    from khuyencong.portal.text import DISPLAY_ZONE

    article = services.article_save(
        actor=officer,
        data={
            "title": "Hỗ trợ máy móc",
            "summary": "Tóm tắt",
            "body": "Nội dung.",
            "published_at": dt.datetime(2024, 3, 5, 9, 15, tzinfo=DISPLAY_ZONE),
        },
    )
    return Comment.objects.create(article=article, name="Bạn đọc", email=COMMENT_EMAIL, text="Hay quá.")


def logged() -> list[tuple[str, int | None, str, str, int]]:
    """(model, object id, fields, route, record count) of every log row, oldest first."""
    from khuyencong.privacy.models import PersonalDataAccess

    return [
        (row.content_type.model, row.object_id, row.fields, row.route, row.record_count)
        for row in PersonalDataAccess.objects.select_related("content_type").order_by("id")
    ]
