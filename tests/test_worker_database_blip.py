"""A worker outlives a database blip (issue 25, point 3).

A real Celery worker on the real Redis and PostgreSQL runs a task, so it
holds a database connection; the test then cuts that connection from the
database's side (pg_terminate_backend, as a restart or failover does). The
next tasks must succeed without restarting the worker.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from plans.tasks import requeue_stuck_reminders
from tests.helpers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def old_session(name: str) -> None:
    Session.objects.create(
        session_key=name.ljust(32, "x"),
        session_data="",
        expire_date=timezone.now() - timedelta(days=1),
    )


def gone(name: str) -> bool:
    return not Session.objects.filter(session_key=name.ljust(32, "x")).exists()


def terminate_other_backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_after_the_database_cuts_the_workers_connection_the_next_tasks_succeed(start_worker):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: pg_terminate_backend cuts the worker's connection")
    worker = start_worker()
    old_session("before")
    clear_expired_sessions.apply_async(queue=start_worker.queue)
    assert wait_for(lambda: gone("before"), timeout=30), worker.log_path.read_text()

    assert terminate_other_backends() >= 1  # the worker's own connection

    for run in range(3):
        old_session(f"after{run}")
        clear_expired_sessions.apply_async(queue=start_worker.queue)
        assert wait_for(lambda run=run: gone(f"after{run}"), timeout=30), (
            worker.log_path.read_text()
        )
    # A beat task on the same worker, too.
    requeue_stuck_reminders.apply_async(queue=start_worker.queue)
    succeeded = re.compile(r"Task plans\.tasks\.requeue_stuck_reminders\[\S+\] succeeded")
    assert wait_for(lambda: succeeded.search(worker.log_path.read_text()), timeout=30), (
        worker.log_path.read_text()
    )
    assert "OperationalError" not in worker.log_path.read_text()
