"""A small rate limit in Django's cache: so many requests a minute, per client or per thing.

Counts live in the shared cache (Redis; this process's memory for a while
when Redis does not answer, config/cache.py), in fixed windows. Over the
limit, a kind "please wait a minute" page with status 429 and Retry-After.
"""

import functools
import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger(__name__)


def client_of(request: HttpRequest) -> str:
    """The client as the server sees it (the balancer or proxy sets REMOTE_ADDR)."""
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def hit(*, scope: str, who: str, limit: int, seconds: int = 60) -> bool:
    """Count one request; False when it is over the limit for this window."""
    window = int(time.time() // seconds)
    key = f"ratelimit:{scope}:{who}:{window}"
    try:
        cache.add(key, 0, seconds + 5)
        try:
            count = cache.incr(key)
        except ValueError:  # gone between add and incr: this is the first
            cache.set(key, 1, seconds + 5)
            count = 1
    except Exception:  # no cache at all (our own falls back to memory first)
        logger.warning("Rate limit %s not counted: the cache did not answer", scope)
        return True
    return count <= limit


def too_many(request: HttpRequest, *, seconds: int = 60, what: str = "") -> HttpResponse:
    response = render(request, "too_many.html", {"what": what}, status=429)
    response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def limit_posts(*, scope: str, limit: int, seconds: int = 60) -> Callable[..., Any]:
    """A view decorator: at most limit POSTs a window from one client."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and not hit(
                scope=scope, who=client_of(request), limit=limit, seconds=seconds
            ):
                return too_many(request, seconds=seconds)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
