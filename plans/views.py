"""The plan: built from a finished assessment, reached by its private link.

Every action works as a plain form post with a redirect; with htmx the
plan's main card is swapped in place. Every view that takes a key checks
access in one place: _get_plan_for_request.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from config import ratelimit
from config.htmx import HtmxHttpRequest
from personas import catalogue as persona_catalogue
from personas.views import chosen_match, clear_assessment, session_answers, session_profile
from plans import codes, hooks, languages, makers, privacy, regions, services
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep, ReminderSettings
from plans.plan_card import plan_context as _plan_context

PDF_WAIT_TEXT = gettext_lazy("We have made a lot of printable plans in the last minute.")
PDF_BUSY_TEXT = gettext_lazy("We are busy making other printable plans right now.")
MARK_MESSAGES = {
    PlanStep.Status.DONE: gettext_lazy("Well done. That is one more small step behind you."),
    PlanStep.Status.NOT_NOW: gettext_lazy("That's fine. We moved it to a later week."),
    PlanStep.Status.ALREADY: gettext_lazy("Great, you already do that. We took it off your list."),
}


def _get_plan_for_request(request: HttpRequest, key: str) -> Plan:
    """The plan behind a private link, or 404 for a wrong key, or for a closed
    link unless the owner asks, or a session that typed the plan's code."""
    # The reminder settings come along: the plan page says when they stopped.
    plan = Plan.objects.select_related("reminder_settings").filter(key=key).first()
    if plan is None:
        raise Http404("No such plan")
    is_owner = request.user.is_authenticated and plan.owner_id == request.user.pk
    if not plan.link_enabled and not is_owner and not codes.has_access(request, plan):
        raise Http404("No such plan")
    return plan


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    profile = session_profile(request)
    if profile is None:
        # Back after "Build my plan", and pressed again: the plan is made already.
        made = makers.last_made(request)
        if made is not None and not session_answers(request):
            messages.info(request, _("You answered these questions already. Here is your plan."))
            return redirect(made)
        messages.info(request, _("We need a few more answers before we can make your plan."))
        return redirect("personas:start")
    match = chosen_match(request, profile, persona_catalogue.get_catalogue())
    owner = request.user if request.user.is_authenticated else None
    # The browser's language guesses the country; the plan page can change it.
    region = regions.guess_region(request.headers.get("Accept-Language", ""))
    plan = services.plan_create(
        profile=profile,
        persona=match.persona.slug,
        owner=owner,
        region=region,
        language=translation.get_language(),
    )
    makers.plan_maker_remember(request=request, plan=plan)
    clear_assessment(request, made_url=plan.get_absolute_url())
    if plan.leave_no_trace:
        messages.success(
            request,
            _(
                "Your plan is ready. To come back to it without leaving a trace on this device, "
                "get a plan code below."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Your plan is ready. This page has its own private address: bookmark it, "
                "or save it with your email, to come back later."
            ),
        )
    # A generic hook: another app may ask to see the new plan first (a URL name taking the key).
    after_plan_url_name = request.session.pop("after_plan_url_name", None)
    if after_plan_url_name:
        try:
            return redirect(reverse(after_plan_url_name, args=[plan.key]))
        except NoReverseMatch:
            pass
    return redirect(plan)


