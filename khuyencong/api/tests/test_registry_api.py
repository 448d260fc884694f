"""The registry through the API: the web form's checks, the registry's scope, and nothing half-saved."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.core.models import AuditEntry
from khuyencong.establishments.models import Establishment


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json")


def _new(geo, **extra):
    return {
        "name": "Hợp tác xã mây tre đan Tam Thanh",
        "legal_form": "cooperative",
        "tax_code": "",
        "commune": geo.tam_thanh.pk,
        "sector": "handicrafts",
        "workers": 25,
        "women_workers": 18,
        **extra,
    }


def test_an_officer_adds_a_record_checked_like_the_form_with_an_audit_row(client, officer, geo):
    client.force_login(officer)
    response = _post(client, "/api/v1/establishments", _new(geo))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["commune"] == "Phường Tam Thanh" and body["legal_form_label"] == "Hợp tác xã"
    est = Establishment.objects.get(pk=body["id"])
    assert AuditEntry.objects.filter(object_id=str(est.pk), action="create").exists()


def test_a_commune_officer_cannot_add_a_record_outside_their_commune(client, commune_officer, geo):
    client.force_login(commune_officer)
    response = _post(client, "/api/v1/establishments", _new(geo, commune=geo.ba_son.pk))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "commune"
    assert not Establishment.objects.exists()


def test_a_council_member_may_not_add_records(client, council_member, geo):
    client.force_login(council_member)
    assert _post(client, "/api/v1/establishments", _new(geo)).status_code == 403
    assert not Establishment.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"tax_code": "0100109107"}, "tax_code"),  # wrong check digit
        ({"women_workers": 30}, "women_workers"),  # more women than workers
        ({"workers": -1}, "workers"),
        ({"workers": 2.5}, "workers"),
        ({"legal_form": "company"}, "legal_form"),
        ({"colour": "red"}, "colour"),  # a misspelt key is refused, never ignored
    ],
)
def test_wrong_data_is_a_422_naming_the_field_and_nothing_is_saved(client, officer, geo, extra, field):
    client.force_login(officer)
    response = _post(client, "/api/v1/establishments", _new(geo, **extra))
    assert response.status_code == 422, response.json()
    errors = response.json()["errors"]
    assert field in {e["field"] for e in errors}
    assert all(e["message"] for e in errors)
    assert not Establishment.objects.exists()


def test_a_likely_duplicate_needs_confirming_and_a_taken_tax_code_is_refused(client, officer, geo, hung_long):
    client.force_login(officer)
    same_name = _new(geo, name=hung_long.name, legal_form="small_enterprise")
    response = _post(client, "/api/v1/establishments", same_name)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "confirm_duplicate"
    assert (
        _post(client, "/api/v1/establishments", {**same_name, "confirm_duplicate": True}).status_code == 201
    )
    taken = _post(client, "/api/v1/establishments", _new(geo, tax_code=hung_long.tax_code, name="Khác"))
    assert taken.status_code == 422 and taken.json()["errors"][0]["field"] == "tax_code"


def test_a_patch_changes_only_what_it_sends(client, officer, hung_long):
    client.force_login(officer)
    response = _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"workers": 50})
    assert response.status_code == 200, response.json()
    hung_long.refresh_from_db()
    assert (hung_long.workers, hung_long.women_workers, hung_long.name) == (
        50,
        20,
        "Công ty TNHH thương mại Hưng Long",
    )


def test_a_bad_patch_changes_nothing(client, officer, hung_long):
    client.force_login(officer)
    response = _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"workers": 10, "name": ""})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"name"}
    hung_long.refresh_from_db()
    assert hung_long.workers == 45


def test_patch_answers_404_outside_scope_and_403_to_a_reader(client, outsider, leader, hung_long):
    client.force_login(outsider)
    assert _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"workers": 1}).status_code == 404
    client.force_login(leader)
    assert _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"workers": 1}).status_code == 403
    hung_long.refresh_from_db()
    assert hung_long.workers == 45


def test_a_representative_edits_their_own_record_but_not_its_tax_code(client, business_rep, hung_long):
    client.force_login(business_rep)
    assert (
        _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"products": "Ống nhựa"}).status_code == 200
    )
    response = _patch(client, f"/api/v1/establishments/{hung_long.pk}", {"tax_code": "0100109106001"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "tax_code"


def test_merge_keeps_one_record_and_a_merged_record_is_a_409(
    client, officer, commune_officer, geo, hung_long
):
    duplicate = Establishment.objects.create(
        name="Cty Hưng Long", legal_form="small_enterprise", commune=geo.tam_thanh, workers=50
    )
    client.force_login(commune_officer)
    body = {"target": hung_long.pk, "reason": "Trùng hồ sơ"}
    assert _post(client, f"/api/v1/establishments/{duplicate.pk}/merge", body).status_code == 403
    client.force_login(officer)
    response = _post(client, f"/api/v1/establishments/{duplicate.pk}/merge", body)
    assert response.status_code == 200 and response.json()["id"] == hung_long.pk
    assert response.json()["workers"] == 50
    again = _post(client, f"/api/v1/establishments/{duplicate.pk}/merge", body)
    assert again.status_code == 409
    assert _patch(client, f"/api/v1/establishments/{duplicate.pk}", {"workers": 1}).status_code == 409
    history = client.get(f"/api/v1/establishments/{hung_long.pk}/history").json()
    assert history["items"][0]["action"] == "merge"


def test_a_persons_number_is_in_full_for_the_centre_and_masked_for_readers(client, officer, leader, geo):
    person = Establishment.objects.create(
        name="Nghệ nhân Hoàng Văn A",
        legal_form="artisan",
        tax_code="020123456789",
        phone="0912345678",
        commune=geo.tam_thanh,
    )
    client.force_login(officer)
    assert client.get("/api/v1/establishments").json()["items"][0]["tax_code"] == "020123456789"
    assert client.get(f"/api/v1/establishments/{person.pk}").json()["phone"] == "0912345678"
    client.force_login(leader)
    assert client.get("/api/v1/establishments").json()["items"][0]["tax_code"] == "020******789"
    detail = client.get(f"/api/v1/establishments/{person.pk}").json()
    assert (detail["tax_code"], detail["phone"]) == ("020******789", "091****678")


def test_listing_takes_the_same_number_of_queries_for_more_rows(client, officer, geo):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/establishments", {"page_size": 50}).status_code == 200
        return len(queries)

    Establishment.objects.create(name="Cơ sở 0", legal_form="cooperative", commune=geo.tam_thanh)
    few = count()
    for n in range(1, 15):
        Establishment.objects.create(name=f"Cơ sở {n}", legal_form="cooperative", commune=geo.ba_son)
    assert count() == few
