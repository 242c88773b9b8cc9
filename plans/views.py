"""The plan: built from a finished assessment, reached by its private link.

Every action works as a plain form post with a redirect; with htmx the
plan's main card is swapped in place. Every view that takes a key checks
access in one place: _get_plan_for_request.
"""

import hashlib
from dataclasses import dataclass, replace
from itertools import groupby
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from config import pagecache
from personas import catalogue as persona_catalogue
from personas.views import chosen_match, clear_assessment, session_profile
from plans import hooks, privacy, selectors, services
from plans.catalogue import HowTo, Step, get_catalogue
from plans.models import Plan, PlanStep, ReminderSettings

# Kept parts of the plan card (_kept_drawings): named by content, never out of date.
KEPT_DRAWING_SECONDS = 60 * 60 * 24
MARK_MESSAGES = {
    PlanStep.Status.DONE: "Well done. That is one more small step behind you.",
    PlanStep.Status.NOT_NOW: "That's fine. We moved it to a later week.",
    PlanStep.Status.ALREADY: "Great, you already do that. We took it off your list.",
}


def _check_access(request: HttpRequest, plan: Plan | selectors.PlanState | None) -> None:
    """404 for a wrong key, or for a closed link unless the owner asks."""
    if plan is None:
        raise Http404("No such plan")
    is_owner = request.user.is_authenticated and plan.owner_id == request.user.pk
    if not plan.link_enabled and not is_owner:
        raise Http404("No such plan")


def _get_plan_for_request(request: HttpRequest, key: str) -> Plan:
    """The plan behind a private link, or 404 for a wrong key or a closed link."""
    plan = selectors.plan_by_key(key)
    _check_access(request, plan)
    return plan


@dataclass(frozen=True)
class ShownStep:
    row: selectors.StepRow
    step: Step
    # The how-to texts, for this week's steps only: the weeks ahead show
    # titles and summaries.
    own_how_tos: tuple[HowTo, ...] = ()
    other_how_tos: tuple[HowTo, ...] = ()
    # This week's steps: the step drawn (_step_body.html), kept by _kept_drawings.
    body: str = ""


@dataclass(frozen=True)
class ShownWeek:
    number: int | str
    steps: tuple[ShownStep, ...]


# Where the week's number goes in a kept week: kept without it, a week that
# only moves (the check-ups at the far end, after each tick) is not drawn again.
WEEK_NUMBER_SLOT = "@@week-number@@"


def _kept_drawings(
    template: str, catalogue_version: str, careful: bool, shown: list[tuple[object, dict]]
) -> list[str]:
    """Each part of the plan card drawn with template, kept by what it shows.

    shown pairs what a drawing shows (its steps, their reasons, the devices
    it explains) with the context that draws it. A drawing is kept under a
    digest of what it shows, never under a plan, so a tick leaves the parts
    it did not change as they were, and plans that show the same part share
    one copy. They are looked for in this process first, then in the shared
    cache, in one round trip. Each drawing is escaped as it is drawn.
    """
    keys = []
    for what, _ in shown:
        digest = hashlib.sha256(repr(what).encode()).hexdigest()
        keys.append(f"{template}:{pagecache.release()}:{catalogue_version}:{careful}:{digest}")
    found = pagecache.kept_get_many(keys)
    drawn = {}
    for key, (_, context) in zip(keys, shown, strict=True):
        if key not in found and key not in drawn:
            drawn[key] = render_to_string(template, {**context, "careful": careful})
    if drawn:
        pagecache.kept_set_many(drawn, KEPT_DRAWING_SECONDS)
    return [found.get(key) or drawn[key] for key in keys]


def _step_bodies(
    catalogue_version: str, steps: list[ShownStep], careful: bool, devices: list[str]
) -> tuple[ShownStep, ...]:
    """This week's steps with their how-to texts for the person's devices, drawn."""
    steps = [ShownStep(s.row, s.step, *s.step.how_tos_for(devices)) for s in steps]
    bodies = _kept_drawings(
        "plans/_step_body.html",
        catalogue_version,
        careful,
        [
            (
                (
                    s.row.slug,
                    s.row.reasons,
                    [h.platform for h in s.own_how_tos],
                    [h.platform for h in s.other_how_tos],
                ),
                {"shown": s},
            )
            for s in steps
        ],
    )
    # Escaped when drawn (_kept_drawings).
    return tuple(
        replace(s, body=mark_safe(body))  # noqa: S308  # nosec B308 B703
        for s, body in zip(steps, bodies, strict=True)
    )


