"""The pages: who may open and post what (404 outside a reader's councils, 403 for an act that is not
theirs), and the member's and the officer's paths through them."""

import pytest
from django.urls import reverse

from khuyencong.appraisal import services
from khuyencong.appraisal.choices import CouncilStatus
from khuyencong.appraisal.models import Assignment, Council, CouncilMember, Declaration, ScoreSheet
from khuyencong.appraisal.tests.factories import member_user, score_all
from khuyencong.projects.choices import Status

CENTRE = ["officer", "administrator"]
OUTSIDERS = ["commune_officer", "business_rep", "public_user"]


def url(name, *args):
    return reverse(f"appraisal:{name}", args=args)


@pytest.fixture
def stranger(other_council):
    """A council member who sits on another council of the same round."""
    return other_council.members.get().user


# --- reading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*CENTRE, "leader", "council_member"])
def test_the_list_opens_for_those_who_take_part_in_appraisal(client, request, role, council):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url("list"))
    assert response.status_code == 200
    assert council.name in response.content.decode()


@pytest.mark.parametrize("role", OUTSIDERS)
def test_the_list_is_refused_to_other_roles(client, request, role, council):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("list")).status_code == 403


def test_a_member_lists_only_the_councils_they_sit_on(client, council, other_council, council_member):
    client.force_login(council_member)
    html = client.get(url("list")).content.decode()
    assert council.name in html and other_council.name not in html


def test_signed_out_visitors_are_sent_to_sign_in(client, council):
    for target in (url("list"), url("detail", council.pk), url("minutes", council.pk)):
        response = client.get(target)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", [*OUTSIDERS, "stranger"])
def test_a_council_is_404_for_whoever_is_not_on_it_or_in_the_centre(
    client, request, role, council, assignment
):
    client.force_login(request.getfixturevalue(role))
    for target in (
        url("detail", council.pk),
        url("sheet", council.pk, assignment.pk),
        url("minutes", council.pk),
        url("edit", council.pk),
    ):
        assert client.get(target).status_code == 404, target
    seat = CouncilMember.objects.filter(council=council).first()
    for target in (
        url("declare", council.pk, assignment.pk),
        url("sheet_total", council.pk, assignment.pk),
        url("conclude", council.pk, assignment.pk),
        url("member_add", council.pk),
        url("member_remove", council.pk, seat.pk),
        url("assign", council.pk),
        url("unassign", council.pk, assignment.pk),
        url("close", council.pk),
    ):
        assert client.post(target).status_code == 404, target
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_the_council_page_shows_the_progress_matrix(client, officer, council, assignment, members):
    _hoi, thu, binh = members
    services.declare(assignment=assignment, actor=thu, has_conflict=True, reason="Người thân")
    score_all(assignment, binh)
    client.force_login(officer)
    html = client.get(url("detail", council.pk)).content.decode()
    assert 'data-state="undeclared">Chưa khai báo' in html
    assert 'data-state="conflict">Xung đột lợi ích' in html
    assert 'data-state="submitted">Đã nộp phiếu<br><strong>100,00</strong>' in html
    assert "Còn 1 thành viên chưa khai báo xung đột lợi ích hoặc chưa nộp phiếu: Vi Thị Hội." in html


def test_a_member_sees_states_but_not_the_others_totals_until_the_conclusion(
    client, council, assignment, members
):
    hoi, thu, _binh = members
    score_all(assignment, thu)
    client.force_login(hoi)
    html = client.get(url("detail", council.pk)).content.decode()
    assert "Đã nộp phiếu" in html and "100,00" not in html
    assert url("sheet", council.pk, assignment.pk) in html


# --- the member's sheet -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [*CENTRE, "leader"])
def test_only_members_open_a_sheet(client, request, role, council, assignment):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("sheet", council.pk, assignment.pk)).status_code == 403
    assert client.post(url("declare", council.pk, assignment.pk), {"conflict": "no"}).status_code == 403
    assert not Declaration.objects.exists()


