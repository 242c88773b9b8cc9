"""The private calendar feed: a plan's weeks as all-day events (ICS).

Calendars are often shared or synced to other devices, so the feed never
links to the plan, and in low-key mode (plans/lowkey.py) it has neutral
words throughout: the calendar is "My weekly plan", and a step that could
tip someone off is "A private step".
"""

import datetime

import icalendar
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from plans.catalogue import get_catalogue
from plans.lowkey import NEUTRAL_TITLE, shown_title
from plans.models import Plan, PlanStep


def calendar_feed(*, plan: Plan) -> bytes:
    """An ICS file: one all-day event a week with that week's steps, in the plan's language."""
    with translation.override(plan.language):
        return _calendar_feed(plan)


def _calendar_feed(plan: Plan) -> bytes:
    catalogue = get_catalogue(plan.language)
    low_key = plan.low_key
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Weekly plan//EN" if low_key else "-//Little Steps//Plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _(NEUTRAL_TITLE) if low_key else "Little Steps")
    stamp = timezone.now()
    rows = list(plan.steps.exclude(status__in=PlanStep.CLOSED).order_by("week", "order"))
    weeks: dict[int, list[PlanStep]] = {}
    for row in rows:
        weeks.setdefault(row.week, []).append(row)
    for week, steps in weeks.items():
        titles = [shown_title(catalogue.step(s.slug), low_key=low_key) for s in steps]
        minutes = sum(catalogue.step(s.slug).minutes for s in steps)
        day = plan.start_date + datetime.timedelta(weeks=week - 1)
        event = icalendar.Event()
        event.add(
            "uid", f"plan-{plan.pk}-week-{week}@{'weekly-plan' if low_key else 'littlesteps'}"
        )
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        label = _("Weekly plan") if low_key else _("Little step")
        and_word = pgettext("between step titles", "and")
        joined = f" {and_word} ".join(titles)
        event.add("summary", f"{label}: {joined}")
        description = ngettext(
            "About %(minutes)s minute. There is no rush.",
            "About %(minutes)s minutes. There is no rush.",
            minutes,
        )
        event.add("description", description % {"minutes": minutes})
        cal.add_component(event)
    ics: bytes = cal.to_ical()
    return ics