def _weeks_ahead_html(catalogue_version: str, weeks: list[ShownWeek], careful: bool) -> str:
    """The folded weeks ahead: the largest part of the page.

    Each week is kept by what it shows (its steps and their reasons), not by
    its number: the check-ups at the far end move a week later with each
    tick, and are not drawn again for it.
    """
    blocks = _kept_drawings(
        "plans/_week_ahead.html",
        catalogue_version,
        careful,
        [
            (
                [(s.row.slug, s.row.reasons) for s in week.steps],
                {"week": ShownWeek(WEEK_NUMBER_SLOT, week.steps)},
            )
            for week in weeks
        ],
    )
    # Each block was escaped when drawn; the slot is the first thing in it,
    # before any step's words, and the number is an int.
    joined = mark_safe(  # noqa: S308  # nosec B308 B703
        "".join(
            block.replace(WEEK_NUMBER_SLOT, str(week.number), 1)
            for block, week in zip(blocks, weeks, strict=True)
        )
    )
    return render_to_string("plans/_weeks_ahead.html", {"weeks_ahead": joined})


def _plan_context(
    request: HttpRequest, plan: Plan, rows: list[selectors.StepRow] | None = None
) -> dict[str, object]:
    """The plan card; rows: the plan's steps when the caller has just read them."""
    catalogue = get_catalogue()
    devices = plan.profile.get("devices", [])
    if rows is None:
        rows = selectors.plan_rows(plan_id=plan.pk)
    pending = [ShownStep(r, catalogue.step(r.slug)) for r in rows if r.is_pending]
    closed = [ShownStep(r, catalogue.step(r.slug)) for r in rows if r.is_closed]
    weeks = [
        ShownWeek(number, tuple(steps))
        for number, steps in groupby(pending, key=lambda s: s.row.week)
    ]
    careful = plan.someone_close_is_a_worry
    this_week = ()
    if weeks:
        this_week = _step_bodies(catalogue.version, list(weeks[0].steps), careful, devices)
    persona = persona_catalogue.get_catalogue().personas.get(plan.persona)
    is_owner = request.user.is_authenticated and plan.owner_id == request.user.pk
    return {
        "plan": plan,
        "persona": persona,
        "this_week": this_week[0] if this_week else None,
        "also_this_week": this_week[1:],
        "weeks_ahead_html": _weeks_ahead_html(catalogue.version, weeks[1:], careful),
        "done": [s for s in closed if s.row.status == PlanStep.Status.DONE],
        "already": [s for s in closed if s.row.status == PlanStep.Status.ALREADY],
        "done_count": len(closed),
        "total_count": len(rows),
        "is_owner": is_owner,
        # Back from signing in to save: offer the Save button first.
        "saving": request.GET.get("saving") == "1" and plan.owner_id is None,
        "careful": careful,
    }


def _detail_context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    """The whole page: the plan card (also sent alone to htmx) and the tools around it."""
    return {
        **_plan_context(request, plan),
        "reminders_stopped": _reminders_stopped_by_bounces(plan),
    }


