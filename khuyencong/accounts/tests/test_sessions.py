import time

from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD
from khuyencong.accounts.middleware import SESSION_KEY


def test_a_signed_in_page_carries_the_idle_timeout_and_the_warning_dialog(client, officer):
    client.force_login(officer)
    html = client.get(reverse("core:home")).content.decode()
    assert f'data-idle-timeout="{settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS}"' in html
    assert 'data-idle-warning="60"' in html
    assert 'id="idle-warning"' in html and 'id="idle-stay"' in html


def test_the_default_idle_timeout_is_thirty_minutes():
    assert settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS == 30 * 60


def test_a_session_idle_longer_than_the_timeout_is_ended(client, officer):
    client.force_login(officer)
    client.get(reverse("core:home"))
    session = client.session
    session[SESSION_KEY] = time.time() - settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS - 5
    session.save()
    response = client.get(reverse("establishments:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    # and it stays ended: the next request is anonymous too
    assert client.get(reverse("core:home")).status_code == 302


def test_activity_inside_the_timeout_keeps_the_session(client, officer):
    client.force_login(officer)
    client.get(reverse("core:home"))
    session = client.session
    session[SESSION_KEY] = time.time() - settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS + 30
    session.save()
    assert client.post(reverse("accounts:keepalive")).json() == {
        "remaining": settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS
    }
    assert client.session[SESSION_KEY] > time.time() - 5
    assert client.get(reverse("core:home")).status_code == 200


def test_keepalive_after_expiry_answers_401(client, officer):
    client.force_login(officer)
    session = client.session
    session[SESSION_KEY] = time.time() - settings.KHUYENCONG_IDLE_TIMEOUT_SECONDS - 1
    session.save()
    assert client.post(reverse("accounts:keepalive")).status_code == 401


def test_five_failed_sign_ins_lock_that_name_from_that_address(client, officer):
    url = reverse("accounts:login")
    for _ in range(5):
        response = client.post(url, {"username": "canbo", "password": "sai-mat-khau"}, REMOTE_ADDR="10.0.0.1")
        assert response.status_code in (200, 429)
    locked = client.post(url, {"username": "canbo", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    # the same name from another address, and another name from the same address, still work
    other_address = client.post(url, {"username": "canbo", "password": PASSWORD}, REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 302


def test_a_correct_password_signs_in_and_lands_on_the_home_page(client, officer):
    response = client.post(reverse("accounts:login"), {"username": "canbo", "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_production_settings_hash_passwords_with_argon2():
    import khuyencong.settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_the_audit_log_cannot_be_edited_in_the_admin(client, administrator):
    from khuyencong.core.admin import AuditEntryAdmin
    from khuyencong.core.models import AuditEntry

    administrator.is_superuser = True
    administrator.save()
    client.force_login(administrator)
    assert client.get("/quan-tri/core/auditentry/").status_code == 200
    assert client.get("/quan-tri/core/auditentry/add/").status_code == 403
    admin_view = AuditEntryAdmin(AuditEntry, None)
    assert not admin_view.has_change_permission(None)
    assert not admin_view.has_delete_permission(None)
