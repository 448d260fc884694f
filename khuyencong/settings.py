"""The one settings module. Every deployment difference comes from environment variables (see env.py)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from khuyencong.env import (
    env_base_url,
    env_bool,
    env_database,
    env_int,
    env_list,
    env_province,
    env_secret_key,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("KHUYENCONG_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_secret_key("SECRET_KEY", key_file=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

KHUYENCONG_PROVINCE = env_province("KHUYENCONG_PROVINCE", "20")

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'khuyencong.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Serves the API docs' Swagger UI from its own static files instead of a CDN.
    "ninja",
    "khuyencong.core",
    "khuyencong.accounts",
    "khuyencong.geo",
    "khuyencong.establishments",
    "khuyencong.rules",
    "khuyencong.projects",
    "khuyencong.appraisal",
    "khuyencong.paperwork",
    "khuyencong.plans",
    "khuyencong.results",
    "khuyencong.portal",
    "khuyencong.advice",
    "khuyencong.products",
    "khuyencong.transparency",
    "khuyencong.ops",
    "khuyencong.imports",
    "khuyencong.privacy",
    "khuyencong.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "khuyencong.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "khuyencong.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # After the view: writes what personal data the response revealed (privacy.policy).
    "khuyencong.privacy.middleware.PersonalDataLogMiddleware",
]

ROOT_URLCONF = "khuyencong.urls"
WSGI_APPLICATION = "khuyencong.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khuyencong.core.context_processors.site",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in throttling: 5 failures within 15 minutes lock that user name from that address for 15 minutes.
AXES_FAILURE_LIMIT = env_int("KHUYENCONG_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("KHUYENCONG_LOGIN_LOCK_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Staff sessions end after this much inactivity; pages warn a minute before (accounts.middleware).
KHUYENCONG_IDLE_TIMEOUT_SECONDS = env_int("KHUYENCONG_IDLE_TIMEOUT_MINUTES", 30, minimum=1) * 60
KHUYENCONG_IDLE_WARNING_SECONDS = 60
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A production installation is served over HTTPS (TLS ends at the reverse proxy; gunicorn trusts its
# X-Forwarded-Proto from 127.0.0.1, so Django sees the https scheme) and sets KHUYENCONG_HTTPS: plain
# HTTP is redirected, browsers are told to use HTTPS only (HSTS) and cookies travel only over HTTPS.
# Off by default so `make run` and the tests work over http://127.0.0.1. HSTS is cached by browsers
# for its whole duration: switch it on once HTTPS works for the host and every subdomain.
KHUYENCONG_HTTPS = env_bool("KHUYENCONG_HTTPS", False)
SECURE_SSL_REDIRECT = KHUYENCONG_HTTPS
SECURE_HSTS_SECONDS = env_int(
    "KHUYENCONG_HSTS_SECONDS", 365 * 24 * 3600 if KHUYENCONG_HTTPS else 0, minimum=0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KHUYENCONG_HSTS_INCLUDE_SUBDOMAINS", KHUYENCONG_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("KHUYENCONG_HSTS_PRELOAD", KHUYENCONG_HTTPS)
SESSION_COOKIE_SECURE = env_bool("KHUYENCONG_SECURE_COOKIES", KHUYENCONG_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Advances may reach this share of the approved support (unverified: set per the province's rules).
KHUYENCONG_ADVANCE_MAX_PERCENT = env_int("KHUYENCONG_ADVANCE_MAX_PERCENT", 100, minimum=0)
# Largest file a user may attach to a project, in megabytes (issue 3 §7).
KHUYENCONG_MAX_UPLOAD_MB = env_int("KHUYENCONG_MAX_UPLOAD_MB", 20, minimum=1)
# Spreadsheet imports (issue 7 §1): largest upload, and limits that keep a hostile or broken file cheap:
# the size a ZIP may inflate to, the compression ratio no real sheet reaches, data rows per file, and
# the run of empty rows after which reading stops.
KHUYENCONG_IMPORT_MAX_UPLOAD_MB = env_int("KHUYENCONG_IMPORT_MAX_UPLOAD_MB", 30, minimum=1)
KHUYENCONG_IMPORT_MAX_UNCOMPRESSED_MB = env_int("KHUYENCONG_IMPORT_MAX_UNCOMPRESSED_MB", 400, minimum=1)
KHUYENCONG_IMPORT_MAX_COMPRESSION_RATIO = env_int("KHUYENCONG_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=10)
KHUYENCONG_IMPORT_MAX_ROWS = env_int("KHUYENCONG_IMPORT_MAX_ROWS", 200_000, minimum=1)
KHUYENCONG_IMPORT_MAX_BLANK_ROWS = env_int("KHUYENCONG_IMPORT_MAX_BLANK_ROWS", 1000, minimum=10)
# A proposal whose beneficiary had support for the same category within this many plan years needs
# a written justification (issue 3 §4; 0 turns the check off).
KHUYENCONG_REPEAT_SUPPORT_YEARS = env_int("KHUYENCONG_REPEAT_SUPPORT_YEARS", 3, minimum=0)
# Appraisal (issue 3 §5): members "disagree strongly" on a proposal when their totals (0–100) spread by
# more than this many points; the centre concludes only with at least this many submitted score sheets.
KHUYENCONG_APPRAISAL_DISAGREEMENT_POINTS = env_int("KHUYENCONG_APPRAISAL_DISAGREEMENT_POINTS", 20, minimum=0)
KHUYENCONG_APPRAISAL_MIN_SCORES = env_int("KHUYENCONG_APPRAISAL_MIN_SCORES", 2, minimum=1)
# The public site's address as printed on product labels' QR codes (e.g. https://khuyencong.langson.gov.vn);
# blank: the address the page was asked for.
KHUYENCONG_PUBLIC_BASE_URL = env_base_url("KHUYENCONG_PUBLIC_BASE_URL")

# Letterheads and signers of generated official documents (paperwork). The defaults follow Lạng Sơn's
# structure as we understand it; the exact names, symbols and titles are the customer's to confirm.
# Bodies are written in upper case as they appear on the letterhead; an empty name leaves a line out.
KHUYENCONG_DOC_PLACE = env_str("KHUYENCONG_DOC_PLACE", "Lạng Sơn")
# Decisions on the local programme: the provincial department of industry and trade.
KHUYENCONG_DOC_DEPARTMENT_PARENT = env_str("KHUYENCONG_DOC_DEPARTMENT_PARENT", "UBND TỈNH LẠNG SƠN")
KHUYENCONG_DOC_DEPARTMENT = env_str("KHUYENCONG_DOC_DEPARTMENT", "SỞ CÔNG THƯƠNG")
KHUYENCONG_DOC_DEPARTMENT_SYMBOL = env_str("KHUYENCONG_DOC_DEPARTMENT_SYMBOL", "SCT")
KHUYENCONG_DOC_DEPARTMENT_HEAD = env_str("KHUYENCONG_DOC_DEPARTMENT_HEAD", "GIÁM ĐỐC SỞ CÔNG THƯƠNG")
KHUYENCONG_DOC_DEPARTMENT_SIGN_AUTHORITY = env_str("KHUYENCONG_DOC_DEPARTMENT_SIGN_AUTHORITY", "KT. GIÁM ĐỐC")
KHUYENCONG_DOC_DEPARTMENT_SIGNER_TITLE = env_str("KHUYENCONG_DOC_DEPARTMENT_SIGNER_TITLE", "PHÓ GIÁM ĐỐC")
KHUYENCONG_DOC_DEPARTMENT_SIGNER_NAME = env_str("KHUYENCONG_DOC_DEPARTMENT_SIGNER_NAME", "")
KHUYENCONG_DOC_DECISION_PROPOSER = env_str(
    "KHUYENCONG_DOC_DECISION_PROPOSER", "Giám đốc Trung tâm Khuyến công và Tư vấn phát triển công nghiệp"
)
# Decisions on the national programme: the ministry.
KHUYENCONG_DOC_MINISTRY = env_str("KHUYENCONG_DOC_MINISTRY", "BỘ CÔNG THƯƠNG")
KHUYENCONG_DOC_MINISTRY_SYMBOL = env_str("KHUYENCONG_DOC_MINISTRY_SYMBOL", "BCT")
KHUYENCONG_DOC_MINISTRY_PLACE = env_str("KHUYENCONG_DOC_MINISTRY_PLACE", "Hà Nội")
KHUYENCONG_DOC_MINISTRY_HEAD = env_str("KHUYENCONG_DOC_MINISTRY_HEAD", "BỘ TRƯỞNG BỘ CÔNG THƯƠNG")
KHUYENCONG_DOC_MINISTRY_SIGN_AUTHORITY = env_str("KHUYENCONG_DOC_MINISTRY_SIGN_AUTHORITY", "KT. BỘ TRƯỞNG")
KHUYENCONG_DOC_MINISTRY_SIGNER_TITLE = env_str("KHUYENCONG_DOC_MINISTRY_SIGNER_TITLE", "THỨ TRƯỞNG")
KHUYENCONG_DOC_MINISTRY_SIGNER_NAME = env_str("KHUYENCONG_DOC_MINISTRY_SIGNER_NAME", "")
# Acceptance minutes and contract liquidations: the extension centre, party A of the contracts.
KHUYENCONG_DOC_CENTRE_PARENT = env_str("KHUYENCONG_DOC_CENTRE_PARENT", "SỞ CÔNG THƯƠNG LẠNG SƠN")
KHUYENCONG_DOC_CENTRE = env_str(
    "KHUYENCONG_DOC_CENTRE", "TRUNG TÂM KHUYẾN CÔNG VÀ TƯ VẤN PHÁT TRIỂN CÔNG NGHIỆP"
)
KHUYENCONG_DOC_CENTRE_SYMBOL = env_str("KHUYENCONG_DOC_CENTRE_SYMBOL", "TTKC")
KHUYENCONG_DOC_CENTRE_SIGNER_TITLE = env_str("KHUYENCONG_DOC_CENTRE_SIGNER_TITLE", "GIÁM ĐỐC")
KHUYENCONG_DOC_CENTRE_SIGNER_NAME = env_str("KHUYENCONG_DOC_CENTRE_SIGNER_NAME", "")
# The serif font the PDFs embed (Tinos TTFs, put there by `npm ci`: scripts/vendor.mjs).
KHUYENCONG_DOCUMENT_FONT_DIR = PROJECT_DIR / "node_modules" / ".vendor" / "fonts" / "tinos"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
FORMAT_MODULE_PATH = ["khuyencong.formats"]
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor", PROJECT_DIR / "node_modules" / ".vendor"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
# Content-Security-Policy (django-csp; Django 5.2 has none of its own): scripts only from our own static
# files, never inline, so injected markup cannot run. Inline *styles* stay allowed: the SVG charts and
# a few templates set colours and widths in style attributes, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Caches. `public_pages` holds whole anonymous pages (core.public_cache) and `public_versions` the
# version stamp of each group of pages, which services bump on every change. Both are files under
# var/cache: gunicorn runs several worker processes (gunicorn.conf.py) and recycles each after about
# 2,000 requests, so a per-process memory cache would be cold after every recycle and one worker would
# not see another's bump; the database cache would cost a query on every hit and add writes to
# SQLite's single writer. The file cache is shared by every worker on the machine, survives restarts,
# needs no server, and a hit is one small file read (no database query). Several machines behind a
# balancer would point both aliases at a shared Redis or memcached instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public_pages": {
        "BACKEND": "khuyencong.core.public_cache.PageFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "pages"),
        "OPTIONS": {"MAX_ENTRIES": env_int("KHUYENCONG_PUBLIC_CACHE_ENTRIES", 20_000, minimum=100)},
    },
    "public_versions": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(VAR_DIR / "cache" / "versions"),
        "TIMEOUT": None,
    },
}
# How long an anonymous page may be served from the cache without a change (0 turns the cache off).
# Changes bump it at once; only an article scheduled for later waits up to this long to appear.
PUBLIC_CACHE_SECONDS = env_int("KHUYENCONG_PUBLIC_CACHE_SECONDS", 300, minimum=0)

# Open data (IATI activity XML). The reporting organisation's identifier must come from the IATI
# organisation-identifier registry; the default is a placeholder, not a registered identifier (unverified),
# and the XML says so until it is set. Organisation type 15 (other public sector) is our reading.
KHUYENCONG_IATI_REPORTING_ORG_REF = env_str("KHUYENCONG_IATI_REPORTING_ORG_REF", "XX-UNVERIFIED-KHUYENCONG")
KHUYENCONG_IATI_REPORTING_ORG_NAME = env_str(
    "KHUYENCONG_IATI_REPORTING_ORG_NAME", "Trung tâm Khuyến công và Tư vấn phát triển công nghiệp"
)
KHUYENCONG_IATI_REPORTING_ORG_TYPE = env_str("KHUYENCONG_IATI_REPORTING_ORG_TYPE", "15")
# Reader comments accepted from one address per window: (count, seconds). Not a legal figure; tune freely.
PORTAL_COMMENT_RATE = (3, 600)
# Requests for advice accepted from one address per window: (count, seconds); same nature as above.
ADVICE_REQUEST_RATE = (3, 3600)

TASKS = {
    "default": {
        "BACKEND": env_str("KHUYENCONG_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

NINJA_PAGINATION_PER_PAGE = 25
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools report every rendering step at INFO.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

if not DEBUG:
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
    SECURE_REFERRER_POLICY = "same-origin"
