"""What a kill -9 can cost (issue 25, point 7): duplicates and lateness.

A real Celery worker on the real Redis sends reminders to a real SMTP sink
(aiosmtpd). It is killed with SIGKILL in the middle of a send, the sweeper
runs as the beat runs it, and the test counts every email each person got
and how late the last reminder came.

The one window for a duplicate is between the mail server accepting a
message and the worker marking its row sent: one UPDATE, milliseconds. The
goodbye to the server (QUIT, up to EMAIL_TIMEOUT) comes after the row is
marked, so a worker killed there sends nothing twice.
"""

import asyncio
import collections
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from plans import reminders
from plans.models import ReminderLog
from plans.tasks import requeue_stuck_reminders, send_reminder
from tests.helpers import wait_for
from tests.test_reminders_worker import _due_plans, _free_port, _kill_hard, _sent

pytestmark = [pytest.mark.redis, pytest.mark.slow]

# The sweeper's threshold here, scaled down from STUCK_AFTER (2 minutes) so
# the test runs in seconds; it runs every SWEEP_SECONDS, as beat does every 60.
STUCK_SECONDS = 3
SWEEP_SECONDS = 1


class QuitHoldingSink:
    """Accepts every message; holds the goodbye (QUIT) after one address's message."""

    def __init__(self, hold: str):
        self.counts: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()
        self.hold = hold
        self.holding = threading.Event()
        self.release = threading.Event()
        self.sessions_with_hold: set[int] = set()

    async def handle_RCPT(self, server, session, envelope, address, options):
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.counts[address] += 1
            if self.hold in envelope.rcpt_tos and not self.release.is_set():
                self.sessions_with_hold.add(id(session))
        return "250 Message accepted"

    async def handle_QUIT(self, server, session, envelope):
        if id(session) in self.sessions_with_hold:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "221 Bye"


def test_a_worker_killed_after_the_server_accepted_sends_nothing_twice_and_little_late(
    start_worker, redis_url
):
    emails = _due_plans(60)
    held = emails[0]
    handler = QuitHoldingSink(hold=held)
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env = {"EMAIL_URL": f"smtp://127.0.0.1:{port}"}
        ids = reminders.claim_due(enqueue=lambda ids: None)
        for log_id in sorted(ids):  # `held` is the first plan, so the first task
            send_reminder.apply_async((log_id,), queue=start_worker.queue)
        first = start_worker(concurrency=1, extra_env=env)

        # The server has accepted `held`'s reminder and the worker is saying goodbye.
        assert handler.holding.wait(timeout=60)
        held_log = ReminderLog.objects.get(plan__reminder_settings__email=held)
        assert held_log.status == ReminderLog.Status.SENT  # recorded before QUIT
        killed_at = time.monotonic()
        _kill_hard(first.process.pid)
        first.process.wait(timeout=10)
        handler.release.set()

        start_worker(concurrency=2, extra_env=env)
        # The beat's sweeper, scaled down.
        while _sent() < len(emails) and time.monotonic() - killed_at < 90:
            requeue_stuck_reminders.apply_async(
                kwargs={"older_than_seconds": STUCK_SECONDS}, queue=start_worker.queue
            )
            time.sleep(SWEEP_SECONDS)
        late = time.monotonic() - killed_at
        assert wait_for(lambda: _sent() == len(emails), timeout=30)
        time.sleep(1)  # a moment for any stray duplicate to arrive
    finally:
        controller.stop()

    duplicates = sum(n - 1 for n in handler.counts.values() if n > 1)
    print(
        f"\nkill -9 after the server accepted: {len(emails)} reminders, "
        f"{duplicates} duplicates, the last sent {late:.1f}s after the kill "
        f"(sweeper threshold {STUCK_SECONDS}s, every {SWEEP_SECONDS}s; in production "
        f"{reminders.STUCK_AFTER.seconds}s, every 60s)"
    )
    assert set(handler.counts) == set(emails)
    assert duplicates == 0
    # The latest reminder waited for one sweep past the threshold, no more.
    assert late < STUCK_SECONDS + 3 * SWEEP_SECONDS + 10
    assert reminders.STUCK_AFTER.total_seconds() <= 180
