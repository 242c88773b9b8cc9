"""When reminders are due: wall-clock times in a person's own time zone.

Pure arithmetic on dates, times and zones; nothing here reads the database.
"""

import datetime
import functools
import zoneinfo

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, pgettext_lazy

# The time zones offered first, each named as the place people know it by.
COMMON_TIME_ZONES: dict[str, Promise] = {
    "Pacific/Auckland": gettext_lazy("New Zealand (Auckland, Wellington)"),
    "Pacific/Chatham": gettext_lazy("New Zealand (Chatham Islands)"),
    "Australia/Sydney": gettext_lazy("Australia (Sydney, Melbourne, Canberra)"),
    "Australia/Brisbane": gettext_lazy("Australia (Brisbane)"),
    "Australia/Adelaide": gettext_lazy("Australia (Adelaide)"),
    "Australia/Perth": gettext_lazy("Australia (Perth)"),
    "Pacific/Fiji": gettext_lazy("Fiji"),
    "Pacific/Tongatapu": gettext_lazy("Tonga"),
    "Pacific/Apia": gettext_lazy("Samoa"),
    "Pacific/Rarotonga": gettext_lazy("Cook Islands"),
    "Asia/Singapore": gettext_lazy("Singapore"),
    "Asia/Kolkata": gettext_lazy("India"),
    "Asia/Tokyo": gettext_lazy("Japan"),
    "Europe/London": gettext_lazy("United Kingdom"),
    "Europe/Dublin": gettext_lazy("Ireland"),
    "Europe/Paris": gettext_lazy("France"),
    "Africa/Johannesburg": gettext_lazy("South Africa"),
    "America/Toronto": gettext_lazy("Canada (Toronto, Ottawa)"),
    "America/Vancouver": gettext_lazy("Canada (Vancouver)"),
    "America/New_York": gettext_lazy("United States (New York, Eastern time)"),
    "America/Chicago": gettext_lazy("United States (Chicago, Central time)"),
    "America/Denver": gettext_lazy("United States (Denver, Mountain time)"),
    "America/Los_Angeles": gettext_lazy("United States (Los Angeles, Pacific time)"),
    "Pacific/Honolulu": gettext_lazy("United States (Hawaii)"),
    "UTC": gettext_lazy("World time (UTC)"),
}
# Where no browser said (JavaScript off), the plan's country suggests its
# main clock; the person can change it.
REGION_TIME_ZONES = {
    "nz": "Pacific/Auckland",
    "au": "Australia/Sydney",
    "uk": "Europe/London",
    "us": "America/New_York",
    "ie": "Europe/Dublin",
    "ca": "America/Toronto",
}
# Their own context: Django's "Monday" (lower case in Spanish) names days inside dates.
WEEKDAYS = (
    pgettext_lazy("a day in a list", "Monday"),
    pgettext_lazy("a day in a list", "Tuesday"),
    pgettext_lazy("a day in a list", "Wednesday"),
    pgettext_lazy("a day in a list", "Thursday"),
    pgettext_lazy("a day in a list", "Friday"),
    pgettext_lazy("a day in a list", "Saturday"),
    pgettext_lazy("a day in a list", "Sunday"),
)
# "Reminders come on Mondays": each day, every week.
WEEKDAYS_PLURAL = (
    pgettext_lazy("every week on this day", "Mondays"),
    pgettext_lazy("every week on this day", "Tuesdays"),
    pgettext_lazy("every week on this day", "Wednesdays"),
    pgettext_lazy("every week on this day", "Thursdays"),
    pgettext_lazy("every week on this day", "Fridays"),
    pgettext_lazy("every week on this day", "Saturdays"),
    pgettext_lazy("every week on this day", "Sundays"),
)


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def place_name(zone: str) -> str:
    """A time zone as a place: "United Kingdom", or "Berlin (Europe)" for one not listed."""
    if zone in COMMON_TIME_ZONES:
        return str(COMMON_TIME_ZONES[zone])
    area, _, city = zone.partition("/")
    city = city.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} ({area.replace('_', ' ')})" if city else zone


def zone_or_none(name: str) -> zoneinfo.ZoneInfo | None:
    """The IANA time zone by name, or None for a name we do not know."""
    if not name or name not in _known_zones():
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _local_to_utc(
    day: datetime.date, at: datetime.time, tz: zoneinfo.ZoneInfo
) -> datetime.datetime:
    """The UTC instant of a wall-clock time on a local day.

    A time that happens twice (clocks go back) means the first one. A time
    that does not exist (clocks go forward) moves on by the gap, so 2:30 on
    the night clocks jump from 2:00 to 3:00 becomes 3:30: later, never lost.
    """
    wall = datetime.datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz).replace(fold=0)
    # fold=0 on a missing time uses the offset from before the jump, which is
    # exactly "move on by the gap"; on a doubled time it picks the first.
    return wall.astimezone(datetime.UTC)


def next_due_at(
    *,
    now: datetime.datetime,
    weekday: int,
    local_time: datetime.time,
    tz: zoneinfo.ZoneInfo,
    every_weeks: int = 1,
    not_before: datetime.date | None = None,
) -> datetime.datetime:
    """The next time, strictly after now, that is `weekday` at `local_time` in tz.

    every_weeks=2 skips one more week after that. not_before (a local date)
    is for pauses: nothing is due before that day.
    """
    local_today = now.astimezone(tz).date()
    start = max(local_today, not_before) if not_before else local_today
    day = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    due = _local_to_utc(day, local_time, tz)
    while due <= now:
        day += datetime.timedelta(days=7)
        due = _local_to_utc(day, local_time, tz)
    if every_weeks > 1:
        due = _local_to_utc(day + datetime.timedelta(weeks=every_weeks - 1), local_time, tz)
    return due
