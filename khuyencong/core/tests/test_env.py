import pytest

from khuyencong.env import (
    SettingError,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_province,
    env_secret_key,
)


def test_booleans_accept_the_usual_spellings():
    assert env_bool("DEBUG", False, environ={"DEBUG": "yes"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "0"}) is False
    assert env_bool("DEBUG", True, environ={}) is True


def test_a_boolean_it_does_not_understand_is_refused_naming_the_variable():
    with pytest.raises(SettingError, match="DEBUG"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_integers_are_checked_for_form_and_minimum():
    assert env_int("PORT", 8000, environ={"PORT": " 9000 "}) == 9000
    with pytest.raises(SettingError, match="số nguyên"):
        env_int("PORT", 8000, environ={"PORT": "80a"})
    with pytest.raises(SettingError, match="lớn hơn hoặc bằng 1"):
        env_int(
            "KHUYENCONG_IDLE_TIMEOUT_MINUTES", 30, minimum=1, environ={"KHUYENCONG_IDLE_TIMEOUT_MINUTES": "0"}
        )


def test_allowed_hosts_is_a_comma_list_without_empty_items():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.vn, b.vn"}) == ["a.vn", "b.vn"]
    with pytest.raises(SettingError, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.vn,,b.vn"})


def test_the_database_url_selects_sqlite_in_wal_mode_or_postgresql():
    sqlite = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    pg = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u:p@db.local:5433/kc"})
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["HOST"], pg["PORT"], pg["NAME"], pg["USER"]) == ("db.local", 5433, "kc", "u")


def test_an_unsupported_database_url_is_refused():
    with pytest.raises(SettingError, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": "mysql://x/y"})
    with pytest.raises(SettingError, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": "not a url"})


def test_the_province_is_a_two_digit_statistics_code_or_all():
    assert env_province("KHUYENCONG_PROVINCE", "20", environ={}) == "20"
    assert env_province("KHUYENCONG_PROVINCE", "20", environ={"KHUYENCONG_PROVINCE": "4"}) == "04"
    assert env_province("KHUYENCONG_PROVINCE", "20", environ={"KHUYENCONG_PROVINCE": "ALL"}) == "all"
    with pytest.raises(SettingError, match="KHUYENCONG_PROVINCE"):
        env_province("KHUYENCONG_PROVINCE", "20", environ={"KHUYENCONG_PROVINCE": "Lang Son"})


def test_a_short_secret_key_is_refused_and_a_missing_one_is_generated_once(tmp_path):
    with pytest.raises(SettingError, match="32"):
        env_secret_key("SECRET_KEY", key_file=tmp_path / "k", environ={"SECRET_KEY": "short"})
    first = env_secret_key("SECRET_KEY", key_file=tmp_path / "k", environ={})
    assert len(first) >= 50
    assert env_secret_key("SECRET_KEY", key_file=tmp_path / "k", environ={}) == first