@require_POST
def create(request: HttpRequest) -> HttpResponse:
    profile = session_profile(request)
    if profile is None:
        messages.info(request, "We need a few more answers before we can make your plan.")
        return redirect("personas:start")
    match = chosen_match(request, profile, persona_catalogue.get_catalogue())
    owner = request.user if request.user.is_authenticated else None
    plan = services.plan_create(profile=profile, persona=match.persona.slug, owner=owner)
    clear_assessment(request)
    messages.success(
        request,
        "Your plan is ready. This page has its own private address: bookmark it, "
        "or save it with your email, to come back later.",
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
@vary_on_headers("HX-Request")
@require_GET
def detail(request: HttpRequest, key: str) -> HttpResponse:
    # First only what decides access and whether the kept page will do; the
    # whole plan is read only when the page must be drawn.
    plan = selectors.plan_state_by_key(key)
    _check_access(request, plan)
    if request.GET.get("saving") == "1" and plan.owner_id is None:
        whole = _get_plan_for_request(request, key)
        return render(request, "plans/detail.html", _detail_context(request, whole))
    # The page is kept rendered (config/pagecache.py) until one of these
    # changes. updated_at moves with every change to the plan and its steps
    # (services.plan_reflow), page_changed_at with every change to the rest
    # of what the page shows: helpers, their notes, stopped reminders.
    if request.user.is_authenticated:
        viewer = "owner" if plan.owner_id == request.user.pk else "signed-in"
    else:
        viewer = "anyone"
    state = "|".join(
        [
            plan.updated_at.isoformat(),
            plan.page_changed_at.isoformat() if plan.page_changed_at else "",
            get_catalogue().version,
        ]
    )
    return pagecache.render_cached(
        request,
        "plans/detail.html",
        lambda: _detail_context(request, _get_plan_for_request(request, key)),
        key=f"plan:{plan.pk}:{viewer}:{bool(request.htmx)}",
        state=state,
    )


def _reminders_stopped_by_bounces(plan: Plan) -> bool:
    try:
        return plan.reminder_settings.stopped_by_bounces
    except ReminderSettings.DoesNotExist:
        return False


@require_POST
def mark(request: HttpRequest, key: str, slug: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    status = request.POST.get("status", "")
    rows = None  # read again below when the change was refused
    try:
        rows = services.step_mark(plan=plan, slug=slug, status=status)
    except services.StepMarkError as error:
        celebration = ""
        messages.error(request, str(error))
    else:
        celebration = MARK_MESSAGES[PlanStep.Status(status)]
        if not request.htmx:
            messages.success(request, celebration)
    if request.htmx:
        context = {**_plan_context(request, plan, rows), "celebration": celebration}
        return render(request, "plans/_progress.html", context)
    return redirect(plan)


@require_POST
def slow_down(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    services.plan_slow_down(plan=plan)
    messages.success(
        request, "That's fine. From now on your plan has one small step a week, and fewer minutes."
    )
    return redirect(plan)


@require_POST
def save(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    if not request.user.is_authenticated:
        messages.info(
            request, "Sign in with your email to save your plan. We will send you a code."
        )
        back = f"{plan.get_absolute_url()}?saving=1"
        return redirect(f"{reverse('account_login')}?{urlencode({'next': back})}")
    if services.plan_attach(plan=plan, user=request.user):
        messages.success(request, "Your plan is saved. You can find it under My plans.")
    else:
        messages.error(request, "This plan is saved to another account, so we left it as it is.")
    return redirect(plan)


@require_POST
def set_link(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    if not request.user.is_authenticated or plan.owner_id != request.user.pk:
        raise Http404("No such plan")
    choice = request.POST.get("enabled")
    if choice not in {"on", "off"}:
        messages.error(request, "That did not work. Please use the button again.")
        return redirect(plan)
    enabled = choice == "on"
    services.plan_set_link(plan=plan, enabled=enabled)
    if enabled:
        messages.success(request, "The private link works again.")
    else:
        messages.success(request, "The private link is off. Only you can open this plan now.")
    return redirect(plan)


@login_required
@require_GET
def my_plans(request: HttpRequest) -> HttpResponse:
    plans = Plan.objects.filter(owner=request.user).order_by("-created_at")
    return render(request, "plans/my_plans.html", {"plans": plans})


def _get_plan_for_owner_or_link(request: HttpRequest, key: str) -> Plan:
    """Deleting or downloading: a saved plan only by its signed-in owner."""
    plan = _get_plan_for_request(request, key)
    if plan.owner_id is not None and plan.owner_id != request.user.pk:
        raise Http404("No such plan")
    return plan


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_owner_or_link(request, key)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Tick the box to say you are sure, then press Delete.")
            return redirect("plans:delete", key=plan.key)
        privacy.plan_delete(plan=plan)
        return redirect("plans:deleted")
    return render(request, "plans/delete.html", {"plan": plan})


@require_GET
def deleted(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/deleted.html")


@require_GET
def export(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_owner_or_link(request, key)
    response = JsonResponse(privacy.plan_export(plan=plan), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="my-little-steps-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def plan_pdf(request: HttpRequest, key: str) -> HttpResponse:
    """The printable plan (plans/pdf.py), with the options from the print form."""
    from plans import pdf  # WeasyPrint is heavy: load it only where a PDF is made

    plan = _get_plan_for_request(request, key)
    options = pdf.print_options_for(plan=plan, query=request.GET)
    content = pdf.plan_pdf_bytes(plan=plan, options=options, mentor=hooks.mentor_line(plan))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf.FILENAME}"'
    # A private link: no shared cache may keep it, and the browser need not either.
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
