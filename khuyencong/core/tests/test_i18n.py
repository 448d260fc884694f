from django.urls import reverse


def test_the_site_speaks_vietnamese_by_default(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html


def test_a_visitor_can_switch_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Tên đăng nhập" not in html
    assert "Sign in" in html
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert "Tên đăng nhập" in client.get(reverse("accounts:login")).content.decode()


def test_numbers_and_dates_use_vietnamese_formats(officer, hung_long, client):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override("vi"):
        rendered = Template(
            "{% load vn %}{{ n|number }} {{ d|date:'SHORT_DATE_FORMAT' }} {{ m|vnd }} {{ x }}"
        ).render(
            Context({"n": 1286, "d": __import__("datetime").date(2012, 8, 7), "m": 1_286_000, "x": 1286})
        )
    assert rendered == "1.286 07/08/2012 1.286.000 ₫ 1.286"


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_user_switches(client):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi">' in html
    assert "Tên đăng nhập" in html
