"""Typed readers for environment variables.

Each reader refuses a value it does not understand with a message that names the variable and the
rule, so a typo in a deployment fails at start-up instead of running with a silent default.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = frozenset({"1", "true", "yes", "on", "có"})
_FALSE = frozenset({"0", "false", "no", "off", "không", ""})


class SettingError(ImproperlyConfigured):
    def __init__(self, name: str, value: str, rule: str) -> None:
        super().__init__(f"Biến môi trường {name}={value!r} không hợp lệ: {rule}. (Invalid {name}: {rule}.)")
        self.name = name


def env_str(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    return (environ if environ is not None else os.environ).get(name, default)


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingError(name, raw, "chỉ nhận true/false, 1/0, yes/no, on/off")


def env_int(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> int:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingError(name, raw, "phải là số nguyên") from None
    if minimum is not None and value < minimum:
        raise SettingError(name, raw, f"phải lớn hơn hoặc bằng {minimum}")
    return value


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise SettingError(name, raw, "danh sách phân cách bằng dấu phẩy, không có phần tử rỗng")
    return items


def env_secret_key(name: str, *, key_file: Path, environ: Mapping[str, str] | None = None) -> str:
    """The key from the environment, or else one generated once per installation and kept in key_file.

    Generating it keeps `make run` free of set-up steps without shipping a shared, public key.
    """
    raw = (environ if environ is not None else os.environ).get(name)
    if raw is None:
        try:
            return key_file.read_text().strip()
        except FileNotFoundError:
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key = secrets.token_urlsafe(50)
            key_file.write_text(key)
            key_file.chmod(0o600)
            return key
    if len(raw) < 32:
        raise SettingError(name, "***", "cần ít nhất 32 ký tự")
    return raw


def env_database(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    raw = (environ if environ is not None else os.environ).get(name) or default
    scheme = raw.split("://", 1)[0] if "://" in raw else ""
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingError(name, raw, "chỉ hỗ trợ sqlite:///đường/dẫn hoặc postgres://…")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(raw, conn_max_age=0))
    except (ValueError, KeyError) as exc:
        raise SettingError(name, raw, f"không đọc được URL ({exc})") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        if not config.get("NAME"):
            raise SettingError(name, raw, "thiếu đường dẫn tệp SQLite")
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer commits; IMMEDIATE makes a writer take the lock at
            # BEGIN, so two writers queue on busy_timeout instead of failing with "database is locked".
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config["CONN_HEALTH_CHECKS"] = True
    return config


def env_province(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    raw = (environ if environ is not None else os.environ).get(name, default).strip().lower()
    if raw == "all":
        return raw
    if raw.isdigit() and 1 <= int(raw) <= 99:
        return f"{int(raw):02d}"
    raise SettingError(name, raw, "mã tỉnh thống kê 2 chữ số (vd. 20 là Lạng Sơn) hoặc 'all'")


def env_base_url(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    """An absolute http(s) address without a trailing slash, or '' (not set)."""
    from urllib.parse import urlsplit

    raw = (environ if environ is not None else os.environ).get(name, default).strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise SettingError(name, raw, "địa chỉ tuyệt đối http(s)://tên-miền[/đường-dẫn], không có ? hoặc #")
    return raw.rstrip("/")
