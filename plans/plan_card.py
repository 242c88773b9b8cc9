"""The plan card: the plan page's main part, and what htmx swaps after a tick.

Each step is shown in the reader's language, with its region's words filled
in and the reasons it is in the plan put in that language too.
"""

from dataclasses import dataclass
from itertools import groupby

from django.http import HttpRequest
from django.utils import translation

from personas import catalogue as persona_catalogue
from plans import codes, makers, offers, reason_text, regions
from plans.catalogue import HowTo, Step, get_catalogue
from plans.models import Plan, PlanStep

# The plan card's parts kept drawn ({% cache %} in plans/_progress.html), keyed
# on the plan's stamp: a change to the plan draws them again at once.
FRAGMENT_SECONDS = 60 * 60


@dataclass(frozen=True)
class ShownStep:
    row: PlanStep
    step: Step
    # The how-to texts, for this week's steps only: the weeks ahead show
    # titles and summaries.
    own_how_tos: tuple[HowTo, ...] = ()
    other_how_tos: tuple[HowTo, ...] = ()
    # Why the step is in the plan, in the reader's language.
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShownWeek:
    number: int
    steps: tuple[ShownStep, ...]


def plan_context(request: HttpRequest, plan: Plan) -> dict[str, object]:
    """The plan card: the whole page's main part, and what htmx swaps after a tick."""
    language = translation.get_language()
    catalogue = get_catalogue(language)
    devices = plan.profile.get("devices", [])
    rows = list(plan.steps.all())
    worries = plan.profile.get("adversaries") or ()

    def step_for(row: PlanStep) -> Step:
        return regions.localise(catalogue.step(row.slug), region=plan.region, adversaries=worries)

    def reasons_for(row: PlanStep) -> tuple[str, ...]:
        return reason_text.shown_reasons(row.reasons, slug=row.slug, language=language)

    pending = [ShownStep(r, step_for(r), reasons=reasons_for(r)) for r in rows if r.is_pending]
    closed = [ShownStep(r, step_for(r)) for r in rows if r.is_closed]
    weeks = [
        ShownWeek(number, tuple(steps))
        for number, steps in groupby(pending, key=lambda s: s.row.week)
    ]
    this_week = [
        ShownStep(s.row, s.step, *s.step.how_tos_for(devices), reasons=s.reasons)
        for s in (weeks[0].steps if weeks else ())
    ]
    persona = persona_catalogue.get_catalogue(language).personas.get(plan.persona)
    is_owner = makers.is_plan_owner(request, plan)
    return {
        "plan": plan,
        "persona": persona,
        "this_week": this_week[0] if this_week else None,
        "also_this_week": this_week[1:],
        "weeks_ahead": weeks[1:],
        # Called by the template only when the kept fragment is drawn again.
        "when_ready": lambda: offers.when_ready(plan, rows),
        "done": [s for s in closed if s.row.status == PlanStep.Status.DONE],
        "already": [s for s in closed if s.row.status == PlanStep.Status.ALREADY],
        "done_count": len(closed),
        "total_count": len(rows),
        "is_owner": is_owner,
        "may_manage": makers.may_manage(request, plan),
        "has_code_access": codes.has_access(request, plan),
        # A saved plan's settings are its owner's to change.
        "can_change": makers.may_manage(request, plan),
        # Back from signing in to save: offer the Save button first.
        "saving": request.GET.get("saving") == "1" and plan.owner_id is None,
        "careful": plan.someone_close_is_a_worry,
        "low_key": plan.low_key,
        "region": regions.get_regions(language).get(plan.region),
        "region_choices": regions.get_regions(language).choices(),
        # The kept weeks ahead, per language: the site's words are in them too.
        "catalogue_version": catalogue.version,
        "language": language,
        "fragment_seconds": FRAGMENT_SECONDS,
    }
