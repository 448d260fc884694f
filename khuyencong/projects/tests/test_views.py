from django.urls import reverse

from khuyencong.projects.choices import Status


def test_the_detail_page_shows_the_allowed_moves_only(client, officer, leader, proposal):
    client.force_login(officer)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert reverse("projects:transition", args=[proposal.code_key, "submitted"]) in html
    assert reverse("projects:transition", args=[proposal.code_key, "approved"]) not in html
    client.force_login(leader)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert reverse("projects:transition", args=[proposal.code_key, "submitted"]) not in html


def test_a_project_is_found_by_its_code_typed_without_diacritics(client, officer, proposal):
    client.force_login(officer)
    assert client.get("/de-an/kcdp-2024-007/").status_code == 200


def test_a_project_outside_the_scope_answers_404(client, outsider, council_member, proposal):
    for user in (outsider, council_member):
        client.force_login(user)
        assert client.get(proposal.get_absolute_url()).status_code == 404


def test_submitting_through_the_page_moves_the_project_and_a_wrong_role_changes_nothing(
    client, officer, leader, proposal
):
    client.force_login(leader)
    assert (
        client.post(reverse("projects:transition", args=[proposal.code_key, "submitted"])).status_code == 403
    )
    proposal.refresh_from_db()
    assert proposal.status == Status.DRAFT
    client.force_login(officer)
    response = client.post(reverse("projects:transition", args=[proposal.code_key, "submitted"]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_returning_without_a_reason_shows_the_rule_and_changes_nothing(client, officer, proposal):
    client.force_login(officer)
    client.post(reverse("projects:transition", args=[proposal.code_key, "submitted"]))
    response = client.post(reverse("projects:transition", args=[proposal.code_key, "returned"]), follow=True)
    assert "Cần ghi rõ lý do" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == Status.SUBMITTED


def test_the_list_is_scoped(client, commune_officer, outsider, proposal):
    client.force_login(commune_officer)
    assert proposal.code in client.get(reverse("projects:list")).content.decode()
    client.force_login(outsider)
    assert proposal.code not in client.get(reverse("projects:list")).content.decode()
