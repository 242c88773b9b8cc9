"""The production gunicorn settings: private links never reach the access log,
and SIGTERM drains (readiness fails at once, requests keep being served, then
a graceful stop), checked on a real gunicorn process of the real app."""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from gunicorn.glogging import SafeAtoms

from config import gunicorn as gunicorn_conf
from config import lifecycle
from tests.conftest import database_url_for_subprocess
from tests.factories import make_plan
from tests.helpers import http_get, wait_for, wait_until_ready

BASE_DIR = Path(__file__).resolve().parent.parent
KEY = "Zx8-secretKey_123"


# --- Helpers shared with test_rolling_restart ------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def collect_static(folder: Path) -> None:
    """Hashed static files, as the image builds them (pages name them)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env={
            **os.environ,
            "DJANGO_STATIC_ROOT": str(folder),
            "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        },
        check=True,
        timeout=120,
    )


class GunicornServer:
    """The real app under config/gunicorn.py, as `gunicorn` runs it in the image."""

    def __init__(self, port: int, env: dict[str, str], log_path: Path):
        self.port = port
        self.env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> "GunicornServer":
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "config/gunicorn.py", "config.wsgi"],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self, timeout: float = 30) -> None:
        wait_until_ready(self.process, self.port, self.log_path, "gunicorn", timeout)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def wait_exit(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        if self.process is not None:
            self._log.close()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static")
    collect_static(folder)
    return folder


@pytest.fixture
def gunicorn_env(transactional_db, static_root) -> dict[str, str]:
    """Environment for gunicorn processes on the test database (rows visible)."""
    if not os.environ.get("REDIS_URL"):
        # /readyz checks the broker: without Redis, the folder queue must exist.
        Path(django_settings.CELERY_QUEUE_DIR).mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_DEBUG": "0",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "4",
        "GUNICORN_DRAIN_SECONDS": "2",
        "GUNICORN_GRACEFUL_TIMEOUT": "10",
        "GUNICORN_ACCESSLOG": "-",
    }


# --- Settings ---------------------------------------------------------------


def test_keep_alive_outlasts_a_load_balancers_idle_timeout():
    assert gunicorn_conf.keepalive == 75
    assert gunicorn_conf.worker_class == "gthread"
    assert gunicorn_conf.graceful_timeout < gunicorn_conf.timeout + 1


def test_no_control_socket_is_opened():
    assert gunicorn_conf.control_socket_disable is True


def test_a_worker_leaves_what_it_loaded_at_start_out_of_full_collections():
    # In a fresh interpreter: freezing is for the whole process.
    script = (
        "import gc\n"
        "from config import gunicorn\n"
        "before = gc.get_freeze_count()\n"
        "gunicorn.post_worker_init(None)\n"
        "print(before, gc.get_freeze_count())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    before, frozen = map(int, result.stdout.split())
    assert before == 0
    assert frozen > 10_000


def test_heartbeat_files_live_in_memory_so_a_read_only_disk_is_fine():
    if os.path.isdir("/dev/shm"):
        assert gunicorn_conf.worker_tmp_dir == "/dev/shm"


# --- Access log redaction ---------------------------------------------------


def _access_line(method: str, raw_uri: str, referrer: str = "", location: str = "") -> str:
    path, _, query = raw_uri.partition("?")
    environ = {
        "REQUEST_METHOD": method,
        "RAW_URI": raw_uri,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referrer or "-",
    }
    headers = [("HOST", "example.org")] + ([("REFERER", referrer)] if referrer else [])
    resp = SimpleNamespace(
        status="302 Found" if location else "200 OK",
        headers=[("Location", location)] if location else [],
        sent=10,
    )
    req = SimpleNamespace(headers=headers)
    logger = gunicorn_conf.RedactingLogger.__new__(gunicorn_conf.RedactingLogger)
    atoms = logger.atoms(resp, req, environ, timedelta(milliseconds=3))
    fmt = (
        gunicorn_conf.access_log_format
        + " %(U)s %(q)s %(f)s %({referer}i)s %({location}o)s %({raw_uri}e)s"
    )
    return fmt % SafeAtoms(atoms)


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/p/{KEY}/", "/p/[private]/"),
        (f"/p/{KEY}", "/p/[private]"),
        (f"/p/{KEY}/steps/password-manager/", "/p/[private]/steps/password-manager/"),
        (f"/p/{KEY}/calendar/{KEY}2.ics", "/p/[private]/calendar/[private].ics"),
        (f"/p/{KEY}/plan.pdf", "/p/[private]/plan.pdf"),
        (f"/p/{KEY}/helper/12/sharing/", "/p/[private]/helper/12/sharing/"),
        (f"/join/{KEY}/", "/join/[private]/"),
        (f"/join/{KEY}", "/join/[private]"),
        (f"/reminders/{KEY}/stop/", "/reminders/[private]/stop/"),
        (f"/p/{KEY}/no/such/page/", "/p/[private]"),
        (f"/cal/{KEY}.ics", "/cal/[private]"),
    ],
)
def test_the_access_log_never_shows_a_private_key_in_the_path(path, logged):
    line = _access_line("GET", path)
    assert KEY not in line
    assert f"GET {logged} HTTP/1.1" in line


def test_the_access_log_drops_query_strings_and_referrers_and_redacts_redirects():
    line = _access_line(
        "POST",
        f"/p/{KEY}/link/?token={KEY}",
        referrer=f"https://example.org/p/{KEY}/",
        location=f"https://example.org/join/{KEY}/",
    )
    assert KEY not in line
    assert "token=" not in line
    assert "POST /p/[private]/link/ HTTP/1.1" in line
    assert "/join/[private]" in line


@pytest.mark.parametrize(
    "path", ["/", "/start/", "/start/devices/", "/healthz", "/static/css/site.css", "/plans/"]
)
def test_ordinary_paths_stay_readable_in_the_access_log(path):
    assert f"GET {path} HTTP/1.1" in _access_line("GET", path)


# --- SIGTERM handling, unit level -------------------------------------------


@pytest.fixture
def fresh_lifecycle():
    lifecycle._draining.clear()
    yield
    lifecycle._draining.clear()


class _FakeArbiter:
    def __init__(self):
        self.log = SimpleNamespace(info=lambda *args: None)
        self.signals: list[int] = []
        self.graceful_stops = 0

    def handle_term(self):
        self.graceful_stops += 1
        raise StopIteration

    def signal(self, signum, frame):
        self.signals.append(signum)


def test_the_first_sigterm_fails_readiness_and_stops_only_after_the_drain(
    fresh_lifecycle, monkeypatch
):
    monkeypatch.setattr(gunicorn_conf, "DRAIN_SECONDS", 0.2)
    arbiter = _FakeArbiter()
    gunicorn_conf.when_ready(arbiter)

    arbiter.handle_term()

    assert lifecycle.is_draining()
    assert arbiter.graceful_stops == 0
    time.sleep(0.5)
    assert arbiter.signals == [signal.SIGTERM]


def test_a_second_sigterm_starts_the_graceful_stop_at_once(fresh_lifecycle, monkeypatch):
    monkeypatch.setattr(gunicorn_conf, "DRAIN_SECONDS", 30)
    arbiter = _FakeArbiter()
    gunicorn_conf.when_ready(arbiter)
    arbiter.handle_term()

    with pytest.raises(StopIteration):
        arbiter.handle_term()
    assert arbiter.graceful_stops == 1


def test_with_no_drain_time_sigterm_stops_gracefully_at_once(fresh_lifecycle, monkeypatch):
    monkeypatch.setattr(gunicorn_conf, "DRAIN_SECONDS", 0)
    arbiter = _FakeArbiter()
    gunicorn_conf.when_ready(arbiter)

    with pytest.raises(StopIteration):
        arbiter.handle_term()
    assert lifecycle.is_draining()


def test_the_draining_flag_is_shared_with_processes_forked_afterwards(fresh_lifecycle):
    pid = os.fork()
    if pid == 0:  # the child: a gunicorn worker
        time.sleep(0.3)
        os._exit(0 if lifecycle.is_draining() else 1)
    lifecycle.start_draining()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


# --- SIGTERM handling, on a real gunicorn -----------------------------------


@pytest.mark.slow
def test_sigterm_fails_readiness_at_once_while_requests_finish(gunicorn_env, tmp_path):
    plan = make_plan()
    env = {**gunicorn_env, "GUNICORN_WORKERS": "2"}  # the flag reaches every worker
    server = GunicornServer(free_port(), env, tmp_path / "gunicorn.log").start()
    try:
        server.wait_ready()
        kept_alive = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        kept_alive.request("GET", "/")
        first = kept_alive.getresponse()
        assert first.status == 200
        first.read()
        # A request in flight: its first line is sent, the rest comes later.
        in_flight = socket.create_connection(("127.0.0.1", server.port), timeout=15)
        in_flight.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        time.sleep(0.3)

        server.signal(signal.SIGTERM)
        signalled = time.monotonic()

        # The master handles the signal within moments; readiness fails then.
        assert wait_for(lambda: http_get(server.port, "/readyz")[0] == 503, timeout=1)
        status, body = http_get(server.port, "/readyz")
        assert status == 503
        assert json.loads(body)["failed"] == ["shutting_down"]
        assert all(http_get(server.port, "/readyz")[0] == 503 for _ in range(10))
        # Still serving new connections and kept-alive ones while draining.
        assert http_get(server.port, f"/p/{plan.key}/")[0] == 200
        assert http_get(server.port, "/healthz")[0] == 200
        kept_alive.request("GET", "/start/")
        assert kept_alive.getresponse().status in (200, 302)
        kept_alive.close()
        assert server.process.poll() is None

        # The graceful stop has begun: the request in flight still finishes.
        time.sleep(max(0.0, signalled + 2.5 - time.monotonic()))
        in_flight.sendall(b"\r\n")
        reply = b""
        while chunk := in_flight.recv(65536):
            reply += chunk
            if b'"ok"' in reply:
                break
        in_flight.close()
        assert reply.startswith(b"HTTP/1.1 200"), reply[:200]

        assert server.wait_exit(timeout=15) == 0
        with pytest.raises(OSError):
            http_get(server.port, "/healthz", timeout=2)
        log = server.log_path.read_text()
        assert "Draining: /readyz fails now" in log
        assert f"/p/{plan.key}" not in log
        assert "GET /p/[private]/ HTTP/1.1" in log
        assert "Control socket listening" not in log
    finally:
        server.stop()
