from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from plans import makers


@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    # A way back to the plan this browser made; never for a low-key plan, whose
    # page must not be announced to whoever opens the browser next.
    made = makers.last_made(request)
    return render(request, "landing.html", {"my_plan": made if made and not made.low_key else None})


@require_GET
def quick_exit_help(request: HttpRequest) -> HttpResponse:
    return render(request, "quick_exit_help.html")


@never_cache
@require_POST
def quick_exit(request: HttpRequest) -> HttpResponse:
    """ "Exit this page": end this browser's visit, then leave for the neutral site.

    The session goes (answers so far, sign-in, a plan opened by its code), so
    pages that Back brings up again are asked for afresh and show none of it;
    Clear-Site-Data asks the browser to drop our cookies and stored data too.
    Browser history itself cannot be wiped by a website: the help page says so.
    """
    request.session.flush()
    response = HttpResponseRedirect(settings.QUICK_EXIT_URL)
    response["Clear-Site-Data"] = '"cookies", "storage"'
    return response
