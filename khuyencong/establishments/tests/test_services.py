import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.establishments import services
from khuyencong.establishments.forms import EstablishmentForm
from khuyencong.establishments.models import Establishment


def _data(geo, **overrides):
    data = {
        "name": "Hợp tác xã mây tre đan Tam Thanh",
        "legal_form": "cooperative",
        "commune": geo.tam_thanh,
        "sector": "handicrafts",
        "workers": 10,
        "women_workers": 6,
        "ethnic_minority_workers": 4,
    }
    data.update(overrides)
    return data


def test_creating_a_record_writes_an_audit_row_with_the_values(officer, geo):
    est = services.establishment_create(actor=officer, data=_data(geo))
    [entry] = history(est)
    assert entry.action == AuditAction.CREATE
    assert entry.actor == officer
    assert entry.changes["name"]["after"] == "Hợp tác xã mây tre đan Tam Thanh"
    assert entry.changes["legal_form"]["after"] == "Hợp tác xã"


def test_a_malformed_tax_code_is_refused_naming_the_field_and_nothing_is_saved(officer, geo):
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(actor=officer, data=_data(geo, tax_code="0100109107"))
    assert "tax_code" in caught.value.message_dict
    assert "chữ số kiểm tra" in caught.value.message_dict["tax_code"][0]
    assert not Establishment.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_personal_id_is_refused_for_an_enterprise(officer, geo):
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(
            actor=officer, data=_data(geo, legal_form="small_enterprise", tax_code="020190001234")
        )
    assert "tax_code" in caught.value.message_dict


def test_more_women_than_workers_is_refused(officer, geo):
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(actor=officer, data=_data(geo, workers=3, women_workers=5))
    assert "women_workers" in caught.value.message_dict


def test_the_form_names_a_negative_worker_count_and_an_unknown_commune(officer, geo):
    form = EstablishmentForm(
        data={
            "name": "Cơ sở A",
            "legal_form": "household_business",
            "sector": "other",
            "workers": "-3",
            "women_workers": "0",
            "ethnic_minority_workers": "0",
            "commune": "999999",
        },
        user=officer,
    )
    assert not form.is_valid()
    assert "không được là số âm" in form.errors["workers"][0]
    assert "Xã/phường" in form.errors["commune"][0]


def test_a_district_is_not_accepted_as_the_commune(officer, geo):
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(actor=officer, data=_data(geo, commune=geo.old_city))
    assert "commune" in caught.value.message_dict


def test_a_second_record_with_the_same_tax_code_is_refused_naming_the_first(officer, geo, hung_long):
    with pytest.raises(ValidationError) as caught:
        services.establishment_create(
            actor=officer, data=_data(geo, legal_form="small_enterprise", tax_code="0100109106")
        )
    assert hung_long.name in caught.value.message_dict["tax_code"][0]
    assert Establishment.objects.count() == 1


def test_the_same_name_in_the_same_commune_warns_and_saves_once_confirmed(officer, geo, hung_long):
    data = _data(geo, name="CTY TNHH TM Hưng  Long", legal_form="small_enterprise")
    with pytest.raises(services.DuplicateWarning) as caught:
        services.establishment_create(actor=officer, data=data)
    assert [d.establishment for d in caught.value.duplicates] == [hung_long]
    assert Establishment.objects.count() == 1
    services.establishment_create(actor=officer, data=data, confirm_duplicate=True)
    assert Establishment.objects.count() == 2


def test_the_same_name_in_another_commune_is_not_a_duplicate(officer, geo, hung_long):
    services.establishment_create(
        actor=officer, data=_data(geo, name=hung_long.name, legal_form="small_enterprise", commune=geo.ba_son)
    )
    assert Establishment.objects.count() == 2


def test_an_update_records_before_and_after(officer, hung_long):
    services.establishment_update(
        establishment=hung_long, actor=officer, data={"workers": 50, "women_workers": 25}
    )
    entry = history(hung_long).first()
    assert entry.action == AuditAction.UPDATE
    assert entry.changes["workers"] == {"label": "số lao động", "before": 45, "after": 50}
    assert set(entry.changes) == {"workers", "women_workers"}


