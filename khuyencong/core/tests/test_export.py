"""Every list downloads as XLSX and CSV with the page's columns, the page's rows, scope and filters."""

import csv
import datetime as dt
import io
import re
from html import unescape

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from khuyencong.core import export
from khuyencong.establishments.models import Establishment
from khuyencong.projects import services
from khuyencong.projects.tables import PROJECTS


def _project(officer, unit, n, *, provincial=100_000_000, beneficiaries=()):
    return services.project_create(
        actor=officer,
        data={
            "code": f"XK-2024-{n:03d}",
            "title": f"Đề án xuất thử {n}",
            "category": "training",
            "level": "local",
            "plan_year": 2024,
            "implementing_unit": "Trung tâm Khuyến công Lạng Sơn",
            "unit": unit,
            "eligible_cost": provincial * 4,
        },
        beneficiaries=list(beneficiaries),
        budget={"provincial": provincial, "beneficiary": provincial},
        on=dt.date(2024, 1, 10),
    )


def _page_table(html: str, table_id: str | None = None) -> tuple[list[str], list[list[str]]]:
    """Headers and cell texts of the first list table on a page (or the one with `table_id`)."""
    if table_id:
        html = html[html.index(f'id="{table_id}"') :]
    table = html[html.index("<thead>") : html.index("</table>")]
    headers = [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
    body = table[table.index("<tbody>") :]
    rows = [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]
    return headers, rows


def _xlsx(response):
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def _csv(response):
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # Excel needs the byte-order mark to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def projects(officer, geo, hung_long, ba_son_coop):
    inside = [_project(officer, geo.tam_thanh, n, beneficiaries=[hung_long]) for n in (1, 2)]
    outside = [_project(officer, geo.ba_son, 3, provincial=1_286_000_000, beneficiaries=[ba_son_coop])]
    return inside, outside


def test_the_project_workbook_has_the_pages_columns_and_rows_with_vietnamese_formats(
    client, officer, projects
):
    client.force_login(officer)
    headers, rows = _page_table(client.get(reverse("projects:list")).content.decode())
    response = client.get(reverse("projects:list"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == export.XLSX_TYPE
    assert re.match(r'attachment; filename="de-an-\d{8}-\d{4}\.xlsx"', response["Content-Disposition"])
    sheet = _xlsx(response)
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers == [str(c.header) for c in PROJECTS.columns]
    assert [row[0] for row in values[1:]] == [row[0] for row in rows]
    assert sheet.freeze_panes == "A2"
    big = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "XK-2024-003")
    assert big[5].value == 1_286_000_000 and big[5].number_format == '#,##0 "₫"'
    assert big[2].value == 2024 and big[2].number_format == "0"
    page_row = next(r for r in rows if r[0] == "XK-2024-003")
    assert page_row[5] == "1.286.000.000 ₫"  # the same figure the workbook holds, as the page shows it


def test_a_commune_officer_downloads_only_the_projects_of_their_communes(client, commune_officer, projects):
    inside, outside = projects
    client.force_login(commune_officer)
    _headers, rows = _page_table(client.get(reverse("projects:list")).content.decode())
    table = _csv(client.get(reverse("projects:list"), {"format": "csv"}))
    codes = [row[0] for row in table[1:]]
    assert sorted(codes) == sorted(p.code for p in inside) == sorted(row[0] for row in rows)
    assert outside[0].code not in codes
    sheet = _xlsx(client.get(reverse("projects:list"), {"format": "xlsx"}))
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == sorted(codes)


def test_the_download_keeps_the_lists_filters_and_ignores_its_page(client, officer, projects):
    client.force_login(officer)
    table = _csv(client.get(reverse("projects:list"), {"format": "csv", "q": "xuat thu 3", "page": "7"}))
    assert [row[0] for row in table[1:]] == ["XK-2024-003"]
    assert table[1][5] == "1286000000"  # plain integer đồng: a number in Excel, not text
    assert table[1][2] == "2024"


def test_the_page_links_to_both_downloads_with_its_filters(client, officer, projects):
    client.force_login(officer)
    html = client.get(reverse("projects:list"), {"q": "xuat", "page": "1"}).content.decode()
    assert 'href="/de-an/?q=xuat&amp;format=xlsx"' in html
    assert 'href="/de-an/?q=xuat&amp;format=csv"' in html


def test_establishments_download_in_scope_with_the_tax_code_as_on_the_page(
    client, commune_officer, hung_long, ba_son_coop
):
    household = Establishment.objects.create(
        name="Hộ kinh doanh Lò Văn Bình",
        legal_form="household",
        tax_code="020123456789",
        commune=hung_long.commune,
        sector="food_processing",
        workers=1286,
    )
    client.force_login(commune_officer)
    headers, rows = _page_table(client.get(reverse("establishments:list")).content.decode())
    sheet = _xlsx(client.get(reverse("establishments:list"), {"format": "xlsx"}))
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == headers
    assert [row[0] for row in values[1:]] == [row[0] for row in rows] == [hung_long.name, household.name]
    # A commune officer works with the records of their communes: the number in full, on both (logged).
    assert values[2][2] == "020123456789" == rows[1][2]
    assert values[2][5] == 1286 and rows[1][5] == "1.286"
    assert ba_son_coop.name not in {row[0] for row in values}


def test_a_name_that_starts_like_a_formula_is_never_a_formula(client, officer, geo):
    Establishment.objects.create(
        name='=HYPERLINK("http://example.com","Bấm")',
        legal_form="cooperative",
        commune=geo.tam_thanh,
        workers=0,
    )
    client.force_login(officer)
    table = _csv(client.get(reverse("establishments:list"), {"format": "csv"}))
    assert table[1][0] == '\'=HYPERLINK("http://example.com","Bấm")'
    content = b"".join(client.get(reverse("establishments:list"), {"format": "xlsx"}).streaming_content)
    cell = openpyxl.load_workbook(io.BytesIO(content)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_old_csv_address_still_answers_the_same_list(client, officer, hung_long, ba_son_coop):
    client.force_login(officer)
    old = _csv(client.get(reverse("establishments:export")))
    new = _csv(client.get(reverse("establishments:list"), {"format": "csv"}))
    assert old == new and len(new) == 3


def test_the_number_of_queries_does_not_grow_with_the_rows(client, officer, geo, hung_long):
    client.force_login(officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("projects:list"), {"format": "xlsx"})
            b"".join(response.streaming_content)
        return len(queries)

    _project(officer, geo.tam_thanh, 1, beneficiaries=[hung_long])
    few = count()
    for n in range(2, 12):
        _project(officer, geo.tam_thanh, n, beneficiaries=[hung_long])
    assert count() == few


LISTS = [
    ("projects:list", None),
    ("calls:list", None),
    ("establishments:list", None),
    ("appraisal:list", None),
    ("plans:list", None),
    ("rules:list", None),
    ("geo:unit_list", None),
    ("results:follow_ups", "follow-ups-due"),
    ("results:catalogue", "catalogue"),
]


@pytest.mark.parametrize(("name", "table_id"), LISTS)
def test_every_list_downloads_with_the_headers_it_shows(client, officer, geo, projects, name, table_id):
    client.force_login(officer)
    url = reverse(name)
    headers, rows = _page_table(client.get(url).content.decode(), table_id)
    headers = [h for h in headers if h]  # a column of buttons has no header and is not exported
    sheet = _xlsx(client.get(url, {"format": "xlsx"}))
    exported = list(sheet.iter_rows(values_only=True))
    assert list(exported[0]) == headers
    table = _csv(client.get(url, {"format": "csv"}))
    assert table[0] == headers
    shown = [row for row in rows if len(row) > 1]  # not the "nothing here" row
    assert len(exported) - 1 == len(table) - 1 == len(shown)


def test_the_moderation_list_downloads_what_waits(client, officer):
    from khuyencong.portal.models import Article, Comment

    article = Article.objects.create(
        title="Lạng Sơn: 1.286 lao động có việc làm",
        slug="lang-son-1286",
        summary="Tóm tắt",
        body="Nội dung",
        published_at=dt.datetime(2012, 8, 7, 8, 0, tzinfo=dt.UTC),
        created_by=officer,
    )
    Comment.objects.create(article=article, name="Bạn đọc", email="a@example.com", text="Hay quá")
    client.force_login(officer)
    sheet = _xlsx(client.get(reverse("portal:moderation"), {"format": "xlsx"}))
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:4] == (article.title, "Hay quá", "Bạn đọc", "a@example.com")
    assert isinstance(rows[1][4], dt.datetime)


def test_a_role_that_may_not_see_a_list_may_not_download_it(client, commune_officer, business_rep):
    client.force_login(commune_officer)
    assert client.get(reverse("plans:list"), {"format": "xlsx"}).status_code == 403
    client.force_login(business_rep)
    assert client.get(reverse("appraisal:list"), {"format": "csv"}).status_code == 403


def test_a_mark_on_the_page_is_carried_into_the_file(client, officer):
    from khuyencong.rules.models import RuleSet

    unverified = RuleSet.objects.filter(verified=False).first()
    assert unverified is not None  # the shipped defaults include unverified rule sets
    client.force_login(officer)
    table = _csv(client.get(reverse("rules:list"), {"format": "csv"}))
    assert f"{unverified.legal_basis} (chưa đối chiếu văn bản gốc)" in [row[0] for row in table]
