"""Response headers Django does not set on its own."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

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
