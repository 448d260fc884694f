"""Follow-ups 6, 12 and 24 months after an accepted acceptance: due list, answers, to-do group, pages."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from khuyencong.core import audit
from khuyencong.projects import todo
from khuyencong.projects.choices import Status
from khuyencong.results import services
from khuyencong.results.models import FollowUp, add_months
from khuyencong.results.selectors import follow_up_counts, follow_ups_due


def test_months_are_added_to_the_day_and_clamped_at_the_end_of_a_month():
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 11, 20), 24) == dt.date(2026, 11, 20)
    assert add_months(dt.date(2025, 3, 15), -6) == dt.date(2024, 9, 15)


def test_the_due_list_holds_each_milestone_reached_and_not_answered(make_project, officer):
    today = timezone.localdate()
    old = make_project(
        results={"jobs_created": 10}, held_on=today - dt.timedelta(days=800), status=Status.SETTLED
    )
    recent = make_project(results={"jobs_created": 10}, held_on=today - dt.timedelta(days=200))
    make_project(results={"jobs_created": 10}, held_on=today - dt.timedelta(days=30))  # nothing due yet
    make_project(results={"jobs_created": 10}, held_on=today - dt.timedelta(days=800), accepted=False)
    due = {(d.project.pk, int(d.months)) for d in follow_ups_due(user=officer)}
    assert due == {(old.pk, 6), (old.pk, 12), (old.pk, 24), (recent.pk, 6)}
    assert follow_up_counts(user=officer) == {6: 2, 12: 1, 24: 1}
    services.follow_up_record(
        project=old,
        actor=officer,
        months=6,
        visited_on=today - dt.timedelta(days=600),
        still_operating=True,
        jobs_kept=9,
    )
    assert follow_up_counts(user=officer) == {6: 1, 12: 1, 24: 1}


def test_the_due_list_is_scoped_to_the_commune_officer(make_project, commune_officer, geo):
    today = timezone.localdate()
    make_project(results={"jobs_created": 10}, held_on=today - dt.timedelta(days=200))
    make_project(unit=geo.ba_son, results={"jobs_created": 10}, held_on=today - dt.timedelta(days=200))
    assert [d.project.unit for d in follow_ups_due(user=commune_officer)] == [geo.tam_thanh]


def test_an_answer_is_recorded_once_with_its_audit_row(make_project, officer):
    held = timezone.localdate() - dt.timedelta(days=400)
    project = make_project(
        results={"jobs_created": 10, "machines": 1}, held_on=held, machines=(("Máy ép", "S-1"),)
    )
    row = services.follow_up_record(
        project=project,
        actor=officer,
        months=12,
        visited_on=add_months(held, 12),
        still_operating=True,
        jobs_kept=8,
        equipment_in_use=True,
        note="Máy chạy hai ca",
    )
    assert audit.history(row).get().changes["jobs_kept"]["after"] == 8
    with pytest.raises(ValidationError, match="Đã ghi"):
        services.follow_up_record(
            project=project,
            actor=officer,
            months=12,
            visited_on=add_months(held, 12),
            still_operating=True,
            equipment_in_use=True,
        )


def test_equipment_is_asked_exactly_when_machines_were_handed_over(make_project, officer):
    held = timezone.localdate() - dt.timedelta(days=400)
    with_machine = make_project(results={"machines": 1}, held_on=held, machines=(("Máy ép", "S-1"),))
    without = make_project(results={"jobs_created": 3}, held_on=held)
    with pytest.raises(ValidationError) as caught:
        services.follow_up_record(
            project=with_machine,
            actor=officer,
            months=6,
            visited_on=add_months(held, 6),
            still_operating=True,
        )
    assert "equipment_in_use" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.follow_up_record(
            project=without,
            actor=officer,
            months=6,
            visited_on=add_months(held, 6),
            still_operating=True,
            equipment_in_use=True,
        )
    assert "equipment_in_use" in caught.value.message_dict


def test_early_visits_closed_businesses_without_a_note_and_unaccepted_projects_are_refused(
    make_project, officer
):
    held = timezone.localdate() - dt.timedelta(days=200)
    project = make_project(results={"jobs_created": 3}, held_on=held)
    with pytest.raises(ValidationError, match="Chưa đến kỳ"):
        services.follow_up_record(
            project=project, actor=officer, months=24, visited_on=timezone.localdate(), still_operating=True
        )
    with pytest.raises(ValidationError) as caught:
        services.follow_up_record(
            project=project, actor=officer, months=6, visited_on=timezone.localdate(), still_operating=False
        )
    assert "note" in caught.value.message_dict
    refused = make_project(results={"jobs_created": 3}, held_on=held - dt.timedelta(days=200), accepted=False)
    with pytest.raises(ValidationError, match="nghiệm thu đạt"):
        services.follow_up_record(
            project=refused, actor=officer, months=6, visited_on=timezone.localdate(), still_operating=True
        )
    with pytest.raises(ValidationError, match="6, 12 hoặc 24"):
        services.follow_up_record(
            project=project, actor=officer, months=7, visited_on=timezone.localdate(), still_operating=True
        )
    assert not FollowUp.objects.exists()


def test_a_leader_does_not_record_follow_ups(make_project, leader):
    held = timezone.localdate() - dt.timedelta(days=400)
    project = make_project(results={"jobs_created": 3}, held_on=held)
    with pytest.raises(PermissionDenied):
        services.follow_up_record(
            project=project, actor=leader, months=6, visited_on=add_months(held, 6), still_operating=True
        )


def test_the_centre_to_do_list_gains_a_follow_up_group_while_one_is_due(make_project, officer, leader):
    assert "follow_ups" not in {s.group.key for s in todo.todo_list(user=officer)}
    project = make_project(results={"jobs_created": 3}, held_on=timezone.localdate() - dt.timedelta(days=200))
    (section,) = [s for s in todo.todo_list(user=officer) if s.group.key == "follow_ups"]
    assert section.count == 1
    assert section.items == [project]
    assert section.list_urls == [("Danh sách theo dõi đến hạn", "/ket-qua/theo-doi/")]
    assert "follow_ups" not in {s.group.key for s in todo.todo_list(user=leader)}


def test_the_pages_list_what_is_due_and_record_an_answer(client, make_project, officer):
    held = timezone.localdate() - dt.timedelta(days=200)
    project = make_project(results={"jobs_created": 3}, held_on=held)
    client.force_login(officer)
    html = client.get("/ket-qua/theo-doi/").content.decode()
    assert project.code in html
    url = f"/ket-qua/de-an/{project.code_key}/theo-doi/6/"
    response = client.post(
        url,
        {"visited_on": add_months(held, 6).strftime("%d/%m/%Y"), "still_operating": "yes", "jobs_kept": "3"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.get(project=project, months=6).jobs_kept == 3
    html = client.get(f"/ket-qua/de-an/{project.code_key}/").content.decode()
    assert "còn hoạt động" in html
    assert project.code not in client.get("/ket-qua/theo-doi/").content.decode()


def test_the_results_page_records_a_value_and_shows_it(client, make_project, officer):
    project = make_project(results={"jobs_created": 3}, held_on=dt.date(2024, 11, 20))
    client.force_login(officer)
    response = client.post(
        f"/ket-qua/de-an/{project.code_key}/",
        {
            "indicator": "revenue_after_support",
            "period_start": "01/01/2025",
            "period_end": "31/12/2025",
            "value": "1.200.000.000",
            "source": "business_report",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/ket-qua/de-an/{project.code_key}/").content.decode()
    assert "1.200.000.000 ₫" in html
    bad = client.post(
        f"/ket-qua/de-an/{project.code_key}/",
        {
            "indicator": "revenue_after_support",
            "period_start": "01/01/2024",
            "period_end": "30/06/2024",
            "value": "1",
            "source": "other",
        },
    )
    assert bad.status_code == 400
    assert "đã khoá" in bad.content.decode()


def test_a_commune_officer_gets_404_for_a_project_outside_their_communes(client, make_project, outsider):
    project = make_project(results={"jobs_created": 3})
    client.force_login(outsider)
    assert client.get(f"/ket-qua/de-an/{project.code_key}/").status_code == 404