def test_a_member_declares_then_scores_then_submits_through_the_pages(
    client, council, assignment, council_member
):
    client.force_login(council_member)
    sheet_url = url("sheet", council.pk, assignment.pk)
    html = client.get(sheet_url).content.decode()
    assert "1. Khai báo xung đột lợi ích" in html and 'name="points_feasibility"' not in html
    # scoring before declaring is refused
    response = client.post(sheet_url, {"points_feasibility": "8", "save": ""}, follow=True)
    assert "Hãy khai báo xung đột lợi ích với đề án này trước khi chấm điểm" in response.content.decode()
    response = client.post(url("declare", council.pk, assignment.pk), {"conflict": "no"}, follow=True)
    html = response.content.decode()
    assert "Đã ghi nhận khai báo" in html and 'name="points_feasibility"' in html
    assert "Điền sẵn 0 điểm" in html  # the place criteria, from the (empty) classifications
    criteria = council.criteria_set.criteria.all()
    form = {f"points_{c.code}": str(c.max_points) for c in criteria}
    response = client.post(sheet_url, {**form, "points_feasibility": "11", "submit": ""})
    assert response.status_code == 200
    assert "phải là số nguyên từ 0 đến 10" in response.content.decode()
    assert ScoreSheet.objects.get().submitted_at is None
    response = client.post(sheet_url, {**form, "submit": ""}, follow=True)
    html = response.content.decode()
    assert "Đã nộp phiếu chấm điểm" in html and 'id="sheet-submitted-total">100,00' in html
    assert 'name="points_feasibility"' not in html  # locked


def test_a_conflicted_member_is_told_and_cannot_post_scores(client, council, assignment, council_member):
    client.force_login(council_member)
    response = client.post(
        url("declare", council.pk, assignment.pk),
        {"conflict": "yes", "reason": "Em ruột làm kế toán"},
        follow=True,
    )
    assert "Em ruột làm kế toán" in response.content.decode()
    response = client.post(
        url("sheet", council.pk, assignment.pk), {"points_feasibility": "8", "submit": ""}, follow=True
    )
    assert "nên không được chấm điểm đề án này" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_a_conflict_without_a_reason_is_shown_back_with_the_error(
    client, council, assignment, council_member
):
    client.force_login(council_member)
    response = client.post(url("declare", council.pk, assignment.pk), {"conflict": "yes", "reason": ""})
    assert response.status_code == 200
    assert "Cần ghi rõ lý do xung đột lợi ích" in response.content.decode()
    assert not Declaration.objects.exists()


def test_the_running_total_is_computed_without_saving(client, council, assignment, council_member):
    client.force_login(council_member)
    client.post(url("declare", council.pk, assignment.pk), {"conflict": "no"})
    response = client.post(
        url("sheet_total", council.pk, assignment.pk),
        {"points_necessity": "10", "points_feasibility": "5"},
        HTTP_HX_REQUEST="true",
    )
    assert "Tổng điểm tạm tính: 25,00 / 100" in response.content.decode()  # 15 + 10
    assert (
        not ScoreSheet.objects.get().scores.filter(criterion__code="necessity", points__isnull=False).exists()
    )


# --- the centre's acts ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["leader", "council_member"])
def test_setting_up_and_concluding_are_refused_to_leaders_and_members(
    client, request, role, council, assignment, proposal
):
    client.force_login(request.getfixturevalue(role))
    newcomer = member_user("thamdinh9")
    assert client.get(url("create")).status_code == 403
    assert client.get(url("edit", council.pk)).status_code == 403
    assert (
        client.post(url("member_add", council.pk), {"user": newcomer.pk, "position": "member"}).status_code
        == 403
    )
    seat = CouncilMember.objects.filter(council=council).first()
    assert client.post(url("member_remove", council.pk, seat.pk)).status_code == 403
    assert client.post(url("assign", council.pk), {"project": proposal.pk}).status_code == 403
    assert client.post(url("unassign", council.pk, assignment.pk)).status_code == 403
    assert (
        client.post(
            url("conclude", council.pk, assignment.pk), {f"a{assignment.pk}-outcome": "proposed"}
        ).status_code
        == 403
    )
    assert client.post(url("close", council.pk)).status_code == 403
    assert CouncilMember.objects.filter(council=council).count() == 3
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_an_officer_sets_up_a_council_seats_members_and_gives_it_a_proposal(
    client, officer, criteria, members, proposal
):
    client.force_login(officer)
    response = client.post(
        url("create"),
        {
            "name": "Hội đồng xét chọn 2024",
            "plan_year": "2024",
            "level": "local",
            "criteria_set": criteria.pk,
        },
    )
    council = Council.objects.get()
    assert response.status_code == 302 and response["Location"] == council.get_absolute_url()
    client.post(url("member_add", council.pk), {"user": members[0].pk, "position": "chair"})
    client.post(url("member_add", council.pk), {"user": members[1].pk, "position": "member"})
    response = client.post(url("assign", council.pk), {"project": proposal.pk}, follow=True)
    assert "Đã giao đề án KCĐP-2024-007 cho hội đồng" in response.content.decode()
    assert list(council.members.values_list("position", flat=True)) == ["chair", "member"]
    assert Assignment.objects.get().project == proposal


