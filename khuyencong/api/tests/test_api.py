import pytest

from khuyencong.accounts.models import ApiToken


def test_the_openapi_document_lists_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["info"]["version"] == "1"
    assert {
        "/api/v1/establishments",
        "/api/v1/establishments/{pk}",
        "/api/v1/accounts/me",
        "/api/v1/geo/units",
    } <= set(doc["paths"])


def test_a_request_without_credentials_gets_the_common_error_body(client):
    response = client.get("/api/v1/establishments")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}


def test_a_bearer_token_acts_with_its_users_scope(client, commune_officer, hung_long, ba_son_coop):
    _token, key = ApiToken.issue(user=commune_officer, name="hệ thống tỉnh")
    response = client.get("/api/v1/establishments", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()["items"]] == [hung_long.name]
    assert client.get("/api/v1/establishments", HTTP_AUTHORIZATION="Bearer kc_wrong").status_code == 401


def test_a_revoked_token_is_refused(client, officer):
    from django.utils import timezone

    token, key = ApiToken.issue(user=officer, name="cũ")
    token.revoked_at = timezone.now()
    token.save()
    assert client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_search_through_the_api_ignores_diacritics(client, officer, hung_long, ba_son_coop):
    client.force_login(officer)
    body = client.get("/api/v1/establishments", {"q": "hung long"}).json()
    assert body["count"] == 1 and body["items"][0]["id"] == hung_long.pk
    assert body["items"][0]["commune"] == "Phường Tam Thanh"


def test_paging_reports_count_page_and_pages(client, officer, hung_long, ba_son_coop):
    client.force_login(officer)
    body = client.get("/api/v1/establishments", {"page_size": 1, "page": 2}).json()
    assert (body["count"], body["page"], body["pages"], len(body["items"])) == (2, 2, 2, 1)


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 1000}, {"page": "x"}])
def test_bad_paging_input_names_the_field(client, officer, params):
    client.force_login(officer)
    response = client.get("/api/v1/establishments", params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and body["errors"][0]["field"] in {"page", "page_size"}


def test_a_record_outside_scope_is_a_404_with_the_common_body(client, outsider, hung_long):
    client.force_login(outsider)
    response = client.get(f"/api/v1/establishments/{hung_long.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy.", "errors": []}


def test_me_reports_role_and_scope(client, commune_officer, geo):
    client.force_login(commune_officer)
    body = client.get("/api/v1/accounts/me").json()
    assert body["role"] == "commune_officer" and body["scope_units"] == [geo.tam_thanh.pk]


def test_units_are_listed_and_searched_without_diacritics(client, officer, geo):
    client.force_login(officer)
    body = client.get("/api/v1/geo/units", {"q": "vinh trai"}).json()
    assert [item["id"] for item in body["items"]] == [geo.old_vinh_trai.pk]
    detail = client.get(f"/api/v1/geo/units/{geo.old_vinh_trai.pk}").json()
    assert set(detail["successor_ids"]) == {geo.luong_van_tri.pk, geo.tam_thanh.pk}
    assert detail["valid_to"] == "2025-06-30"
    assert client.get("/api/v1/geo/units/999999").status_code == 404


def test_a_page_beyond_any_list_is_refused_not_a_server_error(client, officer):
    client.force_login(officer)
    response = client.get("/api/v1/establishments", {"page": 3308061025892772864})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "page"
    assert client.get("/api/v1/establishments", {"page": 1_000_000}).json()["items"] == []


def test_every_operation_documents_the_common_error_body_for_its_4xx(client):
    doc = client.get("/api/v1/openapi.json").json()
    operations = [op for path in doc["paths"].values() for op in path.values()]
    assert len(operations) > 60
    for operation in operations:
        for status in ("401", "403", "404", "409", "422"):
            content = operation["responses"][status]["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorBody"}, operation["operationId"]
    assert doc["components"]["schemas"]["ErrorBody"]["required"] == ["detail", "errors"]
