"""Reads of plans that are more than a filter."""

import datetime
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.db.models import OuterRef, Subquery

from plans.models import PlanStep, ReminderLog

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
