"""The public side: asking, the private link, and bad input."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.models import AdviceRequest, token_digest
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction

pytestmark = pytest.mark.django_db

ASK = reverse("advice:ask")
CONTACT = ("Hoàng Thị Lan", "lan.htx@example.vn", "0912345678", "0912 345 678")


def _form(**extra: str) -> dict[str, str]:
    data = {
        "business_name": "HTX Mây tre đan Ba Sơn",
        "topic": "technology",
        "question": "Chúng tôi muốn mua máy chẻ nan; Trung tâm hỗ trợ được bao nhiêu?",
        "contact_name": "Hoàng Thị Lan",
        "email": "lan.htx@example.vn",
        "phone": "0912 345 678",
        "website": "",
    }
    data.update(extra)
    return data


def test_a_business_asks_and_gets_a_private_link(client):
    response = client.post(ASK, _form())
    assert response.status_code == 302
    track_url = response["Location"]
    assert track_url.startswith("/tu-van/theo-doi/")
    token = track_url.rstrip("/").rsplit("/", 1)[1]
    assert len(token) >= 32
    advice = AdviceRequest.objects.get()
    assert advice.status == RequestStatus.NEW
    assert advice.phone == "0912345678"
    assert advice.token_digest == token_digest(token)
    # The token itself is stored nowhere: only its digest.
    assert token not in str(AdviceRequest.objects.values().get())
    entry = history(advice).get()
    assert entry.action == AuditAction.CREATE and entry.actor is None
    assert "token_digest" not in entry.changes

    page = client.get(track_url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Trung tâm đã nhận câu hỏi" in html
    assert "máy chẻ nan" in html
    assert str(RequestStatus.NEW.label) in html
    assert f"http://testserver{track_url}" in html
    for private in (*CONTACT, "HTX Mây tre đan Ba Sơn"):
        assert private not in html
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]
    assert "noindex" in page["X-Robots-Tag"]


@pytest.mark.parametrize(
    "token",
    ["x", "A" * 32, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef", "a" * 101],
)
def test_a_wrong_token_is_404(client, advice, token):
    assert client.get(reverse("advice:track", args=[token])).status_code == 404


def test_a_token_that_differs_by_one_character_is_404(client, submit):
    _advice, token = submit()
    other = ("B" if token[0] != "B" else "C") + token[1:]
    assert client.get(reverse("advice:track", args=[token])).status_code == 200
    assert client.get(reverse("advice:track", args=[other])).status_code == 404
    assert (
        client.get(
            reverse("advice:track", args=[token.upper() if token.upper() != token else token.lower()])
        ).status_code
        == 404
    )


def test_email_or_phone_is_enough_but_one_is_needed(client):
    assert client.post(ASK, _form(phone="")).status_code == 302
    assert client.post(ASK, _form(email="")).status_code == 302
    neither = client.post(ASK, _form(email="", phone=""))
    assert neither.status_code == 400
    assert "thư điện tử hoặc số điện thoại" in neither.content.decode()
    assert AdviceRequest.objects.count() == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12345", "Điện thoại: số phải có 10–11 chữ số"),
        ("phone", "09123456789012", "Điện thoại: số phải có 10–11 chữ số"),
        ("email", "khong-phai-email", "Thư điện tử: địa chỉ không hợp lệ"),
        ("topic", "khong-co", "Lĩnh vực: hãy chọn một lĩnh vực trong danh sách."),
        ("question", "", "Nội dung cần tư vấn: bắt buộc."),
        ("question", "x" * 4001, "Nội dung cần tư vấn: tối đa 4000 ký tự (bạn đã viết 4001)."),
        ("business_name", "x" * 201, "Tên cơ sở, doanh nghiệp: tối đa 200 ký tự"),
        ("contact_name", "   ", "Người liên hệ: bắt buộc."),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_field(client, field, value, message):
    response = client.post(ASK, _form(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AdviceRequest.objects.exists()


def test_an_oversized_post_is_refused_before_it_is_read(client, settings):
    settings.ADVICE_MAX_BODY_BYTES = 10_000
    response = client.post(ASK, _form(question="x" * 20_000))
    assert response.status_code == 413
    assert "Nội dung gửi quá lớn (tối đa 9 KB)" in response.content.decode()
    assert not AdviceRequest.objects.exists()


def test_html_in_a_question_is_shown_as_text(client, officer):
    question = '<script>alert("x")</script><b>Máy</b> <img src=x onerror=alert(1)>'
    track_url = client.post(ASK, _form(question=question))["Location"]
    advice = AdviceRequest.objects.get()
    assert advice.question == question  # kept as typed
    for html in (
        client.get(track_url).content.decode(),
        _staff(officer).get(advice.get_absolute_url()).content.decode(),
        _staff(officer).get(reverse("advice:inbox")).content.decode(),
    ):
        assert "<script>alert" not in html
        assert "<img src=x" not in html
        assert "<b>Máy" not in html
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Máy&lt;/b&gt;"
        in client.get(track_url).content.decode()
    )


def _staff(user) -> Client:
    staff = Client()
    staff.force_login(user)
    return staff


def test_the_honeypot_drops_bots_silently(client):
    response = client.post(ASK, _form(website="http://spam.example"))
    assert response.status_code == 302
    assert not AdviceRequest.objects.exists()


def test_requests_are_rate_limited_per_address(client, settings):
    settings.ADVICE_REQUEST_RATE = (2, 3600)
    assert client.post(ASK, _form()).status_code == 302
    assert client.post(ASK, _form()).status_code == 302
    third = client.post(ASK, _form())
    assert third.status_code == 429
    assert "quá nhiều yêu cầu" in third.content.decode()
    assert AdviceRequest.objects.count() == 2
    assert Client(REMOTE_ADDR="10.0.0.7").post(ASK, _form()).status_code == 302


def test_contact_data_never_appears_on_a_public_page(client, submit, officer):
    from khuyencong.advice import services

    advice, token = submit()
    services.request_answer(actor=officer, request=advice, answer="Mức hỗ trợ tối đa 50% chi phí máy.")
    pages = [
        client.get(ASK).content.decode(),
        client.get(reverse("advice:track", args=[token])).content.decode(),
        client.get(reverse("portal:list")).content.decode(),
    ]
    assert "Mức hỗ trợ tối đa 50% chi phí máy." in pages[1]
    for html in pages:
        for private in (*CONTACT, "HTX Mây tre đan Ba Sơn"):
            assert private not in html
    # An anonymous reader cannot reach the inbox or a request's staff page.
    assert client.get(reverse("advice:inbox")).status_code == 302
    assert client.get(advice.get_absolute_url()).status_code == 302


def test_the_form_is_offered_in_english_too(client):
    client.cookies["django_language"] = "en"
    html = client.get(ASK).content.decode()
    assert '<html lang="en">' in html
