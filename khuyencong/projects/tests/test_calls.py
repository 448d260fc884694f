"""Calls for proposals: who opens them, what they accept, their deadline, and their pages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import calls, services
from khuyencong.projects.calls import CallData
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.models import Call, CallStatus, Project

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args):
    return dt.datetime(*args, tzinfo=VN)


def call_data(**overrides):
    values = {
        "year": 2024,
        "level": "local",
        "title": "Đợt xét chọn đề án khuyến công địa phương năm 2024",
        "opens_at": vn(2024, 1, 2, 8, 0),
        "deadline": vn(2024, 3, 31, 17, 0),
        "categories": ["demonstration_model", "machinery_application"],
    }
    values.update(overrides)
    return CallData(**values)


@pytest.fixture
def call_2024(officer):
    return calls.call_create(actor=officer, data=call_data())


@pytest.fixture
def open_call(officer):
    """A call open right now, for the pages and for submissions dated today."""
    now = timezone.now()
    return calls.call_create(
        actor=officer,
        data=call_data(
            title="Đợt 1 năm 2024 (đang mở)",
            opens_at=now - dt.timedelta(days=10),
            deadline=now + dt.timedelta(days=20),
        ),
    )


def attach(project, call, actor):
    return calls.project_attach_call(project=project, call=call, actor=actor)


# Opening and editing calls -----------------------------------------------------------------------


def test_an_officer_opens_a_call_and_the_audit_trail_records_it(officer, call_2024):
    assert call_2024.categories == ["demonstration_model", "machinery_application"]
    entry = history(call_2024).get()
    assert entry.action == AuditAction.CREATE
    assert entry.actor == officer
    assert entry.changes["title"]["after"] == "Đợt xét chọn đề án khuyến công địa phương năm 2024"
    assert entry.changes["deadline"]["after"] == "31/03/2024 17:00"
    assert entry.changes["categories"]["after"] == (
        "Xây dựng mô hình trình diễn kỹ thuật; "
        "Ứng dụng máy móc thiết bị tiên tiến, chuyển giao công nghệ, đổi mới công nghệ"
    )


@pytest.mark.parametrize("role", ["leader", "commune_officer", "council_member", "business_rep"])
def test_only_the_centre_opens_a_call(request, role):
    with pytest.raises(PermissionDenied):
        calls.call_create(actor=request.getfixturevalue(role), data=call_data())
    assert not Call.objects.exists()


def test_an_administrator_may_open_a_call(administrator):
    assert calls.call_create(actor=administrator, data=call_data()).pk


@pytest.mark.parametrize(
    ("categories", "message"),
    [
        ([], "ít nhất một nội dung"),
        (["demonstration_model", "tourism"], "tourism"),
    ],
)
def test_a_call_refuses_an_empty_or_unknown_category_list(officer, categories, message):
    with pytest.raises(ValidationError, match=message) as caught:
        calls.call_create(actor=officer, data=call_data(categories=categories))
    assert "categories" in caught.value.message_dict


def test_a_repeated_category_is_stored_once_in_the_order_of_the_decree(officer):
    call = calls.call_create(
        actor=officer, data=call_data(categories=["machinery_application", "training", "training"])
    )
    assert call.categories == ["training", "machinery_application"]


def test_a_deadline_before_the_opening_is_refused(officer):
    with pytest.raises(ValidationError, match="Hạn nộp phải sau ngày mở") as caught:
        calls.call_create(actor=officer, data=call_data(deadline=vn(2024, 1, 1, 17, 0)))
    assert "deadline" in caught.value.message_dict


def test_a_moment_without_a_time_zone_is_refused(officer):
    with pytest.raises(ValidationError, match="múi giờ"):
        calls.call_create(actor=officer, data=call_data(deadline=dt.datetime(2024, 3, 31, 17, 0)))


def test_editing_a_call_is_audited_with_before_and_after(officer, call_2024):
    calls.call_update(
        actor=officer,
        call=call_2024,
        data=call_data(deadline=vn(2024, 4, 15, 17, 0)),
        reason="Gia hạn theo đề nghị của các xã",
    )
    entry = history(call_2024).first()
    assert entry.action == AuditAction.UPDATE
    assert entry.reason == "Gia hạn theo đề nghị của các xã"
    assert set(entry.changes) == {"deadline"}
    assert entry.changes["deadline"]["before"] == "31/03/2024 17:00"
    assert entry.changes["deadline"]["after"] == "15/04/2024 17:00"


def test_saving_a_call_unchanged_writes_no_audit_row(officer, call_2024):
    calls.call_update(actor=officer, call=call_2024, data=call_data())
    assert history(call_2024).count() == 1


def test_a_business_representative_cannot_edit_a_call(business_rep, call_2024):
    with pytest.raises(PermissionDenied):
        calls.call_update(actor=business_rep, call=call_2024, data=call_data(title="Đổi tên"))


def test_a_category_in_use_by_a_proposal_cannot_be_dropped(officer, business_rep, proposal):
    call = calls.call_create(
        actor=officer,
        data=call_data(deadline=timezone.now() + dt.timedelta(days=5), opens_at=vn(2024, 1, 2, 8, 0)),
    )
    attach(proposal, call, officer)
    with pytest.raises(ValidationError, match="KCĐP-2024-007"):
        calls.call_update(
            actor=officer,
            call=call,
            data=call_data(
                deadline=call.deadline, opens_at=call.opens_at, categories=["machinery_application"]
            ),
        )
    with pytest.raises(ValidationError, match="không đổi năm kế hoạch"):
        calls.call_update(
            actor=officer,
            call=call,
            data=call_data(deadline=call.deadline, opens_at=call.opens_at, year=2025),
        )
    call.refresh_from_db()
    assert call.categories == ["demonstration_model", "machinery_application"]


# Status from dates -------------------------------------------------------------------------------


def test_the_status_is_read_from_the_dates_and_the_deadline_minute_still_counts(call_2024):
    assert call_2024.status_at(vn(2024, 1, 2, 7, 59)) == CallStatus.UPCOMING
    assert call_2024.status_at(vn(2024, 1, 2, 8, 0)) == CallStatus.OPEN
    assert call_2024.status_at(vn(2024, 3, 31, 17, 0)) == CallStatus.OPEN
    assert call_2024.status_at(vn(2024, 3, 31, 17, 1)) == CallStatus.CLOSED
    assert call_2024.status == CallStatus.CLOSED  # 2024 is over
    assert list(Call.objects.open_at(vn(2024, 2, 1, 9, 0))) == [call_2024]
    assert not Call.objects.open_at(vn(2024, 4, 1, 9, 0)).exists()


@given(offset=st.integers(min_value=-200_000, max_value=200_000))
def test_a_moment_accepted_by_the_clock_is_accepted_by_its_day_too(offset):
    """Checking a submission by its date never refuses one the exact moment would accept."""
    call = Call(
        title="Đợt thử",
        opens_at=vn(2024, 1, 2, 8, 0),
        deadline=vn(2024, 3, 31, 17, 0),
        year=2024,
        level="local",
        categories=["training"],
    )
    moment = vn(2024, 2, 15, 12, 0) + dt.timedelta(minutes=offset)
    try:
        calls.check_window(call, at=moment)
    except ValidationError:
        assert call.status_at(moment) != CallStatus.OPEN
    else:
        assert call.status_at(moment) == CallStatus.OPEN
        calls.check_window(call, at=timezone.localtime(moment).date())


@given(
    accepted=st.sets(st.sampled_from(ContentCategory.values), min_size=1),
    category=st.sampled_from(ContentCategory.values),
)
def test_a_proposal_fits_a_call_exactly_when_the_call_accepts_its_category(accepted, category):
    call = Call(title="Đợt thử", year=2024, level="local", categories=sorted(accepted))
    project = Project(category=category, level="local", plan_year=2024)
    if category in accepted:
        calls.check_fit(project, call)
    else:
        with pytest.raises(ValidationError, match="không nhận nội dung"):
            calls.check_fit(project, call)


# Submitting to a call ----------------------------------------------------------------------------


def test_submitting_after_the_deadline_is_refused_naming_the_call_and_its_deadline(
    officer, call_2024, proposal
):
    Project.objects.filter(pk=proposal.pk).update(call=call_2024)
    with pytest.raises(ValidationError) as caught:
        services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 4, 1))
    (message,) = caught.value.message_dict["call"]
    assert "Đã quá hạn nộp hồ sơ" in message
    assert "31/03/2024 17:00" in message
    assert call_2024.title in message
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT


def test_a_submission_dated_on_the_deadline_day_is_accepted(officer, call_2024, proposal):
    Project.objects.filter(pk=proposal.pk).update(call=call_2024)
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 3, 31))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_submitting_before_the_call_opens_is_refused(officer, call_2024, proposal):
    Project.objects.filter(pk=proposal.pk).update(call=call_2024)
    with pytest.raises(ValidationError, match="chưa mở nhận hồ sơ"):
        services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 1, 1))


def test_submitting_now_to_a_call_whose_deadline_passed_a_minute_ago_is_refused(officer, proposal):
    call = calls.call_create(
        actor=officer,
        data=call_data(
            opens_at=timezone.now() - dt.timedelta(days=30), deadline=timezone.now() - dt.timedelta(minutes=1)
        ),
    )
    Project.objects.filter(pk=proposal.pk).update(call=call)
    with pytest.raises(ValidationError, match="Đã quá hạn nộp hồ sơ"):
        services.project_submit(project=proposal, actor=officer)


def test_a_proposal_in_a_category_the_call_does_not_accept_is_refused(officer, proposal):
    call = calls.call_create(actor=officer, data=call_data(categories=["training", "cleaner_production"]))
    Project.objects.filter(pk=proposal.pk).update(call=call)
    with pytest.raises(ValidationError) as caught:
        services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 2, 1))
    (message,) = caught.value.message_dict["call"]
    assert "không nhận nội dung “Xây dựng mô hình trình diễn kỹ thuật”" in message
    assert "Đào tạo nghề, truyền nghề, phát triển nghề" in message
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT


def test_a_proposal_of_the_other_programme_level_does_not_fit(officer, proposal):
    call = calls.call_create(actor=officer, data=call_data(level="national"))
    with pytest.raises(ValidationError, match="khuyến công quốc gia"):
        attach(proposal, call, officer)


def test_a_returned_proposal_may_come_back_after_the_deadline(officer, call_2024, proposal):
    Project.objects.filter(pk=proposal.pk).update(call=call_2024)
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 3, 20))
    services.project_transition(
        project=proposal, to=Status.RETURNED, actor=officer, reason="Bổ sung báo giá máy móc"
    )
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 4, 10))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_a_proposal_without_a_call_is_submitted_as_before(officer, proposal):
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 4, 1))
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_creating_a_proposal_in_a_call_checks_its_category(officer, geo, open_call):
    data = {
        "code": "KCĐP-2024-011",
        "title": "Đào tạo nghề mây tre đan",
        "category": "training",
        "level": "local",
        "plan_year": 2024,
        "implementing_unit": "Trung tâm Khuyến công",
        "unit": geo.tam_thanh,
    }
    with pytest.raises(ValidationError, match="không nhận nội dung") as caught:
        services.project_create(actor=officer, data=data, call=open_call)
    assert "call" in caught.value.message_dict
    assert not Project.objects.filter(code_key="KCDP-2024-011").exists()
    project = services.project_create(
        actor=officer, data={**data, "category": "machinery_application"}, call=open_call
    )
    assert project.call == open_call


def test_creating_a_proposal_in_a_closed_call_is_refused(officer, geo, call_2024):
    with pytest.raises(ValidationError, match="Đã quá hạn nộp hồ sơ"):
        services.project_create(
            actor=officer,
            data={
                "code": "KCĐP-2024-012",
                "title": "Máy ép nhựa",
                "category": "machinery_application",
                "level": "local",
                "plan_year": 2024,
                "implementing_unit": "Trung tâm Khuyến công",
                "unit": geo.tam_thanh,
            },
            call=call_2024,
        )


# Registering a proposal in a call ----------------------------------------------------------------


def test_a_representative_registers_their_draft_and_the_change_is_audited(business_rep, open_call, proposal):
    attach(proposal, open_call, business_rep)
    proposal.refresh_from_db()
    assert proposal.call == open_call
    entry = history(proposal).first()
    assert entry.actor == business_rep
    assert entry.changes["call"]["after"] == open_call.title


def test_a_leader_or_an_outsider_cannot_register_a_proposal(leader, outsider, open_call, proposal):
    for actor in (leader, outsider):
        with pytest.raises(PermissionDenied):
            attach(proposal, open_call, actor)
    proposal.refresh_from_db()
    assert proposal.call is None


def test_a_submitted_proposal_cannot_change_its_call(officer, open_call, proposal):
    services.project_submit(project=proposal, actor=officer, on=dt.date(2024, 1, 15))
    with pytest.raises(ValidationError, match="dự thảo hoặc bị trả lại"):
        attach(proposal, open_call, officer)


# Pages -------------------------------------------------------------------------------------------


def test_the_list_shows_open_calls_and_the_closed_ones_only_on_request(
    client, business_rep, call_2024, open_call
):
    client.force_login(business_rep)
    html = client.get(reverse("calls:list")).content.decode()
    assert open_call.title in html
    assert call_2024.title not in html
    html = client.get(reverse("calls:list") + "?tat-ca=1").content.decode()
    assert call_2024.title in html


def test_the_list_needs_a_signed_in_user(client, open_call):
    response = client.get(reverse("calls:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_deadline_is_shown_in_vietnam_time(client, officer, call_2024):
    client.force_login(officer)
    html = client.get(call_2024.get_absolute_url()).content.decode()
    assert "31/03/2024 17:00" in html
    assert "02/01/2024 08:00" in html
    assert call_2024.deadline == dt.datetime(2024, 3, 31, 10, 0, tzinfo=dt.UTC)


def test_the_call_page_lists_only_the_proposals_the_user_may_see(
    client, officer, commune_officer, outsider, open_call, proposal
):
    attach(proposal, open_call, officer)
    client.force_login(commune_officer)
    assert proposal.code in client.get(open_call.get_absolute_url()).content.decode()
    client.force_login(outsider)
    assert proposal.code not in client.get(open_call.get_absolute_url()).content.decode()


def test_an_officer_opens_a_call_through_the_form_in_vietnam_time(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("calls:create"),
        {
            "title": "Đợt xét chọn khuyến công quốc gia 2026",
            "year": "2026",
            "level": "national",
            "opens_at": "05/01/2026 08:00",
            "deadline": "31/03/2026 17:00",
            "categories": ["demonstration_model", "cleaner_production"],
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == call.get_absolute_url()
    assert call.deadline == dt.datetime(2026, 3, 31, 10, 0, tzinfo=dt.UTC)
    assert call.categories == ["demonstration_model", "cleaner_production"]
    assert history(call).get().actor == officer


def test_the_form_shows_the_rule_when_no_category_is_ticked(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("calls:create"),
        {
            "title": "Đợt thiếu nội dung",
            "year": "2026",
            "level": "local",
            "opens_at": "05/01/2026 08:00",
            "deadline": "31/03/2026 17:00",
        },
    )
    assert response.status_code == 200
    assert "Hãy chọn ít nhất một nội dung hỗ trợ." in response.content.decode()
    assert not Call.objects.exists()


def test_the_edit_form_shows_the_saved_moments_in_vietnam_time(client, officer, call_2024):
    client.force_login(officer)
    html = client.get(reverse("calls:edit", args=[call_2024.pk])).content.decode()
    assert 'value="31/03/2024 17:00"' in html


@pytest.mark.parametrize("role", ["business_rep", "commune_officer", "leader"])
def test_only_the_centre_reaches_the_call_forms(client, request, role, call_2024):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("calls:create")).status_code == 403
    assert client.get(reverse("calls:edit", args=[call_2024.pk])).status_code == 403


def test_a_representative_registers_a_draft_from_the_call_page(client, business_rep, open_call, proposal):
    client.force_login(business_rep)
    html = client.get(open_call.get_absolute_url()).content.decode()
    assert f'value="{proposal.code_key}"' in html
    response = client.post(reverse("calls:attach", args=[open_call.pk]), {"project": "kcdp-2024-007"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.call == open_call


def test_registering_a_proposal_outside_ones_scope_answers_404(client, outsider, open_call, proposal):
    client.force_login(outsider)
    response = client.post(reverse("calls:attach", args=[open_call.pk]), {"project": proposal.code_key})
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.call is None
