"""Whole pages kept rendered in the cache, each served with its own CSRF token.

Some pages are the same for everybody in the same state: a question nobody
has answered yet, a plan page between two changes. Rendering them is most of
their cost, so they are rendered once per state and kept. Only the CSRF token
differs per visitor: the cached copy holds a random marker where the token
goes, and each response gets a fresh token put in its place.

A cached copy is stored under a key that names the page and the viewer's
kind, together with the state it was rendered from. It is used only while
that state still holds; otherwise the page is rendered again and replaces
it. So the state must hold everything the page shows (the caller's job),
and one key per page keeps one copy, however often the state changes.

Pages with a flash message to show are never cached: the message is read
once, by the render.
"""

import functools
import hashlib
import logging
import secrets
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Long enough to serve a visit (a reload, the back button, a return from the
# reminders page); short enough that an edit made outside the app (in the
# admin) shows within the hour.
PAGE_CACHE_SECONDS = 60 * 60

# What a page looks like depends on the code and templates of this release,
# not only on its data: a copy made by another release is never used.
_RELEASE_FOLDERS = ("templates", "static", "config", "personas", "plans", "mentors", "accounts")


# Settings that pages show: a change to one of them changes every page.
_SHOWN_SETTINGS = ("QUICK_EXIT_URL", "STATIC_URL", "TIME_ZONE", "SITE_URL")


@functools.cache
def release() -> str:
    """A fingerprint of the templates, static files, code and shown settings of this release."""
    digest = hashlib.sha256()
    for name in _SHOWN_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, '')}".encode())
    base = Path(settings.BASE_DIR)
    for folder in _RELEASE_FOLDERS:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file() and path.suffix in {".html", ".py", ".css", ".js", ".yaml", ".txt"}:
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _tolerant(call: Callable[[], Any], default: Any = None) -> Any:
    """The call's result, or the default when the cache server is away:
    a slower page then, never a failed one."""
    try:
        return call()
    except Exception:
        logger.warning("cache unavailable: rendering without it", exc_info=False)
        return default


def cache_get(key: str) -> Any:
    return _tolerant(lambda: cache.get(key))


def cache_set(key: str, value: Any, timeout: int) -> None:
    _tolerant(lambda: cache.set(key, value, timeout))


def cache_get_many(keys: list[str]) -> dict[str, Any]:
    return _tolerant(lambda: cache.get_many(keys), {})


def cache_set_many(values: dict[str, Any], timeout: int) -> None:
    _tolerant(lambda: cache.set_many(values, timeout))


class _Kept:
    """Values named by their content, kept in this process's memory.

    A plain dict under a lock, dropping the least recently used: no
    pickling and no key checks, as a memory cache does for every value,
    because the weeks ahead ask for thirty at a time on every tick.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        with self._lock:
            found = {key: self._items[key] for key in keys if key in self._items}
            for key in found:
                self._items.move_to_end(key)
        return found

    def set_many(self, values: dict[str, Any]) -> None:
        with self._lock:
            self._items.update(values)
            for key in values:
                self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# About a kilobyte each: a few megabytes at most.
_kept = _Kept(size=4000)


@receiver(setting_changed)
def _forget_kept(*, setting: str, **kwargs: Any) -> None:
    # As Django's own caches do when a test swaps the CACHES setting.
    if setting == "CACHES":
        _kept.clear()


def kept_get_many(keys: list[str]) -> dict[str, Any]:
    """Values kept under content keys: this process's memory first, then the shared cache.

    Only for keys that name their content (a digest of what was rendered),
    so a copy in this process can never be out of date. What comes from
    the shared cache is kept in this process too.
    """
    found = _kept.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        shared = cache_get_many(missing)
        if shared:
            _kept.set_many(shared)
            found.update(shared)
    return found


def kept_set_many(values: dict[str, Any], timeout: int) -> None:
    _kept.set_many(values)
    cache_set_many(values, timeout)


def has_messages(request: HttpRequest) -> bool:
    """Whether a flash message waits to be shown (without using it up)."""
    return len(get_messages(request)) > 0


def render_cached(
    request: HttpRequest,
    template_name: str,
    build_context: Callable[[], Mapping[str, Any]],
    *,
    key: str,
    state: str,
    timeout: int = PAGE_CACHE_SECONDS,
) -> HttpResponse:
    """The page, from the cache when it was rendered from this same state.

    build_context is called only when the page must be rendered, so the
    reads it needs are skipped on a hit. Copies are looked for in this
    process's own memory first (the "pages" cache), then in the shared
    cache; a copy is only ever used for the state it was made from, so a
    copy in one process's memory can never be out of date.
    """
    if has_messages(request):
        return HttpResponse(render_to_string(template_name, build_context(), request))
    full_key = f"page:{release()}:{key}"
    state_hash = hashlib.sha256(state.encode()).hexdigest()
    # Kept as bytes, ready to send, in this process, and compressed in the
    # shared cache (a sixth of the size).
    # The two levels hold different forms under different keys, so they
    # cannot mix even where both are memory caches of one process.
    local, local_key = caches["pages"], f"{full_key}:bytes"
    found = local.get(local_key)
    if found is None or found[0] != state_hash:
        shared = cache_get(full_key)
        if shared is not None and shared[0] == state_hash:
            found = (shared[0], shared[1], zlib.decompress(shared[2]))
            local.set(local_key, found, timeout)
        else:
            found = None
    if found is None:
        # A new marker for every render: text in the page (a helper's note)
        # cannot guess it, so nothing but the token slots is ever replaced.
        marker = f"csrf{secrets.token_hex(16)}".encode()
        context = {**build_context(), "csrf_token": marker.decode()}
        found = (state_hash, marker, render_to_string(template_name, context, request).encode())
        local.set(local_key, found, timeout)
        cache_set(full_key, (state_hash, marker, zlib.compress(found[2], 6)), timeout)
    _, marker, page = found
    return HttpResponse(page.replace(marker, get_token(request).encode()))