@never_cache  # a private page: no shared cache may keep it
@require_GET
def detail(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    languages.follow_reader(request, plan)
    context = {
        **_plan_context(request, plan),
        "reminders_stopped": _reminders_stopped_by_bounces(plan),
        "panels": hooks.plan_panels(request, plan),
    }
    return render(request, "plans/detail.html", context)


def _reminders_stopped_by_bounces(plan: Plan) -> bool:
    try:
        return plan.reminder_settings.stopped_by_bounces
    except ReminderSettings.DoesNotExist:
        return False


def _worked_check(plan: Plan, slug: str) -> str:
    """After "Done": the step's own way to see that it worked, read as the
    plan page reads it (this language, this region's words)."""
    step = get_catalogue(translation.get_language()).steps.get(slug)
    if step is None or not step.check:
        return ""
    worries = plan.profile.get("adversaries") or ()
    step = regions.localise(step, region=plan.region, adversaries=worries)
    return _("How to tell it worked: %(check)s") % {"check": step.check}


@require_POST
def mark(request: HtmxHttpRequest, key: str, slug: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    status = request.POST.get("status", "")
    worked_check = ""
    try:
        services.step_mark(plan=plan, slug=slug, status=status)
    except services.StepMarkError as error:
        celebration = ""
        messages.error(request, str(error))
    else:
        celebration = str(MARK_MESSAGES[PlanStep.Status(status)])
        if status == PlanStep.Status.DONE:
            worked_check = _worked_check(plan, slug)
        if not request.htmx:
            messages.success(request, " ".join(filter(None, (celebration, worked_check))))
    if request.htmx:
        context = {
            **_plan_context(request, plan),
            "celebration": celebration,
            "worked_check": worked_check,
        }
        return render(request, "plans/_progress.html", context)
    return redirect(plan)


@require_POST
def slow_down(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    services.plan_slow_down(plan=plan)
    messages.success(
        request,
        _("That's fine. From now on your plan has one small step a week, and fewer minutes."),
    )
    return redirect(plan)


@require_POST
def save(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    if plan.owner_id is None and not makers.is_plan_maker(request, plan):
        # A link is not proof of whose plan it is: only its maker may save it.
        messages.error(
            request,
            _(
                "Only the person who made this plan can save it. "
                "They can save it on the phone or computer they made it on."
            ),
        )
        return redirect(plan)
    if not request.user.is_authenticated:
        # The sign-in email that follows is low-key too (accounts/adapter.py).
        request.session["low_key_mail"] = plan.low_key
        messages.info(
            request, _("Sign in with your email to save your plan. We will send you a code.")
        )
        back = f"{plan.get_absolute_url()}?saving=1"
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    if services.plan_attach(plan=plan, user=request.user):
        messages.success(request, _("Your plan is saved. You can find it under My plans."))
    else:
        messages.error(request, _("This plan is saved to another account, so we left it as it is."))
    return redirect(plan)


@require_POST
def set_link(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    is_owner = makers.is_plan_owner(request, plan)
    # The owner, or (for a plan nobody saved) a session that typed the code:
    # they can still open the plan with the link off. A link holder cannot.
    if not is_owner and (plan.owner_id is not None or not codes.has_access(request, plan)):
        raise Http404("No such plan")
    choice = request.POST.get("enabled")
    if choice not in {"on", "off"}:
        messages.error(request, _("That did not work. Please use the button again."))
        return redirect(plan)
    enabled = choice == "on"
    services.plan_set_link(plan=plan, enabled=enabled)
    if enabled:
        messages.success(request, _("The private link works again."))
    else:
        text = (
            _(
                "The private link is off. Only you can open this plan now, when you are signed "
                "in. If you added your plan to a calendar, get its new address on the "
                "reminders page."
            )
            if is_owner
            else _(
                "The private link is off. Only you can open this plan now, with your plan "
                "code. If you added your plan to a calendar, get its new address on the "
                "reminders page."
            )
        )
        messages.success(request, text)
    return redirect(plan)


@require_POST
def set_low_key(request: HttpRequest, key: str) -> HttpResponse:
    # Someone who found the link must not turn it off.
    plan = _get_plan_for_maker(request, key)
    choice = request.POST.get("low_key")
    if choice not in {"on", "off"}:
        messages.error(request, _("That did not work. Please use the button again."))
        return redirect(plan)
    services.plan_set_low_key(plan=plan, on=choice == "on")
    if plan.low_key:
        messages.success(request, _("Low-key mode is on. Your plan now uses plain, neutral words."))
    else:
        messages.success(request, _("Low-key mode is off. Your plan shows every step by name."))
    return redirect(f"{plan.get_absolute_url()}#low-key")


@require_POST
def set_region(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_maker(request, key)
    try:
        services.plan_set_region(plan=plan, region=request.POST.get("region", ""))
    except services.RegionError as error:
        messages.error(request, str(error))
    else:
        name = regions.get_regions(translation.get_language()).get(plan.region).name
        messages.success(
            request, _("Your steps now name the helplines for %(name)s.") % {"name": name}
        )
    return redirect(f"{plan.get_absolute_url()}#region")


@login_required
@require_GET
def my_plans(request: AuthenticatedHttpRequest) -> HttpResponse:
    plans = Plan.objects.filter(owner=request.user).order_by("-created_at")
    return render(request, "plans/my_plans.html", {"plans": plans})


def _get_plan_for_maker(request: HttpRequest, key: str) -> Plan:
    """Deleting, downloading and changing how the plan is reached or worded: the
    signed-in owner of a saved plan, or the maker of an unsaved one (plans.makers).
    Someone who only saw the link can follow the plan, never take it or lock its
    maker out."""
    plan = _get_plan_for_request(request, key)
    if not makers.may_manage(request, plan):
        raise Http404("No such plan")
    return plan


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_maker(request, key)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, _("Tick the box to say you are sure, then press Delete."))
            return redirect("plans:delete", key=plan.key)
        privacy.plan_delete(plan=plan)
        return redirect("plans:deleted")
    return render(request, "plans/delete.html", {"plan": plan, "low_key": plan.low_key})


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/deleted.html")


@require_GET
def export(request: HttpRequest, key: str) -> HttpResponse:
    """Everything stored, as JSON for computers: the second choice (it names worries)."""
    plan = _get_plan_for_maker(request, key)
    response = JsonResponse(privacy.plan_export(plan=plan), json_dumps_params={"indent": 2})
    name = "my-data.json" if plan.low_key else "my-little-steps-data.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_text(request: HttpRequest, key: str) -> HttpResponse:
    """The plan and what we keep, in words a person reads; neutral when low-key."""
    plan = _get_plan_for_maker(request, key)
    text = privacy.plan_export_text(plan=plan)
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = "my-weekly-plan.txt" if plan.low_key else "my-little-steps-plan.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def plan_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The printable plan (plans/pdf.py), with the options from the print form.

    A kept copy is served at once; a fresh one within the limits of
    plans/pdf_limits.py, or a kind "please wait a minute" page.
    """
    # WeasyPrint is heavy: load it only where a PDF is made.
    from plans import pdf, pdf_cache, pdf_limits

    plan = _get_plan_for_request(request, key)
    options = pdf.print_options_for(plan=plan, query=request.GET)
    mentor = hooks.mentor_line(plan)
    content = pdf_cache.plan_pdf_cached(plan=plan, options=options, mentor=mentor)
    if content is None:
        if not pdf_limits.pdf_render_allowed(request=request, plan=plan):
            return ratelimit.too_many(request, what=str(PDF_WAIT_TEXT))
        with pdf_limits.pdf_render_slot() as free:
            if not free:
                return ratelimit.too_many(request, seconds=10, what=str(PDF_BUSY_TEXT))
            content = pdf_cache.plan_pdf_render_and_keep(plan=plan, options=options, mentor=mentor)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.FILENAME}"'
    # A private link: no shared cache may keep it, and the browser need not either.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
