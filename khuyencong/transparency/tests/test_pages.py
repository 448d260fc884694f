"""The public pages: list with filters in the URL, detail with what, where, who, how much and results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from khuyencong.projects.choices import Status
from khuyencong.projects.tests.helpers import walk
from khuyencong.transparency.tests.conftest import make_project

LIST = "/cong-khai/"


def test_the_list_shows_a_settled_project_without_signing_in(client, settled):
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mô hình trình diễn KCĐP-2024-007" in html
    assert "500.000.000 ₫" in html
    assert "Đã quyết toán" in html


def test_a_draft_is_not_listed_and_its_page_is_404(client, settled, draft):
    assert "KCĐP-2024-010" not in client.get(LIST).content.decode()
    assert client.get(f"/cong-khai/{draft.code_key}/").status_code == 404


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.UNDER_APPRAISAL, Status.PROPOSED])
def test_a_proposal_before_approval_is_404(client, officer, leader, draft, status):
    walk(draft, status, officer=officer, leader=leader)
    assert client.get(f"/cong-khai/{draft.code_key}/").status_code == 404


def test_a_project_cancelled_before_approval_stays_private_but_one_cancelled_after_it_is_shown(
    client, officer, leader, draft, placed, ba_son_coop
):
    from khuyencong.projects import services

    services.project_transition(project=draft, to=Status.CANCELLED, actor=officer, reason="Rút hồ sơ")
    assert client.get(f"/cong-khai/{draft.code_key}/").status_code == 404
    approved = make_project(officer, code="KCĐP-2024-011", unit=placed.ba_son, beneficiaries=[ba_son_coop])
    walk(approved, Status.APPROVED, officer=officer, leader=leader)
    services.project_transition(project=approved, to=Status.CANCELLED, actor=officer, reason="Cơ sở xin dừng")
    html = client.get(f"/cong-khai/{approved.code_key}/").content.decode()
    assert "Đã huỷ" in html and "500.000.000 ₫" in html


def test_the_detail_page_shows_what_where_who_how_much_and_results(client, settled):
    response = client.get(f"/cong-khai/{settled.code_key}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Xây dựng mô hình trình diễn kỹ thuật" in html  # what
    assert 'id="commune">Phường Tam Thanh<' in html  # where
    assert 'class="project-marker"' in html  # the offline map marker
    assert "Công ty TNHH thương mại Hưng Long" in html  # who: an enterprise is named
    assert 'id="approved">500.000.000 ₫<' in html
    assert 'id="advanced">200.000.000 ₫<' in html
    assert "480.000.000 ₫" in html and "10/12/2024" in html  # settled, Vietnamese date
    assert "01/03/2024" in html and "30/11/2024" in html
    row = html.split('data-indicator="jobs_created"')[1].split("</tr>")[0]
    assert ">30<" in row and ">32<" in row  # expected vs achieved


def test_the_code_may_be_typed_without_diacritics(client, settled):
    assert client.get("/cong-khai/kcdp-2024-007/").status_code == 200


def test_a_household_is_shown_by_its_legal_form_only(client, household_project, household):
    html = client.get(f"/cong-khai/{household_project.code_key}/").content.decode()
    assert "Một hộ kinh doanh (không nêu tên)" in html
    assert household.name not in html


def test_filters_by_year_category_and_commune_live_in_the_url(
    client, officer, leader, settled, placed, ba_son_coop
):
    other = make_project(
        officer, code="KCĐP-2023-001", unit=placed.old_hop_thanh, beneficiaries=[ba_son_coop], year=2023
    )
    walk(other, Status.APPROVED, officer=officer, leader=leader)

    def codes(**params):
        html = client.get(LIST, params).content.decode()
        return {code for code in ("KCĐP-2024-007", "KCĐP-2023-001") if code in html}

    assert codes() == {"KCĐP-2024-007", "KCĐP-2023-001"}
    assert codes(year=2023) == {"KCĐP-2023-001"}
    assert codes(category="training") == set()
    assert codes(category="demonstration_model", year=2024) == {"KCĐP-2024-007"}
    # Ba Sơn (current) also finds what was recorded in Hợp Thành, the old commune it came from.
    assert codes(commune=placed.ba_son.code) == {"KCĐP-2023-001"}
    assert codes(commune=placed.tam_thanh.code) == {"KCĐP-2024-007"}


def test_the_filter_form_works_without_javascript_and_keeps_the_choice(client, settled):
    html = client.get(LIST, {"year": 2024}).content.decode()
    assert '<form method="get"' in html
    assert '<option value="2024" selected>' in html
    assert 'href="/cong-khai/tai-ve/de-an.csv?year=2024"' in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "hai nghìn"}, "Năm phải là số"),
        ({"year": "99999"}, "Năm phải là số"),
        ({"category": "<script>"}, "Không có nội dung hỗ trợ"),
        ({"commune": "abc"}, "Không có xã, phường"),
        ({"commune": "1" * 40}, "Không có xã, phường"),
    ],
)
def test_a_bad_filter_gets_a_clear_message_not_a_500(client, settled, params, message):
    response = client.get(LIST, params)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<script>" not in html


def test_a_bad_page_number_shows_the_last_or_first_page(client, settled):
    assert client.get(LIST, {"page": "abc"}).status_code == 200
    assert client.get(LIST, {"page": "9999"}).status_code == 200


def test_the_list_is_paginated_and_keeps_the_filters(client, officer, leader, placed, hung_long):
    for n in range(27):
        project = make_project(
            officer, code=f"KCĐP-2024-{n + 100}", unit=placed.tam_thanh, beneficiaries=[hung_long]
        )
        walk(project, Status.APPROVED, officer=officer, leader=leader)
    html = client.get(LIST, {"year": 2024}).content.decode()
    assert "Trang 1/2" in html
    assert 'href="?year=2024&amp;page=2"' in html
    assert "27 đề án" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, officer, leader, placed, hung_long):
    def add(n: int) -> None:
        for k in range(n):
            project = make_project(
                officer, code=f"KC-Q-{k}-{n}", unit=placed.tam_thanh, beneficiaries=[hung_long]
            )
            walk(project, Status.IN_PROGRESS, officer=officer, leader=leader)

    add(2)
    few = {
        url: _queries(client, url)
        for url in (
            LIST,
            "/cong-khai/tai-ve/de-an.csv",
            "/cong-khai/tai-ve/de-an.json",
            "/cong-khai/tai-ve/iati-activities.xml",
        )
    }
    add(20)
    many = {url: _queries(client, url) for url in few}
    assert many == few


def test_pages_leave_no_session_behind_for_an_anonymous_reader(client, settled):
    for url in (LIST, f"/cong-khai/{settled.code_key}/"):
        response = client.get(url)
        assert "sessionid" not in response.cookies
