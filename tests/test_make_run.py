"""What `make run` leaves on a newcomer's machine: everything under var/."""

import json
import os
import signal
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.helpers import wait_for, wait_until_ready

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
    env.update(DJANGO_DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(BASE_DIR))
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


SHOW_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


def _settings_value(env: dict[str, str]) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "GUNICORN_BIND"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_SITE_URL],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


def test_links_in_emails_follow_the_address_the_server_binds():
    assert _settings_value({}) == "http://127.0.0.1:8000"
    assert _settings_value({"GUNICORN_BIND": "127.0.0.1:9001"}) == "http://127.0.0.1:9001"
    assert _settings_value({"GUNICORN_BIND": "0.0.0.0:8080"}) == "http://127.0.0.1:8080"
    site = {"GUNICORN_BIND": "0.0.0.0:8080", "SITE_URL": "https://steps.example.org/"}
    assert _settings_value(site) == "https://steps.example.org"


def test_the_banner_names_the_address_the_server_binds():
    shown = subprocess.run(
        ["make", "--no-print-directory", "banner"],
        cwd=BASE_DIR,
        env={**os.environ, "GUNICORN_BIND": "127.0.0.1:9001"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "is starting at http://127.0.0.1:9001 " in shown.stdout


def _processes_marked(mark: str) -> dict[int, str]:
    """The processes whose environment carries the mark: their ids and command lines."""
    found = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if mark.encode() in (proc / "environ").read_bytes():
                found[int(proc.name)] = (
                    (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except OSError:  # gone, or not ours to read
            continue
    return found


@pytest.mark.slow
def test_stopping_make_run_stops_the_server_the_worker_and_beat(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mark = f"make-run-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", LITTLESTEPS_TEST_MARK=mark)
    log_path = tmp_path / "make-run.log"
    with log_path.open("w") as log:
        make = subprocess.Popen(
            ["make", "--no-print-directory", "run"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_until_ready(make, port, log_path, "make run", timeout=180)
        started = lambda: sum("celery" in c for c in _processes_marked(mark).values()) >= 2  # noqa: E731
        assert wait_for(started, timeout=60), log_path.read_text()
        os.kill(make.pid, signal.SIGTERM)
        make.wait(timeout=60)
        # Within gunicorn's drain and graceful timeouts and Celery's warm shutdown.
        assert wait_for(lambda: not _processes_marked(mark), timeout=45), _processes_marked(mark)
    finally:
        for pid in _processes_marked(mark):
            os.kill(pid, signal.SIGKILL)


# One record, formatted by each process's logging as it is set up: the web
# server (Django's LOGGING), the worker and beat (Celery's start-up), and
# gunicorn's error and access logs. The machine's time zone is not UTC, and
# Django sets the process's own to TIME_ZONE, yet every clock must agree.
FORMAT_ONE_RECORD_EACH_WAY = """
import json, logging, os
import django
django.setup()
record = logging.LogRecord("littlesteps", logging.INFO, "x.py", 1, "hello", (), None)
record.created, record.msecs = 1764666903.25, 250.0
shown = {"tz": os.environ["TZ"], "web": logging.getLogger().handlers[0].format(record)}

from config.celery import app
app.log.setup(loglevel="INFO")  # what `celery worker` and `celery beat` do first
shown["worker"] = logging.getLogger().handlers[0].format(record)

from gunicorn.config import Config
from config.gunicorn import RedactingLogger
cfg = Config()
cfg.set("accesslog", "-")
server = RedactingLogger(cfg)
shown["gunicorn"] = server.error_log.handlers[0].format(record)
shown["access"] = server.access_log.handlers[0].format(record)
print(json.dumps(shown))
"""


def test_web_worker_beat_and_gunicorn_lines_show_one_clock():
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(
        DJANGO_DEBUG="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_TIME_ZONE="Pacific/Auckland",
        TZ="America/New_York",  # the machine's, before Django sets its own
        PYTHONPATH=str(BASE_DIR),
    )
    result = subprocess.run(
        [sys.executable, "-c", FORMAT_ONE_RECORD_EACH_WAY],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    assert shown.pop("tz") == "Pacific/Auckland"  # Django's, not UTC: the formatters decide
    utc = "2025-12-02T09:15:03.250Z"
    for name, line in shown.items():
        assert line == f"{utc} INFO littlesteps: hello", f"{name}: {line}"


def test_make_run_starts_honcho_on_the_utc_clock_of_the_lines():
    # honcho writes its own time before each line, in its process's time zone.
    shown = subprocess.run(
        ["make", "--no-print-directory", "-n", "run"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    (start,) = [line for line in shown.stdout.splitlines() if "honcho start" in line]
    assert " TZ=UTC " in f" {start} "