def test_a_council_form_with_errors_is_shown_back(client, officer, criteria):
    client.force_login(officer)
    response = client.post(
        url("create"), {"name": "", "plan_year": "2024", "level": "", "criteria_set": criteria.pk}
    )
    assert response.status_code == 200
    assert not Council.objects.exists()


def test_the_officer_concludes_from_the_council_page(client, officer, council, assignment, members, proposal):
    for member in members:
        score_all(assignment, member)
    client.force_login(officer)
    html = client.get(url("detail", council.pk)).content.decode()
    assert "Kết luận thẩm định KCĐP-2024-007" in html
    response = client.post(
        url("conclude", council.pk, assignment.pk),
        {f"a{assignment.pk}-outcome": "rejected", f"a{assignment.pk}-reason": ""},
    )
    assert response.status_code == 200 and "Cần ghi rõ lý do không chọn" in response.content.decode()
    response = client.post(
        url("conclude", council.pk, assignment.pk), {f"a{assignment.pk}-outcome": "proposed"}, follow=True
    )
    assert "Đã kết luận thẩm định đề án KCĐP-2024-007: Đề xuất vào kế hoạch." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED
    response = client.post(url("close", council.pk), follow=True)
    assert "Hội đồng đã kết thúc." in response.content.decode()
    council.refresh_from_db()
    assert council.status == CouncilStatus.CLOSED


def test_minutes_are_for_the_centre_and_leaders_while_open_and_for_members_once_closed(
    client, officer, leader, council_member, council, assignment, members
):
    for user, expected in ((officer, 200), (leader, 200), (council_member, 403)):
        client.force_login(user)
        response = client.get(url("minutes", council.pk))
        assert response.status_code == expected, user
    assert response.status_code == 403
    for member in members:
        score_all(assignment, member)
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome="proposed")
    services.council_close(council=council, actor=officer)
    client.force_login(council_member)
    response = client.get(url("minutes", council.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


# --- the panel on the project's page ---------------------------------------------------------------------


def test_the_project_page_shows_the_council_and_the_scoring_status(
    client, officer, assignment, members, proposal
):
    score_all(assignment, members[1])
    client.force_login(officer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="appraisal-panel"' in html and assignment.council.name in html
    assert "1/3 thành viên đã nộp phiếu; 0 xung đột lợi ích" in html


def test_a_member_sees_a_link_to_their_sheet_on_the_project_page(
    client, council_member, assignment, proposal
):
    client.force_login(council_member)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert url("sheet", assignment.council_id, assignment.pk) in html and "Khai báo và chấm điểm" in html


def test_the_project_page_shows_the_score_and_the_flag_once_concluded(
    client, officer, business_rep, assignment, members, proposal
):
    score_all(assignment, members[0])  # 100
    score_all(assignment, members[1], {"necessity": 0, "feasibility": 0, "effectiveness": 0})  # 45
    score_all(assignment, members[2])  # 100
    client.force_login(business_rep)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Hội đồng đang thẩm định." in html and "45,00" not in html and 'id="appraisal-flag"' not in html
    services.appraisal_conclude(assignment=assignment, actor=officer, outcome="proposed")
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert 'id="appraisal-score">81,67</strong>' in html
    assert "Các thành viên chấm chênh lệch lớn: 55,00 điểm (ngưỡng 20)" in html
    assert url("detail", assignment.council_id) not in html  # the business does not open the council


def test_the_centre_is_told_when_a_proposal_under_appraisal_has_no_council(client, officer, proposal):
    client.force_login(officer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Đề án chưa được giao cho hội đồng thẩm định nào." in html


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("officer", True),
        ("leader", True),
        ("administrator", True),
        ("council_member", True),
        ("commune_officer", False),
        ("business_rep", False),
    ],
)
def test_the_main_navigation_offers_appraisal_after_projects_to_those_who_see_councils(
    request, db, client, role, shown
):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("core:todo"))
    assert response.status_code == 200
    html = response.content.decode()
    link = f'<a href="{reverse("appraisal:list")}">Thẩm định</a>'
    assert (link in html) is shown
    if shown:
        assert html.index(f'<a href="{reverse("projects:list")}">Đề án</a>') < html.index(link)
