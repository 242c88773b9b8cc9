"""A person's data: everything tied to a plan, to download or to delete.

"Everything tied to a plan" is what the database cascades from it: its
steps, reminder settings and logs, mentorships and kind notes. The export
and the deletion walk the same graph, so what you can download is exactly
what "Delete my plan and everything about me" removes, and a model added
later with a foreign key to Plan joins both without a change here.
"""

import datetime
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.db import router, transaction
from django.utils import timezone

from plans.models import Plan

STALE_AFTER = datetime.timedelta(days=365)
# Plans deleted in one transaction by the daily clean-up (about 40 steps each).
STALE_BATCH = 500
# Never exported: secrets that are not the person's data, only ways in.
HIDDEN_FIELDS = frozenset({"token_hash", "password"})


def _tied_to(plan: Plan) -> list[Any]:
    collector = NestedObjects(using=router.db_for_write(Plan))
    collector.collect([plan])
    objects: list[Any] = []

    def flatten(items: Any) -> None:
        for item in items:
            if isinstance(item, list):
                flatten(item)
            else:
                objects.append(item)

    flatten(collector.nested())
    return objects


def plan_export(*, plan: Plan) -> dict[str, Any]:
    """Everything stored about this plan, as plain JSON-ready data."""
    records = serializers.serialize("python", _tied_to(plan))
    data: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        fields = {k: v for k, v in record["fields"].items() if k not in HIDDEN_FIELDS}
        data.setdefault(record["model"], []).append({"id": record["pk"], **fields})
    return {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything Little Steps keeps about this plan.",
        "data": data,
    }


@transaction.atomic
def plan_delete(*, plan: Plan) -> dict[str, int]:
    """Delete the plan and every row tied to it; returns counts by model."""
    _, counts = Plan.objects.filter(pk=plan.pk).delete()
    return counts


def plans_delete_stale(
    *, now: datetime.datetime | None = None, batch_size: int = STALE_BATCH
) -> int:
    """Delete anonymous plans nobody has touched for a year, a batch at a time.

    Each batch is its own short transaction (its plans, their steps, reminders,
    helpers and notes), so no statement holds its locks for long and other
    requests go on between batches. Each plan is deleted only if it is still
    untouched: a person who comes back while this runs keeps their plan.
    """
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = Plan.objects.filter(owner__isnull=True, updated_at__lt=cutoff)
    deleted = 0
    last_pk = 0
    while True:
        batch = list(
            stale.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size]
        )
        if not batch:
            return deleted
        last_pk = batch[-1]
        with transaction.atomic():
            _, counts = stale.filter(pk__in=batch).delete()
        deleted += counts.get(Plan._meta.label, 0)
