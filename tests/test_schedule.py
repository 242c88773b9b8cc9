"""When reminders are due (plans/schedule.py): local wall-clock time, across daylight saving."""

import datetime
import zoneinfo

from plans.schedule import next_due_at

UTC = datetime.UTC
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
NINE = datetime.time(9, 0)


def _utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_nine_in_auckland_stays_nine_local_across_both_daylight_saving_changes():
    # NZ clocks go back on 4 April 2027 and forward on 26 September 2027.
    now = _utc(2027, 3, 20)
    seen = []
    for _ in range(30):  # every Sunday from March to October 2027
        due = next_due_at(now=now, weekday=6, local_time=NINE, tz=AUCKLAND)
        local = due.astimezone(AUCKLAND)
        assert (local.hour, local.minute, local.weekday()) == (9, 0, 6)
        seen.append(due.astimezone(UTC).hour)
        now = due
    # 9:00 NZDT is 20:00 UTC the day before; 9:00 NZST is 21:00 UTC.
    assert seen[0] == 20
    assert 21 in seen
    assert seen[-1] == 20
    # The Sundays the clocks change on are themselves at 9:00 local.
    sundays = {
        next_due_at(now=_utc(2027, 4, 2), weekday=6, local_time=NINE, tz=AUCKLAND),
        next_due_at(now=_utc(2027, 9, 24), weekday=6, local_time=NINE, tz=AUCKLAND),
    }
    assert {d.astimezone(AUCKLAND).strftime("%Y-%m-%d %H:%M") for d in sundays} == {
        "2027-04-04 09:00",
        "2027-09-26 09:00",
    }


def test_a_time_skipped_when_clocks_go_forward_moves_on_by_the_gap():
    # 26 September 2027, Auckland: 2:00 jumps to 3:00, so 2:30 does not exist.
    due = next_due_at(
        now=_utc(2027, 9, 24), weekday=6, local_time=datetime.time(2, 30), tz=AUCKLAND
    )
    assert due.astimezone(AUCKLAND).strftime("%Y-%m-%d %H:%M") == "2027-09-26 03:30"


def test_a_time_that_happens_twice_when_clocks_go_back_means_the_first_one():
    # 4 April 2027, Auckland: 3:00 goes back to 2:00, so 2:30 happens twice.
    due = next_due_at(now=_utc(2027, 4, 2), weekday=6, local_time=datetime.time(2, 30), tz=AUCKLAND)
    local = due.astimezone(AUCKLAND)
    assert (local.hour, local.minute, local.utcoffset()) == (2, 30, datetime.timedelta(hours=13))


def test_a_reminder_due_right_now_is_next_due_a_week_later():
    now = next_due_at(now=_utc(2027, 1, 1), weekday=2, local_time=NINE, tz=AUCKLAND)
    again = next_due_at(now=now, weekday=2, local_time=NINE, tz=AUCKLAND)
    assert again - now == datetime.timedelta(days=7)


def test_a_reminder_later_today_is_due_today():
    tz = zoneinfo.ZoneInfo("Europe/London")
    now = datetime.datetime(2027, 1, 6, 8, 59, tzinfo=tz)  # a Wednesday
    due = next_due_at(now=now, weekday=2, local_time=NINE, tz=tz)
    assert due - now == datetime.timedelta(minutes=1)


def test_every_two_weeks_skips_a_week():
    now = _utc(2027, 1, 1)
    one = next_due_at(now=now, weekday=0, local_time=NINE, tz=AUCKLAND)
    two = next_due_at(now=now, weekday=0, local_time=NINE, tz=AUCKLAND, every_weeks=2)
    assert two - one == datetime.timedelta(days=7)


def test_a_pause_means_nothing_is_due_before_its_end():
    due = next_due_at(
        now=_utc(2027, 1, 1),
        weekday=0,
        local_time=NINE,
        tz=AUCKLAND,
        not_before=datetime.date(2027, 2, 1),
    )
    assert due.astimezone(AUCKLAND).date() == datetime.date(2027, 2, 1)
