"""The documents of a project, built from what the database records (nothing is made up).

- `approval_decision(project)`: Quyết định phê duyệt đề án, once the approval is recorded.
- `acceptance_minutes(acceptance)`: Biên bản nghiệm thu, once the council's visit is recorded.
- `contract_liquidation(project)`: Biên bản thanh lý hợp đồng, once the project is settled.

A number is printed only where one is recorded (the decision's); the minutes and the liquidation have
none in the database, so their number line is left blank for the office. The text of an official
document is Vietnamese whatever the reader's interface language, so it is not marked for translation.

The acceptance minutes are a list of sections, each from its own function (`MINUTES_SECTIONS`), and
the parties who sign come from `minutes_signatures`: adding a checklist or the council's members is one
more function in that list, or one more signature.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError

from khuyencong.core.money import group
from khuyencong.establishments.models import Establishment
from khuyencong.geo.models import AdministrativeUnit
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
    article,
    bold,
    day_month_year,
    heading,
    italic,
    items,
    money,
    money_in_words,
    para,
    section,
    short_date,
)
from khuyencong.projects.choices import ExpectedIndicator, FundingSource, ProgrammeLevel
from khuyencong.projects.models import Acceptance, ChecklistAnswer, Project

# Nghị định 235/2025/NĐ-CP, amending Nghị định 45/2012/NĐ-CP, is in force from this day (DESIGN §3).
DECREE_235_FROM = dt.date(2025, 10, 15)
SIGN_HINT = "(Ký, ghi rõ họ tên)"
SIGN_AND_SEAL_HINT = "(Ký, ghi rõ họ tên, đóng dấu)"


def place_of(unit: AdministrativeUnit) -> str:
    """'Phường Tam Thanh, Thành phố Lạng Sơn, Tỉnh Lạng Sơn': the unit and those above it."""
    names = []
    node: AdministrativeUnit | None = unit
    while node is not None:
        names.append(node.name)
        node = node.parent
    return ", ".join(names)


def beneficiaries_of(project: Project) -> list[Establishment]:
    return sorted(project.beneficiaries.all(), key=lambda establishment: establishment.name)


def _names(establishments: Sequence[Establishment]) -> str:
    return "; ".join(establishment.name for establishment in establishments)


def _period(project: Project) -> str:
    if project.start_date and project.end_date:
        return f"từ ngày {short_date(project.start_date)} đến ngày {short_date(project.end_date)}"
    if project.start_date:
        return f"từ ngày {short_date(project.start_date)}"
    if project.end_date:
        return f"đến ngày {short_date(project.end_date)}"
    return ""


def _category(project: Project) -> str:
    label = str(project.get_category_display())
    return f"{label} ({project.get_subtype_display()})" if project.subtype else label


def _programme(project: Project) -> str:
    level = "quốc gia" if project.level == ProgrammeLevel.NATIONAL else "địa phương"
    return f"khuyến công {level} năm {project.plan_year}"


def _decision_reference(project: Project) -> str:
    """'Quyết định số MH-112/QĐ-SCT ngày 07/08/2012', as recorded at approval."""
    text = f"Quyết định số {project.decision_number}" if project.decision_number else "Quyết định"
    return f"{text} ngày {short_date(project.decision_date)}" if project.decision_date else text


def _contract_reference(project: Project) -> str:
    text = f"Hợp đồng số {project.contract_number}" if project.contract_number else "Hợp đồng"
    return f"{text} ngày {short_date(project.contract_date)}" if project.contract_date else text


def budget_table(project: Project) -> Table:
    """The budget by source, in the order of FundingSource, with the total."""
    lines = {line.source: line.amount for line in project.budget_lines.all()}
    rows = [
        Row((str(number), str(FundingSource(source).label), group(amount)))
        for number, (source, amount) in enumerate(
            ((source, lines[source]) for source in FundingSource.values if source in lines), start=1
        )
    ]
    rows.append(Row(("", "Tổng cộng", group(sum(lines.values()))), bold=True))
    return Table(
        (Column("STT", 10, "center"), Column("Nguồn kinh phí", 60), Column("Số tiền (đồng)", 30, "right")),
        tuple(rows),
    )


def _cap_basis(project: Project) -> str:
    """The legal basis of the support cap that applied to the project, as the rules data records it."""
    from khuyencong.projects.services import province_code
    from khuyencong.rules.selectors import support_limit

    on = project.submitted_on or project.decision_date
    if on is None:
        return ""
    try:
        limit = support_limit(
            category=project.category,
            subtype=project.subtype,
            level=project.level,
            province=province_code(project.unit),
            on=on,
            eligible_cost=project.eligible_cost,
        )
    except ValidationError:
        return ""
    return limit.legal_basis if limit.applies else ""


# --- Quyết định phê duyệt đề án -------------------------------------------------------------------


def approval_decision(project: Project) -> OfficialDocument:
    """The decision approving the project, with its recorded number and date."""
    issuer = letterhead.decision(project.level)
    beneficiaries = beneficiaries_of(project)
    support = project.approved_support or 0
    decree = "Căn cứ Nghị định số 45/2012/NĐ-CP ngày 21 tháng 5 năm 2012 của Chính phủ về khuyến công"
    if project.decision_date and project.decision_date >= DECREE_235_FROM:
        decree += " (được sửa đổi, bổ sung bởi Nghị định số 235/2025/NĐ-CP)"
    grounds = [decree]
    if basis := _cap_basis(project):
        grounds.append(f"Căn cứ {basis} về mức hỗ trợ kinh phí khuyến công")
    filed = f", nộp ngày {short_date(project.submitted_on)}" if project.submitted_on else ""
    grounds.append(f"Căn cứ hồ sơ đề án {project.code} do {project.implementing_unit} lập{filed}")
    if issuer.proposer:
        grounds.append(f"Theo đề nghị của {issuer.proposer}")
    preamble = [
        para(italic(line + (";" if at < len(grounds) - 1 else "."))) for at, line in enumerate(grounds)
    ]

    contents: list[str | Sequence[str | Run]] = [f"Nội dung hỗ trợ: {_category(project)}."]
    contents.append(f"Thuộc kế hoạch {_programme(project)}{'; đề án điểm' if project.is_pilot else ''}.")
    if beneficiaries:
        contents.append(f"Cơ sở thụ hưởng: {_names(beneficiaries)}.")
    contents.append(f"Địa điểm thực hiện: {place_of(project.unit)}.")
    contents.append(f"Đơn vị thực hiện: {project.implementing_unit}.")
    if partners := [line.strip() for line in project.partners.splitlines() if line.strip()]:
        contents.append(f"Cơ quan phối hợp: {'; '.join(partners)}.")
    if period := _period(project):
        contents.append(f"Thời gian thực hiện: {period}.")
    expected = [
        f"{row.get_indicator_display()}: {group(row.value)}"
        for row in sorted(
            project.expected_results.all(), key=lambda r: ExpectedIndicator.values.index(r.indicator)
        )
    ]

    first: list[Block] = [items(*contents, style="number")]
    if expected:
        first += [
            para("Kết quả dự kiến:"),
            items(*(f"{line};" for line in expected[:-1]), f"{expected[-1]}."),
        ]
    first += [
        para("Tổng kinh phí thực hiện đề án:"),
        budget_table(project),
        para("Kinh phí khuyến công hỗ trợ: ", bold(money_in_words(support)), "."),
    ]
    responsible = [project.implementing_unit, *(b.name for b in beneficiaries)]
    body: list[Block] = [heading(issuer.head)] if issuer.head else []
    body += [
        *preamble,
        heading("QUYẾT ĐỊNH:"),
        article(
            f"Phê duyệt đề án “{project.title}” (mã đề án {project.code}) với các nội dung sau:", blocks=first
        ),
        article(
            f"{project.implementing_unit} có trách nhiệm tổ chức thực hiện đề án theo đúng nội dung được phê "
            "duyệt; quản lý, sử dụng kinh phí đúng mục đích và thanh quyết toán theo quy định hiện hành."
        ),
        article(
            "Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng các cơ quan, đơn vị có liên quan, "
            f"{', '.join(dict.fromkeys(responsible))} chịu trách nhiệm thi hành Quyết định này./."
        ),
    ]
    return OfficialDocument(
        issuer=issuer.issuer,
        kind="QUYẾT ĐỊNH",
        kind_code="QĐ",
        title=f"Về việc phê duyệt đề án “{project.title}”\nthuộc kế hoạch {_programme(project)}",
        place=issuer.place,
        date=project.decision_date,
        number=project.decision_number,
        body=tuple(body),
        signatures=(issuer.signature,),
        recipients=("- Như Điều 3;", "- Lưu: VT."),
        illustrative=project.is_demo,
        name=f"Quyết định phê duyệt {project.code}",
    )


# --- Biên bản nghiệm thu ----------------------------------------------------------------------------


def _minutes_general(acceptance: Acceptance) -> Section:
    project = acceptance.project
    beneficiaries = beneficiaries_of(project)
    lines: list[str | Sequence[str | Run]] = [
        f"Tên đề án: {project.title} (mã đề án {project.code}).",
        f"Nội dung hỗ trợ: {_category(project)}; kế hoạch {_programme(project)}.",
        f"Phê duyệt theo {_decision_reference(project)}.",
    ]
    if project.contract_number:
        lines.append(f"{_contract_reference(project)}.")
    lines.append(f"Đơn vị thực hiện: {project.implementing_unit}.")
    if beneficiaries:
        lines.append(f"Cơ sở thụ hưởng: {_names(beneficiaries)}.")
    lines.append(f"Địa điểm thực hiện: {place_of(project.unit)}.")
    if period := _period(project):
        lines.append(f"Thời gian thực hiện: {period}.")
    if project.approved_support is not None:
        lines.append(
            ["Kinh phí khuyến công hỗ trợ được duyệt: ", bold(money_in_words(project.approved_support)), "."]
        )
    return section("THÔNG TIN CHUNG VỀ ĐỀ ÁN", items(*lines))


def _minutes_attendance(acceptance: Acceptance) -> Section:
    project = acceptance.project
    council = acceptance.council()
    lines = (
        [f"Hội đồng nghiệm thu: {', '.join(f'ông/bà {name} ({position})' for name, position in council)}."]
        if council
        else ["Hội đồng nghiệm thu."]
    )
    lines.append(f"Đại diện đơn vị thực hiện: {project.implementing_unit}.")
    for establishment in beneficiaries_of(project):
        who = f" (ông/bà {establishment.representative})" if establishment.representative else ""
        lines.append(f"Đại diện cơ sở thụ hưởng: {establishment.name}{who}.")
    return section("THÀNH PHẦN THAM DỰ", items(*lines))


def results_table(acceptance: Acceptance) -> Table:
    """Each indicator expected or achieved: the target, the result and the share achieved."""
    expected = {row.indicator: row.value for row in acceptance.project.expected_results.all()}
    achieved = {row.indicator: row.value for row in acceptance.results.all()}
    rows = []
    for number, indicator in enumerate(
        (code for code in ExpectedIndicator.values if code in expected or code in achieved), start=1
    ):
        target, result = expected.get(indicator), achieved.get(indicator)
        share = f"{(result or 0) * 100 // target}%" if target else ""
        rows.append(
            Row(
                (
                    str(number),
                    str(ExpectedIndicator(indicator).label),
                    "" if target is None else group(target),
                    "" if result is None else group(result),
                    share,
                )
            )
        )
    return Table(
        (
            Column("STT", 8, "center"),
            Column("Chỉ tiêu", 44),
            Column("Dự kiến", 16, "right"),
            Column("Đạt được", 16, "right"),
            Column("Tỷ lệ đạt", 16, "right"),
        ),
        tuple(rows),
    )


def _minutes_results(acceptance: Acceptance) -> Section:
    blocks: list[Block] = [results_table(acceptance)]
    trained = next(
        (row.value for row in acceptance.results.all() if row.indicator == ExpectedIndicator.WORKERS_TRAINED),
        0,
    )
    if trained:
        blocks.append(
            para(
                f"Trong số {group(trained)} lao động được đào tạo: {group(acceptance.trained_women)} lao động nữ, "
                f"{group(acceptance.trained_ethnic_minority)} lao động là người dân tộc thiểu số."
            )
        )
    return section("KẾT QUẢ THỰC HIỆN SO VỚI DỰ KIẾN", *blocks)


def _minutes_machines(acceptance: Acceptance) -> Section | None:
    machines = sorted(acceptance.machines.all(), key=lambda machine: (machine.name, machine.serial_number))
    if not machines:
        return None
    table = Table(
        (Column("STT", 8, "center"), Column("Tên máy, thiết bị", 57), Column("Số hiệu (serial)", 35)),
        tuple(
            Row((str(at), machine.name, machine.serial_number))
            for at, machine in enumerate(machines, start=1)
        ),
    )
    return section("MÁY MÓC, THIẾT BỊ BÀN GIAO", table)


def _minutes_checklist(acceptance: Acceptance) -> Section | None:
    """The council's answer to each point it checked, in the wording it was asked."""
    answers = list(acceptance.checklist.all())
    if not answers:
        return None
    table = Table(
        (
            Column("STT", 8, "center"),
            Column("Nội dung kiểm tra", 52),
            Column("Kết quả", 16, "center"),
            Column("Ghi chú", 24),
        ),
        tuple(
            Row(
                (
                    str(at),
                    answer.item_text + (" (bắt buộc)" if answer.required else ""),
                    str(ChecklistAnswer(answer.answer).label),
                    answer.note,
                )
            )
            for at, answer in enumerate(answers, start=1)
        ),
    )
    return section("KIỂM TRA THEO DANH MỤC", table)


