"""What `make run` leaves on a newcomer's machine: everything under var/."""

import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

DECLARE_AS_A_WORKER_DOES = """
import django
django.setup()
from kombu import Exchange, Queue
from config.celery import app
with app.connection_for_write() as connection:
    pidbox = Exchange("celery.pidbox", "fanout")
    Queue("make-run-test.pidbox", pidbox, channel=connection.channel()).declare()
"""


def test_the_embedded_broker_keeps_every_folder_under_var(tmp_path):
    # As `make run` starts it: no Redis, so the file-system broker, started
    # from some other folder.
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(BASE_DIR)
    )
    result = subprocess.run(
        [sys.executable, "-c", DECLARE_AS_A_WORKER_DOES],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []
    assert (BASE_DIR / "var" / "celery-control" / "celery.pidbox.exchange").exists()
