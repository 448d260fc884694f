"""Administrators edit criteria sets in the admin, with an audit row per change; a set in use keeps its rows."""

import pytest
from django.urls import reverse

from khuyencong.appraisal.models import CriteriaSet, Criterion
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction, AuditEntry

ADD = reverse("admin:appraisal_criteriaset_add")


def change_url(criteria_set):
    return reverse("admin:appraisal_criteriaset_change", args=[criteria_set.pk])


def inline(rows, *, initial=0):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": str(initial),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{index}-{key}"] = value
    return data


ROWS = [
    {
        "order": "1",
        "code": "kho_khan",
        "label": "Địa bàn khó khăn",
        "max_points": "10",
        "weight": "40",
        "priority_kind": "difficult",
    },
    {
        "order": "2",
        "code": "kha_thi",
        "label": "Tính khả thi",
        "max_points": "10",
        "weight": "60",
        "priority_kind": "",
    },
]
SET = {"name": "Quy chế xét chọn của tỉnh (thử)", "legal_basis": "Quyết định của UBND tỉnh", "note": ""}


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def test_an_administrator_adds_a_set_and_each_row_is_audited(admin_client, administrator):
    response = admin_client.post(ADD, {**SET, **inline(ROWS)})
    assert response.status_code == 302, response.content.decode()[:2000]
    added = CriteriaSet.objects.get(name=SET["name"])
    assert added.total_weight() == 100 and added.verified is False
    assert history(added).get().action == AuditAction.CREATE
    for criterion in added.criteria.all():
        entry = history(criterion).get()
        assert (entry.action, entry.actor) == (AuditAction.CREATE, administrator)


def test_weights_that_do_not_add_up_to_100_are_refused(admin_client):
    rows = [dict(ROWS[0]), {**ROWS[1], "weight": "50"}]
    response = admin_client.post(ADD, {**SET, **inline(rows)})
    assert response.status_code == 200
    assert "Tổng trọng số các tiêu chí là 90, phải bằng 100" in response.content.decode()
    assert not CriteriaSet.objects.filter(name=SET["name"]).exists()


def test_changing_a_weight_writes_its_before_and_after(admin_client, administrator):
    admin_client.post(ADD, {**SET, **inline(ROWS)})
    added = CriteriaSet.objects.get(name=SET["name"])
    first, second = added.criteria.order_by("order")
    rows = [
        {**ROWS[0], "id": str(first.pk), "criteria_set": str(added.pk), "weight": "30"},
        {**ROWS[1], "id": str(second.pk), "criteria_set": str(added.pk), "weight": "70"},
    ]
    response = admin_client.post(change_url(added), {**SET, "verified": "on", **inline(rows, initial=2)})
    assert response.status_code == 302, response.content.decode()[:2000]
    first.refresh_from_db()
    assert first.weight == 30
    entry = history(first).filter(action=AuditAction.UPDATE).get()
    assert entry.changes["weight"]["before"] == 40 and entry.changes["weight"]["after"] == 30
    assert history(added).filter(action=AuditAction.UPDATE).get().changes["verified"]["after"] is True


def test_a_set_in_use_keeps_its_criteria_but_its_note_may_be_corrected(admin_client, council):
    in_use = council.criteria_set
    page = admin_client.get(change_url(in_use)).content.decode()
    assert 'name="criteria-0-weight"' not in page  # shown read-only
    weights = list(in_use.criteria.values_list("weight", flat=True))
    response = admin_client.post(
        change_url(in_use),
        {"name": in_use.name, "legal_basis": in_use.legal_basis, "note": "Đã rà soát", **inline([])},
    )
    assert response.status_code == 302
    in_use.refresh_from_db()
    assert in_use.note == "Đã rà soát"
    assert list(in_use.criteria.values_list("weight", flat=True)) == weights
    assert (
        admin_client.post(
            reverse("admin:appraisal_criteriaset_delete", args=[in_use.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_copying_a_set_makes_an_editable_unverified_copy(admin_client, council):
    original = council.criteria_set
    before = AuditEntry.objects.count()
    admin_client.post(
        reverse("admin:appraisal_criteriaset_changelist"),
        {"action": "copy_sets", "_selected_action": [original.pk]},
    )
    copy = CriteriaSet.objects.exclude(pk=original.pk).get(name__endswith="(bản sao)")
    assert copy.verified is False and copy.total_weight() == 100
    assert not copy.is_in_use()
    assert AuditEntry.objects.count() == before + 1


def test_an_officer_cannot_open_the_criteria_admin(client, officer):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get(ADD).status_code == 403
    assert not Criterion.objects.filter(code="kho_khan").exists()
