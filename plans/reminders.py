"""Gentle weekly reminders (typed, keyword-only services).

The beat task calls claim_due(): it locks due ReminderSettings rows with
SKIP LOCKED, moves each one's next_due_at on, writes one ReminderLog row per
plan and due time (unique: the guard against double sends) and, after the
transaction commits, enqueues the rows' ids a few to a task (send_reminders).
Sending claims each row with a conditional UPDATE (queued -> sending), so a
duplicate task is harmless. Web views never enqueue anything.
"""

import collections
import contextlib
import datetime
import functools
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Now
from django.db.models.sql import UpdateQuery
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from config.emails import TemporaryMailError, is_temporary
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep, ReminderLog, ReminderSettings, new_feed_key
from plans.schedule import WEEKDAYS, next_due_at, zone_or_none
from plans.selectors import ReminderDue, reminders_due
from plans.services import plans_page_changed

log = logging.getLogger(__name__)

LINK_SALT = "plans.reminders.link"
TOKEN_MAX_AGE = datetime.timedelta(days=30)
NO_PROGRESS_SLOW_DOWN = datetime.timedelta(weeks=3)
PAUSE_WEEKS = 4
MAX_PERMANENT_FAILURES = 3
CLAIM_BATCH = 500
STUCK_AFTER = datetime.timedelta(minutes=15)
ACTIONS = ("done", "snooze", "pause", "change", "stop")


# --- When the next reminder is due ----------------------------------------------


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
    row = (
        EmailAddress.objects.filter(user_id=plan.owner_id, verified=True)
        .order_by("-primary", "pk")
        .values_list("email", flat=True)
        .first()
    )
    return row


def reminder_settings_get(*, plan: Plan) -> ReminderSettings:
    reminder, _ = ReminderSettings.objects.get_or_create(plan=plan)
    return reminder


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
            raise ValidationError({"time_zone": "Please choose your time zone from the list."})
        reminder.time_zone = time_zone
    if active:
        if not email_is_safe(plan):
            raise ValidationError(
                "You told us email may not be safe for you, so we keep reminders off."
            )
        email = verified_email_for(plan)
        if email is None:
            raise ValidationError("Please save your plan with your email first.")
        reminder.email = email
        if not reminder.active:
            reminder.active_since = now
            reminder.bounce_count = 0
            reminder.paused_until = None
            if reminder.stopped_by_bounces:
                reminder.stopped_by_bounces = False
                plans_page_changed(plan_ids=[plan.pk])  # its note on the plan page goes
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
    reminder = reminder_settings_get(plan=plan)
    reminder.feed_key = new_feed_key()
    reminder.full_clean()
    reminder.save(update_fields=["feed_key", "updated_at"])
    return reminder


# --- Signed links ---------------------------------------------------------------


def _link_data(
    plan_id: int, action: str, slug: str = "", due_at: datetime.datetime | None = None
) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ValueError(action)
    data: dict[str, Any] = {"p": plan_id, "a": action, "s": slug}
    if due_at is not None:
        data["d"] = int(due_at.timestamp())
    return data


def link_token(
    *, plan: Plan, action: str, slug: str = "", due_at: datetime.datetime | None = None
) -> str:
    return signing.dumps(_link_data(plan.pk, action, slug, due_at), salt=LINK_SALT, compress=True)


@dataclass(frozen=True)
class LinkAction:
    plan: Plan
    action: str
    slug: str
    due_at: datetime.datetime | None = None


