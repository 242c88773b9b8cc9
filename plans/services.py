"""Writes to plans go through these services (typed, keyword-only)."""

import datetime
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from personas.profile import Profile
from plans import selectors
from plans.catalogue import StepCatalogue, get_catalogue
from plans.generator import GeneratedPlan, generate
from plans.models import Plan, PlanStep

NOT_NOW_GAP_WEEKS = 1
# Log lines name plans by their id only: never the private key, the
# answers, the steps (a step can hint at a worry) or an email address.
logger = logging.getLogger(__name__)


class StepMarkError(ValueError):
    """A status change that cannot be made; the message is for the person."""


def _rows(plan: Plan, generated: GeneratedPlan) -> list[PlanStep]:
    return [
        PlanStep(
            plan=plan, week=week.number, order=order, slug=step.slug, reasons=list(step.reasons)
        )
        for week in generated.weeks
        for order, step in enumerate(week.steps, start=1)
    ]


@transaction.atomic
def plan_create(
    *,
    profile: Profile,
    persona: str,
    owner: User | None = None,
    start_date: datetime.date | None = None,
    catalogue: StepCatalogue | None = None,
) -> Plan:
    catalogue = catalogue or get_catalogue()
    plan = Plan(
        owner=owner,
        profile=profile.to_dict(),
        persona=persona,
        catalogue_version=catalogue.version,
        start_date=start_date or timezone.localdate(),
    )
    plan.full_clean()
    plan.save()
    rows = PlanStep.objects.bulk_create(_rows(plan, generate(profile, catalogue)))
    logger.info("plan %s created with %s steps", plan.pk, len(rows))
    return plan


def current_week(steps: Iterable[PlanStep | selectors.StepRow]) -> int | None:
    """The week of the first step still to do; None when every step is closed."""
    pending = [s.week for s in steps if s.is_pending]
    return min(pending) if pending else None


def _plan_changed(plan: Plan, **fields: object) -> None:
    """Stamp the plan (with any fields that change with it) in one UPDATE.

    The UPDATE locks the plan's row until the end of the transaction, so
    two changes to one plan re-flow one after the other. Every re-flow
    follows a change, even the last tick: caches keyed on updated_at (the
    plan page, the printed plan) must see it.
    """
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now(), **fields)


