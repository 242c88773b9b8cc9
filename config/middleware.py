"""Response headers Django does not set on its own, and one retry after a database reset."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

# Nothing of ours is meant to be embedded or read by another site, and no
# page needs the camera, microphone, location or payment features.
EXTRA_HEADERS = {
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=(), browsing-topics=()"
    ),
}


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for header, value in EXTRA_HEADERS.items():
            response.headers.setdefault(header, value)
        return response


class DatabaseRetryMiddleware:
    """A page read that met a reset database connection is read once more, on a new one.

    Django checks each connection when a request starts (CONN_HEALTH_CHECKS);
    this covers a connection the database drops during a request (a restart,
    a failover, pg_terminate_backend). Only GET and HEAD are tried again: they
    change nothing, so a second try is safe. Last in MIDDLEWARE, so the retry
    runs the view alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.method not in ("GET", "HEAD") or getattr(request, "_database_retried", False):
            return None
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        for conn in connections.all(initialized_only=True):
            if conn.in_atomic_block:
                return None  # inside a transaction: not ours to end
            conn.close_if_unusable_or_obsolete()
        request._database_retried = True  # type: ignore[attr-defined]
        logger.warning("A database connection was reset during a request: reading again")
        return self.get_response(request)
