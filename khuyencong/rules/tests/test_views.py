import pytest
from django.urls import reverse
from django.utils import timezone

from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.rules.forms import parse_vnd
from khuyencong.rules.models import CapRule, RuleSet

UNVERIFIED = "chưa đối chiếu văn bản gốc"


@pytest.fixture
def tt28(db):
    return RuleSet.objects.get(document="Thông tư 28/2018/TT-BTC")


def _client(client, user):
    client.force_login(user)
    return client


# --- reading --------------------------------------------------------------------------------------


def test_the_rule_set_pages_need_a_signed_in_user(client, tt28):
    for url in (reverse("rules:list"), tt28.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_list_shows_validity_and_flags_unverified_sets(client, officer, tt28):
    response = _client(client, officer).get(reverse("rules:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert [rs.document for rs in response.context["rule_sets"]] == [
        "Thông tư 28/2018/TT-BTC",
        "Thông tư liên tịch 26/2014/TTLT-BTC-BCT",
        "Thông tư liên tịch 125/2009/TTLT-BTC-BCT",
    ]
    assert "từ 15/05/2018" in html
    assert "từ 04/04/2014 đến 14/05/2018" in html
    assert "đến 03/04/2014 (chưa rõ ngày bắt đầu)" in html
    assert html.count(UNVERIFIED) == 3
    assert reverse("rules:create") not in html


def test_the_detail_shows_each_cap_with_its_multiplier(client, officer, tt28):
    html = _client(client, officer).get(tt28.get_absolute_url()).content.decode()
    assert "1.000.000.000 ₫" in html
    assert "× 1,5" in html
    assert "450.000.000 ₫" in html
    assert "50 %" in html
    assert reverse("rules:update", args=[tt28.pk]) not in html


def test_an_administrator_sees_the_edit_links(client, administrator, tt28):
    html = _client(client, administrator).get(tt28.get_absolute_url()).content.decode()
    assert reverse("rules:update", args=[tt28.pk]) in html
    assert reverse("rules:caprule_create", args=[tt28.pk]) in html


# --- editing: administrators only ---------------------------------------------------------------------


@pytest.mark.parametrize("user", ["officer", "leader", "commune_officer", "business_rep"])
def test_everyone_but_an_administrator_gets_403_on_the_edit_pages(client, request, tt28, user):
    client = _client(client, request.getfixturevalue(user))
    rule = tt28.cap_rules.first()
    for url in (
        reverse("rules:create"),
        reverse("rules:update", args=[tt28.pk]),
        reverse("rules:delete", args=[tt28.pk]),
        reverse("rules:caprule_create", args=[tt28.pk]),
        reverse("rules:caprule_update", args=[rule.pk]),
        reverse("rules:caprule_delete", args=[rule.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "x", "document": "x", "level": "local"}).status_code == 403
    assert RuleSet.objects.count() == 3
    assert not AuditEntry.objects.exists()


def test_an_administrator_enters_a_provincial_resolution_through_the_pages(client, administrator, geo):
    client = _client(client, administrator)
    form = client.get(reverse("rules:create")).content.decode()
    assert "20 · Tỉnh Lạng Sơn" in form
    response = client.post(
        reverse("rules:create"),
        {
            "document": "Nghị quyết thử nghiệm 99/NQ-HĐND",
            "article": "Điều 3",
            "level": "local",
            "province": "20",
            "valid_from": "2022-01-01",
        },
    )
    rule_set = RuleSet.objects.get(province="20")
    assert response.status_code == 302 and response["Location"] == rule_set.get_absolute_url()
    response = client.post(
        reverse("rules:caprule_create", args=[rule_set.pk]),
        {
            "category": "machinery_application",
            "subtype": "production_line",
            "max_share_percent": "33,5",
            "max_amount_vnd": "400.000.000",
            "multiplier": "1,5",
        },
    )
    assert response.status_code == 302
    rule = CapRule.objects.get(rule_set=rule_set)
    assert (rule.max_share_bp, rule.max_amount_vnd, str(rule.multiplier), rule.verified) == (
        3350,
        400_000_000,
        "1.50",
        False,
    )
    assert list(
        AuditEntry.objects.filter(object_id=str(rule_set.pk)).order_by("id").values_list("action", "actor")
    ) == [(AuditAction.CREATE, administrator.pk), (AuditAction.UPDATE, administrator.pk)]
    detail = client.get(rule_set.get_absolute_url()).content.decode()
    assert "Tỉnh Lạng Sơn" in detail
    assert "600.000.000 ₫" in detail  # 400,000,000 × 1.5
    assert "Lịch sử thay đổi" in detail
    calc = client.get(
        reverse("rules:calculator"),
        {
            "category": "machinery_application",
            "subtype": "production_line",
            "level": "local",
            "province": "20",
            "on": "01/01/2023",
            "eligible_cost": "4.000.000.000",
        },
    )
    assert calc.context["limit"].max_support_vnd == 600_000_000


def test_an_overlapping_resolution_is_refused_on_the_page_with_the_field_named(client, administrator, geo):
    client = _client(client, administrator)
    data = {"document": "NQ thử nghiệm A", "level": "local", "province": "20", "valid_from": "2022-01-01"}
    client.post(reverse("rules:create"), data)
    response = client.post(
        reverse("rules:create"), {**data, "document": "NQ thử nghiệm B", "valid_from": "2023-06-01"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["valid_from"]
    assert "trùng với bộ mức “NQ thử nghiệm A” (từ 01/01/2022)" in errors["valid_from"][0]
    assert RuleSet.objects.filter(province="20").count() == 1


def test_a_cap_rule_form_refuses_decimals_in_money_and_shares_over_100(client, administrator, tt28):
    client = _client(client, administrator)
    response = client.post(
        reverse("rules:caprule_create", args=[tt28.pk]),
        {"category": "training", "max_share_percent": "120", "max_amount_vnd": "1.000,5", "multiplier": "1"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"max_share_percent", "max_amount_vnd"}
    assert "không có phần thập phân" in errors["max_amount_vnd"][0]


def test_a_duplicate_line_is_refused_next_to_the_sub_type(client, administrator, tt28):
    client = _client(client, administrator)
    response = client.post(
        reverse("rules:caprule_create", args=[tt28.pk]),
        {"category": "demonstration_model", "subtype": "", "max_amount_vnd": "1", "multiplier": "1"},
    )
    assert "đã có một mức" in response.context["form"].errors["subtype"][0]


def test_editing_a_line_shows_its_values_and_saves_the_change(client, administrator, tt28):
    client = _client(client, administrator)
    rule = tt28.cap_rules.get(subtype="production_line")
    page = client.get(reverse("rules:caprule_update", args=[rule.pk])).content.decode()
    assert 'value="300.000.000"' in page and 'value="1,5"' in page and 'value="50"' in page
    client.post(
        reverse("rules:caprule_update", args=[rule.pk]),
        {
            "category": "machinery_application",
            "subtype": "production_line",
            "max_share_percent": "50",
            "max_amount_vnd": "300.000.000",
            "multiplier": "1.5",
            "verified": "on",
            "note": "đã sửa",
        },
    )
    rule.refresh_from_db()
    assert rule.note == "đã sửa" and rule.multiplier == 1.5
    entry = AuditEntry.objects.get(object_id=str(tt28.pk))
    assert entry.changes == {
        f"cap_rule:{rule.pk}:note": {
            "label": "Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ, đổi mới công nghệ – Dây chuyền công nghệ – ghi chú",
            "before": "Dây chuyền công nghệ: 1,5 lần mức máy móc thiết bị (450.000.000 ₫).",
            "after": "đã sửa",
        }
    }


def test_deleting_a_line_needs_a_reason_and_is_recorded(client, administrator, tt28):
    client = _client(client, administrator)
    rule = tt28.cap_rules.get(subtype="production_line")
    url = reverse("rules:caprule_delete", args=[rule.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    assert CapRule.objects.filter(pk=rule.pk).exists()
    assert client.post(url, {"reason": "Thử"}).status_code == 302
    assert not CapRule.objects.filter(pk=rule.pk).exists()
    assert AuditEntry.objects.get(object_id=str(tt28.pk)).reason == "Thử"


# --- the calculator --------------------------------------------------------------------------------------


def test_the_calculator_is_open_to_anyone_and_cites_the_basis(client, db):
    response = client.get(
        reverse("rules:calculator"),
        {
            "category": "demonstration_model",
            "level": "local",
            "on": "01/05/2019",
            "eligible_cost": "4.000.000.000",
        },
    )
    assert response.status_code == 200
    limit = response.context["limit"]
    assert limit.max_support_vnd == 1_000_000_000
    html = response.content.decode()
    assert "1.000.000.000 ₫" in html
    assert "30 % × 4.000.000.000 ₫ = 1.200.000.000 ₫" in html
    assert "Thông tư 28/2018/TT-BTC, Điều 8 (sửa đổi, bổ sung bởi Thông tư 64/2024/TT-BTC)" in html
    assert UNVERIFIED in html
    assert f'href="{reverse("rules:list")}"' not in html  # the list is for signed-in users


def test_the_calculator_reads_a_vietnamese_amount_and_checks_a_request(client, officer):
    response = _client(client, officer).get(
        reverse("rules:calculator"),
        {
            "category": "demonstration_model",
            "level": "national",
            "on": "04/04/2014",
            "eligible_cost": "1.286.000.000",
            "requested_support": "400.000.000",
        },
    )
    assert response.context["limit"].max_support_vnd == 385_800_000
    assert response.context["above_cap"] == (
        "Mức hỗ trợ đề nghị 400.000.000 ₫ vượt mức trần 385.800.000 ₫ theo Thông tư liên tịch 26/2014/TTLT-BTC-BCT."
    )
    assert f'href="{reverse("rules:list")}"' in response.content.decode()


def test_the_calculator_warns_when_no_cap_is_in_force(client, db):
    response = client.get(
        reverse("rules:calculator"),
        {"category": "training", "level": "local", "on": "01/05/2019", "requested_support": "9.000.000.000"},
    )
    html = response.content.decode()
    assert response.context["limit"].applies is False
    assert "Chưa có mức trần cho ngày này" in html
    assert response.context["above_cap"] == ""


def test_the_calculator_answers_htmx_with_the_result_only(client, db):
    response = client.get(
        reverse("rules:calculator"),
        {
            "category": "machinery_application",
            "subtype": "production_line",
            "level": "local",
            "on": "15/05/2018",
            "eligible_cost": "2.000.000.000",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "450.000.000 ₫" in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"on": "2019-13-01"}, "on"),
        ({"on": "31/02/2019"}, "on"),
        ({"eligible_cost": "-5"}, "eligible_cost"),
        ({"eligible_cost": "1.286,5"}, "eligible_cost"),
        ({"subtype": "production_line"}, "subtype"),
    ],
)
def test_the_calculator_names_the_field_of_bad_input(client, db, params, field):
    query = {"category": "demonstration_model", "level": "local", "on": "01/05/2019", **params}
    response = client.get(reverse("rules:calculator"), query)
    assert response.status_code == 200
    assert response.context["limit"] is None
    assert list(response.context["form"].errors) == [field]


def test_the_navigation_links_the_calculator_for_everyone(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert reverse("rules:calculator") in html


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1.286.000.000", 1_286_000_000),
        ("1286000000", 1_286_000_000),
        (" 1 286 000 000 ₫", 1_286_000_000),
        ("1.286.000.000 đ", 1_286_000_000),
        ("0", 0),
    ],
)
def test_amounts_are_read_the_vietnamese_way(text, amount):
    assert parse_vnd(text) == amount


@pytest.mark.parametrize("text", ["1.5", "1,5", "-1.000", "1.28.000", "abc", "1.286.000.000,00"])
def test_amounts_that_are_not_whole_dong_are_refused(text):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        parse_vnd(text)


def test_the_calculator_defaults_to_today_and_the_installation_province(client, db, settings):
    settings.KHUYENCONG_PROVINCE = "20"
    form = client.get(reverse("rules:calculator")).context["form"]
    assert form.fields["province"].initial == "20"
    assert form.fields["on"].initial == timezone.localdate()
    assert form.fields["level"].initial == "local"
