"""The appraisal minutes as an official document (Biên bản họp Hội đồng thẩm định), PDF and DOCX.

Built from `minutes.minutes_data(council)`, the same data the XLSX lays out, through the public API of
`khuyencong.paperwork`, so the three formats cannot say different things. No number is recorded for
the minutes, so the number line is left blank for the office; the date is that of the council's last
conclusion (today while none is recorded). Like every official document, the text is Vietnamese
whatever the reader's interface language, so it is written directly rather than through gettext.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from khuyencong.appraisal import selectors
from khuyencong.appraisal.choices import Position
from khuyencong.appraisal.minutes import Minutes, ProposalMinutes, minutes_data
from khuyencong.appraisal.models import Council
from khuyencong.core.money import group
from khuyencong.paperwork import letterhead
from khuyencong.paperwork.document import (
    Block,
    Column,
    OfficialDocument,
    Row,
    Run,
    Section,
    Signature,
    Table,
    bold,
    day_month_year,
    italic,
    items,
    para,
    section,
)

KIND = "BIÊN BẢN HỌP HỘI ĐỒNG THẨM ĐỊNH"
SIGN_HINT = "(Ký, ghi rõ họ tên)"


def points(value: Decimal | None) -> str:
    """'72,50': Vietnamese writes the decimal comma."""
    return "" if value is None else f"{value:.2f}".replace(".", ",")


def minutes_date(minutes: Minutes) -> dt.date:
    """The day of the council's last conclusion, else today."""
    concluded = [p.concluded_at for p in minutes.proposals if p.concluded_at is not None]
    return timezone.localtime(max(concluded)).date() if concluded else timezone.localdate()


def _attendance(minutes: Minutes) -> Section:
    present = [m for m in minutes.members if m.took_part]
    absent = [m for m in minutes.members if not m.took_part]
    lines = [f"Ông/bà {m.name}, {m.position.lower()}." for m in present]
    if not lines:
        lines = ["Chưa thành viên nào khai báo hoặc chấm điểm."]
    blocks: list[Block] = [para("Thành viên hội đồng có mặt:"), items(*lines)]
    if absent:
        blocks.append(
            para(
                "Vắng mặt (không khai báo, không chấm điểm): ",
                ", ".join(f"ông/bà {m.name}" for m in absent),
                ".",
            )
        )
    return section("THÀNH PHẦN THAM DỰ", *blocks)


def _conflicts(minutes: Minutes) -> Section:
    if not minutes.conflicts:
        return section("KHAI BÁO XUNG ĐỘT LỢI ÍCH", para("Không thành viên nào khai báo xung đột lợi ích."))
    lines = [
        f"Ông/bà {c.member} khai báo xung đột lợi ích với đề án {c.project_code}: {c.reason}."
        for c in minutes.conflicts
    ]
    return section(
        "KHAI BÁO XUNG ĐỘT LỢI ÍCH",
        items(*lines),
        para(
            "Thành viên có xung đột lợi ích không chấm điểm và không được tính vào điểm trung bình của đề án đó."
        ),
    )