def _minutes_notes(acceptance: Acceptance) -> Section | None:
    lines = [line.strip() for line in acceptance.notes.splitlines() if line.strip()]
    return section("NHẬN XÉT CỦA HỘI ĐỒNG", *(para(line) for line in lines)) if lines else None


def _minutes_verdict(acceptance: Acceptance) -> Section:
    verdict = (
        "Đề án đạt yêu cầu, đồng ý nghiệm thu."
        if acceptance.accepted
        else "Đề án không đạt yêu cầu, không nghiệm thu."
    )
    return section("KẾT LUẬN", para("Hội đồng nghiệm thu thống nhất kết luận: ", bold(verdict)))


# Each returns a section of the minutes, or None to leave it out; the sections are numbered I, II, …
MINUTES_SECTIONS: list[Callable[[Acceptance], Section | None]] = [
    _minutes_attendance,
    _minutes_general,
    _minutes_results,
    _minutes_machines,
    _minutes_checklist,
    _minutes_notes,
    _minutes_verdict,
]


def minutes_signatures(acceptance: Acceptance) -> list[Signature]:
    """Who signs the minutes, left to right."""
    beneficiaries = beneficiaries_of(acceptance.project)
    signatures = [
        Signature(
            title="ĐẠI DIỆN CƠ SỞ THỤ HƯỞNG",
            hint=SIGN_HINT,
            name=beneficiaries[0].representative if len(beneficiaries) == 1 else "",
        )
    ]
    if not beneficiaries:
        signatures = [Signature(title="ĐẠI DIỆN ĐƠN VỊ THỰC HIỆN", hint=SIGN_HINT)]
    signatures.append(Signature(title="ĐẠI DIỆN HỘI ĐỒNG NGHIỆM THU", hint=SIGN_HINT))
    return signatures


