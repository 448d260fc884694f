"""The annex workbook: the layout of a decision's annex, amounts as numbers shown the Vietnamese way."""

import datetime as dt
import io

import openpyxl

from khuyencong.plans import annex, services
from khuyencong.plans.tests.helpers import M


def test_the_vietnamese_number_format_groups_digits_with_dots_whatever_the_locale():
    assert annex.vn_number_format(0) == "0"
    assert annex.vn_number_format(999) == "0"
    assert annex.vn_number_format(1_000) == "#\\.000"
    assert annex.vn_number_format(500_000_000) == "#\\.000\\.000"
    assert annex.vn_number_format(1_286_000_000) == "#\\.000\\.000\\.000"


def test_the_approved_plan_exports_as_a_decision_annex(officer, leader, hung_long, make_proposal, make_plan):
    a = make_proposal(score="90", amount=600 * M, beneficiaries=[hung_long])
    b = make_proposal(score="80", amount=500 * M)
    plan = make_plan()
    services.plan_set_partial(plan=plan, actor=officer, project=b, minimum=300 * M)
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Trình")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    services.plan_approve(
        plan=plan, actor=leader, decision_number="125/QĐ-UBND", decision_date=dt.date(2026, 1, 5)
    )
    plan.refresh_from_db()

    table = annex.annex_rows(plan)
    assert table.title == "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026"
    assert table.subtitle == "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/01/2026)"
    assert [r.code for r in table.rows] == [a.code, b.code]
    assert table.rows[0].beneficiary == "Công ty TNHH thương mại Hưng Long"
    assert table.rows[1].note == "Hỗ trợ một phần (đề nghị 500 tr.đ)"
    assert table.total_support == 1_000 * M

    book = openpyxl.load_workbook(io.BytesIO(annex.annex_xlsx(table)), data_only=True)
    sheet = book.active
    assert sheet["A1"].value == "PHỤ LỤC"
    assert sheet["A3"].value == "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/01/2026)"
    assert [sheet.cell(6, col).value for col in range(1, 7)] == [
        "STT",
        "Tên đề án",
        "Đơn vị thụ hưởng",
        "Địa điểm thực hiện",
        "Nội dung hỗ trợ",
        "Tổng kinh phí thực hiện",
    ]
    assert sheet["G6"].value == "Kinh phí hỗ trợ" and sheet["G7"].value == "Ngân sách tỉnh"
    first = [sheet.cell(8, col).value for col in range(1, 9)]
    assert first == [
        1,
        f"Đề án thử 1 ({a.code})",
        "Công ty TNHH thương mại Hưng Long",
        "Phường Tam Thanh",
        "Đào tạo nghề, truyền nghề, phát triển nghề",
        1_200 * M,
        600 * M,
        600 * M,
    ]
    assert sheet.cell(8, 7).number_format == "#\\.000\\.000"  # shown 600.000.000
    assert sheet.cell(9, 7).value == 400 * M
    assert sheet.cell(10, 1).value == "Tổng cộng"
    assert sheet.cell(10, 7).value == 1_000 * M  # the cached result of =SUM(G8:G9)
    assert sheet.cell(10, 7).number_format == "#\\.000\\.000\\.000"  # shown 1.000.000.000


def test_the_approved_annex_prints_as_an_official_pdf_and_docx(
    client, officer, leader, hung_long, make_proposal, make_plan
):
    from django.urls import reverse

    from khuyencong.paperwork.tests.conftest import docx_text, pdf_text

    a = make_proposal(score="90", amount=600 * M, beneficiaries=[hung_long])
    make_proposal(score="80", amount=500 * M)
    plan = make_plan()
    scenario = services.plan_optimize(plan=plan, actor=officer, name="Trình")
    services.plan_submit(plan=plan, actor=officer, scenario=scenario)
    services.plan_approve(
        plan=plan, actor=leader, decision_number="125/QĐ-UBND", decision_date=dt.date(2026, 1, 5)
    )
    plan.refresh_from_db()
    table = annex.annex_rows(plan)
    total_cost, total_support = (
        f"{table.total_cost:,}".replace(",", "."),
        f"{table.total_support:,}".replace(",", "."),
    )
    client.force_login(leader)
    pdf = client.get(reverse("plans:annex_as", args=[plan.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    docx = client.get(reverse("plans:annex_as", args=[plan.pk, "docx"]))
    for text in (" ".join(pdf_text(pdf.content).split()), " ".join(docx_text(docx.content).split())):
        assert "DANH MỤC ĐỀ ÁN KHUYẾN CÔNG ĐỊA PHƯƠNG NĂM 2026" in text
        assert "(Kèm theo Quyết định số 125/QĐ-UBND ngày 05/01/2026)" in text
        assert "Số: 125/QĐ-UBND" in text
        assert a.code in text and "Công ty TNHH thương mại Hưng Long" in text
        assert f"Tổng cộng {total_cost} {total_support} {total_support}" in text  # one fund: it is the total
    assert client.get(reverse("plans:annex_as", args=[plan.pk, "exe"])).status_code == 404
