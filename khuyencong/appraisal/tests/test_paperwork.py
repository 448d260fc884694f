"""The appraisal minutes as an official document: read back from the PDF (pypdf) and the DOCX."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from khuyencong.appraisal import services
from khuyencong.appraisal.models import Assignment
from khuyencong.appraisal.paperwork import appraisal_minutes
from khuyencong.appraisal.tests.factories import score_all
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.tests.conftest import docx_text, pdf_text
from khuyencong.paperwork.word import render_docx

LOW_MERIT = {"necessity": 0, "feasibility": 0, "effectiveness": 0}  # 45
CONCLUDED_AT = dt.datetime(2024, 3, 4, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def concluded(assignment, members, officer):
    """Hội (chair) declares a conflict; Thu gives 100 and Bình 45: 72,50 with a spread of 55, flagged."""
    hoi, thu, binh = members
    services.declare(assignment=assignment, actor=hoi, has_conflict=True, reason="Em ruột là giám đốc cơ sở")
    score_all(assignment, thu)
    score_all(assignment, binh, LOW_MERIT)
    services.appraisal_conclude(
        assignment=assignment, actor=officer, outcome="proposed", reason="Đạt yêu cầu"
    )
    Assignment.objects.filter(pk=assignment.pk).update(concluded_at=CONCLUDED_AT)
    return assignment


@pytest.fixture
def both(concluded, council):
    doc = appraisal_minutes(council)
    return pdf_text(render_pdf(doc)), docx_text(render_docx(doc))


def test_the_minutes_state_title_members_conflict_score_with_a_comma_and_the_flag(both):
    for text in both:
        assert "BIÊN BẢN HỌP HỘI ĐỒNG THẨM ĐỊNH" in text
        assert "Hội đồng thẩm định 2024" in text
        for line in ("Ông/bà Vi Thị Hội, chủ tịch hội đồng", "Ông/bà Hà Thị Thu, thư ký hội đồng"):
            assert line in text
        assert "Ông/bà Nông Văn Bình, ủy viên" in text
        assert (
            "Ông/bà Vi Thị Hội khai báo xung đột lợi ích với đề án KCĐP-2024-007: Em ruột là giám đốc cơ sở"
            in text
        )
        assert "Điểm trung bình (2 phiếu hợp lệ) 72,50" in text
        assert "100,00" in text and "45,00" in text and "72.50" not in text
        assert "Chênh lệch lớn: điểm tổng của các thành viên chênh nhau 55,00 điểm" in text
        assert "Đề xuất vào kế hoạch, điểm thẩm định 72,50 điểm" in text


def test_the_layout_has_letterhead_a_blank_number_the_conclusion_day_and_both_signers(both, settings):
    for text in both:
        assert settings.KHUYENCONG_DOC_CENTRE in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Số: /BB-" in text  # no number is recorded for the minutes: left for the office
        assert "ngày 04 tháng 3 năm 2024" in text  # the last conclusion, in Hanoi time
        assert "THƯ KÝ HỘI ĐỒNG" in text and "CHỦ TỊCH HỘI ĐỒNG" in text
        # Signers by name, secretary then chair, after their titles.
        assert text.index("THƯ KÝ HỘI ĐỒNG") < text.rindex("Hà Thị Thu")
        assert text.index("CHỦ TỊCH HỘI ĐỒNG") < text.rindex("Vi Thị Hội")


def test_before_any_conclusion_it_is_dated_today_and_says_draft_and_unflagged(assignment, council, members):
    score_all(assignment, members[1])
    text = pdf_text(render_pdf(appraisal_minutes(council)))
    today = timezone.localdate()
    assert f"năm {today.year}" in text and "Dự thảo" in text
    assert "Không thành viên nào khai báo xung đột lợi ích" in text
    assert "Chưa kết luận" in text and "Chênh lệch lớn" not in text


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_the_download_follows_the_xlsx_permission(client, concluded, council, officer, members, fmt):
    url = reverse("appraisal:minutes_document", kwargs={"pk": council.pk, "fmt": fmt})
    client.force_login(members[1])
    assert client.get(url).status_code == 403  # members see every total only once the council closes
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response.content[:4] == (b"%PDF" if fmt == "pdf" else b"PK\x03\x04")
    detail = client.get(council.get_absolute_url()).content.decode()
    assert url in detail and reverse("appraisal:minutes", kwargs={"pk": council.pk}) in detail
    services.council_close(council=council, actor=officer)
    client.force_login(members[1])
    assert client.get(url).status_code == 200


def test_outside_the_council_the_download_is_404(client, concluded, council, other_council):
    client.force_login(other_council.members.get().user)
    url = reverse("appraisal:minutes_document", kwargs={"pk": council.pk, "fmt": "pdf"})
    assert client.get(url).status_code == 404
