"""Dates in each language's order: New Zealand English's formats in en/,
every other language's from Django (FORMAT_MODULE_PATH)."""

import datetime

from django.utils import timezone
from django.utils.formats import date_format


def weekday_and_date(value: datetime.date | datetime.datetime) -> str:
    """'Wednesday 3 March', 'miércoles 3 de marzo': the day's name, then the date.

    Django names no such format, so it is the two it names, in the current
    time zone, as the template's date filter shows a time."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{date_format(value, 'l')} {date_format(value, 'MONTH_DAY_FORMAT')}"
