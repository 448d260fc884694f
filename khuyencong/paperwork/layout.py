"""Page and type sizes of an official document, shared by the PDF and the DOCX renderer.

Nghị định 30/2020/NĐ-CP, Phụ lục I: A4; margins top and bottom 20–25 mm, left 30–35 mm, right
15–20 mm; names of the bodies 12–13 pt upper case (the issuing body bold) with a short rule under it;
the national motto 12–13 pt bold upper case, "Độc lập - Tự do - Hạnh phúc" 13–14 pt bold with a rule
as long as the line; the date line 13–14 pt italic; the kind 13–14 pt bold upper case and the
summary 13–14 pt bold; the text 13–14 pt, first lines indented 1–1.27 cm, at least 6 pt between
paragraphs, single to 1.5 line spacing; "Nơi nhận:" 12 pt bold italic and its lines 11 pt; the
signer's authority and title 13–14 pt bold upper case, the name bold; page numbers centred at the top
from the second page.
"""

from __future__ import annotations

PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 20
MARGIN_BOTTOM_MM = 20
MARGIN_LEFT_MM = 30
MARGIN_RIGHT_MM = 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM

BODY_PT = 13
BODIES_PT = 12  # governing and issuing body
NATION_PT = 12  # "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_PT = 13  # "Độc lập - Tự do - Hạnh phúc"
NUMBER_PT = 13
DATE_PT = 13
KIND_PT = 14
TITLE_PT = 14
SIGNATURE_PT = 13
RECIPIENTS_HEAD_PT = 12
RECIPIENTS_PT = 11
TABLE_PT = 12
NOTE_PT = 10

FIRST_LINE_INDENT_MM = 10
PARAGRAPH_AFTER_PT = 6
LINE_SPACING = 1.15
SIGNATURE_SPACE_MM = 25  # room for the signature and the seal

# Header columns: the bodies on the left, the national motto on the right.
HEADER_LEFT_PERCENT = 40
# The rule under the issuing body and under the summary: a third of the column or line, centred.
SHORT_RULE_PERCENT = 35
# Closing row: "Nơi nhận" on the left, the signature on the right.
CLOSING_LEFT_PERCENT = 45

DEMO_NOTE = "Dữ liệu minh hoạ — văn bản mẫu sinh từ dữ liệu minh hoạ, không có giá trị pháp lý"