def link_read(token: str) -> LinkAction | None:
    """The action behind a link, or None when it was changed, is too old or is unknown."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        return None
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        return None
    plan = Plan.objects.filter(pk=data.get("p")).first()
    if plan is None:
        return None
    due = data.get("d")
    due_at = datetime.datetime.fromtimestamp(due, tz=datetime.UTC) if isinstance(due, int) else None
    return LinkAction(plan=plan, action=str(data["a"]), slug=str(data.get("s", "")), due_at=due_at)


def unsubscribe_url(*, plan: Plan) -> str:
    """The one-click address that stops every email about this plan (RFC 8058)."""
    token = link_token(plan=plan, action="stop")
    return f"{settings.SITE_URL}{reverse('plans:reminder_unsubscribe', args=[token])}"


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
    batch: int = 500,
    enqueue: Callable[[list[int]], None],
) -> list[int]:
    """Claim up to `batch` due reminders; returns the ReminderLog ids enqueued.

    Two beat ticks at once each lock different rows (SKIP LOCKED), and the
    unique (plan, due_at) row stops a second log for the same reminder.
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
            marks = [m for m in (reminder.active_since, progress.get(reminder.plan_id)) if m]
            no_rush = bool(marks) and now - max(marks) >= NO_PROGRESS_SLOW_DOWN
            logs.append(
                ReminderLog(
                    plan_id=reminder.plan_id,
                    due_at=reminder.next_due_at,
                    no_rush=no_rush,
                    updated_at=now,
                )
            )
            # Count from now, not from the old due time, so a worker that was
            # down for a day sends one reminder, not a burst.
            reminder.next_due_at = _settings_next_due(
                reminder, now=max(now, reminder.next_due_at), every_weeks=2 if no_rush else 1
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
            for pk, plan_id, due_at in ReminderLog.objects.filter(
                plan_id__in=[r.plan_id for r in due], status=ReminderLog.Status.QUEUED
            ).values_list("pk", "plan_id", "due_at")
            if (plan_id, due_at) in wanted
        ]
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def logs_stuck(
    *, now: datetime.datetime | None = None, older_than: datetime.timedelta
) -> list[int]:
    """Logs queued or sending for too long (a lost message, a killed worker): queue again.

    A row stuck in "sending" may or may not have reached the mail server
    before its worker died; we send it again (with the same Message-ID, so
    mail programs can fold the two) rather than lose it.
    """
    now = now or timezone.now()
    cutoff = now - older_than
    stuck = ReminderLog.objects.filter(
        status__in=[ReminderLog.Status.QUEUED, ReminderLog.Status.SENDING], updated_at__lt=cutoff
    )
    ids = list(stuck.values_list("pk", flat=True))
    if ids:
        ReminderLog.objects.filter(pk__in=ids, updated_at__lt=cutoff).update(
            status=ReminderLog.Status.QUEUED, updated_at=now
        )
    return ids


# --- Sending ---------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class _Links:
    """A reminder's links, for a batch of reminders.

    The signer and the shape of each address are made once: reverse() cost
    more than signing, six times for every email. The tokens are the ones
    link_token makes.
    """

    MARK = "MARK"  # stands for the token or the plan's key while a path is reversed

    def __init__(self) -> None:
        self.signer = signing.TimestampSigner(salt=LINK_SALT)
        # Split on the path alone: SITE_URL is the settings', whatever it holds.
        self.shapes = {
            name: reverse(name, args=[self.MARK]).split(self.MARK, 1)
            for name in ("plans:detail", "plans:reminder_link", "plans:reminder_unsubscribe")
        }

    def url(self, name: str, value: str) -> str:
        before, after = self.shapes[name]
        return _absolute(f"{before}{value}{after}")

    def action(self, due: ReminderDue, action: str) -> str:
        if action == "stop":  # one-click unsubscribe: whatever the step and the week
            data, name = _link_data(due.plan_id, action), "plans:reminder_unsubscribe"
        else:
            data = _link_data(due.plan_id, action, due.slug or "", due.due_at)
            name = "plans:reminder_link"
        return self.url(name, self.signer.sign_object(data, compress=True))


