"""Whole-page cache for anonymous readers of public pages, and the POST guard their forms rely on.

`@public_page("news")` on a view caches its full response for anonymous GET and HEAD requests. A
request that carries a session cookie (anyone signed in, or anyone Django keeps state for) or a
messages cookie (a "thank you" waiting to be shown) is never answered from the cache and never
stored. A response is stored only when it is a plain 200 that sets no cookie, queued no message,
changed no session and did not use the CSRF token (a token in a shared page would be every
reader's token). Each answer says what happened in its `X-Cache` header (HIT, MISS, BYPASS, SKIP).

The key is the scheme, host, path with query string and interface language, plus the current
*version* of each group the page belongs to and a fingerprint of the code and templates (so a
deploy never serves pages rendered by the old code). Services and model signals call `bump(group)`
on any change; the old entries are then never read again and age out. The bump happens at once and
again when the transaction commits, so a page rendered from data read before the commit is stored
under the old version and never served after it.

Browsers get `Cache-Control: no-cache` with an ETag: they may keep the page but ask each time, and a
page that has not changed answers 304 with no body. `Vary: Cookie` keeps a signed-in reader's or
another language's page apart from the anonymous one in any cache along the way.

Pages and versions live in the `public_pages` and `public_versions` caches (settings.CACHES; why
those backends is explained there). An article scheduled for later shows once its page's entry ages
out (PUBLIC_CACHE_SECONDS), since no save marks the moment it becomes public.

Forms on cached pages carry no CSRF token, so their POST views use `@same_origin_post` instead of
Django's CSRF check; see its docstring for why that is safe for those views and not for others.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

PAGES = "public_pages"
VERSIONS = "public_versions"
HEADER = "X-Cache"
# Response headers a stored page keeps; the rest (cookies, Vary, caching) are set on every answer.
_KEPT_HEADERS = frozenset({"content-type", "content-language", "x-robots-tag", "link"})

View = Callable[..., HttpResponseBase]


@functools.cache
def code_fingerprint() -> str:
    """Changes whenever a module, template or translation catalogue of the site changes."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in {"__pycache__", "tests"})
        for name in sorted(filenames):
            if name.endswith((".py", ".html", ".mo")):
                stat = os.stat(os.path.join(dirpath, name))
                digest.update(f"{dirpath}/{name}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


def _version_key(group: str) -> str:
    return f"public-version:{group}"


def versions(groups: Iterable[str]) -> str:
    """The current version token of each group, joined; a group never bumped gets a random one."""
    store = caches[VERSIONS]
    keys = [_version_key(group) for group in groups]
    found = store.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            store.add(key, secrets.token_hex(8), timeout=None)  # another process may win: fine
        found.update(store.get_many(missing))
    return ".".join(str(found.get(key, "")) for key in keys)


def _bump_now(groups: tuple[str, ...]) -> None:
    store = caches[VERSIONS]
    # Random, never counted: a version store that lost its files can never bring back old pages.
    store.set_many({_version_key(group): secrets.token_hex(8) for group in groups}, timeout=None)


def bump(*groups: str) -> None:
    """Mark every cached page of these groups as stale, now and when the current transaction commits."""
    if not groups:
        return
    _bump_now(groups)
    transaction.on_commit(functools.partial(_bump_now, groups))


def watch(model: type[models.Model], *groups: str) -> None:
    """Bump `groups` whenever a row of `model` is saved or deleted (connected in AppConfig.ready)."""

    def changed(**_: Any) -> None:
        bump(*groups)

    uid = f"public_cache:{model._meta.label}:{','.join(groups)}"
    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
    # Adding to or removing from a many-to-many relation saves no row of the model itself.
    for m2m in model._meta.many_to_many:
        m2m_changed.connect(
            changed, sender=m2m.remote_field.through, weak=False, dispatch_uid=f"{uid}:{m2m.name}"
        )


def clear() -> None:
    """Drop every stored page (a cold start for benchmarks and tests)."""
    caches[PAGES].clear()


def _bypass_reason(request: HttpRequest) -> str | None:
    if request.method not in ("GET", "HEAD"):
        return "method"
    if settings.SESSION_COOKIE_NAME in request.COOKIES or CookieStorage.cookie_name in request.COOKIES:
        return "state"
    if "HTTP_AUTHORIZATION" in request.META:
        return "authorization"
    return None


def _page_key(request: HttpRequest, groups: tuple[str, ...]) -> str:
    raw = "|".join(
        [
            code_fingerprint(),
            request.scheme or "",
            request.get_host(),
            request.get_full_path(),
            translation.get_language() or "",
            versions(groups),
        ]
    )
    return "public-page:" + hashlib.sha256(raw.encode()).hexdigest()


def _storable(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if not isinstance(response, HttpResponse):
        return False
    control = response.get("Cache-Control", "")
    if "private" in control or "no-store" in control:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return False
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return not queued


def _finish(request: HttpRequest, response: HttpResponse, etag: str, state: str) -> HttpResponseBase:
    response[HEADER] = state
    response["ETag"] = etag
    patch_vary_headers(response, ("Cookie",))
    seconds = int(getattr(settings, "PUBLIC_CACHE_BROWSER_SECONDS", 0))
    if seconds > 0:
        patch_cache_control(response, public=True, max_age=seconds)
    else:
        patch_cache_control(response, no_cache=True)
    conditional = get_conditional_response(request, etag=etag, response=response)
    if conditional is not response and conditional is not None:
        conditional[HEADER] = state
        return conditional
    return response


class PageFileCache(FileBasedCache):
    """Django's file cache, culling once every `CULL_EVERY` writes instead of on each one.

    The stock backend lists its whole directory before every write to see whether it is full; with
    tens of thousands of pages that listing costs milliseconds on every cache miss. Checking now and
    then lets the directory overshoot MAX_ENTRIES by at most CULL_EVERY entries per process.
    """

    CULL_EVERY = 200

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writes = 0

    def _cull(self) -> None:
        self._writes += 1
        if self._writes % self.CULL_EVERY == 1:
            super()._cull()  # type: ignore[misc]  # private in the stubs, present in Django


def public_page(*groups: str) -> Callable[[View], View]:
    """Cache a public view's page for anonymous readers; `groups` name what invalidates it."""

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            reason = _bypass_reason(request)
            if reason is not None:
                response = view(request, *args, **kwargs)
                response[HEADER] = "BYPASS"
                return response
            store = caches[PAGES]
            key = _page_key(request, groups)  # read before the view: see the module's note on bumps
            entry = store.get(key)
            if entry is not None:
                status, headers, content, etag = entry
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response[name] = value
                return _finish(request, response, etag, "HIT")
            response = view(request, *args, **kwargs)
            if not _storable(request, response):
                response[HEADER] = "SKIP"
                return response
            assert isinstance(response, HttpResponse)
            content = response.content
            etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
            headers = [(name, value) for name, value in response.items() if name.lower() in _KEPT_HEADERS]
            store.set(key, (response.status_code, headers, content, etag), timeout=cache_seconds())
            return _finish(request, response, etag, "MISS")

        return wrapped

    return decorator


def cache_seconds() -> int:
    return int(getattr(settings, "PUBLIC_CACHE_SECONDS", 300))


def _allowed_origins(request: HttpRequest) -> set[str]:
    return {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}


def is_same_origin(request: HttpRequest) -> bool:
    """The browser says the form came from this site (Origin, else Referer); a request naming neither
    is not from a browser page another site controls, and passes."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin in _allowed_origins(request)
    referer = request.META.get("HTTP_REFERER")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in _allowed_origins(request)
    return True


def same_origin_post(view: View) -> View:
    """For POST views of forms on cached public pages (ratings, comments, requests for advice) only.

    Those pages carry no CSRF token, so Django's check is off for these views. What CSRF protects
    against is a foreign page making a victim's browser act with the victim's credentials. Here:
    (1) the action needs no credentials: anyone may rate, comment or ask, and the attacker could do it
    from their own browser; (2) the session and reader cookies are SameSite=Lax, so a cross-site POST
    arrives without them and counts as a new anonymous reader, never as the signed-in victim or as
    the victim's rating; (3) a browser names the page a form came from (Origin, else Referer), and a
    foreign one is refused here with 403; (4) the views keep their own limits (rate per address,
    honeypot, one rating per reader). A view that acts with the user's rights must not use this.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST" and not is_same_origin(request):
            raise PermissionDenied(_("Biểu mẫu phải được gửi từ chính trang này của hệ thống."))
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapped)
