import pytest

URL = "/api/v1/rules/support-limit"


def test_the_support_limit_is_public_and_answers_the_2018_demonstration_cap(client, db):
    response = client.get(
        URL,
        {
            "category": "demonstration_model",
            "level": "local",
            "province": "20",
            "on": "2019-05-01",
            "eligible_cost": "4000000000",
        },
    )
    assert response.status_code == 200
    body = response.json()
    message = body.pop("message")
    rule_set_id = body.pop("rule_set_id")
    assert body == {
        "applies": True,
        "max_support_vnd": 1_000_000_000,
        "max_share": "0.3",
        "max_share_basis_points": 3000,
        "max_amount_vnd": 1_000_000_000,
        "multiplier": "1",
        "amount_limit_vnd": 1_000_000_000,
        "legal_basis": "Thông tư 28/2018/TT-BTC, Điều 8 (sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC)",
        "valid_from": "2018-05-15",
        "valid_to": None,
        "verified": False,
        "category": "demonstration_model",
        "subtype": "new_technology",
        "applied_subtype": "new_technology",
        "eligible_cost": 4_000_000_000,
    }
    assert isinstance(rule_set_id, int)
    assert message.startswith("Mức hỗ trợ tối đa 1.000.000.000 ₫")


def test_the_production_line_answer_carries_its_multiplier(client, db):
    body = client.get(
        URL,
        {
            "category": "machinery_application",
            "subtype": "production_line",
            "level": "national",
            "on": "2018-05-15",
            "eligible_cost": "2000000000",
        },
    ).json()
    assert (body["max_support_vnd"], body["max_amount_vnd"], body["multiplier"], body["max_share"]) == (
        450_000_000,
        300_000_000,
        "1.5",
        "0.5",
    )


def test_the_2014_efficient_establishment_cap_has_no_share(client, db):
    body = client.get(
        URL,
        {
            "category": "demonstration_model",
            "subtype": "efficient_establishment",
            "level": "local",
            "on": "2018-05-14",
        },
    ).json()
    assert (body["max_support_vnd"], body["max_share"], body["valid_from"], body["valid_to"]) == (
        100_000_000,
        None,
        "2014-04-04",
        "2018-05-14",
    )


def test_no_cap_on_the_date_is_a_200_with_applies_false(client, db):
    body = client.get(URL, {"category": "training", "level": "local", "on": "2019-05-01"}).json()
    assert body["applies"] is False
    assert body["max_support_vnd"] is None
    assert body["message"].startswith("Chưa có mức trần cho ngày này")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "painting"}, "category"),
        ({"subtype": "equipment"}, "subtype"),
        ({"level": "regional"}, "level"),
        ({"province": "Lạng Sơn"}, "province"),
        ({"on": "01/05/2019"}, "on"),
        ({"on": ""}, "on"),
        ({"eligible_cost": "-1"}, "eligible_cost"),
        ({"eligible_cost": "1.5"}, "eligible_cost"),
        ({"eligible_cost": "1.286.000.000"}, "eligible_cost"),
    ],
)
def test_bad_input_is_a_422_with_the_common_error_body_naming_the_field(client, db, params, field):
    query = {"category": "demonstration_model", "level": "local", "on": "2019-05-01", **params}
    response = client.get(URL, query)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert [error["field"] for error in body["errors"]] == [field]


def test_a_missing_required_parameter_is_named(client, db):
    response = client.get(URL, {"category": "demonstration_model"})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"level", "on"}


def test_the_rule_sets_are_listed_for_signed_in_users(client, officer):
    assert client.get("/api/v1/rules/rule-sets").status_code == 401
    client.force_login(officer)
    body = client.get("/api/v1/rules/rule-sets").json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["document"] == "Thông tư 28/2018/TT-BTC"
    assert [(r["subtype"], r["multiplier"]) for r in first["cap_rules"]] == [
        ("new_technology", "1"),
        ("equipment", "1"),
        ("production_line", "1.5"),
    ]


def test_the_openapi_document_lists_the_public_endpoint(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    operation = doc["paths"][URL]["get"]
    assert "security" not in operation or operation["security"] == []
    assert {p["name"] for p in operation["parameters"]} == {
        "category",
        "subtype",
        "level",
        "province",
        "on",
        "eligible_cost",
    }
