"""The private calendar feed: a plan's weeks as all-day events (ICS)."""

import datetime

import icalendar
from django.utils import timezone

from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep


def calendar_feed(*, plan: Plan) -> bytes:
    """An ICS file: one all-day event a week with that week's steps."""
    catalogue = get_catalogue()
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Little Steps//Plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Little Steps")
    stamp = timezone.now()
    rows = list(plan.steps.exclude(status__in=PlanStep.CLOSED).order_by("week", "order"))
    weeks: dict[int, list[PlanStep]] = {}
    for row in rows:
        weeks.setdefault(row.week, []).append(row)
    for week, steps in weeks.items():
        titles = [catalogue.step(s.slug).title for s in steps]
        minutes = sum(catalogue.step(s.slug).minutes for s in steps)
        day = plan.start_date + datetime.timedelta(weeks=week - 1)
        event = icalendar.Event()
        event.add("uid", f"plan-{plan.pk}-week-{week}@littlesteps")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
        event.add("summary", f"Little step: {' and '.join(titles)}")
        # No link to the plan here: calendars are often shared or synced.
        event.add("description", f"About {minutes} minutes. There is no rush.")
        cal.add_component(event)
    ics: bytes = cal.to_ical()
    return ics
