"""The plan: built from a finished assessment, reached by its private link.

Every action works as a plain form post with a redirect; with htmx the
plan's main card is swapped in place. Every view that takes a key checks
access in one place: _get_plan_for_request.
"""

from dataclasses import dataclass
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from personas import catalogue as persona_catalogue
from personas.views import chosen_match, clear_assessment, session_profile
from plans import services
from plans.catalogue import HowTo, Step, get_catalogue
from plans.models import Plan, PlanStep

MARK_MESSAGES = {
    PlanStep.Status.DONE: "Well done. That is one more small step behind you.",
    PlanStep.Status.NOT_NOW: "That's fine. We moved it to a later week.",
    PlanStep.Status.ALREADY: "Great, you already do that. We took it off your list.",
}


def _get_plan_for_request(request: HttpRequest, key: str) -> Plan:
    """The plan behind a private link, or 404 for a wrong key or a closed link."""
    plan = Plan.objects.filter(key=key).first()
    if plan is None:
        raise Http404("No such plan")
    is_owner = request.user.is_authenticated and plan.owner_id == request.user.pk
    if not plan.link_enabled and not is_owner:
        raise Http404("No such plan")
    return plan


@dataclass(frozen=True)
class ShownStep:
    row: PlanStep
    step: Step
    own_how_tos: tuple[HowTo, ...]
    other_how_tos: tuple[HowTo, ...]


@dataclass(frozen=True)
class ShownWeek:
    number: int
    steps: tuple[ShownStep, ...]

    @property
    def minutes(self) -> int:
        return sum(s.step.minutes for s in self.steps)


def _plan_context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    catalogue = get_catalogue()
    devices = plan.profile.get("devices", [])
    rows = list(plan.steps.all())

    def shown(row: PlanStep) -> ShownStep:
        step = catalogue.step(row.slug)
        own, others = step.how_tos_for(devices)
        return ShownStep(row, step, own, others)

    pending = [shown(r) for r in rows if r.is_pending]
    closed = [shown(r) for r in rows if r.is_closed]
    this_week = pending[0] if pending else None
    weeks = [
        ShownWeek(number, tuple(steps))
        for number, steps in groupby(pending, key=lambda s: s.row.week)
    ]
    persona = persona_catalogue.get_catalogue().personas.get(plan.persona)
    is_owner = request.user.is_authenticated and plan.owner_id == request.user.pk
    return {
        "plan": plan,
        "persona": persona,
        "this_week": this_week,
        "also_this_week": weeks[0].steps[1:] if weeks else (),
        "weeks_ahead": weeks[1:],
        "done": [s for s in closed if s.row.status == PlanStep.Status.DONE],
        "already": [s for s in closed if s.row.status == PlanStep.Status.ALREADY],
        "done_count": len(closed),
        "total_count": len(rows),
        "is_owner": is_owner,
        "careful": bool(plan.profile.get("adversaries"))
        and bool({"partner", "family"} & set(plan.profile.get("adversaries", []))),
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
    return redirect(plan)


@vary_on_headers("HX-Request")
@require_GET
def detail(request: HttpRequest, key: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    return render(request, "plans/detail.html", _plan_context(request, plan))


@require_POST
def mark(request: HttpRequest, key: str, slug: str) -> HttpResponse:
    plan = _get_plan_for_request(request, key)
    status = request.POST.get("status", "")
    try:
        services.step_mark(plan=plan, slug=slug, status=status)
    except services.StepMarkError as error:
        celebration = ""
        messages.error(request, str(error))
    else:
        celebration = MARK_MESSAGES[PlanStep.Status(status)]
        if not request.htmx:
            messages.success(request, celebration)
    if request.htmx:
        plan.refresh_from_db()
        context = {**_plan_context(request, plan), "celebration": celebration}
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
        request.session["plan_to_save"] = plan.key
        messages.info(
            request, "Sign in with your email to save your plan. We will send you a code."
        )
        return redirect(f"{reverse('account_login')}?next={plan.get_absolute_url()}")
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
    enabled = request.POST.get("enabled") == "on"
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
