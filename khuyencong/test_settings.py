"""Settings for the test suite: the real settings, with what only a deployment needs turned off."""

from khuyencong.settings import *  # noqa: F403
from khuyencong.settings import STORAGES

# Templates resolve static files from their sources; hashed names need `collectstatic` first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Fast hashing keeps the suite quick; the Argon2 setting itself is checked in accounts tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Each test process keeps its own page cache and version stamps: a file cache shared between the
# parallel workers would let one worker's bump turn another's expected hit into a miss.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "public_pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "public_versions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "versions",
        "TIMEOUT": None,
    },
}
