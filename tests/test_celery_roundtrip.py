from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import clear_expired_sessions
from tests.helpers import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_a_real_worker_takes_a_task_from_redis_and_changes_the_database(start_worker):
    now = timezone.now()
    Session.objects.create(
        session_key="old" * 10, session_data="", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="new" * 10, session_data="", expire_date=now + timedelta(days=1)
    )
    start_worker()

    clear_expired_sessions.apply_async(queue=start_worker.queue)

    assert wait_for(lambda: not Session.objects.filter(session_key="old" * 10).exists(), timeout=30)
    assert Session.objects.filter(session_key="new" * 10).exists()
