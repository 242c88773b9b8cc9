"""A person's data: everything tied to a plan, to download or to delete.

"Everything tied to a plan" is what the database cascades from it: its
steps, reminder settings and logs, mentorships and kind notes. The export
and the deletion walk the same graph, so what you can download is exactly
what "Delete my plan and everything about me" removes, and a model added
later with a foreign key to Plan joins both without a change here.

Deleting also empties the caches of the plan: its printed copies in the
shared cache (every slot, plans/pdf_cache.py) and its drawn page parts in
this process's memory. Parts drawn by other processes hold no answers, can
no longer be reached (they are keyed on the plan) and go within an hour.
"""

import datetime
from typing import Any

from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.db import router, transaction
from django.utils import timezone

from plans.catalogue import get_catalogue
from plans.models import Plan

STALE_AFTER = datetime.timedelta(days=365)
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


def _plan_cache_forget(plan: Plan) -> None:
    # WeasyPrint is heavy: load the PDF modules only where they are needed.
    from plans import pdf_cache

    cache.delete_many(pdf_cache.plan_pdf_cache_keys(plan=plan))
    version = get_catalogue().version
    caches["fragments"].delete_many(
        [
            # As plans/_progress.html keys them.
            make_template_fragment_key("plan-weeks-ahead", [plan.pk, plan.updated_at, c, version])
            for c in (False, True)
        ]
    )


@transaction.atomic
def plan_delete(*, plan: Plan) -> dict[str, int]:
    """Delete the plan, every row tied to it and its cached copies; returns counts by model."""
    _, counts = Plan.objects.filter(pk=plan.pk).delete()
    _plan_cache_forget(plan)
    return counts


def plans_delete_stale(*, now: datetime.datetime | None = None) -> int:
    """Delete anonymous plans nobody has touched for a year."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = Plan.objects.filter(owner__isnull=True, updated_at__lt=cutoff)
    deleted = 0
    for pk in stale.values_list("pk", flat=True).iterator():
        # One plan at a time, and only if it is still untouched: a person
        # who comes back while this runs keeps their plan.
        with transaction.atomic():
            gone, _ = Plan.objects.filter(pk=pk, updated_at__lt=cutoff).delete()
            deleted += bool(gone)
    return deleted