def _proposal(number: int, proposal: ProposalMinutes, minutes: Minutes) -> list[Block]:
    rows = [
        Row((str(at), total.member, total.state, points(total.total)))
        for at, total in enumerate(proposal.totals, start=1)
    ]
    rows.append(
        Row(
            ("", f"Điểm trung bình ({proposal.valid_sheets} phiếu hợp lệ)", "", points(proposal.mean)),
            bold=True,
        )
    )
    blocks: list[Block] = [
        para(bold(f"{number}. Đề án {proposal.code}: {proposal.title}"), indent=False),
    ]
    facts = []
    if proposal.beneficiaries:
        facts.append(f"Cơ sở thụ hưởng: {proposal.beneficiaries}.")
    facts.append(f"Địa điểm: {proposal.place}.")
    facts.append(f"Kinh phí đề nghị hỗ trợ: {group(proposal.requested_support)} đồng.")
    blocks.append(items(*facts))
    blocks.append(
        Table(
            (
                Column("STT", 8, "center"),
                Column("Thành viên", 44),
                Column("Tình trạng phiếu", 28),
                Column("Điểm tổng", 20, "right"),
            ),
            tuple(rows),
        )
    )
    if proposal.flagged:
        blocks.append(
            para(
                bold("Chênh lệch lớn: "),
                f"điểm tổng của các thành viên chênh nhau {points(proposal.spread)} điểm, quá ngưỡng "
                f"{minutes.threshold} điểm.",
            )
        )
    if proposal.outcome:
        conclusion: list[str | Run] = [
            "Kết luận: ",
            bold(f"{proposal.outcome}, điểm thẩm định {points(proposal.final_score)} điểm"),
            ".",
        ]
        if proposal.reason:
            conclusion += [f" Ý kiến: {proposal.reason.rstrip('.')}."]
        blocks.append(para(*conclusion))
    else:
        blocks.append(para(italic("Chưa kết luận.")))
    return blocks


def _results(minutes: Minutes) -> Section:
    if not minutes.proposals:
        return section("KẾT QUẢ CHẤM ĐIỂM VÀ KẾT LUẬN", para("Hội đồng chưa được giao đề án nào."))
    blocks: list[Block] = []
    for number, proposal in enumerate(minutes.proposals, start=1):
        blocks += _proposal(number, proposal, minutes)
    return section("KẾT QUẢ CHẤM ĐIỂM VÀ KẾT LUẬN", *blocks)


def appraisal_minutes(council: Council) -> OfficialDocument:
    """The minutes of the council's meeting: who sat, conflicts, each proposal's totals and conclusion."""
    minutes = minutes_data(council)
    issuer = letterhead.centre()
    day = minutes_date(minutes)
    level = "quốc gia" if council.level == "national" else "địa phương"
    grounds: list[Block] = []
    if minutes.decision_reference:
        grounds.append(
            para(italic(f"Căn cứ {minutes.decision_reference} về việc thành lập Hội đồng thẩm định;"))
        )
    if minutes.call:
        grounds.append(para(italic(f"Căn cứ đợt xét chọn “{minutes.call}”;")))
    basis = f" ({minutes.criteria_basis.rstrip('.')})" if minutes.criteria_basis else ""
    grounds.append(para(italic(f"Căn cứ bộ tiêu chí “{minutes.criteria_set}”{basis}.")))
    body: list[Block] = [*grounds]
    if not minutes.criteria_verified:
        body.append(para(italic("Bộ tiêu chí chưa đối chiếu văn bản gốc: trọng số là giả định.")))
    if not minutes.is_final:
        body.append(para(italic("Dự thảo: hội đồng chưa kết thúc.")))
    body.append(
        para(
            f"Hôm nay, {day_month_year(day)}, {minutes.council} họp thẩm định, xét chọn các đề án khuyến công "
            f"{level} năm {minutes.plan_year}, với các nội dung sau:"
        )
    )
    body += [_attendance(minutes), _conflicts(minutes), _results(minutes)]
    body.append(para("Biên bản đã được các thành viên hội đồng thống nhất thông qua./."))
    seats = {m.position: m.name for m in selectors.members_of(council)}
    return OfficialDocument(
        issuer=issuer.issuer,
        kind=KIND,
        kind_code="BB",
        title=f"Xét chọn đề án khuyến công {level} năm {minutes.plan_year}\n{minutes.council}",
        place=issuer.place,
        date=day,
        body=tuple(body),
        signatures=(
            Signature(title="THƯ KÝ HỘI ĐỒNG", hint=SIGN_HINT, name=seats.get(Position.SECRETARY, "")),
            Signature(title="CHỦ TỊCH HỘI ĐỒNG", hint=SIGN_HINT, name=seats.get(Position.CHAIR, "")),
        ),
        illustrative=minutes.is_demo,
        name=f"Biên bản họp hội đồng thẩm định {council.pk}",
    )
