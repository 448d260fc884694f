"""Every role against a record inside and one outside its scope: list, detail, edit, export, API."""

import pytest
from django.urls import reverse

from khuyencong.establishments.models import Establishment

# role fixture -> (sees hung_long [in Tam Thanh], sees ba_son_coop [in Ba Sơn], may edit what it sees)
MATRIX = {
    "administrator": (True, True, True),
    "officer": (True, True, True),
    "leader": (True, True, False),
    "commune_officer": (True, False, True),
    "business_rep": (True, False, True),
    "council_member": (False, False, False),
    "public_user": (False, False, False),
}


@pytest.fixture
def as_role(request, client, hung_long, ba_son_coop):
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return request.param, client


def _expect(role):
    return MATRIX[role]


@pytest.mark.parametrize("as_role", MATRIX, indirect=True)
def test_detail_answers_200_inside_and_404_outside_the_scope(as_role, hung_long, ba_son_coop):
    role, client = as_role
    inside, other, _edit = _expect(role)
    assert client.get(hung_long.get_absolute_url()).status_code == (200 if inside else 404)
    assert client.get(ba_son_coop.get_absolute_url()).status_code == (200 if other else 404)


@pytest.mark.parametrize("as_role", MATRIX, indirect=True)
def test_the_edit_page_is_open_only_to_roles_that_may_edit_and_hides_what_is_out_of_scope(
    as_role, hung_long, ba_son_coop
):
    role, client = as_role
    inside, other, edit = _expect(role)
    for est, visible in ((hung_long, inside), (ba_son_coop, other)):
        status = client.get(reverse("establishments:edit", args=[est.pk])).status_code
        assert status == (200 if visible and edit else 403 if visible else 404), est


@pytest.mark.parametrize("as_role", MATRIX, indirect=True)
def test_a_post_outside_the_scope_changes_nothing(as_role, ba_son_coop):
    role, client = as_role
    _inside, other, edit = _expect(role)
    response = client.post(
        reverse("establishments:edit", args=[ba_son_coop.pk]),
        {
            "name": "Đổi tên trái phép",
            "legal_form": "cooperative",
            "commune": ba_son_coop.commune_id,
            "sector": "forest_products",
            "workers": 12,
            "women_workers": 0,
            "ethnic_minority_workers": 0,
        },
    )
    ba_son_coop.refresh_from_db()
    if other and edit:
        assert response.status_code == 302
        assert ba_son_coop.name == "Đổi tên trái phép"
    else:
        assert response.status_code in (403, 404)
        assert ba_son_coop.name == "Hợp tác xã chế biến lâm sản Ba Sơn"


@pytest.mark.parametrize("as_role", MATRIX, indirect=True)
def test_the_list_and_its_export_show_exactly_the_records_in_scope(as_role, hung_long, ba_son_coop):
    role, client = as_role
    inside, other, _edit = _expect(role)
    page = client.get(reverse("establishments:list"))
    export = client.get(reverse("establishments:export"))
    if role == "business_rep":
        assert page.status_code == 302 and page.url == hung_long.get_absolute_url()
    elif not inside:
        assert page.status_code == 403 and export.status_code == 403
        return
    else:
        html = page.content.decode()
        assert (hung_long.name in html) == inside
        assert (ba_son_coop.name in html) == other
    csv_text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert (hung_long.name in csv_text) == inside
    assert (ba_son_coop.name in csv_text) == other


@pytest.mark.parametrize("as_role", MATRIX, indirect=True)
def test_the_api_obeys_the_same_scope(as_role, hung_long, ba_son_coop):
    role, client = as_role
    inside, other, _edit = _expect(role)
    listed = client.get("/api/v1/establishments").json()
    assert {item["id"] for item in listed["items"]} == {
        e.pk for e, ok in ((hung_long, inside), (ba_son_coop, other)) if ok
    }
    assert client.get(f"/api/v1/establishments/{ba_son_coop.pk}").status_code == (200 if other else 404)
    assert client.get(f"/api/v1/establishments/{hung_long.pk}").status_code == (200 if inside else 404)


def test_a_commune_officer_sees_records_in_the_old_units_their_commune_came_from(
    client, commune_officer, geo
):
    in_old_part = Establishment.objects.create(
        name="Cơ sở cũ Vĩnh Trại", legal_form="household_business", commune=geo.old_vinh_trai, sector="other"
    )
    elsewhere = Establishment.objects.create(
        name="Cơ sở cũ Hợp Thành", legal_form="household_business", commune=geo.old_hop_thanh, sector="other"
    )
    client.force_login(commune_officer)
    assert client.get(in_old_part.get_absolute_url()).status_code == 200
    assert client.get(elsewhere.get_absolute_url()).status_code == 404


def test_a_leader_sees_phone_numbers_masked_and_an_officer_in_full(client, leader, officer, hung_long):
    client.force_login(leader)
    html = client.get(hung_long.get_absolute_url()).content.decode()
    assert "0912345678" not in html and "091****678" in html
    client.force_login(officer)
    assert "0912345678" in client.get(hung_long.get_absolute_url()).content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client, hung_long):
    response = client.get(hung_long.get_absolute_url())
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert client.get("/api/v1/establishments").status_code == 401
