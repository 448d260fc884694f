"""Selection rounds: the 100-point sheet, the pass mark, closing with certificates, the district rule,
the transition table and who sees what."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from khuyencong.accounts.choices import Role
from khuyencong.core.audit import history
from khuyencong.core.models import AuditAction
from khuyencong.products import services, workflow
from khuyencong.products.choices import RecognitionLevel, RoundStatus
from khuyencong.products.models import Recognition, ScoreSheet, SelectionRound
from khuyencong.products.tests.conftest import make_product, recognise, sheet

pytestmark = pytest.mark.django_db


# --- the sheet ------------------------------------------------------------------------------------


def test_a_member_submits_a_sheet_and_its_total_is_the_sum(scoring, entry, judges):
    saved = services.sheet_submit(
        actor=judges[0], entry=entry, points={"market": 35, "economic": 30, "culture": 8, "other": 5}
    )
    assert saved.total == 78
    assert history(saved).filter(action=AuditAction.CREATE).count() == 1


@pytest.mark.parametrize(
    ("points", "field", "message"),
    [
        (
            {"market": 41, "economic": 30, "culture": 8, "other": 5},
            "market",
            "“Thị trường” phải là số nguyên từ 0 đến 40",
        ),
        (
            {"market": 40, "economic": 45, "culture": 8, "other": 5},
            "economic",
            "“Kinh tế – kỹ thuật – xã hội – môi trường” phải là số nguyên từ 0 đến 40",
        ),
        (
            {"market": 40, "economic": 40, "culture": 11, "other": 5},
            "culture",
            "“Văn hoá – thẩm mỹ” phải là số nguyên từ 0 đến 10",
        ),
        (
            {"market": 40, "economic": 40, "culture": 10, "other": -1},
            "other",
            "“Tiêu chí khác” phải là số nguyên từ 0 đến 10",
        ),
        (
            {"market": 40, "economic": 40, "culture": 10, "other": "7,5"},
            "other",
            "“Tiêu chí khác” phải là số nguyên từ 0 đến 10",
        ),
        (
            {"market": 40, "economic": 40, "culture": 10},
            "other",
            "Chưa chấm tiêu chí “Tiêu chí khác” (0 đến 10 điểm)",
        ),
        (
            {"market": "", "economic": 40, "culture": 10, "other": 10},
            "market",
            "Chưa chấm tiêu chí “Thị trường” (0 đến 40 điểm)",
        ),
    ],
)
def test_a_bad_sheet_is_refused_naming_the_criterion_and_its_max(
    scoring, entry, judges, points, field, message
):
    with pytest.raises(ValidationError) as caught:
        services.sheet_submit(actor=judges[0], entry=entry, points=points)
    assert message in " ".join(caught.value.message_dict[field])
    assert not ScoreSheet.objects.exists()


def test_a_non_member_cannot_score(scoring, entry, officer, public_user):
    for outsider in (officer, public_user):
        with pytest.raises(PermissionDenied):
            services.sheet_submit(actor=outsider, entry=entry, points=sheet(80))
    assert not ScoreSheet.objects.exists()


def test_a_second_sheet_from_the_same_member_is_refused(scoring, entry, judges):
    services.sheet_submit(actor=judges[0], entry=entry, points=sheet(80))
    with pytest.raises(ValidationError, match="mỗi thành viên chỉ nộp một phiếu"):
        services.sheet_submit(actor=judges[0], entry=entry, points=sheet(50))
    assert list(ScoreSheet.objects.values_list("total", flat=True)) == [80]


def test_the_database_refuses_points_above_a_criterion_max(scoring, entry, judges, selection_round):
    member = selection_round.members.get(user=judges[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        ScoreSheet.objects.create(
            entry=entry, member=member, market=41, economic=0, culture=0, other=0, total=41
        )


def test_no_scoring_while_the_round_is_being_prepared(selection_round, entry, judges):
    with pytest.raises(ValidationError, match="Đang chấm điểm"):
        services.sheet_submit(actor=judges[0], entry=entry, points=sheet(80))


def test_a_member_with_a_declared_conflict_does_not_score_and_is_left_out_of_the_mean(
    officer, scoring, entry, judges
):
    services.conflict_declare(actor=judges[2], entry=entry, reason="Người nhà làm ở cơ sở")
    with pytest.raises(ValidationError, match="xung đột lợi ích"):
        services.sheet_submit(actor=judges[2], entry=entry, points=sheet(10))
    services.sheet_submit(actor=judges[0], entry=entry, points=sheet(70))
    services.sheet_submit(actor=judges[1], entry=entry, points=sheet(72))
    services.round_close(actor=officer, selection_round=scoring)
    entry.refresh_from_db()
    assert (entry.sheet_count, entry.mean_score, entry.passed) == (2, Decimal("71.00"), True)


# --- the pass mark ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "pass_mark", "passed", "mean"),
    [
        ([70, 70, 70], 70, True, "70.00"),  # exactly the pass mark passes
        ([100, 40, 70], 70, True, "70.00"),
        ([70, 70, 69], 70, False, "69.67"),
        ([80, 80, 79], 80, False, "79.67"),  # the pass mark is the round's own
        ([80, 80, 80], 80, True, "80.00"),
    ],
)
def test_the_mean_decides_against_the_rounds_pass_mark(
    officer, judges, unrecognised, totals, pass_mark, passed, mean
):
    r = services.round_create(
        actor=officer,
        data={
            "name": "Đợt thử",
            "year": 2025,
            "level": "province",
            "held_on": dt.date(2025, 9, 1),
            "pass_mark": pass_mark,
        },
    )
    for user in judges:
        services.member_add(actor=officer, selection_round=r, user=user)
    item = services.entry_add(actor=officer, selection_round=r, product=unrecognised)
    services.round_transition(actor=officer, selection_round=r, to=RoundStatus.SCORING)
    for user, total in zip(judges, totals, strict=True):
        services.sheet_submit(actor=user, entry=item, points=sheet(total))
    services.round_close(actor=officer, selection_round=r)
    item.refresh_from_db()
    assert item.passed is passed
    assert item.mean_score == Decimal(mean)
    assert Recognition.objects.filter(product=unrecognised).exists() is passed


def test_a_mean_a_hair_below_the_mark_is_not_rounded_up():
    # 69.995 would show as 70.00 with two decimals; the decision is taken in exact integers.
    assert services.passes([70] * 199 + [69], 70) is False
    assert services.mean_of([70] * 199 + [69]) == Decimal("70.00")
    assert services.passes([70] * 200, 70) is True


def test_the_default_pass_mark_is_70(officer):
    r = services.round_create(
        actor=officer, data={"name": "Đợt", "year": 2025, "level": "province", "held_on": dt.date(2025, 9, 1)}
    )
    assert r.pass_mark == 70


# --- closing --------------------------------------------------------------------------------------


def _score_all(selection_round, item, judges, total):
    for user in judges:
        services.sheet_submit(actor=user, entry=item, points=sheet(total))


def test_closing_recognises_passed_products_with_the_certificate_the_officer_typed(
    officer, judges, selection_round, hung_long, unrecognised
):
    other = make_product(officer, hung_long, "Dép nhựa", "other")
    kept = services.entry_add(actor=officer, selection_round=selection_round, product=unrecognised)
    dropped = services.entry_add(actor=officer, selection_round=selection_round, product=other)
    services.round_transition(actor=officer, selection_round=selection_round, to=RoundStatus.SCORING)
    _score_all(selection_round, kept, judges, 85)
    _score_all(selection_round, dropped, judges, 60)
    services.round_close(
        actor=officer,
        selection_round=selection_round,
        certificates={kept.pk: services.CertificateData(number="125/GCN-SCT", date=dt.date(2025, 11, 1))},
        decision_reference="Quyết định số 9/QĐ-UBND ngày 30/10/2025",
    )
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.CLOSED
    assert selection_round.decision_reference == "Quyết định số 9/QĐ-UBND ngày 30/10/2025"
    recognition = Recognition.objects.get(product=unrecognised)
    assert (recognition.level, recognition.year, recognition.decided_on) == (
        "province",
        2025,
        dt.date(2025, 10, 15),
    )
    assert (recognition.certificate_number, recognition.certificate_date) == (
        "125/GCN-SCT",
        dt.date(2025, 11, 1),
    )
    assert recognition.round == selection_round
    assert not Recognition.objects.filter(product=other).exists()
    assert history(selection_round).filter(action=AuditAction.TRANSITION).count() == 2


def test_no_certificate_number_is_made_up_when_none_is_typed(officer, judges, scoring, entry):
    _score_all(scoring, entry, judges, 90)
    services.round_close(actor=officer, selection_round=scoring)
    assert Recognition.objects.get(product=entry.product).certificate_number == ""


def test_closing_refuses_missing_sheets_a_certificate_for_a_failed_product_and_duplicate_numbers(
    officer, judges, selection_round, hung_long, unrecognised
):
    other = make_product(officer, hung_long, "Dép nhựa", "other")
    a = services.entry_add(actor=officer, selection_round=selection_round, product=unrecognised)
    b = services.entry_add(actor=officer, selection_round=selection_round, product=other)
    services.round_transition(actor=officer, selection_round=selection_round, to=RoundStatus.SCORING)
    _score_all(selection_round, a, judges, 90)
    services.sheet_submit(actor=judges[0], entry=b, points=sheet(90))
    with pytest.raises(ValidationError, match="chưa đủ phiếu chấm \\(Dép nhựa\\)"):
        services.round_close(actor=officer, selection_round=selection_round)
    services.sheet_submit(actor=judges[1], entry=b, points=sheet(90))
    services.sheet_submit(actor=judges[2], entry=b, points=sheet(90))
    same = services.CertificateData(number="1/GCN")
    with pytest.raises(ValidationError, match="cùng một số giấy chứng nhận"):
        services.round_close(
            actor=officer, selection_round=selection_round, certificates={a.pk: same, b.pk: same}
        )
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.SCORING
    assert not Recognition.objects.exists()


def test_a_certificate_for_a_product_that_failed_is_refused(officer, judges, scoring, entry):
    _score_all(scoring, entry, judges, 50)
    with pytest.raises(ValidationError, match="không đạt \\(50,00 điểm\\)"):
        services.round_close(
            actor=officer,
            selection_round=scoring,
            certificates={entry.pk: services.CertificateData(number="9/GCN")},
        )
    entry.refresh_from_db()
    assert entry.passed is None


# --- the district level and the 2025 reform -----------------------------------------------------------


def test_a_district_round_dated_on_or_after_1_july_2025_is_refused(officer):
    data = {"name": "Bình chọn cấp huyện", "year": 2025, "level": "district", "held_on": dt.date(2025, 7, 1)}
    with pytest.raises(ValidationError) as caught:
        services.round_create(actor=officer, data=data)
    assert (
        "Cấp huyện chỉ áp dụng cho đợt bình chọn trước ngày 01/07/2025"
        in caught.value.message_dict["level"][0]
    )
    assert "01/07/2025" in caught.value.message_dict["level"][0]
    assert not SelectionRound.objects.exists()
    before = services.round_create(actor=officer, data={**data, "held_on": dt.date(2025, 6, 30)})
    assert before.level == "district"


def test_a_district_recognition_dated_after_the_reform_is_refused(officer, unrecognised):
    with pytest.raises(ValidationError, match="Cấp huyện chỉ áp dụng"):
        recognise(officer, unrecognised, RecognitionLevel.DISTRICT, 2025, dt.date(2025, 8, 1))
    assert (
        recognise(officer, unrecognised, RecognitionLevel.DISTRICT, 2024, dt.date(2024, 8, 1)).level
        == "district"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Recognition.objects.create(
            product=unrecognised, level="district", year=2026, decided_on=dt.date(2026, 1, 5)
        )


def test_a_product_is_recognised_once_per_level_and_year(officer, banh_khao):
    with pytest.raises(ValidationError, match="đã được công nhận cấp tỉnh năm 2024"):
        recognise(officer, banh_khao, RecognitionLevel.PROVINCE, 2024)


def test_a_round_in_scoring_keeps_its_level_year_and_pass_mark(officer, scoring):
    with pytest.raises(ValidationError, match="không đổi năm, cấp, ngày hoặc điểm đạt"):
        services.round_update(actor=officer, selection_round=scoring, data={"pass_mark": 60})
    services.round_update(actor=officer, selection_round=scoring, data={"decision_reference": "QĐ 1"})
    scoring.refresh_from_db()
    assert (scoring.pass_mark, scoring.decision_reference) == (70, "QĐ 1")


# --- transitions ----------------------------------------------------------------------------------

ROLES = [
    Role.ADMIN,
    Role.OFFICER,
    Role.LEADER,
    Role.COMMUNE_OFFICER,
    Role.COUNCIL_MEMBER,
    Role.BUSINESS,
    Role.PUBLIC,
]
EXPECTED = {
    (RoundStatus.DRAFT, RoundStatus.SCORING): {Role.ADMIN, Role.OFFICER},
    (RoundStatus.SCORING, RoundStatus.DRAFT): {Role.ADMIN, Role.OFFICER},
    (RoundStatus.SCORING, RoundStatus.CLOSED): {Role.ADMIN, Role.OFFICER},
    (RoundStatus.DRAFT, RoundStatus.CANCELLED): {Role.ADMIN, Role.OFFICER},
    (RoundStatus.SCORING, RoundStatus.CANCELLED): {Role.ADMIN, Role.OFFICER, Role.LEADER},
}


class _User:
    is_authenticated = True
    is_active = True
    is_superuser = False

    def __init__(self, role: str) -> None:
        self.role = role


@pytest.mark.parametrize(("frm", "to"), list(itertools.permutations(RoundStatus, 2)))
def test_every_pair_of_states_for_every_role_follows_the_table(frm, to):
    r = SelectionRound(status=frm)
    allowed = {role for role in ROLES if workflow.can(r, to, _User(role))}
    assert allowed == EXPECTED.get((frm, to), set())


def test_a_refused_move_says_why(officer, leader, council_member, selection_round, entry):
    with pytest.raises(PermissionDenied, match="Vai trò của bạn không được chuyển"):
        services.round_transition(actor=leader, selection_round=selection_round, to=RoundStatus.SCORING)
    with pytest.raises(PermissionDenied):
        services.round_transition(
            actor=council_member, selection_round=selection_round, to=RoundStatus.CANCELLED, reason="x"
        )
    with pytest.raises(
        ValidationError, match="Không thể chuyển đợt bình chọn từ “Đang chuẩn bị” sang “Đã kết thúc”"
    ):
        workflow.require(selection_round, to=RoundStatus.CLOSED, actor=officer)
    with pytest.raises(ValidationError, match="Cần ghi rõ lý do"):
        services.round_transition(actor=officer, selection_round=selection_round, to=RoundStatus.CANCELLED)
    selection_round.refresh_from_db()
    assert selection_round.status == RoundStatus.DRAFT


def test_a_leader_may_cancel_a_round_being_scored_with_a_reason(leader, scoring):
    services.round_transition(
        actor=leader, selection_round=scoring, to=RoundStatus.CANCELLED, reason="Thiếu hồ sơ"
    )
    scoring.refresh_from_db()
    assert scoring.status == RoundStatus.CANCELLED
    assert history(scoring).filter(action=AuditAction.TRANSITION, reason="Thiếu hồ sơ").exists()


def test_a_round_goes_back_to_preparation_only_before_any_sheet(officer, judges, scoring, entry):
    services.sheet_submit(actor=judges[0], entry=entry, points=sheet(80))
    with pytest.raises(ValidationError, match="Đã có phiếu chấm"):
        services.round_transition(actor=officer, selection_round=scoring, to=RoundStatus.DRAFT)


def test_scoring_needs_entries_and_members(officer):
    r = services.round_create(
        actor=officer,
        data={"name": "Trống", "year": 2025, "level": "province", "held_on": dt.date(2025, 9, 1)},
    )
    with pytest.raises(ValidationError, match="chưa có sản phẩm"):
        services.round_transition(actor=officer, selection_round=r, to=RoundStatus.SCORING)


def test_only_council_members_sit_on_a_council(officer, selection_round, public_user):
    with pytest.raises(ValidationError, match="Thành viên hội đồng"):
        services.member_add(actor=officer, selection_round=selection_round, user=public_user)


def test_only_the_centre_runs_rounds(leader, council_member):
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=leader,
            data={"name": "X", "year": 2025, "level": "province", "held_on": dt.date(2025, 9, 1)},
        )
    with pytest.raises(PermissionDenied):
        services.round_create(
            actor=council_member,
            data={"name": "X", "year": 2025, "level": "province", "held_on": dt.date(2025, 9, 1)},
        )


# --- pages and scope ------------------------------------------------------------------------------


def test_who_sees_a_round(
    client, selection_round, officer, leader, council_member, outsider, public_user, business_rep
):
    from khuyencong.accounts.models import User

    stranger = User.objects.create_user(username="hoidongkhac", password="x", role="council_member")
    url = selection_round.get_absolute_url()
    for user, status in [
        (officer, 200),
        (leader, 200),
        (council_member, 200),
        (stranger, 404),
        (outsider, 404),
        (business_rep, 404),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.force_login(public_user)
    assert client.get(reverse("products:round_list")).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page


def test_a_member_scores_through_the_page_and_a_bad_value_is_shown_with_its_rule(
    client, scoring, entry, judges
):
    client.force_login(judges[0])
    url = reverse("products:sheet", args=[scoring.pk, entry.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"market": "45", "economic": "30", "culture": "8", "other": "5"})
    assert bad.status_code == 400
    assert "“Thị trường” phải là số nguyên từ 0 đến 40" in bad.content.decode()
    good = client.post(url, {"market": "35", "economic": "30", "culture": "8", "other": "5"})
    assert good.status_code == 302
    assert ScoreSheet.objects.get().total == 78


def test_a_member_sees_only_their_own_totals_until_the_round_closes(client, officer, scoring, entry, judges):
    services.sheet_submit(actor=judges[1], entry=entry, points=sheet(93))
    services.sheet_submit(actor=judges[0], entry=entry, points=sheet(77))
    client.force_login(judges[0])
    html = client.get(scoring.get_absolute_url()).content.decode()
    cells = html.replace(" ", "").replace("\n", "")
    assert ">77<" in cells
    assert ">93<" not in cells  # not as a cell: "93" alone may turn up inside the random CSRF token
    client.force_login(officer)
    assert "93" in client.get(scoring.get_absolute_url()).content.decode()


def test_the_officer_closes_through_the_page_typing_the_certificate(client, officer, scoring, entry, judges):
    _score_all(scoring, entry, judges, 88)
    client.force_login(officer)
    url = reverse("products:close", args=[scoring.pk])
    page = client.get(url)
    assert page.status_code == 200
    response = client.post(
        url,
        {
            "decision_reference": "",
            f"cert_{entry.pk}_number": "77/GCN",
            f"cert_{entry.pk}_date": "20/11/2025",
        },
    )
    assert response.status_code == 302
    recognition = Recognition.objects.get(product=entry.product)
    assert (recognition.certificate_number, recognition.certificate_date) == ("77/GCN", dt.date(2025, 11, 20))
    # Now public.
    client.logout()
    assert client.get(entry.product.get_absolute_url()).status_code == 200


def test_a_council_member_cannot_close_through_the_page(client, scoring, entry, judges):
    client.force_login(judges[0])
    assert client.post(reverse("products:close", args=[scoring.pk]), {}).status_code == 403
    assert (
        client.post(
            reverse("products:transition", args=[scoring.pk, "cancelled"]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_staff_product_pages_are_for_the_centre_and_leaders(
    client, officer, leader, commune_officer, public_user, unrecognised
):
    url = unrecognised.get_manage_url()
    for user, status in [(officer, 200), (leader, 200), (commune_officer, 404), (public_user, 404)]:
        client.force_login(user)
        assert client.get(url).status_code == status, user.username
    client.force_login(leader)
    assert client.post(url, {"name": "Đổi tên"}).status_code == 403
