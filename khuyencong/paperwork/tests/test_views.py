"""Downloads: within the reader's scope, only once the document makes sense, named safely."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from khuyencong.paperwork.views import ascii_filename, content_disposition

from .conftest import docx_text, pdf_text

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def url(project, kind="quyet-dinh-phe-duyet", fmt="pdf"):
    return reverse("paperwork:download", kwargs={"code": project.code_key, "kind": kind, "fmt": fmt})


def test_the_decision_downloads_as_pdf_and_docx(client, officer, approved):
    client.force_login(officer)
    response = client.get(url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Một trăm linh năm triệu đồng" in pdf_text(response.content)
    response = client.get(url(approved, fmt="docx"))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "Một trăm linh năm triệu đồng" in docx_text(response.content)


def test_the_file_name_is_ascii_for_old_clients_and_utf8_for_the_others(client, officer, approved):
    client.force_login(officer)
    header = client.get(url(approved, fmt="docx"))["Content-Disposition"]
    assert header.startswith("attachment; ")
    assert 'filename="Quyet-dinh-phe-duyet-KCDP-2024-011.docx"' in header
    assert "filename*=UTF-8''" + quote("Quyết định phê duyệt KCĐP-2024-011.docx", safe="") in header
    assert header.isascii()


def test_the_code_may_be_typed_without_diacritics(client, officer, approved):
    client.force_login(officer)
    assert client.get(url(approved).replace("KCDP", "kcdp")).status_code == 200


def test_file_names_never_carry_quotes_or_path_separators():
    assert ascii_filename('Biên bản "thử" /../ Đề án') == "Bien-ban-thu-De-an"
    assert ascii_filename("Đ") == "D"
    assert ascii_filename("“”") == "van-ban"
    assert content_disposition('a"b', "pdf") == "attachment; filename=\"a-b.pdf\"; filename*=UTF-8''a%22b.pdf"


@pytest.mark.parametrize(
    ("kind", "fixture", "words"),
    [
        ("quyet-dinh-phe-duyet", "approved", "Một trăm linh năm triệu đồng"),
        ("bien-ban-nghiem-thu", "accepted", "Đề án đạt yêu cầu, đồng ý nghiệm thu."),
        ("bien-ban-thanh-ly", "settled", "Một trăm linh một triệu năm trăm nghìn đồng"),
    ],
)
def test_each_document_is_offered_once_its_step_is_recorded(client, officer, request, kind, fixture, words):
    project = request.getfixturevalue(fixture)
    client.force_login(officer)
    response = client.get(url(project, kind=kind))
    assert response.status_code == 200
    assert words in pdf_text(response.content)


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("quyet-dinh-phe-duyet", "Đề án chưa được phê duyệt"),
        ("bien-ban-nghiem-thu", "Đề án chưa được nghiệm thu"),
        ("bien-ban-thanh-ly", "Đề án chưa được quyết toán"),
    ],
)
def test_before_its_step_a_document_is_a_404_that_says_why(client, officer, submitted, kind, message):
    client.force_login(officer)
    response = client.get(url(submitted, kind=kind))
    assert response.status_code == 404
    assert message in response.content.decode()


def test_an_approved_project_has_no_minutes_or_liquidation_yet(client, officer, approved):
    client.force_login(officer)
    assert client.get(url(approved, kind="bien-ban-nghiem-thu")).status_code == 404
    assert client.get(url(approved, kind="bien-ban-thanh-ly", fmt="docx")).status_code == 404


def test_unknown_documents_and_formats_are_404(client, officer, approved):
    client.force_login(officer)
    assert client.get(url(approved).replace("quyet-dinh-phe-duyet", "hop-dong")).status_code == 404
    assert client.get(url(approved).replace(".pdf", ".odt")).status_code == 404


def test_a_commune_officer_of_another_commune_gets_404(client, outsider, approved):
    client.force_login(outsider)
    assert client.get(url(approved)).status_code == 404


def test_the_public_gets_404(client, public_user, approved):
    client.force_login(public_user)
    assert client.get(url(approved)).status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, approved):
    response = client.get(url(approved))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("reader", ["leader", "commune_officer", "business_rep"])
def test_those_who_see_the_project_may_download_its_documents(client, request, approved, reader):
    client.force_login(request.getfixturevalue(reader))
    assert client.get(url(approved, fmt="docx")).status_code == 200


def test_the_project_page_links_the_documents_it_has(client, officer, accepted):
    client.force_login(officer)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert 'id="paperwork-title"' in page
    assert url(accepted) in page
    assert url(accepted, fmt="docx") in page
    assert url(accepted, kind="bien-ban-nghiem-thu") in page
    assert url(accepted, kind="bien-ban-thanh-ly") not in page  # not settled yet


def test_the_project_page_says_when_documents_will_come(client, officer, submitted):
    client.force_login(officer)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert 'id="paperwork-title"' in page
    assert "/van-ban/" not in page
    assert "Chưa có văn bản" in page


def test_documents_stay_vietnamese_when_the_reader_chose_english(client, officer, accepted, settings):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = docx_text(client.get(url(accepted, "bien-ban-nghiem-thu", "docx")).content)
    assert "Lao động có việc làm" in text and "Jobs" not in text
