"""Reminders through the real Redis, real Celery worker processes and a real
SMTP server (aiosmtpd, in this test process): every due reminder arrives
exactly once, also when a worker is killed in the middle of sending one."""

import asyncio
import collections
import datetime
import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.utils import timezone

from plans import reminders
from plans.models import Plan, PlanStep, ReminderLog, ReminderSettings
from plans.tasks import requeue_stuck_reminders, send_due_reminders, send_reminder
from tests.factories import make_plan
from tests.helpers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


class Sink:
    """Counts each message by recipient. Can hold one recipient's message
    before it is accepted, so a test can kill the worker mid-send."""

    def __init__(self, hold: str | None = None):
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.hold = hold
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address == self.hold and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.counts[address] += 1
        return "250 Message accepted"

    @property
    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sink():
    made: list[Controller] = []

    def start(hold: str | None = None) -> tuple[Sink, int]:
        handler = Sink(hold=hold)
        port = _free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        made.append(controller)
        return handler, port

    yield start
    for controller in made:
        controller.stop()


def _due_plans(count: int) -> list[str]:
    """`count` plans with reminders on and due a minute ago; returns the addresses."""
    template = make_plan()
    steps = list(template.steps.all())
    emails = []
    due = timezone.now() - datetime.timedelta(minutes=1)
    settings_rows = []
    plans = Plan.objects.bulk_create(
        [
            Plan(
                profile=template.profile,
                persona=template.persona,
                catalogue_version=template.catalogue_version,
                start_date=template.start_date,
            )
            for _ in range(count)
        ]
    )
    PlanStep.objects.bulk_create(
        [
            PlanStep(plan=plan, week=s.week, order=s.order, slug=s.slug, reasons=s.reasons)
            for plan in plans
            for s in steps
        ]
    )
    for n, plan in enumerate(plans):
        email = f"person{n}@example.org"
        emails.append(email)
        settings_rows.append(
            ReminderSettings(
                plan=plan,
                email=email,
                weekday=due.weekday(),
                local_time=due.time().replace(second=0, microsecond=0),
                time_zone="UTC",
                active=True,
                active_since=timezone.now(),
                next_due_at=due,
            )
        )
    ReminderSettings.objects.bulk_create(settings_rows)
    return emails


def _kill_hard(pid: int) -> None:
    """kill -9 the worker and its pool processes, as a lost node would."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    for child in children:
        os.kill(int(child), signal.SIGKILL)
    os.kill(pid, signal.SIGKILL)


def _sent() -> int:
    return ReminderLog.objects.filter(status=ReminderLog.Status.SENT).count()


def test_two_hundred_due_reminders_make_exactly_two_hundred_emails(start_worker, sink):
    server, port = sink()
    emails = _due_plans(200)
    start_worker(concurrency=2, extra_env={"EMAIL_URL": f"smtp://127.0.0.1:{port}"})

    # Two beat ticks at once, on two worker processes, small batches: they
    # race for the same rows and must never both claim one.
    for _ in range(2):
        send_due_reminders.apply_async(kwargs={"batch": 20}, queue=start_worker.queue)

    assert wait_for(lambda: server.total >= 200 and _sent() == 200, timeout=90)
    time.sleep(1)  # a moment for any stray duplicate to arrive
    assert server.total == 200
    assert set(server.counts) == set(emails)
    assert set(server.counts.values()) == {1}
    assert ReminderLog.objects.count() == 200
    assert not ReminderSettings.objects.filter(next_due_at__lte=timezone.now()).exists()


def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(
    start_worker, sink, redis_url
):
    emails = _due_plans(200)
    held = emails[0]
    server, port = sink(hold=held)
    env = {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    queue = start_worker.queue
    ids = reminders.claim_due(enqueue=lambda ids: None)
    assert len(ids) == 200
    for log_id in sorted(ids):  # `held` is the first plan, so the first task
        send_reminder.apply_async((log_id,), queue=queue)

    first = start_worker(concurrency=1, extra_env=env)
    # The first worker is in the middle of sending to `held`: kill it there.
    assert server.holding.wait(timeout=60)
    _kill_hard(first.process.pid)
    first.process.wait(timeout=10)
    server.release.set()
    assert ReminderLog.objects.get(plan__reminder_settings__email=held).status == "sending"

    # The dead worker had taken `held` (and at most one more, prefetched) off
    # the queue; Redis hands the others to the next worker.
    waiting = redis.Redis.from_url(redis_url).llen(queue)
    taken = ReminderLog.objects.exclude(status=ReminderLog.Status.SENT).count() - waiting
    assert 1 <= taken <= 2
    start_worker(concurrency=2, extra_env=env)
    assert wait_for(lambda: _sent() == 200 - taken, timeout=90)
    # The sweeper finds the rows the dead worker took and queues them again.
    requeue_stuck_reminders.apply_async(kwargs={"older_than_seconds": 1}, queue=queue)
    assert wait_for(lambda: _sent() == 200, timeout=60)
    time.sleep(1)
    assert set(server.counts) == set(emails)
    assert set(server.counts.values()) == {1}, {e: n for e, n in server.counts.items() if n > 1}
    assert ReminderLog.objects.get(plan__reminder_settings__email=held).attempts == 2