def test_an_update_that_changes_nothing_writes_no_history(officer, hung_long):
    services.establishment_update(establishment=hung_long, actor=officer, data={"workers": 45})
    assert not history(hung_long).exists()


def test_a_commune_officer_cannot_move_a_record_out_of_their_communes(commune_officer, geo, hung_long):
    with pytest.raises(PermissionDenied):
        services.establishment_update(
            establishment=hung_long, actor=commune_officer, data={"commune": geo.ba_son}
        )
    hung_long.refresh_from_db()
    assert hung_long.commune == geo.tam_thanh


def test_a_representative_cannot_change_their_tax_code(business_rep, hung_long):
    with pytest.raises(ValidationError):
        services.establishment_update(
            establishment=hung_long, actor=business_rep, data={"tax_code": "0100112437"}
        )
    services.establishment_update(establishment=hung_long, actor=business_rep, data={"phone": "0987654321"})
    hung_long.refresh_from_db()
    assert hung_long.phone == "0987654321"


def test_merging_keeps_both_histories_fills_blanks_and_moves_the_representative(
    officer, geo, hung_long, business_rep
):
    duplicate = services.establishment_create(
        actor=officer,
        data=_data(
            geo,
            name="Cty TNHH TM Hưng Long",
            legal_form="small_enterprise",
            address="",
            products="",
            workers=60,
            women_workers=10,
        ),
        confirm_duplicate=True,
    )
    hung_long_blank = services.establishment_update(
        establishment=hung_long, actor=officer, data={"products": ""}
    )
    business_rep.establishment = duplicate
    business_rep.save()
    duplicate.products = "Tấm lợp nhựa"
    duplicate.save()

    kept = services.establishment_merge(
        source=duplicate, target=hung_long_blank, actor=officer, reason="Trùng tên"
    )

    duplicate.refresh_from_db()
    business_rep.refresh_from_db()
    assert duplicate.merged_into == kept
    assert kept.products == "Tấm lợp nhựa"
    assert kept.workers == 60
    assert business_rep.establishment == kept
    assert history(duplicate).first().action == AuditAction.MERGE
    merge_entry = history(kept).first()
    assert merge_entry.action == AuditAction.MERGE and merge_entry.reason == "Trùng tên"
    assert f"#{duplicate.pk}" in merge_entry.changes["merged_from"]["after"]
    # the merged record drops out of lists but keeps its page
    from khuyencong.establishments.selectors import establishment_list

    assert duplicate not in establishment_list(user=officer)


def test_merging_moves_the_tax_code_when_the_kept_record_has_none(officer, geo, hung_long, ba_son_coop):
    services.establishment_merge(source=hung_long, target=ba_son_coop, actor=officer)
    ba_son_coop.refresh_from_db()
    hung_long.refresh_from_db()
    assert ba_son_coop.tax_code == "0100109106"
    assert hung_long.tax_code == ""


def test_only_centre_staff_may_merge(commune_officer, hung_long, geo):
    other = services.establishment_create(actor=commune_officer, data=_data(geo))
    with pytest.raises(PermissionDenied):
        services.establishment_merge(source=other, target=hung_long, actor=commune_officer)
    with pytest.raises(ValidationError):
        services.establishment_merge(source=hung_long, target=hung_long, actor=_staff(hung_long))


def _staff(_):
    from khuyencong.accounts.models import User

    return User.objects.create_user(username="staff2", password="x" * 12, role="officer")


def test_audit_history_cannot_be_rewritten(officer, geo):
    est = services.establishment_create(actor=officer, data=_data(geo))
    entry = history(est).first()
    entry.reason = "sửa lén"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_the_rebuild_task_repairs_stale_search_keys(officer, hung_long):
    from khuyencong.establishments.tasks import rebuild_search_keys

    Establishment.objects.filter(pk=hung_long.pk).update(search_key="stale")
    assert rebuild_search_keys.call() == 1
    hung_long.refresh_from_db()
    assert "hung long" in hung_long.search_key
    assert rebuild_search_keys.call() == 0
