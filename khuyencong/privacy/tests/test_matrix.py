"""Every page, download and API answer carrying personal data, as every role: masked or in full as the
policy declares, and a log row exactly when something was served in full (its record, fields, count)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from khuyencong.privacy.models import PersonalDataAccess
from khuyencong.privacy.tests.conftest import (
    ADVICE_EMAIL,
    ADVICE_PHONE,
    ARTISAN_ID,
    ARTISAN_PHONE,
    COMMENT_EMAIL,
    HOUSEHOLD_ID,
    TRAINEE_ID,
    TRAINEE_PHONE,
    logged,
)
from khuyencong.transparency.tests.privacy import body_of

ARTISAN_ID_MASKED = "020******789"
ARTISAN_PHONE_MASKED = "098****321"
TRAINEE_ID_MASKED = "020******345"
TRAINEE_PHONE_MASKED = "097****222"

# Who reads an establishment in Tam Thanh in full (True), masked (False); the rest do not reach it.
ESTABLISHMENT_READERS = [
    ("administrator", True),
    ("officer", True),
    ("commune_officer", True),
    ("leader", False),
]


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body_of(response).lstrip("\ufeff"))))


def _xlsx(response) -> list[tuple]:
    content = b"".join(response.streaming_content)
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# --- establishments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "full"), ESTABLISHMENT_READERS)
def test_the_establishment_page_shows_the_numbers_as_the_role_may_and_logs_what_it_showed(
    client, request, artisan, who, full
):
    client.force_login(request.getfixturevalue(who))
    html = client.get(artisan.get_absolute_url()).content.decode()
    assert (ARTISAN_ID in html, ARTISAN_PHONE in html) == (full, full)
    assert (ARTISAN_ID_MASKED in html, ARTISAN_PHONE_MASKED in html) == (not full, not full)
    assert logged() == ([("establishment", artisan.pk, "tax_code,phone", "page", 1)] if full else [])


def test_a_representative_reads_their_own_record_in_full_and_it_is_logged(client, artisan, artisan_rep):
    client.force_login(artisan_rep)
    html = client.get(artisan.get_absolute_url()).content.decode()
    assert ARTISAN_ID in html and ARTISAN_PHONE in html
    detail = client.get(f"/api/v1/establishments/{artisan.pk}").json()
    assert (detail["tax_code"], detail["phone"]) == (ARTISAN_ID, ARTISAN_PHONE)
    assert logged() == [
        ("establishment", artisan.pk, "tax_code,phone", "page", 1),
        ("establishment", artisan.pk, "tax_code,phone", "api", 1),
    ]


def test_a_representative_of_another_record_and_a_council_member_do_not_reach_it(
    client, artisan, business_rep, council_member, outsider
):
    for user in (business_rep, council_member, outsider):
        client.force_login(user)
        assert client.get(artisan.get_absolute_url()).status_code == 404
        assert client.get(f"/api/v1/establishments/{artisan.pk}").status_code == 404
    assert logged() == []


@pytest.mark.parametrize(("who", "full"), ESTABLISHMENT_READERS)
def test_the_registry_list_and_its_downloads_mask_or_show_and_log_one_row_per_file(
    client, request, artisan, household, hung_long, who, full
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("establishments:list")
    html = client.get(url).content.decode()
    assert (ARTISAN_ID in html, HOUSEHOLD_ID in html) == (full, full)
    assert ARTISAN_ID_MASKED in html or full
    assert "0100109106" in html  # a company's tax code is not personal: shown to everyone
    page_rows = sorted(logged())
    assert page_rows == (
        sorted(
            [
                ("establishment", artisan.pk, "tax_code", "page", 1),
                ("establishment", household.pk, "tax_code", "page", 1),
            ]
        )
        if full
        else []
    )
    PersonalDataAccess.objects.all().delete()

    table = _csv(client.get(url, {"format": "csv", "q": "nghe nhan"}))
    assert [row[2] for row in table[1:]] == [ARTISAN_ID if full else ARTISAN_ID_MASKED]
    sheet = _xlsx(client.get(url, {"format": "xlsx"}))
    codes = {row[2] for row in sheet[1:]}
    assert codes == (
        {ARTISAN_ID, HOUSEHOLD_ID, "0100109106"}
        if full
        else {ARTISAN_ID_MASKED, "020******432", "0100109106"}
    )
    assert logged() == (
        [
            ("establishment", None, "tax_code", "export", 1),
            ("establishment", None, "tax_code", "export", 2),
        ]
        if full
        else []
    )
    if full:
        paths = list(PersonalDataAccess.objects.order_by("id").values_list("path", flat=True))
        assert paths == [f"{url}?format=csv&q=nghe+nhan", f"{url}?format=xlsx"]


def test_the_old_csv_address_logs_as_a_download(client, officer, artisan):
    client.force_login(officer)
    table = _csv(client.get(reverse("establishments:export")))
    assert table[1][2] == ARTISAN_ID
    assert logged() == [("establishment", None, "tax_code", "export", 1)]


@pytest.mark.parametrize(("who", "full"), ESTABLISHMENT_READERS)
def test_the_registry_api_masks_or_shows_and_logs_each_record_served(
    client, request, artisan, household, who, full
):
    client.force_login(request.getfixturevalue(who))
    items = client.get("/api/v1/establishments").json()["items"]
    assert {i["tax_code"] for i in items} == (
        {ARTISAN_ID, HOUSEHOLD_ID} if full else {ARTISAN_ID_MASKED, "020******432"}
    )
    detail = client.get(f"/api/v1/establishments/{artisan.pk}").json()
    assert (detail["tax_code"], detail["phone"]) == (
        (ARTISAN_ID, ARTISAN_PHONE) if full else (ARTISAN_ID_MASKED, ARTISAN_PHONE_MASKED)
    )
    expected = [
        ("establishment", household.pk, "tax_code", "api", 1),
        ("establishment", artisan.pk, "tax_code", "api", 1),
        ("establishment", artisan.pk, "tax_code,phone", "api", 1),
    ]
    assert sorted(logged()) == (sorted(expected) if full else [])


def test_the_edit_form_holds_the_numbers_in_full_and_logs_it(client, officer, artisan):
    client.force_login(officer)
    html = client.get(reverse("establishments:edit", args=[artisan.pk])).content.decode()
    assert ARTISAN_ID in html and ARTISAN_PHONE in html
    assert logged() == [("establishment", artisan.pk, "tax_code,phone", "page", 1)]


def test_the_history_of_a_record_masks_old_and_new_numbers_for_a_leader(client, officer, leader, artisan):
    from khuyencong.establishments import services

    services.establishment_update(establishment=artisan, actor=officer, data={"phone": "0911222333"})
    client.force_login(leader)
    html = client.get(artisan.get_absolute_url()).content.decode()
    assert ARTISAN_PHONE not in html and "0911222333" not in html
    assert ARTISAN_PHONE_MASKED in html and "091****333" in html
    history = client.get(f"/api/v1/establishments/{artisan.pk}/history").json()["items"]
    assert history[0]["changes"]["phone"] == {
        "label": "điện thoại",
        "before": ARTISAN_PHONE_MASKED,
        "after": "091****333",
    }
    assert logged() == []
    client.force_login(officer)
    history = client.get(f"/api/v1/establishments/{artisan.pk}/history").json()["items"]
    assert history[0]["changes"]["phone"]["before"] == ARTISAN_PHONE
    assert logged() == [("establishment", artisan.pk, "phone", "api", 1)]


def test_listing_logs_in_one_insert_whatever_the_number_of_rows(client, officer, geo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from khuyencong.establishments.models import Establishment

    client.force_login(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("establishments:list")).status_code == 200
        return len(captured)

    Establishment.objects.create(
        name="Hộ 0", legal_form="household_business", tax_code="020100000000", commune=geo.tam_thanh
    )
    few = queries()
    for n in range(1, 12):
        Establishment.objects.create(
            name=f"Hộ {n}",
            legal_form="household_business",
            tax_code=f"0201000000{n:02d}",
            commune=geo.tam_thanh,
        )
    assert queries() == few
    assert PersonalDataAccess.objects.filter(route="page").count() == 1 + 12


# --- advice requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "full"), [("administrator", True), ("officer", True), ("leader", False)])
def test_an_advice_request_shows_its_contact_to_the_centre_only(client, request, advice_request, who, full):
    client.force_login(request.getfixturevalue(who))
    html = client.get(advice_request.get_absolute_url()).content.decode()
    assert (ADVICE_EMAIL in html, ADVICE_PHONE in html) == (full, full)
    assert ("l***@example.com" in html, "091****111" in html) == (not full, not full)
    assert ("mailto:" in html) == full
    assert logged() == ([("advicerequest", advice_request.pk, "email,phone", "page", 1)] if full else [])


@pytest.mark.parametrize("who", ["commune_officer", "council_member", "business_rep"])
def test_an_advice_request_is_not_for_other_roles(client, request, advice_request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(advice_request.get_absolute_url()).status_code == 404
    assert logged() == []


# --- trainees ----------------------------------------------------------------------------------------

TRAINEE_READERS = [
    ("administrator", True),
    ("officer", True),
    ("leader", False),
    ("commune_officer", False),
]


@pytest.mark.parametrize(("who", "full"), TRAINEE_READERS)
def test_a_course_roster_shows_id_numbers_to_the_centre_and_masks_them_for_others(
    client, request, trainee, who, full
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("imports:trainees")
    html = client.get(url, {"project": trainee.project.code}).content.decode()
    assert "Hoàng Thị Mến" in html
    assert (TRAINEE_ID in html, TRAINEE_PHONE in html) == (full, full)
    assert (TRAINEE_ID_MASKED in html, TRAINEE_PHONE_MASKED in html) == (not full, not full)
    table = _csv(client.get(url, {"format": "csv"}))
    assert table[1][6:8] == (
        [TRAINEE_ID, TRAINEE_PHONE] if full else [TRAINEE_ID_MASKED, TRAINEE_PHONE_MASKED]
    )
    sheet = _xlsx(client.get(url, {"format": "xlsx"}))
    assert list(sheet[1][6:8]) == table[1][6:8]
    items = client.get("/api/v1/imports/trainees/roster", {"project": trainee.project.code}).json()["items"]
    assert (items[0]["id_number"], items[0]["phone"]) == tuple(table[1][6:8])
    assert logged() == (
        [
            ("trainee", trainee.pk, "id_number,phone", "page", 1),
            ("trainee", None, "id_number,phone", "export", 1),
            ("trainee", None, "id_number,phone", "export", 1),
            ("trainee", trainee.pk, "id_number,phone", "api", 1),
        ]
        if full
        else []
    )


def test_a_roster_is_empty_for_those_who_do_not_see_the_course(client, trainee, council_member, outsider):
    for user in (council_member, outsider):
        client.force_login(user)
        assert "Hoàng Thị Mến" not in client.get(reverse("imports:trainees")).content.decode()
        assert client.get("/api/v1/imports/trainees/roster").json()["count"] == 0
    assert logged() == []


def test_a_trainee_without_numbers_is_served_without_a_log_row(client, officer, trainee):
    type(trainee).objects.filter(pk=trainee.pk).update(id_number="", phone="")
    client.force_login(officer)
    assert client.get(reverse("imports:trainees")).status_code == 200
    assert _csv(client.get(reverse("imports:trainees"), {"format": "csv"}))[1][6:8] == ["", ""]
    assert logged() == []


# --- comments awaiting moderation --------------------------------------------------------------------


def test_moderators_read_a_readers_email_and_it_is_logged(client, officer, comment):
    client.force_login(officer)
    assert COMMENT_EMAIL in client.get(reverse("portal:moderation")).content.decode()
    table = _csv(client.get(reverse("portal:moderation"), {"format": "csv"}))
    assert table[1][3] == COMMENT_EMAIL
    assert logged() == [
        ("comment", comment.pk, "email", "page", 1),
        ("comment", None, "email", "export", 1),
    ]


@pytest.mark.parametrize("who", ["leader", "commune_officer", "council_member"])
def test_others_do_not_moderate(client, request, comment, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("portal:moderation")).status_code == 403
    assert logged() == []
