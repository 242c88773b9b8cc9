"""Background work for plans. Thin: take ids, call services in plans.reminders.

As DESIGN.md has it: the beat task claims due reminders in batches and, once
each batch commits, enqueues one send_reminder per reminder; Celery and the
workers scale that out. Each send claims its row with a conditional UPDATE,
so a duplicate task is harmless, and acks_late with reject_on_worker_lost
means a lost worker's reminder is delivered again (the sweeper catches the rest).
"""

import datetime
from collections.abc import Iterable
from typing import Any

from celery import Task, shared_task

from config.emails import TemporaryMailError
from plans import privacy, reminder_mail, reminders

# Temporary mail trouble is retried with exponential backoff (1, 2, 4, 8, 10, 10
# minutes). Kept under reminders.RETRY_STUCK_AFTER, so the sweeper never mistakes a
# reminder waiting for its retry for a lost one.
SEND_RETRY_BACKOFF = 60
SEND_MAX_RETRIES = 6


def _queue_of(task: Task[..., Any]) -> str | None:
    """The queue this task came from, so its children go to the same workers."""
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or None


def _send_each(log_ids: Iterable[int], queue: str | None) -> None:
    options: dict[str, Any] = {"queue": queue} if queue else {}
    for log_id in log_ids:
        send_reminder.apply_async((log_id,), **options)


@shared_task(bind=True, ignore_result=True)
def send_due_reminders(self: Task[..., Any], batch: int | None = None) -> int:
    queue = _queue_of(self)
    batch = batch or reminders.CLAIM_BATCH
    total = 0
    while True:
        ids = reminders.claim_due(batch=batch, enqueue=lambda ids: _send_each(ids, queue))
        total += len(ids)
        if len(ids) < batch:
            return total


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TemporaryMailError,),
    retry_backoff=SEND_RETRY_BACKOFF,
    retry_backoff_max=10 * 60,
    retry_jitter=True,
    max_retries=SEND_MAX_RETRIES,
)
def send_reminder(self: Task[..., Any], log_id: int) -> str:
    try:
        return reminder_mail.reminder_send(log_id=log_id)
    except TemporaryMailError as error:
        if self.request.retries >= SEND_MAX_RETRIES:
            reminder_mail.reminder_give_up(log_id=log_id, reason=f"Gave up: {error}")
            return "failed"
        raise


@shared_task(bind=True, ignore_result=True)
def requeue_stuck_reminders(self: Task[..., Any], older_than_seconds: int | None = None) -> int:
    seconds = older_than_seconds or int(reminders.STUCK_AFTER.total_seconds())
    ids = reminders.logs_stuck(older_than=datetime.timedelta(seconds=seconds))
    _send_each(ids, _queue_of(self))
    return len(ids)


@shared_task(ignore_result=True)
def delete_stale_plans() -> int:
    """Anonymous plans nobody has touched for a year go (plans.privacy)."""
    return privacy.plans_delete_stale()
