"""Reads of plans that are more than a filter."""

import functools
from collections.abc import Callable
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.expressions import Col

from plans.models import Plan, PlanStep


@functools.cache
def _plan_by_key_sql() -> tuple[str, tuple[Col, ...]]:
    query = Plan.objects.filter(key="").query
    sql, _ = query.sql_with_params()
    columns = tuple(field.get_col(Plan._meta.db_table) for field in Plan._meta.concrete_fields)
    return sql, columns


@functools.cache
def _plan_converters(vendor: str) -> tuple[tuple[int, Col, tuple[Callable, ...]], ...]:
    """For each column that needs it, the converters a queryset would apply."""
    connection = connections[DEFAULT_DB_ALIAS]
    found = []
    for index, column in enumerate(_plan_by_key_sql()[1]):
        convert = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if convert:
            found.append((index, column, tuple(convert)))
    return tuple(found)


def plan_by_key(key: str) -> Plan | None:
    """The plan behind a private link, or None.

    Every plan page and action starts here, and a kept plan page costs
    little more than this lookup (bench/pages.py). So the ORM's own SQL for
    Plan.objects.filter(key=key) is compiled once per process, and the row
    becomes a Plan the way a queryset makes one (the backend's and each
    field's converters, then Model.from_db), without the queryset's
    per-call setup.
    """
    connection = connections[DEFAULT_DB_ALIAS]  # looked up once: each lookup costs
    sql, _ = _plan_by_key_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, column, converters in _plan_converters(connection.vendor):
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    return Plan.from_db(DEFAULT_DB_ALIAS, None, values)


class StepRow(NamedTuple):
    """A plan's step as pages and the re-flow read it: its fields, no model.

    A plan has fifty-odd steps and every page and tick reads them all;
    plain rows cost a fraction of model instances.
    """

    pk: int
    slug: str
    week: int
    order: int
    status: str
    reasons: list[str]

    @classmethod
    def of(cls, step: PlanStep) -> "StepRow":
        return cls(*(getattr(step, name) for name in cls._fields))

    def place(self) -> tuple[int, int, int]:
        """Where the step stands in the plan: the order plan_rows reads them in."""
        return self.week, self.order, self.pk

    @property
    def is_closed(self) -> bool:
        return self.status in PlanStep.CLOSED

    @property
    def is_pending(self) -> bool:
        return not self.is_closed


def plan_rows(*, plan_id: int) -> list[StepRow]:
    """Every step of the plan, in week order (StepRow.place)."""
    rows = (
        PlanStep.objects.filter(plan_id=plan_id)
        .order_by("week", "order", "pk")
        .values_list(*StepRow._fields)
    )
    return [StepRow(*row) for row in rows]
