"""Production configuration: `check --deploy` is clean with the production switches, development stays
on plain HTTP, passwords are hashed with Argon2, and the admin's sign-in is throttled like the site's.
(The site's own sign-in throttling is tested in khuyencong/accounts/tests/test_sessions.py.)"""

from __future__ import annotations

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse

from conftest import PASSWORD

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS = PROJECT / "khuyencong" / "settings.py"


def _environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHUYENCONG_", "DJANGO_"))}
    env.pop("DEBUG", None)
    env.pop("SECRET_KEY", None)
    env.update({"KHUYENCONG_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": "khuyencong.settings"})
    env.update(extra)
    return env


def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    env = _environ(
        tmp_path,
        DEBUG="false",
        KHUYENCONG_HTTPS="true",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="khuyencong.langson.gov.vn",
    )
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_production_switch_turns_on_https_only_and_the_default_stays_on_http(monkeypatch, tmp_path):
    for key in [k for k in os.environ if k.startswith("KHUYENCONG_")] + ["DEBUG"]:
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("KHUYENCONG_VAR_DIR", str(tmp_path / "var"))
    development = runpy.run_path(str(SETTINGS))
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SESSION_COOKIE_SECURE"] is False and development["CSRF_COOKIE_SECURE"] is False

    monkeypatch.setenv("KHUYENCONG_HTTPS", "true")
    production = runpy.run_path(str(SETTINGS))
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["DEBUG"] is False


def test_a_new_users_password_is_hashed_with_argon2(db):
    import khuyencong.settings as production
    from khuyencong.accounts.models import User

    with override_settings(PASSWORD_HASHERS=production.PASSWORD_HASHERS):
        user = User.objects.create_user(username="moi", password=PASSWORD, role="officer")
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.check_password(PASSWORD) and not user.check_password(PASSWORD + "x")


def test_the_admin_sign_in_is_throttled_too(client, administrator):
    administrator.is_superuser = True
    administrator.save()
    url = reverse("admin:login")
    for _ in range(5):
        client.post(url, {"username": "quantri", "password": "sai-mat-khau"}, REMOTE_ADDR="10.0.0.9")
    locked = client.post(url, {"username": "quantri", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert locked.status_code == 429
    assert "Tạm khoá đăng nhập" in locked.content.decode()
    assert "_auth_user_id" not in client.session
