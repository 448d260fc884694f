"""The three documents of a project, rendered for real (WeasyPrint and python-docx), read back as text.

Amounts in words are written here by hand; both formats must say the same thing.
"""

import datetime as dt
import re
from io import BytesIO

import docx
from pypdf import PdfReader

from khuyencong.paperwork import builders
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.paperwork.word import render_docx
from khuyencong.projects import services
from khuyencong.projects.choices import Status
from khuyencong.projects.models import Acceptance, Project
from khuyencong.projects.tests.helpers import checklist_met

from .conftest import carry_to_acceptance, docx_text, pdf_text

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"


def both(doc):
    """The document's text as the PDF and as the DOCX show it."""
    return {"pdf": pdf_text(render_pdf(doc)), "docx": docx_text(render_docx(doc))}


# --- the approval decision ------------------------------------------------------------------------


def test_the_decision_states_the_approval_in_both_formats(approved):
    for fmt, text in both(builders.approval_decision(approved)).items():
        assert MOTTO in text, fmt
        assert "UBND TỈNH LẠNG SƠN SỞ CÔNG THƯƠNG" in text, fmt
        assert "Số: 15/QĐ-SCT" in text, fmt
        assert "Lạng Sơn, ngày 07 tháng 3 năm 2024" in text, fmt
        assert "QUYẾT ĐỊNH Về việc phê duyệt đề án “Mô hình trình diễn máy ép gạch không nung”" in text, fmt
        assert (
            "Kinh phí khuyến công hỗ trợ: 105.000.000 đồng (Bằng chữ: Một trăm linh năm triệu đồng)." in text
        )
        assert "Ngân sách tỉnh (khuyến công địa phương) 105.000.000" in text, fmt
        assert "Vốn đối ứng của cơ sở 245.000.000" in text, fmt
        assert "Tổng cộng 350.000.000" in text, fmt
        assert "Cơ sở thụ hưởng: Công ty TNHH thương mại Hưng Long." in text, fmt
        assert "Thời gian thực hiện: từ ngày 15/03/2024 đến ngày 31/10/2024." in text, fmt
        assert "Lao động có việc làm: 30;" in text, fmt
        assert [int(n) for n in re.findall(r"Điều (\d)\.", text)] == [1, 2, 3], fmt
        assert "Nơi nhận: - Như Điều 3; - Lưu: VT." in text, fmt
        assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text, fmt
        # The cap applied at submission is cited from the rules data.
        assert "Căn cứ Thông tư 28/2018/TT-BTC" in text, fmt
        assert "Dữ liệu minh hoạ" not in text, fmt


def test_a_decision_before_the_2025_amendment_does_not_cite_it(approved):
    text = docx_text(render_docx(builders.approval_decision(approved)))
    assert "235/2025/NĐ-CP" not in text
    approved.decision_date = dt.date(2025, 10, 15)
    text = docx_text(render_docx(builders.approval_decision(approved)))
    assert (
        "Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến công (được sửa đổi"
        in text
    )
    assert "235/2025/NĐ-CP" in text


def test_the_letterhead_and_signer_come_from_the_settings(approved, settings):
    settings.KHUYENCONG_DOC_DEPARTMENT = "SỞ CÔNG THƯƠNG TỈNH THỬ"
    settings.KHUYENCONG_DOC_DEPARTMENT_PARENT = "UBND TỈNH THỬ"
    settings.KHUYENCONG_DOC_PLACE = "Thử Nghiệm"
    settings.KHUYENCONG_DOC_DEPARTMENT_SIGN_AUTHORITY = "TL. GIÁM ĐỐC"
    settings.KHUYENCONG_DOC_DEPARTMENT_SIGNER_TITLE = "CHÁNH VĂN PHÒNG"
    settings.KHUYENCONG_DOC_DEPARTMENT_SIGNER_NAME = "Nguyễn Văn Ký"
    text = pdf_text(render_pdf(builders.approval_decision(approved)))
    assert "UBND TỈNH THỬ SỞ CÔNG THƯƠNG TỈNH THỬ" in text
    assert "Thử Nghiệm, ngày 07 tháng 3 năm 2024" in text
    assert "TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG Nguyễn Văn Ký" in text


