"""Our own error pages: each has the exit button and the skip link, and none
shows anything from the request (no path, no reason text, no exception).

The 500 page is drawn without the request: the database or the session may
be what failed. Its exit form then has no CSRF token, which is why the CSRF
failure view sends a refused exit to the neutral site all the same.
"""

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import render
from django.template import loader
from django.urls import reverse

# Nothing from the request goes back into an error page, not even the
# language switcher's way back (set_language falls back to the Referer).
ERROR_PAGE = {"error_page": True}


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", ERROR_PAGE, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", ERROR_PAGE, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", ERROR_PAGE, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("500.html")
    context = {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL, "low_key": False}
    return HttpResponseServerError(template.render(context))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form was refused. "Exit this page" must never stop at an error page:
    a refused exit still leaves (without ending the visit, since anyone could
    have sent it); any other form gets a kind page with the way back."""
    if request.path == reverse("quick_exit"):
        return HttpResponseRedirect(settings.QUICK_EXIT_URL)
    return render(request, "403_csrf.html", ERROR_PAGE, status=403)
