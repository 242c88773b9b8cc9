"""Redis stopped or hung: pages and sign-in keep working (issue 25, point 4).

Two gunicorn instances of the real app sit behind haproxy, which checks
/readyz as a Kubernetes readiness probe does; the cache and broker are a
redis-server this test starts on its own port. Threads load pages through
the balancer while the test stops Redis, then hangs it (SIGSTOP). Not one
request may fail, and a person can ask for a sign-in code all along.
"""

import http.client
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import IN_CI
from tests.factories import make_plan
from tests.helpers import http_get, wait_for
from tests.test_gunicorn_config import (  # noqa: F401 - fixtures used by name
    GunicornServer,
    free_port,
    gunicorn_env,
    static_root,
)
from tests.test_rolling_restart import Haproxy, Load, _haproxy

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 8
HUNG_SECONDS = 5


def _redis_server() -> str:
    path = shutil.which("redis-server")
    if not path:
        reason = "redis-server is not installed (Debian package redis-server)"
        if IN_CI:
            pytest.fail(f"CI is set but {reason}.")
        pytest.skip(f"{reason}: the Redis outage test starts its own.")
    return path


class RedisServer:
    """A redis-server of the test's own, on its own port, with nothing saved to disk."""

    def __init__(self, folder: Path):
        self.port = free_port()
        self.folder = folder
        self.log_path = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self._log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [
                *(_redis_server(), "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.folder)),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        assert wait_for(self._answers, timeout=10), self.log_path.read_text()
        return self

    def _answers(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
            self._log.close()


def ask_for_a_sign_in_code(port: int, email: str) -> tuple[int, str, float]:
    """GET the sign-in page, then post an address, as a browser does.

    Returns the answer's status and Location, and the seconds both took."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        conn.request("GET", "/accounts/login/")
        page = conn.getresponse()
        body = page.read().decode()
        cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie", "") or "")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert page.status == 200 and cookie and token, (page.status, body[:300])
        conn.request(
            "POST",
            "/accounts/login/",
            body=f"csrfmiddlewaretoken={token.group(1)}&login={email}",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookie.group(1)}",
            },
        )
        answer = conn.getresponse()
        answer.read()
        return answer.status, answer.getheader("Location", ""), time.monotonic() - started
    finally:
        conn.close()


@pytest.fixture
def site(gunicorn_env, tmp_path):  # noqa: F811
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two gunicorns and the test share the database")
    _haproxy()
    redis_server = RedisServer(tmp_path).start()
    env = {**gunicorn_env, "REDIS_URL": redis_server.url}
    servers = [GunicornServer(free_port(), env, tmp_path / f"gunicorn-{i}.log") for i in range(2)]
    balancer = None
    loads: list[Load] = []
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        balancer = Haproxy([s.port for s in servers], tmp_path)
        balancer.wait_ready()
        time.sleep(1)
        yield redis_server, servers, balancer, loads
    finally:
        for load in loads:
            load.abort()
        for server in servers:
            server.stop()
        if balancer is not None:
            balancer.stop()
        redis_server.stop()


def test_while_redis_is_stopped_or_hung_no_page_fails_and_sign_in_works(site):
    redis_server, servers, balancer, loads = site
    plan = make_plan()
    paths = ["/", "/start/", f"/p/{plan.key}/", "/accounts/login/"]
    load = Load(balancer.port, paths).start()
    loads.append(load)
    time.sleep(1)

    # Stopped: the port refuses.
    redis_server.stop()
    before = load.total
    stopped_at = time.monotonic()
    status, location, _ = ask_for_a_sign_in_code(balancer.port, "stopped@example.org")
    assert (status, location) == (302, "/accounts/login/code/confirm/")
    while time.monotonic() - stopped_at < OUTAGE_SECONDS:
        time.sleep(0.2)
    during_stop = load.total - before
    failed_stop = len(load.failures)
    for server in servers:
        code, body = http_get(server.port, "/readyz")
        assert code == 200 and b'"broker"' in body, body

    # Hung: the port accepts, Redis never answers.
    redis_server.start()
    redis_server.process.send_signal(signal.SIGSTOP)
    before = load.total
    hung_at = time.monotonic()
    status, location, seconds = ask_for_a_sign_in_code(balancer.port, "hung@example.org")
    assert (status, location) == (302, "/accounts/login/code/confirm/")
    assert seconds < 3, f"asking for a code took {seconds:.1f}s while Redis hung"
    while time.monotonic() - hung_at < HUNG_SECONDS:
        time.sleep(0.2)
    during_hang = load.total - before
    redis_server.process.send_signal(signal.SIGCONT)
    time.sleep(1)
    load.stop(at_least=0)

    print(
        f"\nRedis stopped {OUTAGE_SECONDS}s: {during_stop} requests through haproxy, "
        f"failed {failed_stop}; Redis hung {HUNG_SECONDS}s: {during_hang} requests, "
        f"failed {len(load.failures) - failed_stop}; statuses {dict(load.statuses)}"
    )
    assert during_stop > 50 and during_hang > 20
    assert not load.failures, load.failures[:20]
    assert all(load.by_path[path] > 0 for path in paths)
    logs = "".join(s.log_path.read_text() for s in servers)
    assert "Redis cache unavailable" in logs
    assert plan.key not in logs
