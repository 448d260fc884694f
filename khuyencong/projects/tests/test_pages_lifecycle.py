"""The pages for the acceptance record, the settlement's documents and amendments, by role and scope."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.projects import todo
from khuyencong.projects.amendment_services import amendment_request
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.models import (
    Acceptance,
    AcceptanceChecklistItem,
    Amendment,
    AmendmentStatus,
    DocumentKind,
    Project,
    ProjectDocument,
)
from khuyencong.projects.tests.helpers import accept, walk

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 300


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def items(db):
    AcceptanceChecklistItem.objects.update(active=False)
    return [
        AcceptanceChecklistItem.objects.create(
            category=ContentCategory.DEMONSTRATION_MODEL,
            order=1,
            text="Thiết bị lắp đặt đúng hợp đồng",
            required=True,
        ),
        AcceptanceChecklistItem.objects.create(
            category=ContentCategory.DEMONSTRATION_MODEL,
            order=2,
            text="Đã tổ chức trình diễn",
            required=False,
        ),
    ]


@pytest.fixture
def awaiting(proposal, officer, leader):
    return walk(proposal, Status.AWAITING_ACCEPTANCE, officer=officer, leader=leader)


def url(name, project, *args):
    return reverse(f"projects:{name}", args=[project.code_key, *args])


def acceptance_data(items, **overrides):
    data = {
        "held_on": "20/11/2024",
        "verdict": "accepted",
        "notes": "",
        "results_jobs_created": "32",
        "results_workers_trained": "20",
        "results_models": "1",
        "trained_women": "12",
        "trained_ethnic_minority": "15",
        "council-TOTAL_FORMS": "3",
        "council-INITIAL_FORMS": "0",
        "council-0-name": "Nguyễn Văn An",
        "council-0-position": "Phó Giám đốc Sở Công Thương",
        "council-1-name": "Lê Thị Bình",
        "council-1-position": "Trưởng phòng Kế hoạch",
        "machines-TOTAL_FORMS": "2",
        "machines-INITIAL_FORMS": "0",
        "machines-0-name": "Máy đùn ống nhựa",
        "machines-0-serial_number": "EX-2024-01",
        **{f"checklist_{item.pk}": "met" for item in items},
    }
    data.update(overrides)
    return data


# --- the acceptance page ------------------------------------------------------------------------------


def test_the_officer_is_offered_the_form_not_the_old_buttons(client, officer, awaiting, items):
    client.force_login(officer)
    page = client.get(awaiting.get_absolute_url()).content.decode()
    assert url("acceptance", awaiting) in page
    assert url("transition", awaiting, "accepted") not in page
    assert "Ghi nhận nghiệm thu đạt" not in page
    form = client.get(url("acceptance", awaiting)).content.decode()
    # the expected results beside the inputs, and the category's checklist
    assert "Lao động có việc làm" in form and ">30<" in form.replace(" ", "")
    assert "Thiết bị lắp đặt đúng hợp đồng" in form and "bắt buộc" in form
    assert 'enctype="multipart/form-data"' in form


def test_the_form_records_results_council_machines_checklist_and_a_photo_at_once(
    client, officer, awaiting, items, media
):
    client.force_login(officer)
    response = client.post(
        url("acceptance", awaiting),
        {**acceptance_data(items), "photos": [SimpleUploadedFile("xuong.jpg", JPEG)]},
    )
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.ACCEPTED
    acceptance = awaiting.acceptance
    assert {r.indicator: r.value for r in acceptance.results.all()} == {
        "jobs_created": 32,
        "workers_trained": 20,
        "models": 1,
    }
    assert (acceptance.trained_women, acceptance.trained_ethnic_minority) == (12, 15)
    assert acceptance.council() == [
        ("Nguyễn Văn An", "Phó Giám đốc Sở Công Thương"),
        ("Lê Thị Bình", "Trưởng phòng Kế hoạch"),
    ]
    assert list(acceptance.machines.values_list("serial_number", flat=True)) == ["EX-2024-01"]
    assert acceptance.checklist.count() == 2
    assert awaiting.documents.get().kind == DocumentKind.PHOTO
    page = client.get(awaiting.get_absolute_url()).content.decode()
    assert 'id="acceptance-results"' in page and "Đạt yêu cầu" in page
    assert "Thiết bị lắp đặt đúng hợp đồng" in page and "xuong.jpg" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"verdict": "not_accepted", "notes": " "}, "Cần ghi rõ lý do không nghiệm thu."),
        ({"trained_women": "21"}, "Học viên nữ không được lớn hơn số lao động được đào tạo (20)."),
        (
            {"machines-1-name": "Máy cắt", "machines-1-serial_number": "ex-2024-01"},
            "mỗi máy một số hiệu riêng",
        ),
        ({"council-0-position": ""}, "Ghi chức vụ, đơn vị của Nguyễn Văn An."),
        (
            {"council-0-name": "", "council-0-position": "", "council-1-name": "", "council-1-position": ""},
            "Ghi ít nhất một thành viên hội đồng",
        ),
        ({"results_jobs_created": "32,5"}, "không có phần thập phân"),
        ({"held_on": "31/02/2024"}, "dd/mm/yyyy"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(
    client, officer, awaiting, items, media, overrides, message
):
    client.force_login(officer)
    response = client.post(
        url("acceptance", awaiting),
        {**acceptance_data(items, **overrides), "photos": [SimpleUploadedFile("xuong.jpg", JPEG)]},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "chưa có gì được lưu" in html
    assert message in html
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_ACCEPTANCE
    assert not Acceptance.objects.exists() and not ProjectDocument.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_required_item_not_met_with_accepted_is_refused_naming_it(client, officer, awaiting, items):
    client.force_login(officer)
    data = acceptance_data(
        items, **{f"checklist_{items[0].pk}": "not_met", f"checklist_{items[0].pk}_note": "Thiếu máy"}
    )
    html = client.post(url("acceptance", awaiting), data).content.decode()
    assert (
        "Mục bắt buộc “Thiết bị lắp đặt đúng hợp đồng” không đạt: không thể kết luận nghiệm thu đạt." in html
    )
    assert not Acceptance.objects.exists()
    data["verdict"], data["notes"] = "not_accepted", "Chưa lắp đủ thiết bị"
    assert client.post(url("acceptance", awaiting), data).status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.status == Status.NOT_ACCEPTED


def test_an_unanswered_item_is_named(client, officer, awaiting, items):
    client.force_login(officer)
    data = acceptance_data(items)
    del data[f"checklist_{items[1].pk}"]
    html = client.post(url("acceptance", awaiting), data).content.decode()
    assert "Chưa trả lời mục kiểm tra “Đã tổ chức trình diễn”." in html


@pytest.mark.parametrize(("name", "content"), [("bien-ban.pdf", PDF), ("anh.jpg", PDF)])
def test_a_wrong_photo_is_refused_and_nothing_is_saved(
    client, officer, awaiting, items, media, name, content
):
    client.force_login(officer)
    response = client.post(
        url("acceptance", awaiting), {**acceptance_data(items), "photos": [SimpleUploadedFile(name, content)]}
    )
    assert response.status_code == 200
    assert name in response.content.decode()
    assert not Acceptance.objects.exists() and not ProjectDocument.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


def test_a_photo_too_large_is_refused_and_nothing_is_saved(client, officer, awaiting, items, media, settings):
    settings.KHUYENCONG_MAX_UPLOAD_MB = 1
    client.force_login(officer)
    big = SimpleUploadedFile("lon.jpg", JPEG + b"\x00" * (1024 * 1024))
    response = client.post(url("acceptance", awaiting), {**acceptance_data(items), "photos": [big]})
    assert "quá lớn" in response.content.decode()
    assert not Acceptance.objects.exists() and not [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("leader", 403),
        ("business_rep", 403),
        ("commune_officer", 403),
        ("outsider", 404),
        ("council_member", 403),
        ("public_user", 404),
    ],
)
def test_the_acceptance_page_by_role_and_scope(request, client, awaiting, items, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("acceptance", awaiting)).status_code == status
    assert client.post(url("acceptance", awaiting), acceptance_data(items)).status_code == status
    assert not Acceptance.objects.exists()


def test_the_acceptance_page_before_it_is_due_goes_back_with_the_rule(client, officer, leader, proposal):
    project = walk(proposal, Status.IN_PROGRESS, officer=officer, leader=leader)
    client.force_login(officer)
    response = client.get(url("acceptance", project), follow=True)
    assert "Không thể chuyển đề án từ “Đang thực hiện” sang “Đã nghiệm thu”" in response.content.decode()
    assert url("acceptance", project) not in client.get(project.get_absolute_url()).content.decode()


def test_the_old_plain_move_to_accepted_is_gone(client, officer, awaiting):
    client.force_login(officer)
    assert client.post(url("transition", awaiting, "accepted"), {"reason": "x"}).status_code == 404
    awaiting.refresh_from_db()
    assert awaiting.status == Status.AWAITING_ACCEPTANCE


# --- settlement with its documents ---------------------------------------------------------------------


def test_the_settle_form_takes_the_documents_and_the_page_lists_them(client, officer, awaiting, items):
    accept(awaiting, officer)
    client.force_login(officer)
    page = client.get(awaiting.get_absolute_url()).content.decode()
    assert 'name="settle-settlement_files"' in page and 'name="settle-invoice_files"' in page
    response = client.post(
        url("settle", awaiting),
        {
            "settle-settled_amount": "450.000.000",
            "settle-liquidation_date": "20/12/2024",
            "settle-settlement_files": [SimpleUploadedFile("quyet-toan.pdf", PDF)],
            "settle-invoice_files": [
                SimpleUploadedFile("hoa-don-1.pdf", PDF + b"1"),
                SimpleUploadedFile("hoa-don-2.jpg", JPEG),
            ],
        },
        follow=True,
    )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.SETTLED
    assert sorted(awaiting.documents.values_list("kind", flat=True)) == ["invoice", "invoice", "settlement"]
    html = response.content.decode()
    assert 'id="settlement-documents"' in html and "quyet-toan.pdf" in html and "hoa-don-2.jpg" in html


def test_a_bad_settlement_document_shows_the_rule_and_settles_nothing(
    client, officer, awaiting, items, media
):
    accept(awaiting, officer)
    client.force_login(officer)
    response = client.post(
        url("settle", awaiting),
        {
            "settle-settled_amount": "450.000.000",
            "settle-liquidation_date": "20/12/2024",
            "settle-settlement_files": [SimpleUploadedFile("quyet-toan.pdf", PDF)],
            "settle-invoice_files": [SimpleUploadedFile("hoa-don.pdf", b"MZ not a pdf")],
        },
    )
    assert response.status_code == 200
    assert "Chưa quyết toán được" in response.content.decode() and "hoa-don.pdf" in response.content.decode()
    awaiting.refresh_from_db()
    assert awaiting.status == Status.ACCEPTED and not ProjectDocument.objects.exists()
    assert not [p for p in media.rglob("*") if p.is_file()]


# --- amendments ----------------------------------------------------------------------------------------


@pytest.fixture
def contracted(proposal, officer, leader):
    return walk(proposal, Status.CONTRACTED, officer=officer, leader=leader)


def amendment_data(project, **overrides):
    """The request form as it comes prefilled, with `overrides` typed over it."""
    data = {
        "reason": "Mưa lũ kéo dài",
        "start_date": "01/03/2024",
        "end_date": "30/11/2024",
        "approved_support": "500.000.000",
        "budget_provincial": "500.000.000",
        "budget_beneficiary": "1.500.000.000",
        "expected_jobs_created": "30",
        "expected_models": "1",
        "description": "",
        "partners": "",
    }
    data.update(overrides)
    return data


def test_the_request_form_comes_prefilled_and_previews_the_change_without_saving(client, officer, contracted):
    client.force_login(officer)
    page = client.get(contracted.get_absolute_url()).content.decode()
    assert f'href="{url("amendment_request", contracted)}"' in page
    form = client.get(url("amendment_request", contracted)).content.decode()
    assert 'value="30/11/2024"' in form and 'value="500.000.000"' in form and 'value="1.500.000.000"' in form
    response = client.post(
        url("amendment_request", contracted),
        {**amendment_data(contracted, end_date="31/03/2025"), "preview": "1"},
    )
    html = response.content.decode()
    assert 'id="amendment-preview"' in html
    assert "<del>30/11/2024</del>" in html and "<ins>31/03/2025</ins>" in html
    assert not Amendment.objects.exists()


def test_an_officer_requests_and_the_leader_approves_through_the_pages(client, officer, leader, contracted):
    client.force_login(officer)
    response = client.post(
        url("amendment_request", contracted),
        {**amendment_data(contracted, end_date="31/03/2025", expected_jobs_created="36"), "send": "1"},
    )
    assert response.status_code == 302
    amendment = Amendment.objects.get()
    assert set(amendment.changes) == {"end_date", "expected.jobs_created"}
    page = client.get(contracted.get_absolute_url()).content.decode()
    assert 'id="amendment-pending"' in page and "Mưa lũ kéo dài" in page
    assert 'value="approve"' not in page and 'value="withdraw"' in page
    assert f'href="{url("amendment_request", contracted)}"' not in page  # one open at a time

    client.force_login(leader)
    page = client.get(contracted.get_absolute_url()).content.decode()
    assert 'value="approve"' in page and 'value="reject"' in page
    response = client.post(
        url("amendment_decide", contracted, amendment.pk),
        {"action": "approve", "note": "Đồng ý"},
        follow=True,
    )
    html = response.content.decode()
    assert "Đề nghị điều chỉnh: Đã phê duyệt." in html
    contracted.refresh_from_db()
    assert contracted.end_date == dt.date(2025, 3, 31)
    assert "<del>30/11/2024</del>" in html and "<ins>31/03/2025</ins>" in html  # the history of amendments
    assert "<del>30</del>" in html and "<ins>36</ins>" in html


def test_a_refused_request_shows_the_rule_on_the_field(client, officer, contracted):
    client.force_login(officer)
    response = client.post(
        url("amendment_request", contracted),
        {
            **amendment_data(contracted, budget_provincial="700.000.000", approved_support="700.000.000"),
            "send": "1",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "vượt mức trần 600.000.000 ₫ theo Thông tư 28/2018/TT-BTC" in html
    assert 'href="#id_budget_provincial"' in html
    assert not Amendment.objects.exists()


def test_a_request_without_a_reason_or_with_decimals_is_refused(client, officer, contracted):
    client.force_login(officer)
    response = client.post(
        url("amendment_request", contracted),
        {**amendment_data(contracted, reason="", budget_provincial="1,5"), "send": "1"},
    )
    html = response.content.decode()
    assert "Cần ghi rõ lý do điều chỉnh." in html and "không có phần thập phân" in html
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("leader", 403),
        ("commune_officer", 403),
        ("council_member", 404),
        ("outsider", 404),
        ("public_user", 404),
    ],
)
def test_the_request_page_by_role_and_scope(request, client, contracted, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url("amendment_request", contracted)).status_code == status
    response = client.post(
        url("amendment_request", contracted),
        {**amendment_data(contracted, end_date="31/03/2025"), "send": "1"},
    )
    assert response.status_code == status
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("officer", 403), ("business_rep", 403), ("commune_officer", 403), ("outsider", 404)]
)
def test_only_the_leader_decides_through_the_page(request, client, officer, contracted, role, status):
    amendment = amendment_request(
        project=contracted, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2025, 3, 31)}
    )
    client.force_login(request.getfixturevalue(role))
    assert (
        client.post(url("amendment_decide", contracted, amendment.pk), {"action": "approve"}).status_code
        == status
    )
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.REQUESTED


def test_the_request_page_on_a_draft_goes_back_naming_the_state(client, officer, proposal):
    client.force_login(officer)
    response = client.get(url("amendment_request", proposal), follow=True)
    assert "Đề án đang ở trạng thái “Dự thảo”" in response.content.decode()


def test_a_rejection_without_a_note_is_refused_with_the_rule(client, officer, leader, contracted):
    amendment = amendment_request(
        project=contracted, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2025, 3, 31)}
    )
    client.force_login(leader)
    response = client.post(
        url("amendment_decide", contracted, amendment.pk), {"action": "reject", "note": ""}, follow=True
    )
    assert "Cần ghi rõ lý do khi chuyển sang “Không phê duyệt”" in response.content.decode()
    assert (
        client.post(url("amendment_decide", contracted, amendment.pk), {"action": "delete"}).status_code
        == 404
    )


# --- the leader's to-do list -------------------------------------------------------------------------


def test_leaders_see_the_amendments_waiting_for_their_decision(
    client, officer, leader, contracted, geo, hung_long
):
    amendment_request(
        project=contracted, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2025, 3, 31)}
    )
    counts = {s.group.key: s.count for s in todo.todo_list(user=leader)}
    assert counts["amendments_to_decide"] == 1
    assert "amendments_to_decide" not in {s.group.key for s in todo.todo_list(user=officer)}
    client.force_login(leader)
    html = client.get("/viec-can-lam/").content.decode()
    assert (
        "Đề nghị điều chỉnh chờ quyết định (1)" in html and f'href="{contracted.get_absolute_url()}"' in html
    )


def test_the_leaders_list_runs_as_many_queries_for_ten_amendments_as_for_one(
    client, officer, leader, contracted, proposal
):
    amendment_request(
        project=contracted, actor=officer, reason="Lùi hạn", proposed={"end_date": dt.date(2025, 3, 31)}
    )
    client.force_login(leader)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/viec-can-lam/").status_code == 200
        return len(captured)

    with_one = queries()
    for number in range(9):
        clone = Project.objects.get(pk=contracted.pk)  # another contracted project, with its own request
        clone.pk = None
        clone.code, clone.code_key = f"KCĐP-2024-1{number:02d}", f"KCDP-2024-1{number:02d}"
        clone.save()
        Amendment.objects.create(project=clone, reason="Lùi hạn", changes={}, requested_by=officer)
    assert sum(s.count for s in todo.todo_list(user=leader) if s.group.key == "amendments_to_decide") == 10
    assert queries() == with_one
