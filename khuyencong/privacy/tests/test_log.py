"""The log itself: when it is written, who reads it, and that it cannot be changed."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory
from django.urls import reverse

from khuyencong.privacy import policy
from khuyencong.privacy.models import PersonalDataAccess, Route
from khuyencong.privacy.tests.conftest import ARTISAN_ID, logged


def _request(user):
    request = RequestFactory().get("/co-so/?q=an")
    request.user = user
    return request


def test_a_server_error_served_nothing_and_logs_nothing(officer, artisan):
    request = _request(officer)
    assert policy.viewer(request).value(artisan, "tax_code") == ARTISAN_ID
    policy.finish(request, HttpResponse(status=500))
    assert logged() == []


def test_a_page_is_logged_before_it_leaves_with_its_path(officer, artisan):
    request = _request(officer)
    policy.viewer(request).value(artisan, "phone")
    policy.viewer(request).value(artisan, "tax_code")
    policy.finish(request, HttpResponse("ok"))
    assert logged() == [("establishment", artisan.pk, "tax_code,phone", "page", 1)]
    assert PersonalDataAccess.objects.get().path == "/co-so/?q=an"


def test_a_stream_is_logged_when_it_ends_even_cut_short(officer, artisan, household):
    request = _request(officer)
    viewer = policy.viewer(request, Route.EXPORT)

    def rows():
        for record in (artisan, household):
            yield viewer.value(record, "tax_code").encode()

    response = policy.finish(request, StreamingHttpResponse(rows()))
    assert logged() == []  # nothing sent yet
    next(iter(response.streaming_content))
    # The client went away after the first row: the server closes the response. Closing sends
    # request_finished, whose close_old_connections would close the test's own connection on PostgreSQL
    # (Django's test client disconnects it for the same reason).
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert logged() == [("establishment", None, "tax_code", "export", 1)]


def test_a_masked_value_is_never_logged(leader, artisan):
    request = _request(leader)
    assert policy.viewer(request).value(artisan, "tax_code") == "020******789"
    policy.finish(request, HttpResponse("ok"))
    assert logged() == []


def test_a_field_outside_the_policy_is_refused_rather_than_shown_unlogged(officer, artisan):
    with pytest.raises(KeyError, match=r"establishments\.establishment\.address"):
        policy.viewer(_request(officer)).value(artisan, "address")


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("phone", "0912345678", "091****678"),
        ("tax_code", "020123456789", "020******789"),
        ("email", "lan.nguyen@example.com", "l***@example.com"),
        ("phone", "", ""),
    ],
)
def test_masks_keep_only_what_finds_the_record(name, value, shown):
    assert policy.mask(name, value) == shown


def test_only_an_administrator_reads_the_log(client, administrator, officer, leader, artisan):
    client.force_login(officer)
    client.get(artisan.get_absolute_url())
    for user in (officer, leader):
        client.force_login(user)
        assert client.get(reverse("privacy:log")).status_code == 403
    client.force_login(administrator)
    html = client.get(reverse("privacy:log"), {"user": "canbo", "route": "page"}).content.decode()
    assert 'id="personal-data-log"' in html and "canbo" in html and "tax_code,phone" in html
    assert "quantri" not in html.split('id="personal-data-log"')[1]  # filtered to one user


def test_the_admin_site_lists_the_log_but_nobody_edits_or_deletes_it(client, administrator, officer, artisan):
    client.force_login(officer)
    client.get(artisan.get_absolute_url())
    row = PersonalDataAccess.objects.get()
    client.force_login(administrator)
    assert client.get(reverse("admin:privacy_personaldataaccess_changelist")).status_code == 200
    assert client.get(reverse("admin:privacy_personaldataaccess_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:privacy_personaldataaccess_delete", args=[row.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert PersonalDataAccess.objects.filter(pk=row.pk).exists()


def test_the_admin_look_up_of_establishments_shows_no_persons_number(client, django_user_model, artisan):
    client.force_login(django_user_model.objects.create_superuser("root", password="x", role="admin"))
    listing = client.get(reverse("admin:establishments_establishment_changelist"), {"q": "Nghệ nhân"})
    assert "020******789" in listing.content.decode() and ARTISAN_ID not in listing.content.decode()
    record = client.get(reverse("admin:establishments_establishment_change", args=[artisan.pk]))
    assert record.status_code == 200 and ARTISAN_ID not in record.content.decode()
    assert "0987654321" not in record.content.decode()


def test_the_import_page_leads_to_the_roster_and_an_administrator_to_the_log(client, administrator, officer):
    client.force_login(officer)
    html = client.get(reverse("imports:index")).content.decode()
    assert reverse("imports:trainees") in html and reverse("privacy:log") not in html
    client.force_login(administrator)
    assert reverse("privacy:log") in client.get(reverse("imports:index")).content.decode()
