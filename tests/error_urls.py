"""The site's URLs, plus views that fail in each way, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("secret-detail-400")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("secret-detail-403")


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret-detail-500")


urlpatterns = [
    path("fail/400/", suspicious),
    path("fail/403/", forbidden),
    path("fail/500/", broken),
    *urlpatterns,
]
