"""projects refuses UNDER_APPRAISAL → PROPOSED without an appraisal score, by service and by page."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Project


def test_proposing_without_an_appraisal_score_is_refused_and_changes_nothing(proposal, officer):
    moves = history(proposal).filter(action=AuditAction.TRANSITION).count()
    with pytest.raises(ValidationError) as caught:
        services.project_transition(project=proposal, to=Status.PROPOSED, actor=officer)
    assert caught.value.message_dict == {
        "appraisal_score": [
            "Đề án chưa có điểm thẩm định: chỉ đề xuất vào kế hoạch sau khi hội đồng thẩm định chấm điểm "
            "và Trung tâm kết luận thẩm định."
        ]
    }
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_APPRAISAL
    assert history(proposal).filter(action=AuditAction.TRANSITION).count() == moves


def test_with_a_score_the_move_is_allowed(proposal, officer):
    Project.objects.filter(pk=proposal.pk).update(appraisal_score=Decimal("70"))
    services.project_transition(project=proposal, to=Status.PROPOSED, actor=officer)
    proposal.refresh_from_db()
    assert proposal.status == Status.PROPOSED


def test_rejecting_without_a_score_stays_possible(proposal, officer):
    services.project_transition(project=proposal, to=Status.REJECTED, actor=officer, reason="Hồ sơ không đạt")
    proposal.refresh_from_db()
    assert proposal.status == Status.REJECTED


def test_the_projects_page_offers_no_proposing_by_hand(client, proposal, officer):
    client.force_login(officer)
    url = reverse("projects:transition", args=[proposal.code_key, Status.PROPOSED.value])
    assert url not in client.get(proposal.get_absolute_url()).content.decode()
    assert client.post(url).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == Status.UNDER_APPRAISAL
