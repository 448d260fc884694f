"""Acceptance photos on the public page: only while the policy allows, and without the file's metadata."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from khuyencong.projects import services as project_services
from khuyencong.projects.choices import Status
from khuyencong.projects.tests.helpers import accept, walk
from khuyencong.transparency import services
from khuyencong.transparency.tests.conftest import make_project

GPS_IFD = 0x8825
ARTIST = 0x013B


def camera_photo() -> bytes:
    """A JPEG as a phone writes it: with the photographer's name and a GPS position in its EXIF."""
    image = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[ARTIST] = "Nguyen Thi Bich Hang"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (21.0, 51.0, 13.0), 3: "E", 4: (106.0, 45.0, 41.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def photographed(settings, tmp_path, officer, leader, placed, hung_long):
    settings.MEDIA_ROOT = tmp_path
    project = make_project(officer, code="KCĐP-2024-020", unit=placed.tam_thanh, beneficiaries=[hung_long])
    walk(project, Status.IN_PROGRESS, officer=officer, leader=leader)
    project_services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    upload = SimpleUploadedFile("nha-ba-hang-so-12.jpg", camera_photo(), content_type="image/jpeg")
    accept(project, officer, results={"jobs_created": 31, "models": 1}, photos=[upload])
    project.refresh_from_db()
    return project


def photo_urls(html: str) -> list[str]:
    return [part.split('"')[0] for part in html.split('<img src="')[1:]]


def test_the_page_shows_the_photo_without_its_file_name_or_metadata(client, photographed):
    assert Image.open(io.BytesIO(camera_photo())).getexif()[ARTIST]  # the original carries them
    html = client.get(f"/cong-khai/{photographed.code_key}/").content.decode()
    (url,) = photo_urls(html)
    assert "nha-ba-hang" not in html
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    served = Image.open(io.BytesIO(response.content))
    assert served.size == (64, 48)
    assert not served.getexif()
    assert b"Nguyen Thi Bich Hang" not in response.content


def test_photos_made_private_leave_the_page_and_their_address_is_404(client, photographed, administrator):
    html = client.get(f"/cong-khai/{photographed.code_key}/").content.decode()
    (url,) = photo_urls(html)
    services.policy_set(field="photos", public=False, actor=administrator)
    assert not photo_urls(client.get(f"/cong-khai/{photographed.code_key}/").content.decode())
    assert client.get(url).status_code == 404


def test_a_photo_of_a_project_that_is_not_public_is_404(client, photographed, draft):
    document = photographed.documents.get()
    assert client.get(f"/cong-khai/{draft.code_key}/anh/{document.pk}.jpg").status_code == 404
    from khuyencong.projects.models import Project

    Project.objects.filter(pk=photographed.pk).update(status=Status.DRAFT)
    assert client.get(f"/cong-khai/{photographed.code_key}/anh/{document.pk}.jpg").status_code == 404