def test_a_national_project_is_approved_by_the_ministry(approved):
    Project.objects.filter(pk=approved.pk).update(level="national")
    approved.refresh_from_db()
    doc = builders.approval_decision(approved)
    assert doc.issuer.name == "BỘ CÔNG THƯƠNG"
    assert doc.issuer.parent == ""
    text = docx_text(render_docx(doc))
    assert "Hà Nội, ngày 07 tháng 3 năm 2024" in text
    assert "KT. BỘ TRƯỞNG THỨ TRƯỞNG" in text
    assert "kế hoạch khuyến công quốc gia năm 2024" in text


def test_a_demo_project_prints_that_its_data_is_illustrative(approved):
    Project.objects.filter(pk=approved.pk).update(is_demo=True)
    approved.refresh_from_db()
    for fmt, text in both(builders.approval_decision(approved)).items():
        assert "Dữ liệu minh hoạ" in text, fmt


# --- the acceptance minutes -----------------------------------------------------------------------


def test_the_minutes_set_results_against_targets_with_machines_and_verdict(accepted):
    doc = builders.acceptance_minutes(Acceptance.objects.get(project=accepted))
    for fmt, text in both(doc).items():
        assert MOTTO in text, fmt
        assert "SỞ CÔNG THƯƠNG LẠNG SƠN TRUNG TÂM KHUYẾN CÔNG VÀ TƯ VẤN PHÁT TRIỂN CÔNG NGHIỆP" in text, fmt
        assert re.search(r"Số: /BB-TTKC", text), fmt  # no number is recorded for minutes: left blank
        assert "Lạng Sơn, ngày 05 tháng 11 năm 2024" in text, fmt
        assert "BIÊN BẢN Nghiệm thu đề án khuyến công “Mô hình trình diễn máy ép gạch không nung”" in text, (
            fmt
        )
        assert "Căn cứ Quyết định số 15/QĐ-SCT ngày 07/03/2024" in text, fmt
        assert "Căn cứ Hợp đồng số 07/2024/HĐ-KC ngày 12/03/2024" in text, fmt
        assert "Lao động có việc làm 30 32 106%" in text, fmt
        assert "Lao động được đào tạo 20 20 100%" in text, fmt
        assert "Máy móc, dây chuyền 2 2 100%" in text, fmt
        assert "12 lao động nữ, 15 lao động là người dân tộc thiểu số" in text, fmt
        assert "Máy ép gạch thuỷ lực EP-2024-0117" in text, fmt
        assert "Máy trộn cưỡng bức TR-2024-0042" in text, fmt
        assert "Sản phẩm đạt tiêu chuẩn gạch không nung." in text, fmt
        assert "105.000.000 đồng (Bằng chữ: Một trăm linh năm triệu đồng)" in text, fmt
        assert "Đề án đạt yêu cầu, đồng ý nghiệm thu." in text, fmt
        assert "ĐẠI DIỆN CƠ SỞ THỤ HƯỞNG (Ký, ghi rõ họ tên)" in text, fmt
        assert "Hoàng Văn Long" in text, fmt
        assert (
            "Hội đồng nghiệm thu: ông/bà Hoàng Thị Lan (Chủ tịch hội đồng), ông/bà Vi Văn Bình (Thư ký)."
            in (" ".join(text.split()))
        ), fmt
        assert "KIỂM TRA THEO DANH MỤC" in text and "Đạt" in text, fmt
        assert re.findall(r"\b([IVX]+)\. [A-ZĐ]", text) == ["I", "II", "III", "IV", "V", "VI", "VII"], fmt


def test_minutes_of_a_failed_acceptance_say_so_and_leave_out_what_was_not_recorded(approved, officer):
    project = services.project_contract(
        project=approved,
        actor=officer,
        contract_number="08/2024/HĐ-KC",
        contract_date=dt.date(2024, 3, 12),
        contract_amount=100_000_000,
    )
    project = services.project_transition(project=project, to=Status.IN_PROGRESS, actor=officer)
    project = services.project_transition(project=project, to=Status.AWAITING_ACCEPTANCE, actor=officer)
    acceptance = services.project_record_acceptance(
        project=project,
        actor=officer,
        held_on=dt.date(2025, 1, 9),
        accepted=False,
        results={"jobs_created": 10},
        notes="Chưa lắp đặt máy ép.",
        checklist=checklist_met(project),
    )
    text = docx_text(render_docx(builders.acceptance_minutes(acceptance)))
    assert "Lạng Sơn, ngày 09 tháng 01 năm 2025" in text
    assert "Đề án không đạt yêu cầu, không nghiệm thu." in text
    assert "Lao động có việc làm 30 10 33%" in text
    assert "Lao động được đào tạo 20" in text  # expected, nothing achieved: the result cell stays empty
    assert "MÁY MÓC, THIẾT BỊ BÀN GIAO" not in text
    assert "lao động nữ" not in text


