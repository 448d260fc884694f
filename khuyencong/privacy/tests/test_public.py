"""Personal numbers never reach what the public can fetch."""

from __future__ import annotations

from khuyencong.privacy.tests.conftest import (
    ADVICE_EMAIL,
    ADVICE_PHONE,
    ARTISAN_ID,
    ARTISAN_PHONE,
    COMMENT_EMAIL,
    TRAINEE_ID,
    TRAINEE_PHONE,
    logged,
)
from khuyencong.transparency.tests.privacy import assert_nothing_private

PUBLIC = [
    "/san-pham/",
    "/cong-khai/",
    "/cong-khai/tai-ve/de-an.csv",
    "/cong-khai/tai-ve/de-an.json",
    "/tin-tuc/",
]


def test_no_public_page_carries_a_personal_number(client, artisan, trainee, advice_request, comment):
    responses = [(url, client.get(url)) for url in PUBLIC]
    responses.append(("article", client.get(comment.article.get_absolute_url())))
    secrets = [
        ARTISAN_ID,
        ARTISAN_PHONE,
        TRAINEE_ID,
        TRAINEE_PHONE,
        ADVICE_EMAIL,
        ADVICE_PHONE,
        COMMENT_EMAIL,
    ]
    assert_nothing_private(secrets, responses)
    assert logged() == []


def test_a_visitor_reaches_no_list_or_api_that_holds_them(client, artisan, trainee):
    for url in ("/co-so/", "/nhap-du-lieu/hoc-vien/", "/nhat-ky-du-lieu-ca-nhan/"):
        assert client.get(url).status_code == 302  # to sign in
    assert client.get("/api/v1/establishments").status_code == 401
    assert client.get("/api/v1/imports/trainees/roster").status_code == 401
