"""Writes to plans go through these services (typed, keyword-only)."""

import datetime
import functools
import logging
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field, Q
from django.db.models.constants import OnConflict
from django.db.models.sql import UpdateQuery
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


def _places(generated: GeneratedPlan) -> dict[str, tuple[int, int, list[str]]]:
    """Where the planner put each step: its week, its order in the week, its reasons."""
    return {
        step.slug: (week.number, order, list(step.reasons))
        for week in generated.weeks
        for order, step in enumerate(week.steps, start=1)
    }


def _new_rows(places: dict[str, tuple[int, int, list[str]]]) -> list[selectors.StepRow]:
    """Steps to add, still to do. Their ids are not read back: None until the plan is read."""
    return [
        selectors.StepRow(None, slug, week, order, PlanStep.Status.TODO, reasons, None)
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
    rows = _new_rows(_places(generate(profile, catalogue)))
    _write_places(plan, rows)
    logger.info("plan %s created with %s steps", plan.pk, len(rows))
    return plan


def current_week(steps: Iterable[selectors.StepRow]) -> int | None:
    """The week of the first step still to do; None when every step is closed."""
    pending = [s.week for s in steps if s.is_pending]
    return min(pending) if pending else None


# The two writes every tick makes, as the ORM writes them but compiled once
# per process (selectors does the same for the reads): building the
# statements again on every tick cost more than running them
# (bench/pages.py).


@functools.cache
def _stamp_sql(vendor: str) -> str:
    query = UpdateQuery(Plan)
    query.add_update_values({"updated_at": timezone.now()})
    query.add_q(Q(pk=0))
    sql, _ = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    return sql


def _plan_changed(plan: Plan, **fields: object) -> None:
    """Stamp the plan (with any fields that change with it) in one UPDATE.

    The UPDATE locks the plan's row until the end of the transaction, so
    two changes to one plan re-flow one after the other. Every re-flow
    follows a change, even the last tick: caches keyed on updated_at (the
    plan page, the printed plan) must see it.
    """
    if fields:
        Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now(), **fields)
        return
    connection = connections[DEFAULT_DB_ALIAS]
    stamp = Plan._meta.get_field("updated_at").get_db_prep_save(timezone.now(), connection)
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql(connection.vendor), [stamp, plan.pk])


# A step's place and status: what the re-flow writes. A row for a step the
# plan already has (its plan and slug) is updated; its id and creation
# date stay as they were.
_PLACE_FIELDS = ("plan", "slug", "week", "order", "status", "reasons", "status_changed_at")
_PLACE_UPDATED = ("week", "order", "reasons", "status", "status_changed_at")


@functools.cache
def _place_fields() -> tuple[Field, ...]:
    return tuple(PlanStep._meta.get_field(name) for name in (*_PLACE_FIELDS, "created_at"))


@functools.cache
def _place_sql(vendor: str, count: int) -> str:
    """INSERT ... ON CONFLICT DO UPDATE for count steps, as bulk_create writes it.

    Always as a list of VALUES: bulk_create on PostgreSQL sends columns as
    arrays (UNNEST), which cost more to send than these few rows.
    """
    ops = connections[DEFAULT_DB_ALIAS].ops
    fields = _place_fields()
    field = PlanStep._meta.get_field
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    return " ".join(
        [
            ops.insert_statement(on_conflict=OnConflict.UPDATE),
            ops.quote_name(PlanStep._meta.db_table),
            f"({columns})",
            ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * count),
            ops.on_conflict_suffix_sql(
                fields,
                OnConflict.UPDATE,
                [field(name).column for name in _PLACE_UPDATED],
                [field("plan").column, field("slug").column],
            ),
        ]
    )


def _write_places(plan: Plan, steps: list[selectors.StepRow]) -> None:
    """Insert or update the steps' rows, in one statement (or a few for many rows)."""
    connection = connections[DEFAULT_DB_ALIAS]
    fields = _place_fields()
    now = timezone.now()
    rows = [
        [
            field.get_db_prep_save(value, connection)
            for field, value in zip(
                fields,
                (plan.pk, s.slug, s.week, s.order, s.status, s.reasons, s.status_changed_at, now),
                strict=True,
            )
        ]
        for s in steps
    ]
    size = connection.ops.bulk_batch_size(fields, rows) or len(rows)
    with connection.cursor() as cursor:
        for at in range(0, len(rows), size):
            batch = rows[at : at + size]
            cursor.execute(
                _place_sql(connection.vendor, len(batch)), [v for row in batch for v in row]
            )


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
    new: list[selectors.StepRow] = []
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
        wanted = _places(generated)
        old = {s.slug: s for s in steps if s.slug not in settled}
        gone = [s.pk for slug, s in old.items() if slug not in wanted]
        moved = [
            s._replace(week=wanted[slug][0], order=wanted[slug][1], reasons=wanted[slug][2])
            for slug, s in old.items()
            if slug in wanted and (s.week, s.order, s.reasons) != wanted[slug]
        ]
        new = _new_rows({slug: place for slug, place in wanted.items() if slug not in old})
    removed = set(gone)
    if gone:
        PlanStep.objects.filter(pk__in=gone).delete()
    # A step just put off may not fit in the plan any more: it goes too.
    written = {s.slug: s for s in changed if s.pk not in removed} | {s.slug: s for s in moved}
    if written or new:
        _write_places(plan, [*written.values(), *new])
    # The steps as they are now, in the order plan_rows reads them.
    by_slug = {s.slug: s for s in steps if s.pk not in removed}
    by_slug.update((s.slug, s) for s in moved)
    by_slug.update((s.slug, s) for s in new)
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
