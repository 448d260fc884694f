"""The minutes (biên bản thẩm định): one data function, laid out as XLSX and read back with openpyxl."""

import io
from decimal import Decimal

import openpyxl
import pytest

from khuyencong.appraisal import services
from khuyencong.appraisal.minutes import minutes_data, minutes_xlsx
from khuyencong.appraisal.tests.conftest import new_proposal
from khuyencong.appraisal.tests.factories import score_all

LOW_MERIT = {"necessity": 0, "feasibility": 0, "effectiveness": 0}  # 45


@pytest.fixture
def concluded(assignment, members, officer):
    """Hội declares a conflict; Thu gives 100 and Bình 45: a mean of 72.50 and a spread of 55."""
    hoi, thu, binh = members
    services.declare(assignment=assignment, actor=hoi, has_conflict=True, reason="Em ruột là giám đốc cơ sở")
    score_all(assignment, thu)
    score_all(assignment, binh, LOW_MERIT)
    services.appraisal_conclude(
        assignment=assignment, actor=officer, outcome="proposed", reason="Đạt yêu cầu"
    )
    return assignment


def rows(sheet):
    """Each row's values, empty cells kept in place as None but trailing ones dropped."""
    table = []
    for row in sheet.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        table.append(values)
    return table


def find(table, first):
    return next(row for row in table if row and row[0] == first)


def line_of(table, code):
    header = find(table, "Mã đề án")
    values = find(table, code)
    return dict(zip(header, values + [None] * (len(header) - len(values)), strict=True))


def test_the_data_holds_members_conflicts_totals_criterion_means_score_and_flag(concluded, council):
    minutes = minutes_data(council)
    assert minutes.council == "Hội đồng thẩm định 2024" and not minutes.is_final
    assert [(m.name, m.position, m.took_part) for m in minutes.members] == [
        ("Vi Thị Hội", "Chủ tịch hội đồng", True),
        ("Hà Thị Thu", "Thư ký hội đồng", True),
        ("Nông Văn Bình", "Ủy viên", True),
    ]
    assert [(c.member, c.project_code, c.reason) for c in minutes.conflicts] == [
        ("Vi Thị Hội", "KCĐP-2024-007", "Em ruột là giám đốc cơ sở")
    ]
    (proposal,) = minutes.proposals
    assert [(t.member, t.total) for t in proposal.totals] == [
        ("Vi Thị Hội", None),
        ("Hà Thị Thu", Decimal("100.00")),
        ("Nông Văn Bình", Decimal("45.00")),
    ]
    assert (proposal.mean, proposal.final_score, proposal.spread, proposal.flagged) == (
        Decimal("72.50"),
        Decimal("72.50"),
        Decimal("55.00"),
        True,
    )
    assert proposal.excluded_members == ["Vi Thị Hội"]
    means = {m.code: m.mean_points for m in proposal.criterion_means}
    assert means["feasibility"] == Decimal("5.00")  # (10 + 0) / 2, the conflicted member left out
    assert means["effectiveness"] == Decimal("5.00")
    assert means["difficult_area"] == Decimal("5.00")
    assert (proposal.outcome, proposal.reason) == ("Đề xuất vào kế hoạch", "Đạt yêu cầu")


def test_the_workbook_states_it_all_and_reads_back(concluded, council):
    book = openpyxl.load_workbook(io.BytesIO(minutes_xlsx(minutes_data(council))))
    assert book.sheetnames == ["Biên bản", "Điểm theo tiêu chí"]
    record = rows(book["Biên bản"])
    assert record[0] == ["BIÊN BẢN THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG (DỰ THẢO)"]  # the council is still open
    assert find(record, "Hội đồng") == ["Hội đồng", "Hội đồng thẩm định 2024"]
    assert find(record, "Quyết định thành lập") == ["Quyết định thành lập", "(chưa ghi)"]
    assert ["Vi Thị Hội", "Chủ tịch hội đồng", "Có"] in record
    conflict = next(r for r in record if r[:2] == ["Vi Thị Hội", "KCĐP-2024-007"])
    assert conflict[2] == "Em ruột là giám đốc cơ sở"
    assert find(record, "Mã đề án")[2:5] == ["Vi Thị Hội", "Hà Thị Thu", "Nông Văn Bình"]
    line = line_of(record, "KCĐP-2024-007")
    assert line["Vi Thị Hội"] == "Xung đột lợi ích"
    assert (line["Hà Thị Thu"], line["Nông Văn Bình"]) == (100, 45)
    assert (line["Số phiếu hợp lệ"], line["Điểm trung bình"], line["Chênh lệch"]) == (2, 72.5, 55)
    assert (line["Cảnh báo"], line["Điểm thẩm định"], line["Kết luận"]) == (
        "Chênh lệch lớn",
        72.5,
        "Đề xuất vào kế hoạch",
    )
    assert any("chưa đối chiếu văn bản gốc" in str(r[0]) for r in record if r)
    detail = rows(book["Điểm theo tiêu chí"])
    assert find(detail, "Không tính (xung đột lợi ích)") == ["Không tính (xung đột lợi ích)", "Vi Thị Hội"]
    feasibility = find(detail, "feasibility")
    assert feasibility[1:] == ["Tính khả thi: công nghệ, vốn đối ứng, năng lực thực hiện", 10, 20, 5]
    assert find(detail, "Hỗ trợ đề nghị (đồng)") == ["Hỗ trợ đề nghị (đồng)", 500_000_000]


def test_a_closed_council_s_minutes_are_final_and_a_pending_proposal_is_marked(
    concluded, council, officer, geo, hung_long
):
    pending = new_proposal(officer, geo, hung_long, code="KCĐP-2024-010")
    services.proposal_assign(council=council, actor=officer, project=pending)
    record = rows(openpyxl.load_workbook(io.BytesIO(minutes_xlsx(minutes_data(council))))["Biên bản"])
    line = line_of(record, "KCĐP-2024-010")
    assert (line["Vi Thị Hội"], line["Kết luận"]) == ("Chưa khai báo", "Chưa kết luận")
    services.proposal_unassign(assignment=pending.appraisal, actor=officer)
    council = services.council_close(council=council, actor=officer)
    record = rows(openpyxl.load_workbook(io.BytesIO(minutes_xlsx(minutes_data(council))))["Biên bản"])
    assert record[0] == ["BIÊN BẢN THẨM ĐỊNH ĐỀ ÁN KHUYẾN CÔNG"]