# Inside step_mark or plan_slow_down no savepoint of its own: an error
# undoes their whole change anyway, and the savepoint cost two round trips.
@transaction.atomic(savepoint=False)
def plan_reflow(
    *,
    plan: Plan,
    steps: list[selectors.StepRow],
    not_before: dict[str, int] | None = None,
    catalogue: StepCatalogue | None = None,
    changed: tuple[selectors.StepRow, ...] = (),
) -> list[selectors.StepRow]:
    """Re-plan every step still to do, from the current week on, and write what changed.

    steps are the plan's rows, read after the plan was stamped (_plan_changed),
    as they should be before re-planning; changed are those of them that
    differ from what is stored (a step just marked).

    Closed steps (done, already did) stay where they were. Steps still to do
    in a week that already has a closed step stay in that week too, so no
    week ends up with more than two steps.

    Only the rows whose place or status changes are written, in one
    statement: after a tick most steps stay where they were, so most
    re-flows write a few rows at the far end of the plan. Returns the plan's
    steps as they are now.
    """
    not_before = not_before or {}
    catalogue = catalogue or get_catalogue()
    moved: list[selectors.StepRow] = []
    new: list[PlanStep] = []
    gone: list[int] = []
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
        )
        wanted = {
            step.slug: (week.number, order, list(step.reasons))
            for week in generated.weeks
            for order, step in enumerate(week.steps, start=1)
        }
        old = {s.slug: s for s in steps if s.slug not in settled}
        gone = [s.pk for slug, s in old.items() if slug not in wanted]
        moved = [
            s._replace(week=wanted[slug][0], order=wanted[slug][1], reasons=wanted[slug][2])
            for slug, s in old.items()
            if slug in wanted and (s.week, s.order, s.reasons) != wanted[slug]
        ]
        new = [
            PlanStep(plan=plan, slug=slug, week=week_number, order=order, reasons=reasons)
            for slug, (week_number, order, reasons) in wanted.items()
            if slug not in old
        ]
    removed = set(gone)
    if gone:
        PlanStep.objects.filter(pk__in=gone).delete()
    # A step just put off may not fit in the plan any more: it goes too.
    written = {s.slug: s for s in changed if s.pk not in removed} | {s.slug: s for s in moved}
    if written or new:
        # One statement for all: a new step is inserted; one already there
        # (the same plan and slug) gets its new place and status. Its id and
        # creation date stay as they were.
        placed = [
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
        PlanStep.objects.bulk_create(
            [*placed, *new],
            update_conflicts=True,
            unique_fields=["plan", "slug"],
            update_fields=["week", "order", "reasons", "status", "status_changed_at"],
        )
    # The steps as they are now, in the order plan_rows reads them.
    by_slug = {s.slug: s for s in steps if s.pk not in removed}
    by_slug.update((s.slug, s) for s in moved)
    by_slug.update((s.slug, selectors.StepRow.of(s)) for s in new)
    return sorted(by_slug.values(), key=selectors.StepRow.place)


@transaction.atomic
def step_mark(*, plan: Plan, slug: str, status: str) -> list[selectors.StepRow]:
    """Mark a step done, not now or already did, then re-flow the rest.

    The plan is stamped (and locked) first, its steps read once, and the
    marked step written together with the steps the re-flow moved.
    Returns the plan's steps as they are after the change.
    """
    if status not in {PlanStep.Status.DONE, PlanStep.Status.NOT_NOW, PlanStep.Status.ALREADY}:
        raise StepMarkError("That choice did not work. Please try one of the buttons again.")
    _plan_changed(plan)  # first: the plan's lock orders changes to one plan
    steps = selectors.plan_rows(plan_id=plan.pk)
    marked = next((s for s in steps if s.slug == slug), None)
    # Raising undoes the plan's stamp: nothing is changed.
    if marked is None:
        raise StepMarkError(
            "That step is not in your plan any more. Here is your plan as it is now."
        )
    if marked.is_closed and status == PlanStep.Status.NOT_NOW:
        raise StepMarkError("That step is already ticked off, so there is nothing to move.")
    marked = marked._replace(status=status, status_changed_at=timezone.now())
    steps = [marked if s.slug == slug else s for s in steps]
    not_before = {}
    if status == PlanStep.Status.NOT_NOW:
        not_before[slug] = marked.week + NOT_NOW_GAP_WEEKS
    steps = plan_reflow(plan=plan, steps=steps, not_before=not_before, changed=(marked,))
    logger.info("plan %s: a step was marked %s", plan.pk, status)
    return steps


@transaction.atomic
def plan_slow_down(*, plan: Plan) -> None:
    """ "This week was too much": one step a week and half the minutes from now on."""
    plan.pace = Plan.Pace.GENTLE
    _plan_changed(plan, pace=plan.pace)
    plan_reflow(plan=plan, steps=selectors.plan_rows(plan_id=plan.pk))


def plan_attach(*, plan: Plan, user: User) -> bool:
    """Save an anonymous plan to an account; False when it already has another owner."""
    updated = Plan.objects.filter(pk=plan.pk, owner__isnull=True).update(
        owner=user, updated_at=timezone.now()
    )
    if updated:
        plan.owner = user
        return True
    return plan.owner_id == user.pk


def plan_set_link(*, plan: Plan, enabled: bool) -> None:
    Plan.objects.filter(pk=plan.pk).update(link_enabled=enabled, updated_at=timezone.now())
    plan.link_enabled = enabled


def plans_page_changed(*, plan_ids: Iterable[int]) -> None:
    """Something the plan page shows beside the plan's own steps changed.

    A helper joined, changed their name or sharing, or sent a note; reminders
    stopped or started again. The stamp tells the cached plan page
    (views.detail) to render again.
    """
    Plan.objects.filter(pk__in=list(plan_ids)).update(page_changed_at=timezone.now())
