"""Writes to plans go through these services (typed, keyword-only)."""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from personas import catalogue as persona_catalogue
from personas.languages import content_language
from personas.profile import Profile
from plans.catalogue import StepCatalogue, get_catalogue
from plans.generator import GeneratedPlan, generate
from plans.lowkey import answers_call_for_low_key
from plans.models import Plan, PlanStep, ReminderSettings, new_feed_key, new_plan_key
from plans.regions import get_regions

NOT_NOW_GAP_WEEKS = 1
# Log lines name plans by their id only: never the private key, the
# answers, the steps (a step can hint at a worry) or an email address.
logger = logging.getLogger(__name__)


class StepMarkError(ValueError):
    """A status change that cannot be made; the message is for the person."""


def _places(generated: GeneratedPlan) -> dict[str, tuple[int, int, list[str]]]:
    """Where the planner put each step: its week, its order in the week, its reasons."""
    return {
        step.slug: (week.number, order, list(step.reasons))
        for week in generated.weeks
        for order, step in enumerate(week.steps, start=1)
    }


def _first_steps(persona: str) -> tuple[str, ...]:
    """The matched persona's first steps, which shape the first weeks."""
    found = persona_catalogue.get_catalogue().personas.get(persona)
    return found.first_steps if found else ()


def _new_steps(plan: Plan, places: dict[str, tuple[int, int, list[str]]]) -> list[PlanStep]:
    """Steps to add, still to do."""
    return [
        PlanStep(plan=plan, slug=slug, week=week, order=order, reasons=reasons)
        for slug, (week, order, reasons) in places.items()
    ]


@transaction.atomic
def plan_create(
    *,
    profile: Profile,
    persona: str,
    owner: User | None = None,
    start_date: datetime.date | None = None,
    catalogue: StepCatalogue | None = None,
    region: str | None = None,
    language: str | None = None,
) -> Plan:
    catalogue = catalogue or get_catalogue()
    plan = Plan(
        owner=owner,
        region=get_regions().get(region).code,
        # The language of the page it was made on (plans/languages.py).
        language=content_language(language or translation.get_language()),
        # Low-key by default where an answer signals danger at home.
        low_key=answers_call_for_low_key(profile.to_dict()),
        profile=profile.to_dict(),
        persona=persona,
        catalogue_version=catalogue.version,
        start_date=start_date or timezone.localdate(),
    )
    plan.full_clean()
    plan.save()
    generated = generate(profile, catalogue, first_steps=_first_steps(persona))
    steps = PlanStep.objects.bulk_create(_new_steps(plan, _places(generated)))
    logger.info("plan %s created with %s steps", plan.pk, len(steps))
    return plan


def current_week(steps: Iterable[PlanStep]) -> int | None:
    """The week of the first step still to do; None when every step is closed."""
    pending = [s.week for s in steps if s.is_pending]
    return min(pending) if pending else None


def _plan_changed(plan: Plan, **fields: object) -> None:
    """Stamp the plan (with any fields that change with it) in one UPDATE.

    The UPDATE locks the plan's row until the end of the transaction, so
    two changes to one plan re-flow one after the other. The stamp moves on
    every change, even the last tick: the plan page's kept fragments and the
    printed plan are keyed on it.
    """
    now = timezone.now()
    Plan.objects.filter(pk=plan.pk).update(updated_at=now, **fields)
    plan.updated_at = now
    for name, value in fields.items():
        setattr(plan, name, value)


def _write_steps(steps: list[PlanStep]) -> None:
    """Insert the steps, or update the place and status of those the plan already has."""
    PlanStep.objects.bulk_create(
        steps,
        update_conflicts=True,
        unique_fields=["plan", "slug"],
        update_fields=["week", "order", "reasons", "status", "status_changed_at"],
    )


