"""Reads of plans that are more than a filter."""

import functools
from typing import NamedTuple

from plans.models import Plan, PlanStep


@functools.cache
def _plan_by_key_sql() -> str:
    sql, _ = Plan.objects.filter(key="").query.sql_with_params()
    return sql


def plan_by_key(key: str) -> Plan | None:
    """The plan behind a private link, or None.

    Every plan page and action starts here, so the ORM's own SQL for
    Plan.objects.filter(key=key) is compiled once per process and reused:
    compiling it again on every request was a third of the cost of a
    cached plan page (bench/pages.py).
    """
    found = list(Plan.objects.raw(_plan_by_key_sql(), [key]))
    return found[0] if found else None


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

    @property
    def is_closed(self) -> bool:
        return self.status in PlanStep.CLOSED

    @property
    def is_pending(self) -> bool:
        return not self.is_closed


def plan_rows(*, plan_id: int) -> list[StepRow]:
    """Every step of the plan, in week order."""
    rows = PlanStep.objects.filter(plan_id=plan_id).values_list(*StepRow._fields)
    return [StepRow(*row) for row in rows]
