"""Gentle weekly reminders (typed, keyword-only services).

Settings change through the reminders page and the signed links in each
email. The beat task calls claim_due(): it locks due ReminderSettings rows
with SKIP LOCKED, moves each one's next_due_at on, writes one ReminderLog
row per plan and due time (unique: the guard against double sends) and,
after the transaction commits, enqueues one send_reminder task per row.
reminder_send() (plans/reminder_mail.py) claims its row with a conditional UPDATE,
so a duplicate task is harmless; logs_stuck() is the sweeper for rows a lost
message or a killed worker left behind. Web views never enqueue anything.
"""

import collections
import datetime
import logging
from collections.abc import Callable, Iterable

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from plans.models import Plan, PlanStep, ReminderLog, ReminderSettings, new_feed_key
from plans.schedule import next_due_at, zone_or_none

logger = logging.getLogger(__name__)

NO_PROGRESS_SLOW_DOWN = datetime.timedelta(weeks=3)
PAUSE_WEEKS = 4
MAX_PERMANENT_FAILURES = 3
CLAIM_BATCH = 500
# "sending" this long (a send takes at most EMAIL_TIMEOUT), or queued and never
# tried: its worker was lost. The sweeper runs every minute, so a killed worker
# delays a reminder about three minutes at most. One queued after a temporary
# error waits for its retry (at most 10 minutes, plans/tasks.py) first.
STUCK_AFTER = datetime.timedelta(minutes=2)
RETRY_STUCK_AFTER = datetime.timedelta(minutes=15)


def _settings_next_due(
    reminder: ReminderSettings, *, now: datetime.datetime, every_weeks: int = 1
) -> datetime.datetime | None:
    tz = zone_or_none(reminder.time_zone)
    if tz is None or not reminder.active:
        return None
    return next_due_at(
        now=now,
        weekday=reminder.weekday,
        local_time=reminder.local_time,
        tz=tz,
        every_weeks=every_weeks,
        not_before=reminder.paused_until,
    )


# --- Who may turn reminders on ------------------------------------------------


def email_is_safe(plan: Plan) -> bool:
    """False where the person told us email is not safe for them."""
    return plan.profile.get("safe_to_email", True) is not False


