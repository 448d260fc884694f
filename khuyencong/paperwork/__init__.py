"""Vietnamese official documents (văn bản hành chính) as PDF and DOCX, from one description.

A builder describes a document once, as plain data (`document.OfficialDocument`); two renderers draw
that same description, so the PDF and the DOCX cannot say different things:

    from khuyencong.paperwork.document import (
        OfficialDocument, Issuer, Signature, Table, Column, Row,
        para, heading, article, section, items, bold, italic, money_in_words,
    )
    from khuyencong.paperwork.pdf import render_pdf      # WeasyPrint, Tinos embedded
    from khuyencong.paperwork.word import render_docx    # python-docx, Times New Roman (Tinos as alternative)

    doc = OfficialDocument(
        issuer=Issuer("SỞ CÔNG THƯƠNG", parent="UBND TỈNH LẠNG SƠN", symbol="SCT"),
        kind="QUYẾT ĐỊNH", kind_code="QĐ",            # "Số: 15/QĐ-SCT"
        number="15/QĐ-SCT",                            # "" prints "Số:      /QĐ-SCT" (never invent one)
        place="Lạng Sơn", date=date(2024, 3, 7),       # "Lạng Sơn, ngày 07 tháng 3 năm 2024"
        title="Về việc phê duyệt …",                  # one line per line of the summary
        body=(
            heading("GIÁM ĐỐC SỞ CÔNG THƯƠNG"),
            para(italic("Căn cứ …;")),
            article("Phê duyệt …:", blocks=[items("…", "…", style="number"), Table(...)]),  # "Điều 1."
            section("KẾT QUẢ THỰC HIỆN", para("…")),   # "I. KẾT QUẢ THỰC HIỆN"
        ),
        signatures=(Signature("PHÓ GIÁM ĐỐC", authority="KT. GIÁM ĐỐC", name=""),),
        recipients=("- Như Điều 3;", "- Lưu: VT."),
        illustrative=project.is_demo,                  # "Dữ liệu minh hoạ" on every page
        name="Quyết định phê duyệt KCĐP-2024-007",     # the download's file name
    )
    pdf_bytes, docx_bytes = render_pdf(doc), render_docx(doc)

Modules:
- `document`: the data types (Run, Paragraph, Items, Table/Column/Row, Article, Section, Issuer,
  Signature, OfficialDocument) and the Vietnamese conventions they print: `number_line`, `date_line`
  (days below 10 and the months 1 and 2 with a leading zero), `money` ("105.000.000 đồng"),
  `money_in_words` ("… (Bằng chữ: Một trăm linh năm triệu đồng)", northern reading from
  core.money.vnd_words). Articles are numbered "Điều 1.", "Điều 2." and sections "I.", "II." in the
  order they appear, so a builder adds or drops one without renumbering.
- `layout`: page, margins and type sizes of Nghị định 30/2020/NĐ-CP, Phụ lục I, shared by both renderers.
- `pdf`: `render_pdf(doc) -> bytes` (and `html(doc)` for a look in a browser).
- `word`: `render_docx(doc) -> bytes`.
- `fonts`: where the Tinos TTFs are (npm, `node_modules/.vendor/fonts/tinos`), text widths from their
  metrics.
- `letterhead`: issuing bodies, place names and signers from settings (KHUYENCONG_DOC_*).
- `builders`: the project's documents: `approval_decision(project)`, `acceptance_minutes(acceptance)`
  (sections in `MINUTES_SECTIONS`, signers in `minutes_signatures`), `contract_liquidation(project)`,
  and reusable pieces (`budget_table`, `results_table`, `place_of`).
- `kinds`: which documents a project offers and when (`KINDS`, `available(project)`).
- `views`/`urls`: `/de-an/<code>/van-ban/<kind>.<pdf|docx>`, scoped by `projects.selectors.project_get`.

The text of an official document is Vietnamese whatever the reader's interface language, so builders
write it directly rather than through gettext; labels on pages (links, errors) are translatable.
"""
