"""The report as an official document (PDF through paperwork), from the same `ReportData` as the XLSX.

A printed page cannot hold the workbook's twenty-odd columns, so each breakdown keeps the figures a
reader of the report looks for first (projects, support, counterpart money, jobs, trained workers);
the workbook stays the place for every column. The total line states the support in figures and words.
"""

from __future__ import annotations

from khuyencong.core.money import group
from khuyencong.paperwork import letterhead
from khuyencong.paperwork.document import (
    Block,
    Column,
    OfficialDocument,
    Row,
    Table,
    bold,
    items,
    money_in_words,
    para,
    section,
)
from khuyencong.paperwork.pdf import render_pdf
from khuyencong.results.aggregation import Figures
from khuyencong.results.reports import ReportData

COLUMNS = (
    Column("Nhóm", 28),
    Column("Số đề án", 9, "right"),
    Column("Kinh phí hỗ trợ (đồng)", 19, "right"),
    Column("Vốn đối ứng (đồng)", 18, "right"),
    Column("Lao động có việc làm", 13, "right"),
    Column("Lao động được đào tạo", 13, "right"),
)


def _cells(label: str, figures: Figures) -> tuple[str, ...]:
    return (
        label,
        group(figures.projects),
        group(figures.support),
        group(figures.own + figures.other),
        group(figures.jobs_created),
        group(figures.workers_trained),
    )


def _share(value: object) -> str:
    return "—" if value is None else f"{value} %".replace(".", ",")


def report_document(data: ReportData) -> OfficialDocument:
    head = letterhead.centre()
    total = data.total
    overview = items(
        f"Số đề án: {group(total.projects)}; nghiệm thu đạt: {group(total.accepted)}.",
        ["Kinh phí khuyến công hỗ trợ: ", bold(money_in_words(total.support)), "."],
        f"Vốn đối ứng của cơ sở và nguồn khác: {group(total.own + total.other)} đồng.",
        f"Đã giải ngân: {group(total.disbursed)} đồng; quyết toán: {group(total.settled)} đồng.",
        f"Lao động có việc làm: {group(total.jobs_created)} người; lao động được đào tạo: "
        f"{group(total.workers_trained)} người (nữ {group(total.trained_women)}, dân tộc thiểu số "
        f"{group(total.trained_ethnic_minority)}).",
        f"Cơ sở được hỗ trợ: {group(total.establishments_supported)}; mô hình trình diễn: "
        f"{group(total.models)}; máy móc, dây chuyền: {group(total.machines)}.",
    )
    blocks: list[Block] = [
        section("PHẠM VI SỐ LIỆU", items(*data.scope)),
        section("KẾT QUẢ CHUNG", overview),
    ]
    for part in data.sections:
        rows = [Row(_cells(figures.label, figures)) for figures in part.rows]
        rows.append(Row(_cells("Tổng cộng", total), bold=True))
        blocks.append(section(part.title.upper(), Table(COLUMNS, tuple(rows))))
    if data.durability:
        lasting = items(
            *(
                f"{row.label}: {group(row.visited)} đề án được kiểm tra, còn hoạt động "
                f"{_share(row.operating_share)}, giữ được việc làm {_share(row.jobs_kept_share)}, "
                f"thiết bị còn sử dụng {_share(row.equipment_share)}."
                for row in data.durability
            )
        )
        blocks.append(section("KẾT QUẢ BỀN VỮNG SAU HỖ TRỢ", lasting))
    blocks.append(
        para(f"Số liệu lập lúc {data.generated_at:%H:%M} ngày {data.generated_at:%d/%m/%Y}.", indent=False)
    )
    return OfficialDocument(
        issuer=head.issuer,
        kind="BÁO CÁO",
        kind_code="BC",
        place=head.place,
        date=data.generated_at.date(),
        title=data.title.removeprefix("Báo cáo ").capitalize(),
        body=tuple(blocks),
        signatures=(head.signature,),
        name=data.spec.file_stem(),
    )


def write_pdf(data: ReportData) -> bytes:
    return render_pdf(report_document(data))