def plan_reflow(
    *,
    plan: Plan,
    steps: list[PlanStep],
    not_before: dict[str, int] | None = None,
    catalogue: StepCatalogue | None = None,
    changed: tuple[PlanStep, ...] = (),
) -> None:
    """Re-plan every step still to do, from the current week on, and write what changed.

    steps are the plan's steps, read after the plan was stamped (_plan_changed),
    as they should be before re-planning; changed are those of them that
    differ from what is stored (a step just marked).

    Closed steps (done, already did) stay where they were. Steps still to do
    in a week that already has a closed step stay in that week too, so no
    week ends up with more than two steps. Only the steps whose place or
    status changes are written, in one upsert.

    Re-flow moves the steps the plan has; it never adds one, so the total a
    person sees never grows on a tick. A step put off ("not now") is not
    placed before the week it was moved to, even when "this week was too
    much" re-flows the plan after it.
    """
    not_before = dict(not_before or {})
    for step in steps:
        if step.status == PlanStep.Status.NOT_NOW and step.slug not in not_before:
            not_before[step.slug] = step.week
    catalogue = catalogue or get_catalogue()
    written = {s.slug: s for s in changed}
    new: list[PlanStep] = []
    gone: list[PlanStep] = []
    week = current_week(steps)
    if week is not None:
        settled = {s.slug: s.status for s in steps if s.is_closed}
        first_week = week
        if any(s.week == week and s.is_closed for s in steps):
            # Keep this week's other steps; they count as placed for the planner.
            first_week = week + 1
            for step in steps:
                if step.week == week and step.is_pending and step.slug not in not_before:
                    settled[step.slug] = PlanStep.Status.DONE
        generated = generate(
            Profile.from_dict(plan.profile),
            catalogue,
            statuses=settled,
            first_week=first_week,
            not_before=not_before,
            pace=plan.pace,
            first_steps=_first_steps(plan.persona),
            only={s.slug for s in steps if s.slug not in settled},
        )
        wanted = _places(generated)
        old = {s.slug: s for s in steps if s.slug not in settled}
        # A step just put off may not fit in the plan any more: it goes too.
        gone = [s for slug, s in old.items() if slug not in wanted]
        for slug, step in old.items():
            if slug in wanted and (step.week, step.order, step.reasons) != wanted[slug]:
                step.week, step.order, step.reasons = wanted[slug]
                written[slug] = step
        new = _new_steps(plan, {slug: place for slug, place in wanted.items() if slug not in old})
    for step in gone:
        written.pop(step.slug, None)
    if gone:
        PlanStep.objects.filter(pk__in=[s.pk for s in gone]).delete()
    if written or new:
        # New rows for the upsert: it matches them to the stored ones by plan and slug.
        _write_steps(
            [
                PlanStep(
                    plan=plan,
                    slug=s.slug,
                    week=s.week,
                    order=s.order,
                    status=s.status,
                    reasons=s.reasons,
                    status_changed_at=s.status_changed_at,
                )
                for s in written.values()
            ]
            + new
        )


@transaction.atomic
def step_mark(*, plan: Plan, slug: str, status: str) -> None:
    """Mark a step done, not now or already did, then re-flow the rest.

    The plan is stamped (and locked) first, its steps read once, and the
    marked step written together with the steps the re-flow moved.
    """
    if status not in {PlanStep.Status.DONE, PlanStep.Status.NOT_NOW, PlanStep.Status.ALREADY}:
        raise StepMarkError(_("That choice did not work. Please try one of the buttons again."))
    _plan_changed(plan)  # first: the plan's lock orders changes to one plan
    steps = list(plan.steps.all())
    marked = next((s for s in steps if s.slug == slug), None)
    # Raising undoes the plan's stamp: nothing is changed.
    if marked is None:
        raise StepMarkError(
            _("That step is not in your plan any more. Here is your plan as it is now.")
        )
    if marked.is_closed and status == PlanStep.Status.NOT_NOW:
        raise StepMarkError(_("That step is already ticked off, so there is nothing to move."))
    marked.status, marked.status_changed_at = status, timezone.now()
    not_before = {}
    if status == PlanStep.Status.NOT_NOW:
        not_before[slug] = marked.week + NOT_NOW_GAP_WEEKS
    plan_reflow(plan=plan, steps=steps, not_before=not_before, changed=(marked,))
    logger.info("plan %s: a step was marked %s", plan.pk, status)


@transaction.atomic
def plan_slow_down(*, plan: Plan) -> None:
    """ "This week was too much": one step a week and half the minutes from now on."""
    plan.pace = Plan.Pace.GENTLE
    _plan_changed(plan, pace=plan.pace)
    plan_reflow(plan=plan, steps=list(plan.steps.all()))


def plan_attach(*, plan: Plan, user: User) -> bool:
    """Save an anonymous plan to an account; False when it already has another owner."""
    updated = Plan.objects.filter(pk=plan.pk, owner__isnull=True).update(
        owner=user, updated_at=timezone.now()
    )
    if updated:
        plan.owner = user
        return True
    return plan.owner_id == user.pk


@transaction.atomic
def plan_set_link(*, plan: Plan, enabled: bool) -> None:
    """Turn the private link off or on. Either way the calendar feed gets a new
    address: one copied while the link was on (from the reminders page) stops
    working with it, and does not come back when the link does."""
    Plan.objects.filter(pk=plan.pk).update(link_enabled=enabled, updated_at=timezone.now())
    plan.link_enabled = enabled
    ReminderSettings.objects.filter(plan=plan).update(
        feed_key=new_feed_key(), updated_at=timezone.now()
    )


def plan_set_low_key(*, plan: Plan, on: bool) -> None:
    """Turn low-key mode on or off. The stamp moves: kept fragments and prints redraw."""
    Plan.objects.filter(pk=plan.pk).update(low_key=on, updated_at=timezone.now())
    plan.low_key = on


def plan_new_key(*, plan: Plan) -> None:
    """A new private link for the plan: the old address opens nothing from now on."""
    key = new_plan_key()
    Plan.objects.filter(pk=plan.pk).update(key=key, updated_at=timezone.now())
    plan.key = key


class RegionError(ValueError):
    """Not a region we know; the message is for the person."""


def plan_set_region(*, plan: Plan, region: str) -> None:
    """Which country's helplines the steps name. The stamp moves: pages and prints redraw."""
    if region not in get_regions().regions:
        raise RegionError(_("Please pick one of the countries in the list."))
    Plan.objects.filter(pk=plan.pk).update(region=region, updated_at=timezone.now())
    plan.region = region