def acceptance_minutes(acceptance: Acceptance) -> OfficialDocument:
    """The minutes of the council's on-site acceptance: results against targets, machines, verdict."""
    project = acceptance.project
    issuer = letterhead.centre()
    grounds = [f"Căn cứ {_decision_reference(project)} phê duyệt đề án “{project.title}”"]
    if project.contract_number:
        grounds.append(f"Căn cứ {_contract_reference(project)} thực hiện đề án")
    body: list[Block] = [para(italic(f"{line};")) for line in grounds]
    body.append(
        para(
            f"Hôm nay, {day_month_year(acceptance.held_on)}, tại {place_of(project.unit)}, Hội đồng nghiệm thu "
            f"tiến hành nghiệm thu đề án khuyến công “{project.title}” với các nội dung sau:"
        )
    )
    body += [part for build in MINUTES_SECTIONS if (part := build(acceptance)) is not None]
    body.append(para("Biên bản đã được các thành viên tham dự thống nhất thông qua./."))
    return OfficialDocument(
        issuer=issuer.issuer,
        kind="BIÊN BẢN",
        kind_code="BB",
        title=f"Nghiệm thu đề án khuyến công\n“{project.title}”",
        place=issuer.place,
        date=acceptance.held_on,
        body=tuple(body),
        signatures=tuple(minutes_signatures(acceptance)),
        illustrative=project.is_demo,
        name=f"Biên bản nghiệm thu {project.code}",
    )