def verified_email_for(plan: Plan) -> str | None:
    """The owner's verified address, or None (no owner, or not verified yet)."""
    if plan.owner_id is None:
        return None
    email: str | None = (
        EmailAddress.objects.filter(user_id=plan.owner_id, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return email


@transaction.atomic
def reminder_settings_update(
    *,
    plan: Plan,
    active: bool,
    weekday: int | None = None,
    local_time: datetime.time | None = None,
    time_zone: str | None = None,
    now: datetime.datetime | None = None,
) -> ReminderSettings:
    """Turn reminders on or off and choose when. Raises ValidationError with kind words."""
    now = now or timezone.now()
    reminder, _ = ReminderSettings.objects.select_for_update().get_or_create(plan=plan)
    if weekday is not None:
        reminder.weekday = weekday
    if local_time is not None:
        reminder.local_time = local_time
    if time_zone is not None:
        if zone_or_none(time_zone) is None:
            raise ValidationError(
                {"time_zone": gettext("Please choose your time zone from the list.")}
            )
        reminder.time_zone = time_zone
    if active:
        if not email_is_safe(plan):
            raise ValidationError(
                gettext("You told us email may not be safe for you, so we keep reminders off.")
            )
        email = verified_email_for(plan)
        if email is None:
            raise ValidationError(gettext("Please save your plan with your email first."))
        reminder.email = email
        if not reminder.active:
            reminder.active_since = now
            reminder.bounce_count = 0
            reminder.paused_until = None
            reminder.stopped_by_bounces = False  # its note on the plan page goes
    reminder.active = active
    reminder.next_due_at = _settings_next_due(reminder, now=now)
    reminder.full_clean()
    reminder.save()
    return reminder


@transaction.atomic
def reminder_snooze(
    *, plan: Plan, due_at: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> ReminderSettings:
    """'Not this week': skip one reminder. due_at is the reminder the link came in;
    counting from it makes a second click on the same link change nothing."""
    now = now or timezone.now()
    reminder = ReminderSettings.objects.select_for_update().get(plan=plan)
    if reminder.active:
        current = reminder.next_due_at or now
        base = due_at + datetime.timedelta(days=7) if due_at else max(current, now)
        later = _settings_next_due(reminder, now=max(base, now))
        if later is not None and later > current:
            reminder.next_due_at = later
            reminder.full_clean()
            reminder.save(update_fields=["next_due_at", "updated_at"])
    return reminder


@transaction.atomic
def reminder_pause(
    *, plan: Plan, weeks: int = PAUSE_WEEKS, now: datetime.datetime | None = None
) -> ReminderSettings:
    """A break: no reminders for a few weeks, then they start again by themselves."""
    now = now or timezone.now()
    reminder = ReminderSettings.objects.select_for_update().get(plan=plan)
    if reminder.active:
        tz = zone_or_none(reminder.time_zone) or datetime.UTC
        reminder.paused_until = now.astimezone(tz).date() + datetime.timedelta(weeks=weeks)
        reminder.next_due_at = _settings_next_due(reminder, now=now)
        reminder.full_clean()
        reminder.save(update_fields=["paused_until", "next_due_at", "updated_at"])
    return reminder


def reminder_stop(*, plan: Plan) -> None:
    """Stop reminders (the unsubscribe link). Safe to call twice."""
    ReminderSettings.objects.filter(plan=plan).update(
        active=False, next_due_at=None, updated_at=timezone.now()
    )


def reminder_feed_key_change(*, plan: Plan) -> ReminderSettings:
    """A new calendar address; the old one stops working at once."""
    reminder, _ = ReminderSettings.objects.get_or_create(plan=plan)
    reminder.feed_key = new_feed_key()
    reminder.full_clean()
    reminder.save(update_fields=["feed_key", "updated_at"])
    return reminder


# --- Claiming due reminders --------------------------------------------------------


def _last_progress(plan_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    rows = (
        PlanStep.objects.filter(plan_id__in=list(plan_ids), status=PlanStep.Status.DONE)
        .values("plan_id")
        .annotate(last=Max("status_changed_at"))
    )
    return {row["plan_id"]: row["last"] for row in rows if row["last"]}


def claim_due(
    *,
    now: datetime.datetime | None = None,
    batch: int = CLAIM_BATCH,
    enqueue: Callable[[list[int]], None],
) -> list[int]:
    """Claim up to `batch` due reminders; returns the ids of their ReminderLog rows.

    The ids go to `enqueue` once the transaction commits (the beat task
    enqueues one send_reminder for each), so no worker looks for a row that
    is not there yet. Two beat ticks at once each lock different rows (SKIP
    LOCKED), and the unique (plan, due_at) row stops a second log for the
    same reminder.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            ReminderSettings.objects.select_for_update(skip_locked=True)
            .filter(active=True, next_due_at__lte=now)
            .order_by("next_due_at")[:batch]
        )
        if not due:
            return []
        progress = _last_progress(r.plan_id for r in due)
        logs = []
        for reminder in due:
            due_at = reminder.next_due_at
            assert due_at is not None  # the filter above
            marks = [m for m in (reminder.active_since, progress.get(reminder.plan_id)) if m]
            no_rush = bool(marks) and now - max(marks) >= NO_PROGRESS_SLOW_DOWN
            logs.append(
                ReminderLog(
                    plan_id=reminder.plan_id, due_at=due_at, no_rush=no_rush, updated_at=now
                )
            )
            # Count from now, not from the old due time, so a worker that was
            # down for a day sends one reminder, not a burst.
            reminder.next_due_at = _settings_next_due(
                reminder, now=max(now, due_at), every_weeks=2 if no_rush else 1
            )
            reminder.updated_at = now
        # One UPDATE for each new due time, not bulk_update's CASE over every
        # row: reminders claimed together mostly share their next time.
        moved: dict[datetime.datetime | None, list[int]] = collections.defaultdict(list)
        for reminder in due:
            moved[reminder.next_due_at].append(reminder.pk)
        for next_due, pks in moved.items():
            ReminderSettings.objects.filter(pk__in=pks).update(next_due_at=next_due, updated_at=now)
        ReminderLog.objects.bulk_create(logs, ignore_conflicts=True)
        wanted = {(log.plan_id, log.due_at) for log in logs}
        ids = [
            pk
            for pk, plan_id, logged_due_at in ReminderLog.objects.filter(
                plan_id__in=[r.plan_id for r in due], status=ReminderLog.Status.QUEUED
            ).values_list("pk", "plan_id", "due_at")
            if (plan_id, logged_due_at) in wanted
        ]
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def logs_stuck(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta
) -> list[int]:
    """Logs queued or sending for too long (a lost message, a killed worker): queue again.

    A row stuck in "sending" may or may not have reached the mail server
    before its worker died; we send it again (with the same Message-ID, so
    mail programs can fold the two) rather than lose it: a duplicate only if
    the worker died between the server accepting the message and the row being
    marked sent, one UPDATE (milliseconds; reminder_send marks it before QUIT).
    """
    now = now or timezone.now()
    cutoff = now - older_than
    retry_cutoff = now - max(older_than, RETRY_STUCK_AFTER)
    lost = Q(status=ReminderLog.Status.SENDING, updated_at__lt=cutoff) | Q(
        status=ReminderLog.Status.QUEUED, error="", updated_at__lt=cutoff
    )
    waiting_too_long = Q(status=ReminderLog.Status.QUEUED, updated_at__lt=retry_cutoff)
    stuck = ReminderLog.objects.filter(lost | waiting_too_long)
    ids = list(stuck.values_list("pk", flat=True))
    if ids:
        ReminderLog.objects.filter(Q(pk__in=ids) & (lost | waiting_too_long)).update(
            status=ReminderLog.Status.QUEUED, updated_at=now
        )
    return ids
