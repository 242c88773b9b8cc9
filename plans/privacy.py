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
import time
from typing import Any

from django.conf import settings
from django.contrib.admin.utils import NestedObjects
from django.core import serializers
from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.db import router, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from personas import catalogue as persona_catalogue
from plans.catalogue import get_catalogue
from plans.lowkey import NEUTRAL_TITLE, shown_title
from plans.models import Plan, PlanStep, ReminderSettings
from plans.reason_text import shown_reason

STALE_AFTER = datetime.timedelta(days=365)
# Plans deleted in one transaction by the daily clean-up (about 30 steps each).
# After each batch it rests as long as the batch took, so it has the database
# half the time at most and requests that come in meanwhile go first
# (bench/scale.py measures their p99 while it runs).
STALE_BATCH = 100
STALE_REST = 1.0
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
    # Kept in each language the plan was read in.
    languages = [(get_catalogue(code).version, code) for code, _name in settings.LANGUAGES]
    caches["fragments"].delete_many(
        [
            # As plans/_progress.html keys them.
            make_template_fragment_key(
                "plan-weeks-ahead", [plan.pk, plan.updated_at, c, version, code]
            )
            for c in (False, True)
            for version, code in languages
        ]
    )


DEVICE_NAMES = {
    "iphone": gettext_lazy("an iPhone"),
    "android": gettext_lazy("an Android phone"),
    "windows": gettext_lazy("a Windows computer"),
    "mac": gettext_lazy("a Mac"),
    "chromebook": gettext_lazy("a Chromebook"),
    "shared_computer": gettext_lazy("a shared or library computer"),
}
STATUS_WORDS: dict[str, str | Promise] = {
    PlanStep.Status.TODO: gettext_lazy("to do"),
    PlanStep.Status.DONE: gettext_lazy("done"),
    PlanStep.Status.NOT_NOW: gettext_lazy("moved to later"),
    PlanStep.Status.ALREADY: gettext_lazy("already did"),
}


def _day(value: datetime.date) -> str:
    """A date as the plan page writes it, with the month in the reader's language."""
    return date_format(value, "DATE_FORMAT")


def plan_export_text(*, plan: Plan) -> str:
    """The plan and what we keep about it, in plain words for a person.

    In low-key mode the file is titled "My weekly plan", leaves out the
    answers about who worries the person and the reasons for each step (they
    name worries), and shows a private step as "A private step": the file may
    be found in Downloads. The JSON file stays as the full second choice.
    """
    catalogue = get_catalogue(translation.get_language())
    low_key = plan.low_key
    profile = plan.profile
    lines = [
        _(NEUTRAL_TITLE) if low_key else _("My Little Steps plan"),
        _("Downloaded on %(day)s.") % {"day": _day(timezone.localdate())},
        "",
        _("Started on %(day)s. Pace: %(pace)s.")
        % {"day": _day(plan.start_date), "pace": plan.get_pace_display().lower()},
        _("Time each week: about %(minutes)s minutes.")
        % {"minutes": profile.get("minutes_per_week", "?")},
    ]
    devices = [str(DEVICE_NAMES.get(d, d)) for d in profile.get("devices") or ()]
    if devices:
        lines.append(_("Devices: %(devices)s.") % {"devices": ", ".join(devices)})
    if low_key:
        lines += [
            "",
            _("Low-key mode is on, so this file leaves out your answers about what worries you."),
            _("The full data file (JSON) on your plan page has everything."),
        ]
    else:
        adversaries = persona_catalogue.get_catalogue(translation.get_language()).adversaries
        worries = [
            adversaries[a].label if a in adversaries else a
            for a in profile.get("adversaries") or ()
        ]
        if worries:
            lines += ["", _("What worries you:"), *(f"- {w}" for w in worries)]
    lines += ["", _("Your steps")]
    week = None
    for row in plan.steps.all():
        if row.week != week:
            week = row.week
            lines += ["", _("Week %(week)s") % {"week": week}]
        step = catalogue.step(row.slug)
        title = shown_title(step, low_key=low_key)
        line = _("- %(title)s (about %(minutes)s minutes): %(status)s")
        lines.append(
            line % {"title": title, "minutes": step.minutes, "status": STATUS_WORDS[row.status]}
        )
        if not low_key:
            language = translation.get_language()
            lines += [
                _("    Why: %(reason)s")
                % {"reason": shown_reason(reason, slug=row.slug, language=language)}
                for reason in row.reasons
            ]
    reminder = ReminderSettings.objects.filter(plan=plan).first()
    lines.append("")
    if reminder is not None and reminder.active and reminder.email:
        lines.append(_("Weekly reminder emails go to %(email)s.") % {"email": reminder.email})
    else:
        lines.append(_("Reminder emails are off."))
    others = [
        obj
        for obj in _tied_to(plan)
        if not isinstance(obj, (Plan, PlanStep, ReminderSettings))
        and obj._meta.model_name != "reminderlog"
    ]
    if others:
        counts: dict[str, int] = {}
        for obj in others:
            name = str(obj._meta.verbose_name_plural)
            counts[name] = counts.get(name, 0) + 1
        listed = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        also = _("Also kept with your plan: %(listed)s. The full data file lists them.")
        lines.append(also % {"listed": listed})
    return "\n".join(lines) + "\n"


@transaction.atomic
def plan_delete(*, plan: Plan) -> dict[str, int]:
    """Delete the plan, every row tied to it and its cached copies; returns counts by model.

    The plan in hand starts the cascade, so it is not read again first. Its
    copies are forgotten before, while it still has its id.
    """
    _plan_cache_forget(plan)
    _, counts = plan.delete()
    return counts


def plans_delete_stale(
    *,
    now: datetime.datetime | None = None,
    batch_size: int = STALE_BATCH,
    rest: float = STALE_REST,
) -> int:
    """Delete anonymous plans nobody has touched for a year, a batch at a time.

    Each batch is its own short transaction (its plans, their steps, reminders,
    helpers and notes), so no statement holds its locks for long, and after
    each it waits `rest` times as long as the batch took, so other requests
    go first. Each plan is deleted only if it is still untouched: a person
    who comes back while this runs keeps their plan.
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
        started = time.monotonic()
        with transaction.atomic():
            _, counts = stale.filter(pk__in=batch).delete()
        deleted += counts.get(Plan._meta.label, 0)
        time.sleep(rest * (time.monotonic() - started))