# --- Biên bản thanh lý hợp đồng ---------------------------------------------------------------------


def contract_liquidation(project: Project) -> OfficialDocument:
    """The contract's liquidation at settlement: approved, advanced, settled, recovered, still to pay."""
    issuer = letterhead.centre()
    beneficiaries = beneficiaries_of(project)
    approved = project.approved_support or 0
    settled = project.settled_amount or 0
    advanced = project.advanced_total()
    recovered = project.recovered_total()
    # Invariant of settlement: advanced − recovered ≤ settled; what remains is paid to party B.
    to_pay = max(0, settled - (advanced - recovered))
    acceptance = Acceptance.objects.filter(project=project).first()

    grounds = [f"Căn cứ {_decision_reference(project)} phê duyệt đề án “{project.title}”"]
    if project.contract_number:
        grounds.append(f"Căn cứ {_contract_reference(project)} thực hiện đề án")
    if acceptance is not None:
        grounds.append(f"Căn cứ Biên bản nghiệm thu đề án ngày {short_date(acceptance.held_on)}")
    body: list[Block] = [para(italic(f"{line};")) for line in grounds]
    when = f"Hôm nay, {day_month_year(project.liquidation_date)}" if project.liquidation_date else "Hôm nay"
    body.append(para(f"{when}, chúng tôi gồm:"))
    if len(beneficiaries) == 1:
        party_b_name = beneficiaries[0].name
    elif beneficiaries:
        party_b_name = _names(beneficiaries)
    else:
        party_b_name = project.implementing_unit
    body.append(para(bold(f"BÊN A (Bên giao): {issuer.issuer.name}")))
    body.append(
        items(f"Đại diện: {issuer.signature.name or '…'}; chức vụ: {issuer.signature.title.capitalize()}.")
    )
    body.append(para(bold(f"BÊN B (Bên nhận): {party_b_name}")))
    party_b_lines = []
    if len(beneficiaries) == 1:
        if beneficiaries[0].representative:
            party_b_lines.append(f"Đại diện: {beneficiaries[0].representative}.")
        if beneficiaries[0].address:
            party_b_lines.append(f"Địa chỉ: {beneficiaries[0].address}.")
    if party_b_lines:
        body.append(items(*party_b_lines))
    contract = f"Hợp đồng số {project.contract_number}" if project.contract_number else "hợp đồng"
    body.append(para(f"Hai bên thống nhất thanh lý {contract} với các nội dung sau:"))

    rows = [
        ("Giá trị hợp đồng", project.contract_amount),
        ("Kinh phí hỗ trợ được duyệt", approved),
        ("Kinh phí đã tạm ứng", advanced),
        ("Kinh phí quyết toán", settled),
        ("Số tiền thu hồi (tạm ứng vượt số quyết toán)", recovered),
        ("Số tiền Bên A còn phải thanh toán cho Bên B", to_pay),
    ]
    table = Table(
        (Column("STT", 10, "center"), Column("Nội dung", 60), Column("Số tiền (đồng)", 30, "right")),
        tuple(
            Row((str(at), label, "" if value is None else group(value)))
            for at, (label, value) in enumerate(rows, start=1)
        ),
    )
    money_lines: list[Block] = [
        para("Kinh phí quyết toán: ", bold(money_in_words(settled)), "."),
    ]
    if recovered:
        money_lines.append(
            para("Số tiền Bên B phải nộp trả (thu hồi): ", bold(money_in_words(recovered)), ".")
        )
    if to_pay:
        money_lines.append(
            para("Số tiền Bên A còn phải thanh toán cho Bên B: ", bold(money_in_words(to_pay)), ".")
        )
    elif not recovered:
        money_lines.append(
            para(f"Bên A đã tạm ứng đủ {money(settled)} cho Bên B; không còn phải thanh toán.")
        )
    outstanding = ""
    if to_pay:
        outstanding = ", trừ nghĩa vụ thanh toán số tiền còn lại nêu tại Điều 1"
    elif recovered:
        outstanding = ", trừ nghĩa vụ nộp trả số tiền thu hồi nêu tại Điều 1"
    accepted = (
        f" và đã được nghiệm thu ngày {short_date(acceptance.held_on)}"
        if acceptance and acceptance.accepted
        else ""
    )
    body += [
        article("Giá trị hợp đồng và kinh phí quyết toán:", blocks=[table, *money_lines]),
        article(f"Bên B đã thực hiện các nội dung của đề án theo {contract}{accepted}."),
        article(
            f"Hai bên thống nhất thanh lý {contract}; kể từ ngày ký biên bản này, các nghĩa vụ của hai bên theo "
            f"hợp đồng chấm dứt{outstanding}./."
        ),
    ]
    return OfficialDocument(
        issuer=issuer.issuer,
        kind="BIÊN BẢN",
        kind_code="BBTL",
        title=f"Thanh lý {contract}\nthực hiện đề án “{project.title}”",
        place=issuer.place,
        date=project.liquidation_date,
        body=tuple(body),
        signatures=(
            Signature(
                title=issuer.signature.title,
                authority="ĐẠI DIỆN BÊN A",
                hint=SIGN_AND_SEAL_HINT,
                name=issuer.signature.name,
            ),
            Signature(
                title="",
                authority="ĐẠI DIỆN BÊN B",
                hint=SIGN_AND_SEAL_HINT,
                name=beneficiaries[0].representative if len(beneficiaries) == 1 else "",
            ),
        ),
        illustrative=project.is_demo,
        name=f"Biên bản thanh lý hợp đồng {project.code}",
    )
