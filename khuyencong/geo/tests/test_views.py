import datetime as dt

import pytest
from django.urls import reverse

from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.geo.choices import PriorityKind
from khuyencong.geo.models import PriorityClassification

UNVERIFIED = "chưa đối chiếu văn bản gốc"


@pytest.fixture
def classification(geo):
    return PriorityClassification.objects.create(
        unit=geo.ba_son,
        kind=PriorityKind.DIFFICULT,
        valid_from=dt.date(2025, 7, 1),
        legal_basis="Văn bản thử nghiệm",
        verified=False,
    )


def _client(client, user):
    client.force_login(user)
    return client


def test_geography_pages_need_a_signed_in_user(client, geo):
    for url in (reverse("geo:unit_list"), reverse("geo:unit_detail", args=[geo.tam_thanh.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_the_list_finds_a_unit_typed_without_diacritics(client, officer, geo):
    response = _client(client, officer).get(reverse("geo:unit_list"), {"q": "vinh trai"})
    assert response.status_code == 200
    page = response.context["page"]
    assert [u.name for u in page.object_list] == ["Phường Vĩnh Trại"]
    assert geo.old_vinh_trai.get_absolute_url() in response.content.decode()


def test_the_list_filters_by_generation_and_level_and_pages(client, officer, lang_son):
    client = _client(client, officer)
    response = client.get(reverse("geo:unit_list"), {"generation": "legacy", "level": "commune"})
    page = response.context["page"]
    assert page.paginator.count == 194
    assert len(page.object_list) == 50
    assert {u.generation for u in page.object_list} == {"legacy"}
    last = client.get(reverse("geo:unit_list"), {"generation": "legacy", "level": "commune", "page": 4})
    assert len(last.context["page"].object_list) == 44


def test_the_list_answers_htmx_with_the_results_only(client, officer, geo):
    response = _client(client, officer).get(
        reverse("geo:unit_list"), {"q": "tam thanh"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("Phường Tam Thanh") == 2


def test_the_detail_links_old_and_new_units_both_ways(client, officer, geo):
    client = _client(client, officer)
    old = client.get(geo.old_vinh_trai.get_absolute_url()).content.decode()
    assert geo.luong_van_tri.get_absolute_url() in old
    assert geo.tam_thanh.get_absolute_url() in old
    assert "đơn vị kế thừa chính" in old
    new = client.get(geo.tam_thanh.get_absolute_url()).content.decode()
    assert geo.old_tam_thanh.get_absolute_url() in new
    assert geo.old_vinh_trai.get_absolute_url() in new
    assert "một phần" in new
    assert geo.province.get_absolute_url() in new


def test_the_detail_separates_classifications_in_force_from_past_ones_and_flags_unverified(
    client, officer, geo, classification
):
    PriorityClassification.objects.create(
        unit=geo.ba_son,
        kind=PriorityKind.BORDER,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2024, 12, 31),
        legal_basis="Văn bản đã đối chiếu",
        verified=True,
    )
    response = _client(client, officer).get(geo.ba_son.get_absolute_url())
    history = response.context["priorities"]
    assert [p.kind for p in history.in_force] == ["difficult"]
    assert [p.kind for p in history.past] == ["border"]
    html = response.content.decode()
    assert html.count(UNVERIFIED) == 1
    assert "Văn bản đã đối chiếu" in html
    assert reverse("geo:priority_update", args=[classification.pk]) not in html


def test_an_administrator_sees_the_edit_links(client, administrator, geo, classification):
    html = _client(client, administrator).get(geo.ba_son.get_absolute_url()).content.decode()
    assert reverse("geo:priority_create", args=[geo.ba_son.pk]) in html
    assert reverse("geo:priority_end", args=[classification.pk]) in html


def test_an_administrator_adds_a_classification_and_the_audit_log_records_it(client, administrator, geo):
    response = _client(client, administrator).post(
        reverse("geo:priority_create", args=[geo.tam_thanh.pk]),
        {
            "kind": "new_rural",
            "valid_from": "2025-07-01",
            "valid_to": "",
            "legal_basis": "Văn bản thử nghiệm",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == geo.tam_thanh.get_absolute_url()
    created = PriorityClassification.objects.get()
    assert (created.unit, created.kind, created.valid_from, created.verified) == (
        geo.tam_thanh,
        "new_rural",
        dt.date(2025, 7, 1),
        False,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (
        AuditAction.CREATE,
        administrator,
        str(created.pk),
    )
    assert entry.changes["kind"]["after"] == "Xã trong kế hoạch xây dựng nông thôn mới"


def test_an_overlapping_classification_is_refused_with_a_message(client, administrator, geo, classification):
    response = _client(client, administrator).post(
        reverse("geo:priority_create", args=[geo.ba_son.pk]),
        {"kind": "difficult", "valid_from": "01/01/2026", "legal_basis": ""},
    )
    assert response.status_code == 200
    assert "trùng thời gian" in response.content.decode()
    assert PriorityClassification.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_an_administrator_edits_a_classification_and_the_change_is_audited(
    client, administrator, geo, classification
):
    response = _client(client, administrator).post(
        reverse("geo:priority_update", args=[classification.pk]),
        {
            "kind": "difficult",
            "valid_from": "2025-07-01",
            "legal_basis": "Văn bản thử nghiệm",
            "verified": "on",
        },
    )
    assert response.status_code == 302
    classification.refresh_from_db()
    assert classification.verified is True
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.UPDATE
    assert entry.changes == {
        "verified": {"label": "đã đối chiếu văn bản gốc", "before": False, "after": True}
    }


def test_an_administrator_ends_a_classification_keeping_it_as_history(
    client, administrator, geo, classification
):
    response = _client(client, administrator).post(
        reverse("geo:priority_end", args=[classification.pk]),
        {"valid_to": "31/12/2025", "reason": "Hết danh sách"},
    )
    assert response.status_code == 302
    classification.refresh_from_db()
    assert classification.valid_to == dt.date(2025, 12, 31)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.reason) == (AuditAction.UPDATE, "Hết danh sách")
    assert entry.changes["valid_to"]["after"] == "2025-12-31"


def test_ending_before_the_start_is_refused(client, administrator, classification):
    response = _client(client, administrator).post(
        reverse("geo:priority_end", args=[classification.pk]), {"valid_to": "30/06/2025"}
    )
    assert response.status_code == 200
    assert "Ngày kết thúc phải sau hoặc bằng ngày bắt đầu." in response.content.decode()
    classification.refresh_from_db()
    assert classification.valid_to is None


def test_an_administrator_deletes_a_mistaken_classification_and_the_audit_log_keeps_it(
    client, administrator, classification
):
    pk = classification.pk
    response = _client(client, administrator).post(
        reverse("geo:priority_delete", args=[pk]), {"reason": "Nhập nhầm"}
    )
    assert response.status_code == 302
    assert not PriorityClassification.objects.filter(pk=pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id, entry.reason) == (AuditAction.DELETE, str(pk), "Nhập nhầm")
    assert entry.changes["legal_basis"]["before"] == "Văn bản thử nghiệm"


@pytest.mark.parametrize("role_fixture", ["officer", "leader", "commune_officer"])
def test_anyone_but_an_administrator_gets_403_on_every_edit_view(
    request, client, geo, classification, role_fixture
):
    user = request.getfixturevalue(role_fixture)
    client = _client(client, user)
    urls = [
        reverse("geo:priority_create", args=[geo.ba_son.pk]),
        reverse("geo:priority_update", args=[classification.pk]),
        reverse("geo:priority_end", args=[classification.pk]),
        reverse("geo:priority_delete", args=[classification.pk]),
    ]
    data = {"kind": "border", "valid_from": "2025-07-01", "valid_to": "2025-12-31", "reason": "x"}
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    classification.refresh_from_db()
    assert (classification.kind, classification.valid_to) == ("difficult", None)
    assert PriorityClassification.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_a_superuser_without_the_admin_role_may_edit(client, officer, geo):
    officer.is_superuser = True
    officer.save()
    response = _client(client, officer).get(reverse("geo:priority_create", args=[geo.ba_son.pk]))
    assert response.status_code == 200


def test_the_services_refuse_a_non_administrator_even_when_called_directly(officer, geo):
    from django.core.exceptions import PermissionDenied

    from khuyencong.geo.services import PriorityData, priority_create

    with pytest.raises(PermissionDenied):
        priority_create(
            actor=officer, unit=geo.ba_son, data=PriorityData(kind="border", valid_from=dt.date(2025, 7, 1))
        )
    assert not PriorityClassification.objects.exists()


def test_saving_a_classification_unchanged_writes_no_audit_row(administrator, classification):
    from khuyencong.geo.services import PriorityData, priority_update

    same = PriorityData(
        kind=classification.kind,
        valid_from=classification.valid_from,
        legal_basis=classification.legal_basis,
    )
    priority_update(actor=administrator, classification=classification, data=same)
    assert not AuditEntry.objects.exists()
