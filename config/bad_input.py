"""Input no view could use is refused before any view sees it, with Django's own 400 or 404.

- A NUL byte in the path: no key, token or slug holds one, and PostgreSQL
  refuses it in a query, so such a path is a 404 like any wrong key.
- A NUL byte in the query string or a form body: a 400. Form fields refuse
  them too; this also covers values a view reads straight from the request.
- A body that declares a charset that is not ASCII-compatible (utf-16,
  utf-7, utf-32...): our forms are UTF-8, and decoding a form post in such a
  charset fails again inside the error handler. The request is read as
  UTF-8 and refused with a 400.
"""

import codecs
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

# Python's names for the charsets a browser may send with a form (all ASCII-compatible).
ACCEPTED_CHARSETS = frozenset({"utf-8", "ascii", "iso8859-1", "cp1252", "iso8859-15"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain")


class BadInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path:
            raise Http404("No such page")
        declared = request.encoding
        if declared and codecs.lookup(declared).name not in ACCEPTED_CHARSETS:
            request.encoding = "utf-8"  # so the 400 page itself can read the request
            raise SuspiciousOperation("A form post in a charset we do not read")
        if "%00" in request.META.get("QUERY_STRING", "").lower():
            raise SuspiciousOperation("A NUL byte in the query string")
        if request.method == "POST" and request.content_type in FORM_TYPES:
            body = request.body  # within DATA_UPLOAD_MAX_MEMORY_SIZE, or a 400
            if b"\x00" in body or b"%00" in body.lower():
                raise SuspiciousOperation("A NUL byte in a form post")
        return self.get_response(request)
