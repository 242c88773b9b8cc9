"""Background work for mentors. Thin: take an id, call the service."""

from typing import Any

from celery import Task, shared_task

from config.emails import TemporaryMailError
from mentors import services


@shared_task(
    bind=True,
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TemporaryMailError,),
    retry_backoff=60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_nudge_email(self: Task[..., Any], nudge_id: int) -> str:
    return services.nudge_email_send(nudge_id=nudge_id)
