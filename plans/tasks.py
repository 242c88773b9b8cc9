"""Background work for plans. Thin: take ids, call services in plans.reminders."""

import datetime

from celery import shared_task

from config.emails import TemporaryMailError
from plans import privacy, reminders

# Temporary mail trouble is retried with exponential backoff (1, 2, 4, 8, 10, 10
# minutes). Kept under reminders.STUCK_AFTER, so the sweeper never mistakes a
# reminder waiting for its retry for a lost one.
SEND_RETRY_BACKOFF = 60
SEND_MAX_RETRIES = 6


def _queue_of(task) -> str | None:
    """The queue this task came from, so its children go to the same workers."""
    info = getattr(task.request, "delivery_info", None) or {}
    return info.get("routing_key") or None


# Reminders go to the workers a few at a time. The design has one
# send_reminder per row; we depart from it because one task for each cost more
# in broker round trips, commits and query building than the email itself
# (bench/reminders.py: 151 to 236 a second that way, against a target of 300).
# The rest holds: tasks take ids, each row is claimed with a conditional
# UPDATE, acks_late, and mail trouble is retried per reminder (send_reminder).
# A worker lost part-way leaves at most this many for the sweeper.
SEND_CHUNK = 20


def enqueue_sends(log_ids: list[int], queue: str | None = None) -> None:
    options = {"queue": queue} if queue else {}
    for start in range(0, len(log_ids), SEND_CHUNK):
        send_reminders.apply_async((log_ids[start : start + SEND_CHUNK],), **options)


@shared_task(bind=True, ignore_result=True)
def send_due_reminders(self, batch: int | None = None) -> int:
    queue = _queue_of(self)
    batch = batch or reminders.CLAIM_BATCH
    total = 0
    while True:
        ids = reminders.claim_due(batch=batch, enqueue=lambda ids: enqueue_sends(ids, queue))
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
def send_reminder(self, log_id: int) -> str:
    try:
        return reminders.reminder_send(log_id=log_id)
    except TemporaryMailError as error:
        if self.request.retries >= self.max_retries:
            reminders.reminder_give_up(log_id=log_id, reason=f"Gave up: {error}")
            return "failed"
        raise


@shared_task(bind=True, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_reminders(self, log_ids: list[int]) -> dict[str, int]:
    """Several reminders in one task; any that meet temporary mail trouble
    go on alone, each as send_reminder with its own retries."""
    sent = reminders.reminders_send(log_ids=log_ids)
    queue = _queue_of(self)
    options = {"queue": queue} if queue else {}
    for log_id in sent.retry:
        send_reminder.apply_async((log_id,), countdown=SEND_RETRY_BACKOFF, **options)
    return sent.outcomes


@shared_task(bind=True, ignore_result=True)
def requeue_stuck_reminders(self, older_than_seconds: int | None = None) -> int:
    seconds = older_than_seconds or int(reminders.STUCK_AFTER.total_seconds())
    ids = reminders.logs_stuck(older_than=datetime.timedelta(seconds=seconds))
    enqueue_sends(ids, _queue_of(self))
    return len(ids)


@shared_task(ignore_result=True)
def delete_stale_plans() -> int:
    """Anonymous plans nobody has touched for a year go (plans.privacy)."""
    return privacy.plans_delete_stale()
