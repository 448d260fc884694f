"""QR labels that open the product page, and the photos and certificates a product carries."""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from khuyencong.products import qr, services
from khuyencong.products.models import ProductPhoto
from khuyencong.products.tests.conftest import png_bytes, png_upload

pytestmark = pytest.mark.django_db


def decode(png: bytes) -> str:
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(results) == 1
    return results[0].text


def test_the_qr_png_decodes_to_the_product_page_which_opens(client, banh_khao):
    response = client.get(reverse("products:qr_png", args=[banh_khao.slug]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == f'attachment; filename="ma-qr-{banh_khao.slug}.png"'
    link = decode(response.content)
    assert link == f"http://testserver/san-pham/{banh_khao.slug}/"
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert "Bánh khảo nếp cái hoa vàng" in page.content.decode()


def test_the_qr_uses_the_public_base_url_when_set(client, settings, banh_khao):
    settings.KHUYENCONG_PUBLIC_BASE_URL = "https://khuyencong.example.vn"
    link = decode(client.get(reverse("products:qr_png", args=[banh_khao.slug])).content)
    assert link == f"https://khuyencong.example.vn/san-pham/{banh_khao.slug}/"
    svg = client.get(reverse("products:qr_svg", args=[banh_khao.slug]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")
    assert link.encode() in svg.content  # its title, read out by screen readers


def test_the_svg_and_png_encode_the_same_link(rf, banh_khao):
    url = qr.product_public_url(banh_khao, rf.get("/"))
    assert decode(qr.qr_png(url)) == url
    assert b"<path" in qr.qr_svg(url)


def test_a_product_not_yet_recognised_has_no_public_qr(client, unrecognised):
    assert client.get(reverse("products:qr_png", args=[unrecognised.slug])).status_code == 404


def test_the_base_url_setting_is_checked():
    from django.core.exceptions import ImproperlyConfigured

    from khuyencong.env import env_base_url

    assert env_base_url("X", environ={"X": "https://a.vn/"}) == "https://a.vn"
    assert env_base_url("X", environ={}) == ""
    for bad in ("a.vn", "ftp://a.vn", "https://a.vn/?x=1"):
        with pytest.raises(ImproperlyConfigured, match="X"):
            env_base_url("X", environ={"X": bad})


# --- photos -----------------------------------------------------------------------------------------


def test_a_photo_is_stored_under_media_by_its_hash_and_served_through_the_view(
    client, settings, officer, banh_khao
):
    data = png_bytes()
    photo = services.photo_add(
        actor=officer, product=banh_khao, upload=png_upload(data=data), caption="Hộp bánh"
    )
    assert photo.image.name == f"products/{banh_khao.pk}/{photo.sha256}.png"
    assert (settings.MEDIA_ROOT / photo.image.name).read_bytes() == data
    served = client.get(photo.get_absolute_url())
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("anh.exe", b"MZ\x90\x00" + b"\x00" * 60, "không thuộc loại được phép; chỉ nhận: JPEG, JPG, PNG"),
        ("anh.png", b"MZ\x90\x00" + b"\x00" * 60, "có đuôi .png nhưng nội dung không phải tệp PNG"),
        ("anh.jpg", None, "có đuôi .jpg nhưng nội dung không phải tệp JPEG"),  # a PNG renamed .jpg
        ("anh.pdf", b"%PDF-1.4\n", "không thuộc loại được phép"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "không đọc được như một ảnh"),
        ("anh.png", b"", "rỗng"),
    ],
)
def test_a_bad_photo_is_refused_naming_the_field_and_nothing_is_stored(
    officer, settings, banh_khao, name, data, message
):
    upload = SimpleUploadedFile(name, png_bytes() if data is None else data)
    with pytest.raises(ValidationError) as caught:
        services.photo_add(actor=officer, product=banh_khao, upload=upload)
    assert message in " ".join(caught.value.message_dict["image"])
    assert "Ảnh sản phẩm (image)" in " ".join(caught.value.message_dict["image"])
    assert not ProductPhoto.objects.exists()
    assert not (settings.MEDIA_ROOT / "products").exists() or not any(
        (settings.MEDIA_ROOT / "products").rglob("*.*")
    )


def test_a_photo_above_the_size_limit_is_refused(officer, settings, banh_khao):
    settings.KHUYENCONG_MAX_UPLOAD_MB = 1
    noisy = Image.frombytes("RGB", (800, 800), bytes(range(256)) * (800 * 800 * 3 // 256))
    out = io.BytesIO()
    noisy.save(out, format="PNG", compress_level=0)
    assert len(out.getvalue()) > 1024 * 1024
    with pytest.raises(ValidationError, match="quá lớn"):
        services.photo_add(actor=officer, product=banh_khao, upload=png_upload(data=out.getvalue()))


def test_the_upload_page_refuses_a_bad_type_with_its_message(client, officer, banh_khao):
    client.force_login(officer)
    response = client.post(
        reverse("products:photo_add", args=[banh_khao.pk]),
        {"image": SimpleUploadedFile("virus.png", b"MZ" + b"\x00" * 100), "caption": ""},
    )
    assert response.status_code == 400
    assert "nội dung không phải tệp PNG" in response.content.decode()
    assert not ProductPhoto.objects.exists()


def test_the_same_photo_twice_is_refused(officer, banh_khao):
    services.photo_add(actor=officer, product=banh_khao, upload=png_upload())
    with pytest.raises(ValidationError, match="đã có"):
        services.photo_add(actor=officer, product=banh_khao, upload=png_upload())


def test_a_photo_of_an_unrecognised_product_is_not_public(client, officer, unrecognised):
    photo = services.photo_add(actor=officer, product=unrecognised, upload=png_upload())
    assert client.get(photo.get_absolute_url()).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("products:staff_photo", args=[unrecognised.pk, photo.pk])).status_code == 200


def test_the_certificate_file_is_for_staff_only(client, officer, banh_khao):
    recognition = banh_khao.recognitions.get()
    pdf = SimpleUploadedFile("gcn.pdf", b"%PDF-1.4\n% chung nhan\n")
    services.certificate_update(
        actor=officer,
        recognition=recognition,
        certificate=services.CertificateData(number="12/GCN", date=dt.date(2024, 11, 2)),
        certificate_file=pdf,
    )
    url = reverse("products:certificate_file", args=[recognition.pk])
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.logout()
    page = client.get(banh_khao.get_absolute_url()).content.decode()
    assert "12/GCN" in page and "02/11/2024" in page
    assert url not in page


def test_a_renamed_executable_is_refused_as_a_certificate(officer, banh_khao):
    with pytest.raises(ValidationError, match="Tệp giấy chứng nhận \\(certificate_file\\)"):
        services.certificate_update(
            actor=officer,
            recognition=banh_khao.recognitions.get(),
            certificate=services.CertificateData(number="1"),
            certificate_file=SimpleUploadedFile("gcn.pdf", b"MZ" + b"\x00" * 50),
        )
    assert banh_khao.recognitions.get().certificate_number == ""
