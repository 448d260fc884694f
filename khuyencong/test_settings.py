"""Settings for the test suite: the real settings, with what only a deployment needs turned off."""

from khuyencong.settings import *  # noqa: F403
from khuyencong.settings import STORAGES

# Templates resolve static files from their sources; hashed names need `collectstatic` first.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Fast hashing keeps the suite quick; the Argon2 setting itself is checked in accounts tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