# --- the contract liquidation ---------------------------------------------------------------------


def test_the_liquidation_settles_the_money_in_figures_and_words(settled):
    for fmt, text in both(builders.contract_liquidation(settled)).items():
        assert MOTTO in text, fmt
        assert re.search(r"Số: /BBTL-TTKC", text), fmt
        assert "Lạng Sơn, ngày 02 tháng 12 năm 2024" in text, fmt
        assert "BIÊN BẢN Thanh lý Hợp đồng số 07/2024/HĐ-KC" in text, fmt
        assert "Căn cứ Hợp đồng số 07/2024/HĐ-KC ngày 12/03/2024" in text, fmt
        assert "Căn cứ Biên bản nghiệm thu đề án ngày 05/11/2024" in text, fmt
        assert "Giá trị hợp đồng 105.000.000" in text, fmt
        assert "Kinh phí hỗ trợ được duyệt 105.000.000" in text, fmt
        assert "Kinh phí đã tạm ứng 105.000.000" in text, fmt
        assert "Kinh phí quyết toán 101.500.000" in text, fmt
        assert "Số tiền thu hồi (tạm ứng vượt số quyết toán) 3.500.000" in text, fmt
        assert "Số tiền Bên A còn phải thanh toán cho Bên B 0" in text, fmt
        assert (
            "Kinh phí quyết toán: 101.500.000 đồng (Bằng chữ: Một trăm linh một triệu năm trăm nghìn đồng)."
            in text
        )
        assert "nộp trả (thu hồi): 3.500.000 đồng (Bằng chữ: Ba triệu năm trăm nghìn đồng)." in text, fmt
        assert "BÊN B (Bên nhận): Công ty TNHH thương mại Hưng Long" in text, fmt
        assert "trừ nghĩa vụ nộp trả số tiền thu hồi nêu tại Điều 1./." in text, fmt
        assert "ĐẠI DIỆN BÊN A GIÁM ĐỐC" in text, fmt


def test_a_liquidation_with_money_still_owed_says_how_much_in_words(approved, officer):
    project = carry_to_acceptance(approved, officer, advance=50_000_000)
    project = services.project_settle(
        project=project, actor=officer, settled_amount=101_500_000, liquidation_date=dt.date(2024, 12, 2)
    )
    for fmt, text in both(builders.contract_liquidation(project)).items():
        assert "Kinh phí đã tạm ứng 50.000.000" in text, fmt
        assert "Số tiền thu hồi (tạm ứng vượt số quyết toán) 0" in text, fmt
        assert (
            "Số tiền Bên A còn phải thanh toán cho Bên B: 51.500.000 đồng "
            "(Bằng chữ: Năm mươi mốt triệu năm trăm nghìn đồng)."
        ) in text, fmt
        assert "nộp trả" not in text, fmt
        assert "trừ nghĩa vụ thanh toán số tiền còn lại nêu tại Điều 1./." in text, fmt


def test_a_liquidation_paid_in_full_by_the_advances_says_nothing_is_owed(accepted, officer):
    project = services.project_settle(
        project=accepted, actor=officer, settled_amount=105_000_000, liquidation_date=dt.date(2024, 12, 2)
    )
    text = docx_text(render_docx(builders.contract_liquidation(project)))
    assert "Số tiền thu hồi (tạm ứng vượt số quyết toán) 0" in text
    assert "Bên A đã tạm ứng đủ 105.000.000 đồng cho Bên B; không còn phải thanh toán." in text
    assert "theo hợp đồng chấm dứt./." in text


# --- the page -------------------------------------------------------------------------------------


def test_both_formats_use_the_a4_page_and_margins_of_the_decree(approved):
    doc = builders.approval_decision(approved)
    page = PdfReader(BytesIO(render_pdf(doc))).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4 in pt
    section = docx.Document(BytesIO(render_docx(doc))).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(margin.mm) for margin in margins] == [20, 20, 30, 15]
    assert section.different_first_page_header_footer  # page numbers from the second page on
