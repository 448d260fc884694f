"""The centre's side: the inbox per role, the one transition table, answers read through the link."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from khuyencong.advice import selectors, services, workflow
from khuyencong.advice.choices import RequestStatus
from khuyencong.advice.models import AdviceRequest
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import todo

pytestmark = pytest.mark.django_db

S = RequestStatus
ROLES = [
    "administrator",
    "officer",
    "leader",
    "commune_officer",
    "council_member",
    "business_rep",
    "public_user",
]
ANSWERERS = {"administrator", "officer"}
READERS = ANSWERERS | {"leader"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_inbox(request, role, advice):
    user = request.getfixturevalue(role)
    client = _client(user)
    inbox = client.get(reverse("advice:inbox"))
    detail = client.get(advice.get_absolute_url())
    if role in READERS:
        assert inbox.status_code == 200
        assert advice.reference in inbox.content.decode()
        assert detail.status_code == 200
        # The centre, who answers, sees how to reach the requester; a leader reads it masked (privacy.policy).
        assert ("lan.htx@example.vn" in detail.content.decode()) == (role in ANSWERERS)
        assert ("l***@example.vn" in detail.content.decode()) == (role not in ANSWERERS)
        assert ("Gửi trả lời" in detail.content.decode()) == (role in ANSWERERS)
    else:
        assert inbox.status_code == 403
        assert detail.status_code == 404
        assert selectors.visible_requests(user=user).count() == 0


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("frm", list(S))
@pytest.mark.parametrize("to", list(S))
def test_every_move_follows_the_one_table(request, submit, role, frm, to):
    user = request.getfixturevalue(role)
    advice, _token = submit()
    AdviceRequest.objects.filter(pk=advice.pk).update(status=frm)
    advice.refresh_from_db()
    allowed = (frm, to) in workflow.TRANSITIONS and role in ANSWERERS
    try:
        if to == S.ANSWERED:
            services.request_answer(actor=user, request=advice, answer="Trả lời.")
        else:
            services.request_transition(actor=user, request=advice, to=to, reason="Lý do.")
    except (PermissionDenied, ValidationError):
        moved = False
    else:
        moved = True
    advice.refresh_from_db()
    assert moved == allowed
    assert advice.status == (to if allowed else frm)
    assert history(advice).filter(action=AuditAction.TRANSITION).count() == (1 if allowed else 0)


def test_an_officer_answers_and_the_requester_reads_it(submit, officer, client):
    advice, token = submit(question="Thủ tục đăng ký bình chọn sản phẩm tiêu biểu?")
    staff = _client(officer)
    response = staff.post(
        reverse("advice:answer", args=[advice.pk]),
        {"answer": "Hồ sơ gồm phiếu đăng ký và mẫu sản phẩm.\nNộp tại Trung tâm trước 30/6."},
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == S.ANSWERED
    assert advice.answered_by == officer
    entry = history(advice).get(action=AuditAction.TRANSITION)
    assert entry.actor == officer
    assert entry.changes["status"]["after"] == str(S.ANSWERED.label)
    page = client.get(reverse("advice:track", args=[token])).content.decode()
    assert "Hồ sơ gồm phiếu đăng ký và mẫu sản phẩm.<br>Nộp tại Trung tâm trước 30/6." in page
    assert str(S.ANSWERED.label) in page
    # A second answer to the same request is refused: it is answered already.
    again = staff.post(reverse("advice:answer", args=[advice.pk]), {"answer": "Khác"})
    assert again.status_code == 400
    advice.refresh_from_db()
    assert advice.answer.startswith("Hồ sơ gồm")


def test_two_officers_answering_at_once_one_wins(advice, officer, administrator):
    stale = AdviceRequest.objects.get(pk=advice.pk)
    services.request_answer(actor=officer, request=advice, answer="Trả lời thứ nhất.")
    with pytest.raises(ValidationError, match="Không thể chuyển"):
        services.request_answer(actor=administrator, request=stale, answer="Trả lời thứ hai.")
    advice.refresh_from_db()
    assert advice.answer == "Trả lời thứ nhất."


def test_a_leader_reads_but_cannot_answer(advice, leader):
    response = _client(leader).post(reverse("advice:answer", args=[advice.pk]), {"answer": "x"})
    assert response.status_code == 403
    advice.refresh_from_db()
    assert advice.status == S.NEW


def test_an_empty_or_oversized_answer_is_refused(advice, officer):
    staff = _client(officer)
    assert staff.post(reverse("advice:answer", args=[advice.pk]), {"answer": "   "}).status_code == 400
    too_long = staff.post(reverse("advice:answer", args=[advice.pk]), {"answer": "x" * 8001})
    assert too_long.status_code == 400
    assert "Trả lời: tối đa 8000 ký tự" in too_long.content.decode()
    with pytest.raises(ValidationError, match="Trả lời"):
        services.request_answer(actor=officer, request=advice, answer="")
    advice.refresh_from_db()
    assert advice.status == S.NEW


def test_closing_unanswered_and_reopening_need_a_reason(advice, officer):
    staff = _client(officer)
    url = reverse("advice:transition", args=[advice.pk])
    staff.post(url, {"to": "closed", "reason": ""})
    advice.refresh_from_db()
    assert advice.status == S.NEW
    staff.post(url, {"to": "closed", "reason": "Trùng yêu cầu TV-000001"})
    advice.refresh_from_db()
    assert advice.status == S.CLOSED
    assert history(advice).get(action=AuditAction.TRANSITION).reason == "Trùng yêu cầu TV-000001"
    with pytest.raises(ValidationError, match="Lý do"):
        services.request_transition(actor=officer, request=advice, to=S.NEW)
    services.request_transition(actor=officer, request=advice, to=S.NEW, reason="Người hỏi gọi lại")
    advice.refresh_from_db()
    assert advice.status == S.NEW


def test_an_answered_request_closes_without_a_reason(advice, officer):
    services.request_answer(actor=officer, request=advice, answer="Đã trả lời.")
    services.request_transition(actor=officer, request=advice, to=S.CLOSED)
    advice.refresh_from_db()
    assert advice.status == S.CLOSED
    assert advice.answer == "Đã trả lời."


def test_the_inbox_filters_by_status_topic_and_words_without_diacritics(submit, officer):
    first, _ = submit(business_name="Cơ sở chè Hữu Lũng", topic="branding")
    second, _ = submit(business_name="Xưởng mộc Đồng Đăng", topic="technology", question="Máy bào gỗ")
    services.request_answer(actor=officer, request=second, answer="Có hỗ trợ.")
    staff = _client(officer)

    def listed(**params: str) -> set[str]:
        html = staff.get(reverse("advice:inbox"), params).content.decode()
        return {a.reference for a in (first, second) if a.reference in html}

    assert listed() == {first.reference, second.reference}
    assert listed(status="new") == {first.reference}
    assert listed(status="answered") == {second.reference}
    assert listed(topic="technology") == {second.reference}
    assert listed(q="huu lung") == {first.reference}
    assert listed(q="bao go") == {second.reference}
    assert listed(q="moc dong dang") == {second.reference}


def test_new_requests_wait_in_the_centres_to_do_list(submit, officer, leader):
    assert "advice_requests" not in {s.group.key for s in todo.todo_list(user=officer)}
    first, _ = submit(business_name="Cơ sở một")
    submit(business_name="Cơ sở hai")
    (section,) = [s for s in todo.todo_list(user=officer) if s.group.key == "advice_requests"]
    assert section.count == 2
    assert section.items[0] == first  # oldest first
    assert "advice_requests" not in {s.group.key for s in todo.todo_list(user=leader)}
    html = _client(officer).get(reverse("core:todo")).content.decode()
    assert f'href="{first.get_absolute_url()}">{first.reference}</a> — Cơ sở một' in html
    assert section.list_urls == [("Hộp thư tư vấn", reverse("advice:inbox") + "?status=new")]
    services.request_answer(actor=officer, request=first, answer="Xong.")
    (section,) = [s for s in todo.todo_list(user=officer) if s.group.key == "advice_requests"]
    assert section.count == 1


def test_the_menu_links_the_inbox_for_readers_only(client, officer, commune_officer):
    assert reverse("advice:inbox") in _client(officer).get(reverse("advice:ask")).content.decode()
    assert reverse("advice:inbox") not in _client(commune_officer).get(reverse("advice:ask")).content.decode()
    assert f'href="{reverse("advice:ask")}"' in client.get(reverse("portal:list")).content.decode()
