"""The publication policy: data shipped with defaults, changed by administrators, audited, applied everywhere."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.audit import history
from khuyencong.transparency import services
from khuyencong.transparency.choices import PublicField
from khuyencong.transparency.models import PublicationRule

URLS = {
    "page": "/cong-khai/{key}/",
    "list": "/cong-khai/",
    "csv": "/cong-khai/tai-ve/de-an.csv",
    "json": "/cong-khai/tai-ve/de-an.json",
    "iati": "/cong-khai/tai-ve/iati-activities.xml",
}


def everything(client, project) -> dict[str, str]:
    bodies = {}
    for name, url in URLS.items():
        response = client.get(url.format(key=project.code_key))
        assert response.status_code == 200, name
        bodies[name] = response.content.decode()
    return bodies


def test_the_shipped_policy_has_a_row_for_every_field_and_keeps_free_text_private(db):
    rules = dict(PublicationRule.objects.values_list("field", "public"))
    assert set(rules) == set(PublicField.values)
    assert rules["description"] is False and rules["later_results"] is False
    assert rules["approved_support"] is True and rules["title"] is True


# (field, a string that shows it, where it shows) for the demo-like settled project.
FLIPS = [
    ("approved_support", "500000000", ["csv", "json", "iati"]),
    ("approved_support", "500.000.000 ₫", ["page", "list"]),
    ("advanced", "200000000", ["csv", "json", "iati"]),
    ("advanced", "200.000.000 ₫", ["page"]),
    ("settled", "480000000", ["csv", "json", "iati"]),
    ("settled", "480.000.000 ₫", ["page"]),
    ("beneficiaries", "Công ty TNHH thương mại Hưng Long", ["page", "csv", "json", "iati"]),
    ("title", "Mô hình trình diễn KCĐP-2024-007", ["page", "list", "csv", "json", "iati"]),
    ("commune", "Phường Tam Thanh", ["page", "list", "csv", "json", "iati"]),
    ("commune", "106.7615", ["csv", "json", "iati"]),
    (
        "implementing_unit",
        "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp Lạng Sơn",
        ["page", "csv", "json", "iati"],
    ),
    ("decision", "12/QĐ-SCT", ["page", "csv", "json"]),
    ("dates", "2024-11-30", ["csv", "json", "iati"]),
    ("dates", "30/11/2024", ["page"]),
]


@pytest.mark.parametrize(("field", "text", "where"), FLIPS)
def test_a_field_made_private_disappears_from_the_page_and_every_download(
    client, settled, administrator, field, text, where
):
    before = everything(client, settled)
    for name in where:
        assert text in before[name], (name, "shown while public")
    services.policy_set(field=field, public=False, actor=administrator)
    after = everything(client, settled)
    for name, body in after.items():
        assert text not in body, (name, "still shown once private")


def test_results_made_private_leave_the_json_and_the_iati_file(client, settled, administrator):
    project = json.loads(client.get(URLS["json"]).content)["projects"][0]
    assert project["results"]
    services.policy_set(field="expected_results", public=False, actor=administrator)
    services.policy_set(field="achieved_results", public=False, actor=administrator)
    project = json.loads(client.get(URLS["json"]).content)["projects"][0]
    assert "results" not in project
    assert "<result" not in client.get(URLS["iati"]).content.decode()
    assert (
        'data-indicator="jobs_created"' not in client.get(f"/cong-khai/{settled.code_key}/").content.decode()
    )


def test_a_private_field_cannot_be_filtered_on(client, settled, administrator):
    services.policy_set(field="plan_year", public=False, actor=administrator)
    response = client.get("/cong-khai/", {"year": 2024})
    assert response.status_code == 400
    assert "không được công khai" in response.content.decode()
    assert 'name="year"' not in client.get("/cong-khai/").content.decode()


def test_the_description_is_published_only_once_the_centre_turns_it_on(
    client, settled, administrator, officer
):
    from khuyencong.projects.models import Project

    Project.objects.filter(pk=settled.pk).update(description="Dây chuyền ép nhựa tái chế.")
    assert "Dây chuyền ép nhựa tái chế" not in client.get(f"/cong-khai/{settled.code_key}/").content.decode()
    services.policy_set(field="description", public=True, actor=administrator)
    assert "Dây chuyền ép nhựa tái chế" in client.get(f"/cong-khai/{settled.code_key}/").content.decode()
    assert (
        json.loads(client.get(URLS["json"]).content)["projects"][0]["description"]
        == "Dây chuyền ép nhựa tái chế."
    )


def test_a_policy_change_is_audited(administrator):
    rule = services.policy_set(field="photos", public=False, actor=administrator, note="Ảnh có mặt người dân")
    (entry,) = history(rule)
    assert entry.actor == administrator
    assert entry.changes["public"] == {"label": "công khai", "before": True, "after": False}
    assert rule.note == "Ảnh có mặt người dân"


def test_only_an_administrator_changes_the_policy_and_only_for_listed_fields(officer, administrator):
    with pytest.raises(PermissionDenied):
        services.policy_set(field="title", public=False, actor=officer)
    with pytest.raises(ValidationError, match="không có trong danh mục"):
        services.policy_set(field="phone", public=True, actor=administrator)
    assert not PublicationRule.objects.filter(field="phone").exists()


def test_a_field_without_a_policy_row_is_private(client, settled):
    PublicationRule.objects.filter(field="approved_support").delete()
    assert "500.000.000 ₫" not in client.get(f"/cong-khai/{settled.code_key}/").content.decode()


def test_the_admin_change_goes_through_the_audited_service(client, administrator):
    client.force_login(administrator)
    rule = PublicationRule.objects.get(field="settled")
    response = client.post(
        f"/quan-tri/transparency/publicationrule/{rule.pk}/change/", {"public": "", "note": "Chờ kiểm toán"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule.refresh_from_db()
    assert rule.public is False and rule.note == "Chờ kiểm toán"
    assert history(rule).get().actor == administrator


def test_an_officer_does_not_see_the_policy_in_the_admin(client, officer):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get("/quan-tri/transparency/publicationrule/").status_code == 403
