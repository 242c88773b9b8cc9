"""Sending one claimed reminder: the email, the send, and what a failure means.

plans.reminders claims the rows (a ReminderLog each); send_reminder (plans/tasks.py)
calls reminder_send for each. The conditional UPDATE queued -> sending is the
guard: of two tasks for the same row only one sends.
"""

import contextlib
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from config.emails import TemporaryMailError, is_temporary, make_message
from plans.catalogue import get_catalogue
from plans.links import link_token, unsubscribe_url
from plans.lowkey import PRIVATE_STEP_SUMMARY, PRIVATE_STEP_TITLE, is_private_step
from plans.models import PlanStep, ReminderLog, ReminderSettings
from plans.regions import localise
from plans.reminders import MAX_PERMANENT_FAILURES, email_is_safe
from plans.schedule import WEEKDAYS, WEEKDAYS_PLURAL

logger = logging.getLogger(__name__)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _link_url(log: ReminderLog, action: str, slug: str) -> str:
    token = link_token(plan=log.plan, action=action, slug=slug, due_at=log.due_at)
    return _absolute(reverse("plans:reminder_link", args=[token]))


def _this_weeks_step(*, plan_id: int) -> str | None:
    """The slug of the plan's first step not done or already done, or None when all are."""
    return (
        PlanStep.objects.filter(plan_id=plan_id)
        .exclude(status__in=PlanStep.CLOSED)
        .order_by("week", "order", "pk")
        .values_list("slug", flat=True)
        .first()
    )


def reminder_message(
    *, log: ReminderLog, reminder: ReminderSettings, slug: str | None
) -> EmailMultiAlternatives:
    """The email for one reminder: this week's step, and a signed link for each answer."""
    slug = slug or ""
    stop_url = unsubscribe_url(plan=log.plan)
    # In the plan's language: a worker has no request to take one from.
    plain = get_catalogue(log.plan.language).step(slug) if slug else None
    worries = log.plan.profile.get("adversaries") or ()
    step = plain and localise(plain, region=log.plan.region, adversaries=worries)
    low_key = log.plan.low_key
    private = bool(step and low_key and is_private_step(step))
    with translation.override(log.plan.language):
        private_title, private_summary = gettext(PRIVATE_STEP_TITLE), gettext(PRIVATE_STEP_SUMMARY)
    context = {
        "step": step,
        "step_title": private_title if private else (step.title if step else ""),
        "step_summary": private_summary if private else (step.summary if step else ""),
        "no_rush": log.no_rush,
        # Someone close may see the inbox: the subject names no step.
        "careful": log.plan.someone_close_is_a_worry,
        "plan_url": _absolute(log.plan.get_absolute_url()),
        "done_url": _link_url(log, "done", slug),
        "snooze_url": _link_url(log, "snooze", slug),
        "pause_url": _link_url(log, "pause", slug),
        "change_url": _link_url(log, "change", slug),
        "stop_url": stop_url,
        # Lazy: the email's templates are drawn in the plan's language.
        "weekday": WEEKDAYS[reminder.weekday],
        "weekdays": WEEKDAYS_PLURAL[reminder.weekday],
        # The wall-clock time the person chose, in their own time zone.
        "local_time": f"{reminder.local_time:%H:%M}",
    }
    message_id = f"reminder-{log.pk}"
    return make_message(
        "reminder",
        to=reminder.email,
        context=context,
        message_id=message_id,
        stop_url=stop_url,
        low_key=low_key,
        language=log.plan.language,
    )


def reminder_send(*, log_id: int, now: datetime.datetime | None = None) -> str:
    """Send one claimed reminder. Returns "sent", "skipped" or "failed".

    The conditional UPDATE (queued -> sending) is the guard: of two tasks for
    the same row only one gets it, so a duplicate task sends nothing. On a
    temporary mail error the row goes back to "queued" and TemporaryMailError
    is raised, so the task's retry can claim it again.
    """
    now = now or timezone.now()
    claimed = ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.QUEUED).update(
        status=ReminderLog.Status.SENDING, attempts=F("attempts") + 1, updated_at=now
    )
    if claimed != 1:
        return "skipped"
    log = ReminderLog.objects.select_related("plan__reminder_settings").filter(pk=log_id).first()
    if log is None:  # the plan was deleted since the claim
        return "skipped"
    try:
        reminder: ReminderSettings | None = log.plan.reminder_settings
    except ReminderSettings.DoesNotExist:
        reminder = None
    if reminder is None or not reminder.active or not email_is_safe(log.plan):
        ReminderLog.objects.filter(pk=log_id).update(
            status=ReminderLog.Status.FAILED, error="Reminders were turned off.", updated_at=now
        )
        return "skipped"
    slug = _this_weeks_step(plan_id=log.plan_id)
    # Our own connection: the row is marked sent once the server accepted the
    # message, before QUIT (which can take EMAIL_TIMEOUT).
    connection = get_connection()
    try:
        connection.open()
        message = reminder_message(log=log, reminder=reminder, slug=slug)
        message.connection = connection
        message.send()
    except Exception as error:
        _close_quietly(connection)
        if is_temporary(error):
            ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.SENDING).update(
                status=ReminderLog.Status.QUEUED,
                error=type(error).__name__,
                updated_at=timezone.now(),
            )
            raise TemporaryMailError(type(error).__name__) from error
        _record_permanent_failure(log_id=log_id, plan_id=log.plan_id, error=error)
        return "failed"
    sent_at = timezone.now()
    ReminderLog.objects.filter(pk=log_id, status=ReminderLog.Status.SENDING).update(
        status=ReminderLog.Status.SENT, sent_at=sent_at, updated_at=sent_at, error=""
    )
    _close_quietly(connection)
    return "sent"


def _close_quietly(connection: BaseEmailBackend) -> None:
    with contextlib.suppress(Exception):  # the goodbye only
        connection.close()


def reminder_give_up(*, log_id: int, reason: str) -> None:
    """Retries ran out on a temporary error: record it (not a bounce)."""
    ReminderLog.objects.filter(pk=log_id).exclude(status=ReminderLog.Status.SENT).update(
        status=ReminderLog.Status.FAILED, error=reason[:200], updated_at=timezone.now()
    )


def _record_permanent_failure(*, log_id: int, plan_id: int, error: BaseException) -> None:
    # The error's class only: its text can hold the address.
    logger.warning("reminder %s failed for good: %s", log_id, type(error).__name__)
    with transaction.atomic():
        ReminderLog.objects.filter(pk=log_id).update(
            status=ReminderLog.Status.FAILED,
            error=type(error).__name__,
            updated_at=timezone.now(),
        )
        ReminderSettings.objects.filter(plan_id=plan_id).update(bounce_count=F("bounce_count") + 1)
        # The plan page says so (stopped_by_bounces).
        ReminderSettings.objects.filter(
            plan_id=plan_id, active=True, bounce_count__gte=MAX_PERMANENT_FAILURES
        ).update(active=False, stopped_by_bounces=True, next_due_at=None)
