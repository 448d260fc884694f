"""The acceptance record: checklist per category, council, photos and settlement documents, each saved
with the acceptance (or the settlement) in one step, or not at all."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction, AuditEntry
from khuyencong.projects import services
from khuyencong.projects.amendment_services import amendment_approve, amendment_request
from khuyencong.projects.choices import ContentCategory, Status
from khuyencong.projects.models import (
    Acceptance,
    AcceptanceChecklistAnswer,
    AcceptanceChecklistItem,
    ChecklistAnswer,
    DocumentKind,
    ProjectDocument,
)
from khuyencong.projects.tests.helpers import accept, walk

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 300
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 300
MET, NOT_MET, NA = ChecklistAnswer.MET, ChecklistAnswer.NOT_MET, ChecklistAnswer.NOT_APPLICABLE
SHIPPED = importlib.import_module("khuyencong.projects.migrations.0008_default_acceptance_checklist")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root):
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def items(db):
    """A checklist of our own for demonstration models (whatever was shipped is retired for the test)."""
    AcceptanceChecklistItem.objects.update(active=False)

    def item(order, text, required):
        return AcceptanceChecklistItem.objects.create(
            category=ContentCategory.DEMONSTRATION_MODEL, order=order, text=text, required=required
        )

    return {
        "installed": item(1, "Thiết bị lắp đặt đúng hợp đồng", True),
        "demo_day": item(2, "Đã tổ chức trình diễn", False),
        "vouchers": item(3, "Chứng từ hợp lệ", True),
    }


@pytest.fixture
def awaiting(proposal, officer, leader):
    return walk(proposal, Status.AWAITING_ACCEPTANCE, officer=officer, leader=leader)


def answers(items, **overrides):
    chosen = dict.fromkeys(items, (MET, ""))
    chosen.update(overrides)
    return {items[key].pk: value for key, value in chosen.items()}


def nothing_saved(project, media):
    project.refresh_from_db()
    assert project.status == Status.AWAITING_ACCEPTANCE
    assert not Acceptance.objects.exists()
    assert not AcceptanceChecklistAnswer.objects.exists()
    assert not ProjectDocument.objects.exists()
    assert stored_files(media) == []


# --- the checklist -----------------------------------------------------------------------------------


def test_every_answer_is_kept_with_the_items_wording_and_audited(awaiting, officer, items):
    acceptance = accept(
        awaiting, officer, checklist=answers(items, demo_day=(NOT_MET, "Chưa tổ chức được do mưa"))
    )
    rows = list(acceptance.checklist.values_list("item_text", "required", "answer", "note"))
    assert rows == [
        ("Thiết bị lắp đặt đúng hợp đồng", True, MET, ""),
        ("Đã tổ chức trình diễn", False, NOT_MET, "Chưa tổ chức được do mưa"),
        ("Chứng từ hợp lệ", True, MET, ""),
    ]
    # An administrator rewording the item later does not rewrite what the council was asked.
    AcceptanceChecklistItem.objects.filter(pk=items["installed"].pk).update(text="Nội dung mới")
    assert acceptance.checklist.first().item_text == "Thiết bị lắp đặt đúng hợp đồng"
    recorded = history(awaiting).filter(action=AuditAction.UPDATE).first()
    assert (
        recorded.changes[f"checklist.{items['demo_day'].pk}"]["after"]
        == "Không đạt (Chưa tổ chức được do mưa)"
    )
    assert history(awaiting).first().action == AuditAction.TRANSITION  # the move is the newest row


def test_a_required_item_not_met_rules_out_accepted_naming_the_item(awaiting, officer, items, media):
    with pytest.raises(ValidationError) as caught:
        accept(awaiting, officer, checklist=answers(items, installed=(NOT_MET, "Thiếu một máy")))
    key = f"checklist.{items['installed'].pk}"
    assert caught.value.message_dict[key] == [
        "Mục bắt buộc “Thiết bị lắp đặt đúng hợp đồng” không đạt: không thể kết luận nghiệm thu đạt."
    ]
    nothing_saved(awaiting, media)


def test_a_required_item_not_met_goes_with_not_accepted(awaiting, officer, items):
    acceptance = accept(
        awaiting,
        officer,
        accepted=False,
        notes="Thiếu thiết bị",
        checklist=answers(items, installed=(NOT_MET, "Thiếu một máy")),
    )
    awaiting.refresh_from_db()
    assert awaiting.status == Status.NOT_ACCEPTED and not acceptance.accepted


def test_an_optional_item_not_met_still_allows_accepted_but_needs_a_note(awaiting, officer, items):
    with pytest.raises(ValidationError) as caught:
        accept(awaiting, officer, checklist=answers(items, demo_day=(NOT_MET, " ")))
    assert f"checklist.{items['demo_day'].pk}.note" in caught.value.message_dict
    accept(awaiting, officer, checklist=answers(items, demo_day=(NOT_MET, "Hoãn sang quý sau")))
    awaiting.refresh_from_db()
    assert awaiting.status == Status.ACCEPTED


def test_a_required_item_marked_not_applicable_needs_a_note(awaiting, officer, items):
    with pytest.raises(ValidationError, match="ghi không áp dụng: cần ghi chú lý do"):
        accept(awaiting, officer, checklist=answers(items, vouchers=(NA, "")))
    accept(awaiting, officer, checklist=answers(items, vouchers=(NA, "Cơ sở tự chi, không dùng ngân sách")))


def test_every_active_item_must_be_answered_and_nothing_else(awaiting, officer, items, media):
    partial = answers(items)
    del partial[items["vouchers"].pk]
    with pytest.raises(ValidationError, match="Chưa trả lời mục kiểm tra “Chứng từ hợp lệ”"):
        accept(awaiting, officer, checklist=partial)
    retired = AcceptanceChecklistItem.objects.create(category="training", text="Mục khác", order=1)
    with pytest.raises(ValidationError, match="không thuộc danh mục đang dùng"):
        accept(awaiting, officer, checklist={**answers(items), retired.pk: (MET, "")})
    with pytest.raises(ValidationError):
        accept(awaiting, officer, checklist=answers(items, installed=("maybe", "")))
    nothing_saved(awaiting, media)


def test_a_retired_item_is_no_longer_asked(awaiting, officer, items):
    items["demo_day"].active = False
    items["demo_day"].save()
    acceptance = accept(
        awaiting, officer, checklist=answers({k: v for k, v in items.items() if k != "demo_day"})
    )
    assert acceptance.checklist.count() == 2


def test_the_default_checklist_covers_every_category_as_unverified_suggestions(db):
    AcceptanceChecklistItem.objects.all().delete()
    SHIPPED.ship(apps, None)
    shipped = AcceptanceChecklistItem.objects.all()
    assert {item.category for item in shipped} == set(ContentCategory.values)
    assert not shipped.filter(verified=True).exists()
    assert all("chưa đối chiếu văn bản gốc" in item.note for item in shipped)
    for category in ContentCategory.values:
        assert shipped.filter(category=category, required=True).exists(), category
    SHIPPED.ship(apps, None)  # shipping twice adds nothing
    assert AcceptanceChecklistItem.objects.count() == shipped.count()


def test_unshipping_keeps_an_item_that_an_acceptance_answered(awaiting, officer, db):
    AcceptanceChecklistItem.objects.all().delete()
    SHIPPED.ship(apps, None)
    accept(awaiting, officer)  # answers every shipped demonstration-model item
    answered = set(AcceptanceChecklistAnswer.objects.values_list("item_id", flat=True))
    SHIPPED.unship(apps, None)
    assert set(AcceptanceChecklistItem.objects.values_list("pk", flat=True)) == answered


# --- council, results, machines ------------------------------------------------------------------------


def test_the_council_members_present_are_kept_in_order(awaiting, officer, items):
    acceptance = accept(
        awaiting,
        officer,
        checklist=answers(items),
        council=[
            ("Nguyễn Văn An", "Phó Giám đốc Sở Công Thương, Chủ tịch hội đồng"),
            ("  ", ""),
            ("Lê Thị Bình", "Trưởng phòng Kế hoạch"),
        ],
    )
    assert acceptance.council() == [
        ("Nguyễn Văn An", "Phó Giám đốc Sở Công Thương, Chủ tịch hội đồng"),
        ("Lê Thị Bình", "Trưởng phòng Kế hoạch"),
    ]


def test_a_council_member_without_a_position_is_refused(awaiting, officer, items, media):
    with pytest.raises(ValidationError) as caught:
        accept(awaiting, officer, checklist=answers(items), council=[("Nguyễn Văn An", "")])
    assert caught.value.message_dict["council_members"] == [
        "Thành viên hội đồng thứ 1 cần ghi đủ họ tên và chức vụ."
    ]
    nothing_saved(awaiting, media)


@pytest.mark.parametrize("machines", [[("Máy A", "S-1"), ("Máy B", "s-1")], [("Máy A", "")], [("", "S-9")]])
def test_machines_need_a_name_and_their_own_serial(awaiting, officer, items, media, machines):
    with pytest.raises(ValidationError) as caught:
        accept(awaiting, officer, checklist=answers(items), machines=machines)
    assert "machines" in caught.value.message_dict
    nothing_saved(awaiting, media)


@pytest.mark.parametrize("field", ["trained_women", "trained_ethnic_minority"])
def test_women_or_minority_trainees_cannot_outnumber_the_trained(awaiting, officer, items, media, field):
    with pytest.raises(ValidationError) as caught:
        accept(awaiting, officer, checklist=answers(items), results={"workers_trained": 10}, **{field: 11})
    assert field in caught.value.message_dict
    nothing_saved(awaiting, media)


def test_only_the_centre_records_the_acceptance_and_only_when_it_is_due(proposal, officer, leader, items):
    project = walk(proposal, Status.IN_PROGRESS, officer=officer, leader=leader)
    with pytest.raises(
        ValidationError, match="Không thể chuyển đề án từ “Đang thực hiện” sang “Đã nghiệm thu”"
    ):
        accept(project, officer, checklist=answers(items))
    project = walk(project, Status.AWAITING_ACCEPTANCE, officer=officer, leader=leader)
    with pytest.raises(PermissionDenied):
        accept(project, leader, checklist=answers(items))


def test_no_acceptance_while_an_amendment_waits_for_the_leader(awaiting, officer, leader, items, media):
    amendment = amendment_request(
        project=awaiting, actor=officer, reason="Giảm chỉ tiêu", proposed={"expected.jobs_created": 20}
    )
    with pytest.raises(ValidationError, match="đang có đề nghị điều chỉnh chờ phê duyệt"):
        accept(awaiting, officer, checklist=answers(items))
    nothing_saved(awaiting, media)
    amendment_approve(amendment=amendment, actor=leader)
    accept(awaiting, officer, checklist=answers(items))


def test_a_plain_move_to_accepted_is_refused_the_record_is_the_only_way(awaiting, officer):
    with pytest.raises(ValueError, match="dedicated service"):
        services.project_transition(project=awaiting, to=Status.ACCEPTED, actor=officer)


# --- photos ------------------------------------------------------------------------------------------


def test_photos_are_stored_as_the_projects_photo_documents(awaiting, officer, items, media):
    accept(
        awaiting,
        officer,
        checklist=answers(items),
        photos=[SimpleUploadedFile("xuong.jpg", JPEG), SimpleUploadedFile("may.png", PNG)],
    )
    documents = list(awaiting.documents.order_by("id"))
    assert [(d.kind, d.original_name, d.content_type) for d in documents] == [
        (DocumentKind.PHOTO, "xuong.jpg", "image/jpeg"),
        (DocumentKind.PHOTO, "may.png", "image/png"),
    ]
    assert len(stored_files(media)) == 2


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bien-ban.pdf", PDF, "phải là tệp JPEG, JPG, PNG"),
        ("anh.jpg", PDF, "không phải tệp JPEG"),
        ("anh.exe", JPEG, "không thuộc loại được phép"),
    ],
)
def test_a_photo_of_the_wrong_type_saves_nothing(awaiting, officer, items, media, name, content, message):
    with pytest.raises(ValidationError, match=message):
        accept(
            awaiting,
            officer,
            checklist=answers(items),
            photos=[SimpleUploadedFile("tot.jpg", JPEG), SimpleUploadedFile(name, content)],
        )
    nothing_saved(awaiting, media)


def test_a_photo_too_large_saves_nothing(awaiting, officer, items, media, settings):
    settings.KHUYENCONG_MAX_UPLOAD_MB = 1
    big = JPEG + b"\x00" * (1024 * 1024)
    with pytest.raises(ValidationError, match="quá lớn"):
        accept(awaiting, officer, checklist=answers(items), photos=[SimpleUploadedFile("lon.jpg", big)])
    nothing_saved(awaiting, media)


def test_a_failure_after_a_photo_was_stored_removes_its_file_too(awaiting, officer, items, media):
    # The same picture twice: the first is stored, the second is refused as a duplicate, and the
    # first's file must not stay behind once the transaction rolls back.
    with pytest.raises(ValidationError, match="đã có trong hồ sơ"):
        accept(
            awaiting,
            officer,
            checklist=answers(items),
            photos=[SimpleUploadedFile("a.jpg", JPEG), SimpleUploadedFile("b.jpg", JPEG)],
        )
    nothing_saved(awaiting, media)


# --- settlement documents ---------------------------------------------------------------------------


@pytest.fixture
def accepted(awaiting, officer, items):
    accept(awaiting, officer, checklist=answers(items))
    awaiting.refresh_from_db()
    return awaiting


def test_the_settlement_stores_its_documents_with_it(accepted, officer, media):
    services.project_settle(
        project=accepted,
        actor=officer,
        settled_amount=450_000_000,
        liquidation_date=dt.date(2024, 12, 20),
        documents=[
            (DocumentKind.SETTLEMENT, SimpleUploadedFile("quyet-toan.pdf", PDF)),
            (DocumentKind.INVOICE, SimpleUploadedFile("hoa-don.jpg", JPEG)),
        ],
    )
    accepted.refresh_from_db()
    assert accepted.status == Status.SETTLED
    assert sorted(accepted.documents.values_list("kind", "original_name")) == [
        ("invoice", "hoa-don.jpg"),
        ("settlement", "quyet-toan.pdf"),
    ]


@pytest.mark.parametrize(
    "documents",
    [
        [
            (DocumentKind.SETTLEMENT, SimpleUploadedFile("quyet-toan.pdf", PDF)),
            (DocumentKind.INVOICE, SimpleUploadedFile("x.exe", PDF)),
        ],
        [(DocumentKind.CONTRACT, SimpleUploadedFile("hd.pdf", PDF))],
    ],
)
def test_a_bad_settlement_document_settles_nothing(accepted, officer, media, documents):
    entries = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.project_settle(
            project=accepted,
            actor=officer,
            settled_amount=450_000_000,
            liquidation_date=dt.date(2024, 12, 20),
            documents=documents,
        )
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and accepted.settled_amount is None
    assert not ProjectDocument.objects.exists() and stored_files(media) == []
    assert AuditEntry.objects.count() == entries


def test_a_settlement_refused_for_its_amount_leaves_no_file(accepted, officer, media):
    with pytest.raises(ValidationError):
        services.project_settle(
            project=accepted,
            actor=officer,
            settled_amount=600_000_000,
            liquidation_date=dt.date(2024, 12, 20),
            documents=[(DocumentKind.SETTLEMENT, SimpleUploadedFile("quyet-toan.pdf", PDF))],
        )
    assert stored_files(media) == [] and not ProjectDocument.objects.exists()


# --- the administrators' page for the checklist -------------------------------------------------------


def test_an_administrator_edits_the_checklist_in_the_admin_and_every_save_is_audited(client, administrator):
    client.force_login(administrator)
    add = reverse("admin:projects_acceptancechecklistitem_add")
    response = client.post(
        add,
        {
            "category": "training",
            "order": 9,
            "text": "Có sổ điểm danh",
            "required": "on",
            "active": "on",
            "note": "",
        },
    )
    assert response.status_code == 302
    item = AcceptanceChecklistItem.objects.get(text="Có sổ điểm danh")
    assert history(item).get().action == AuditAction.CREATE
    change = reverse("admin:projects_acceptancechecklistitem_change", args=[item.pk])
    client.post(
        change,
        {
            "category": "training",
            "order": 9,
            "text": "Có sổ điểm danh",
            "verified": "on",
            "note": "Đã đối chiếu",
        },
    )
    entry = history(item).first()
    assert entry.action == AuditAction.UPDATE and entry.actor == administrator
    assert entry.changes["active"] == {"label": "đang dùng", "before": True, "after": False}
    assert entry.changes["verified"]["after"] is True
    delete = reverse("admin:projects_acceptancechecklistitem_delete", args=[item.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AcceptanceChecklistItem.objects.filter(pk=item.pk).exists()


def test_an_officer_cannot_edit_the_checklist(client, officer):
    officer.is_staff = True
    officer.save()
    client.force_login(officer)
    assert client.get(reverse("admin:projects_acceptancechecklistitem_changelist")).status_code == 403
    response = client.post(
        reverse("admin:projects_acceptancechecklistitem_add"),
        {"category": "training", "order": 1, "text": "X"},
    )
    assert response.status_code == 403
    assert not AcceptanceChecklistItem.objects.filter(text="X").exists()
