"""Reads of plans that are more than a filter."""

import functools

from plans.models import Plan


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
