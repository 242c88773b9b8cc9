"""Reads of plans that are more than a filter.

The two reads every plan page and every tick make (the plan behind the
link, then its steps) run the ORM's own SQL, compiled once per process,
and convert each value the way a queryset would (the backend's and each
field's converters). Building the queryset again on every request cost
more than the query itself (bench/pages.py).
"""

import datetime
import functools
import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, OuterRef, QuerySet, Subquery
from django.db.models.expressions import Col

from plans.models import Plan, PlanStep, ReminderLog


class _Compiled(NamedTuple):
    sql: str
    columns: tuple[Col, ...]


def _compile(queryset: QuerySet, fields: Iterable[str]) -> _Compiled:
    """The queryset's SQL (its one parameter left as a placeholder) and its columns."""
    model: type[Model] = queryset.model
    sql, _ = queryset.query.sql_with_params()
    table = model._meta.db_table
    return _Compiled(sql, tuple(model._meta.get_field(f).get_col(table) for f in fields))


@functools.cache
def _plan_by_key() -> _Compiled:
    fields = [field.name for field in Plan._meta.concrete_fields]
    return _compile(Plan.objects.filter(key=""), fields)


@functools.cache
def _plan_rows() -> _Compiled:
    fields = ["id" if name == "pk" else name for name in StepRow._fields]
    rows = PlanStep.objects.filter(plan_id=0).order_by("week", "order", "pk")
    return _compile(rows.values_list(*fields), fields)


@functools.cache
def _converters(
    compiled: Callable[[], _Compiled], vendor: str
) -> tuple[tuple[int, Col, tuple[Callable, ...]], ...]:
    """For each column that needs it, the converters a queryset would apply."""
    connection = connections[DEFAULT_DB_ALIAS]
    found = []
    for index, column in enumerate(compiled().columns):
        convert = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if convert:
            found.append((index, column, tuple(convert)))
    return tuple(found)


def _fetch(compiled: Callable[[], _Compiled], parameter: Any) -> list[list[Any]]:
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup costs
    with connection.cursor() as cursor:
        cursor.execute(compiled().sql, [parameter])
        rows = [list(row) for row in cursor.fetchall()]
    for index, column, converters in _converters(compiled, connection.vendor):
        for row in rows:
            for convert in converters:
                row[index] = convert(row[index], column, connection)
    return rows


class PlanState(NamedTuple):
    """What the plan page needs to know before it knows whether its kept copy will do."""

    pk: int
    owner_id: int | None
    link_enabled: bool
    updated_at: datetime.datetime
    page_changed_at: datetime.datetime | None


@functools.cache
def _plan_state_by_key() -> _Compiled:
    fields = ["id", "owner", "link_enabled", "updated_at", "page_changed_at"]
    return _compile(Plan.objects.filter(key="").values_list(*fields), fields)


def plan_state_by_key(key: str) -> PlanState | None:
    """The plan's access and change stamps, without its answers (a kept page needs no more)."""
    found = _fetch(_plan_state_by_key, key)
    return PlanState(*found[0]) if found else None


def plan_by_key(key: str) -> Plan | None:
    """The plan behind a private link, or None: Plan.objects.filter(key=key), made cheap."""
    found = _fetch(_plan_by_key, key)
    return Plan.from_db(DEFAULT_DB_ALIAS, None, found[0]) if found else None


class StepRow(NamedTuple):
    """A plan's step as pages and the re-flow read it: its fields, no model.

    A plan has fifty-odd steps and every page and tick reads them all;
    plain rows cost a fraction of model instances.
    """

    pk: int | None  # None: a step just added, not read back (services.plan_reflow)
    slug: str
    week: int
    order: int
    status: str
    reasons: list[str]
    status_changed_at: datetime.datetime | None

    def place(self) -> tuple[int, int, float]:
        """Where the step stands in the plan: the order plan_rows reads them in.

        A step just added sorts last among steps in the same place, as its
        new id would.
        """
        return self.week, self.order, math.inf if self.pk is None else self.pk

    @property
    def is_closed(self) -> bool:
        return self.status in PlanStep.CLOSED

    @property
    def is_pending(self) -> bool:
        return not self.is_closed


def plan_rows(*, plan_id: int) -> list[StepRow]:
    """Every step of the plan, in week order (StepRow.place)."""
    return [StepRow(*row) for row in _fetch(_plan_rows, plan_id)]


# --- Reminders to send -------------------------------------------------------------


class ReminderDue(NamedTuple):
    """What one reminder email needs (plans.reminders.reminders_send)."""

    log_id: int
    plan_id: int
    due_at: datetime.datetime
    no_rush: bool
    plan_key: str
    profile: dict[str, Any]
    email: str | None  # None: the plan's reminder settings are gone
    weekday: int | None
    active: bool | None
    slug: str | None  # this week's step; None when every step is closed


def reminders_due(*, log_ids: Iterable[int]) -> dict[int, ReminderDue]:
    """For each log row that still exists: its plan, its settings and this week's step.

    One query for a whole batch, where a model for each row, its plan and
    its settings, then a query for its step, cost more than the email.
    """
    this_week = (
        PlanStep.objects.filter(plan_id=OuterRef("plan_id"))
        .exclude(status__in=PlanStep.CLOSED)
        .order_by("week", "order", "pk")
        .values("slug")[:1]
    )
    settings = "plan__reminder_settings__"
    rows = (
        ReminderLog.objects.filter(pk__in=list(log_ids))
        .annotate(this_week=Subquery(this_week))
        .values_list(
            "id",
            "plan_id",
            "due_at",
            "no_rush",
            "plan__key",
            "plan__profile",
            f"{settings}email",
            f"{settings}weekday",
            f"{settings}active",
            "this_week",
        )
    )
    return {row[0]: ReminderDue(*row) for row in rows}
