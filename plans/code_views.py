"""Coming back without a bookmark or an email: the plan code, "Forget this
device", and the plan's long private link turned off, on or renewed.

Access to a plan goes through plans.views._get_plan_for_request (the private
link, the signed-in owner, or a session that typed the plan's code).
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plans import codes, services
from plans.views import _get_plan_for_maker


@never_cache
@require_POST
def code_new(request: HttpRequest, key: str) -> HttpResponse:
    """New code words, shown once on this page (never in a URL, an email or a log)."""
    plan = _get_plan_for_maker(request, key)
    code = codes.plan_code_new(plan=plan)
    codes.grant(request, plan)
    return render(
        request,
        "plans/code_new.html",
        {"plan": plan, "code": code, "words": code.split(), "low_key": plan.low_key},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def code_enter(request: HttpRequest) -> HttpResponse:
    context: dict[str, object] = {"tries_left": codes.tries_left(request)}
    if request.method == "POST":
        typed = request.POST.get("code", "")[:200]
        try:
            plan = codes.plan_for_code(request=request, code=typed)
        except codes.TooManyTries:
            return render(request, "plans/code_enter.html", {"too_many": True}, status=429)
        if plan is not None:
            codes.grant(request, plan)
            return redirect(plan)
        left = codes.tries_left(request)
        context = {
            "error": ngettext(
                "Those words did not open a plan. Check each word and try again."
                " You can try %(left)s more time for now.",
                "Those words did not open a plan. Check each word and try again."
                " You can try %(left)s more times for now.",
                left,
            )
            % {"left": left},
            "tries_left": left,
        }
        return render(request, "plans/code_enter.html", context, status=400)
    return render(request, "plans/code_enter.html", context)


@never_cache
@require_POST
def forget_device(request: HttpRequest) -> HttpResponse:
    """End this browser's visit: plans opened by code, answers, sign-in, our cookies."""
    request.session.flush()
    response = render(request, "plans/forgotten.html")
    response["Clear-Site-Data"] = '"cookies", "storage"'
    return response


@require_POST
def new_link(request: HttpRequest, key: str) -> HttpResponse:
    """A new long private link; the old one stops working at once, and so does
    the plan code: whoever saw the old link could have made a code with it.
    This browser keeps the plan open."""
    plan = _get_plan_for_maker(request, key)
    had_code = plan.code_digest is not None
    services.plan_new_key(plan=plan)
    codes.plan_code_end(plan=plan)
    codes.grant(request, plan)
    text = (
        _(
            "Your plan has a new private link. The old one does not work any more. "
            "Your plan code stopped working too: get new code words below."
        )
        if had_code
        else _("Your plan has a new private link. The old one does not work any more.")
    )
    messages.success(request, text)
    return redirect(plan)