def reminder_message(*, due: ReminderDue, links: _Links | None = None) -> EmailMultiAlternatives:
    links = links or _Links()
    stop_url = links.action(due, "stop")
    context = {
        "step": get_catalogue().step(due.slug) if due.slug else None,
        "no_rush": due.no_rush,
        "plan_url": links.url("plans:detail", due.plan_key),
        "done_url": links.action(due, "done"),
        "snooze_url": links.action(due, "snooze"),
        "pause_url": links.action(due, "pause"),
        "change_url": links.action(due, "change"),
        "stop_url": stop_url,
        "weekday": WEEKDAYS[due.weekday],
    }
    subject = " ".join(render_to_string("emails/reminder-subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("emails/reminder-body.txt", context),
        to=[due.email],
        headers={
            "List-Unsubscribe": f"<{stop_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": f"<reminder-{due.log_id}@{settings.SITE_URL.split('//')[-1]}>",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(render_to_string("emails/reminder-body.html", context), "text/html")
    return message


# One mail connection per worker process, kept open between reminders: a new
# connection for each would cost more round trips than the message itself.
# Closed after any error, and reopened when idle longer than a mail server
# is likely to keep it.
_mail: dict[str, Any] = {"connection": None, "used": 0.0, "backend": ""}
MAIL_CONNECTION_IDLE_SECONDS = 30


def _close_mail() -> None:
    connection, _mail["connection"] = _mail["connection"], None
    if connection is not None:
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            connection.close()


def _send(message: EmailMultiAlternatives) -> None:
    idle = time.monotonic() - _mail["used"] > MAIL_CONNECTION_IDLE_SECONDS
    if idle or _mail["backend"] != settings.EMAIL_BACKEND:
        _close_mail()
    if _mail["connection"] is None:
        connection = get_connection()
        connection.open()
        _mail["connection"], _mail["backend"] = connection, settings.EMAIL_BACKEND
    message.connection = _mail["connection"]
    try:
        message.send()
    except BaseException:
        _close_mail()
        raise
    _mail["used"] = time.monotonic()


def reminder_send(*, log_id: int, now: datetime.datetime | None = None) -> str:
    """Send one reminder. Returns "sent", "skipped" or "failed".

    Raises TemporaryMailError for errors worth retrying; the row is put back
    to "queued" first so the retry can claim it again.
    """
    now = now or timezone.now()
    claimed = ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.QUEUED).update(
        status=ReminderLog.Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if not claimed:
        return "skipped"
    due = reminders_due(log_ids=[log_id]).get(log_id)
    return _send_claimed(log_id=log_id, due=due, links=_Links(), now=now)


@dataclass(frozen=True)
class Sent:
    """What reminders_send did: how many of each outcome, and the ids to try again later."""

    outcomes: dict[str, int]
    retry: list[int]


# A batch starts no new email after this long, so a slow mail server (up to
# EMAIL_TIMEOUT for each reply) cannot keep a task past the worker's time
# limit (100 s soft, deploy/k8s): the rest go on as single tasks.
BATCH_SECONDS = 30.0


def reminders_send(
    *, log_ids: list[int], now: datetime.datetime | None = None, seconds: float = BATCH_SECONDS
) -> Sent:
    """Send several reminders in turn, as reminder_send does one, over one mail connection.

    All are claimed at once (queued -> sending, one transaction); those not
    queued any more are skipped. Each is marked sent as soon as it is, so a
    worker killed part-way leaves only unsent rows in "sending" (the sweeper
    queues them again). At the first temporary mail error, that reminder and
    the ones not tried yet go back to "queued" and come back in `retry`; so
    do the ones not tried when the batch has run `seconds`.
    """
    now = now or timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        claimed = list(
            ReminderLog.objects.select_for_update()
            .filter(pk__in=log_ids, status=ReminderLog.Status.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        ReminderLog.objects.filter(pk__in=claimed).update(
            status=ReminderLog.Status.SENDING, attempts=F("attempts") + 1, updated_at=now
        )
    outcomes = collections.Counter({"skipped": len(set(log_ids)) - len(claimed)})
    due, links = reminders_due(log_ids=claimed), _Links()
    for index, log_id in enumerate(claimed):
        if index and time.monotonic() - started > seconds:
            return _put_back(outcomes, tried=[], untried=claimed[index:])
        try:
            outcomes[_send_claimed(log_id=log_id, due=due.get(log_id), links=links, now=now)] += 1
        except TemporaryMailError:
            return _put_back(outcomes, tried=[log_id], untried=claimed[index + 1 :])
    return Sent(dict(outcomes), [])


def _put_back(outcomes: collections.Counter, *, tried: list[int], untried: list[int]) -> Sent:
    """The claimed rows not tried go back to "queued", their claim not counted as an attempt."""
    ReminderLog.objects.filter(pk__in=untried, status=ReminderLog.Status.SENDING).update(
        status=ReminderLog.Status.QUEUED, attempts=F("attempts") - 1, updated_at=timezone.now()
    )
    outcomes["retry"] += len(tried) + len(untried)
    return Sent(dict(outcomes), [*tried, *untried])


def _send_claimed(
    *, log_id: int, due: ReminderDue | None, links: _Links, now: datetime.datetime
) -> str:
    if due is None:  # the plan was deleted since the claim
        return "skipped"
    if not due.active or not email_is_safe(Plan(profile=due.profile)):
        ReminderLog.objects.filter(pk=log_id).update(
            status=ReminderLog.Status.FAILED, error="Reminders were turned off.", updated_at=now
        )
        return "skipped"
    try:
        _send(reminder_message(due=due, links=links))
    except Exception as error:
        if is_temporary(error):
            ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.SENDING).update(
                status=ReminderLog.Status.QUEUED,
                error=type(error).__name__,
                updated_at=timezone.now(),
            )
            raise TemporaryMailError(type(error).__name__) from error
        _record_permanent_failure(log_id=log_id, plan_id=due.plan_id, error=error)
        return "failed"
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        cursor.execute(_mark_sent_sql(database.vendor), [ReminderLog.Status.SENT, "", log_id])
    return "sent"


@functools.cache
def _mark_sent_sql(vendor: str) -> str:
    """The UPDATE that marks a row sent (status, error, then the id), compiled once per process.

    Built as services._stamp_sql builds the plan's stamp: the ORM's own
    statement, without building it again for every email. The times come
    from the database's clock; nothing compares them with the app's.
    """
    query = UpdateQuery(ReminderLog)
    query.add_update_values(
        {"status": ReminderLog.Status.SENT, "sent_at": Now(), "updated_at": Now(), "error": ""}
    )
    query.add_q(Q(pk=0))
    sql, _ = query.get_compiler(DEFAULT_DB_ALIAS).as_sql()
    return sql


def reminder_give_up(*, log_id: int, reason: str) -> None:
    """Retries ran out on a temporary error: record it (not a bounce)."""
    ReminderLog.objects.filter(pk=log_id).exclude(status=ReminderLog.Status.SENT).update(
        status=ReminderLog.Status.FAILED, error=reason[:200], updated_at=timezone.now()
    )


def _record_permanent_failure(*, log_id: int, plan_id: int, error: BaseException) -> None:
    # The error's class only: its text can hold the address.
    log.warning("reminder %s failed for good: %s", log_id, type(error).__name__)
    with transaction.atomic():
        ReminderLog.objects.filter(pk=log_id).update(
            status=ReminderLog.Status.FAILED,
            error=type(error).__name__,
            updated_at=timezone.now(),
        )
        ReminderSettings.objects.filter(plan_id=plan_id).update(bounce_count=F("bounce_count") + 1)
        stopped = (
            ReminderSettings.objects.filter(
                plan_id=plan_id, bounce_count__gte=MAX_PERMANENT_FAILURES
            )
            .filter(Q(active=True))
            .update(active=False, stopped_by_bounces=True, next_due_at=None)
        )
        if stopped:
            # The plan page says so.
            plans_page_changed(plan_ids=[plan_id])
