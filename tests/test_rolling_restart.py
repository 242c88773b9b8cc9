"""A rolling release under load: nobody sees an error.

Three gunicorn instances of the real app (the production config/gunicorn.py)
sit behind haproxy, which health-checks /readyz the way a Kubernetes Service
follows readiness. Python threads send real page requests over keep-alive
connections while the test replaces each instance in turn, as a
RollingUpdate with maxUnavailable 0 does: SIGTERM to the old one (its /readyz
fails at once, the balancer stops sending, requests in flight finish), then a
new one on the same port once the old has exited. Not one request may fail.
"""

import http.client
import re
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.factories import make_plan
from tests.helpers import http_get, wait_for, wait_until_ready
from tests.test_gunicorn_config import (  # noqa: F401 - fixtures used by name
    GunicornServer,
    free_port,
    gunicorn_env,
    static_root,
)

pytestmark = pytest.mark.slow

MIN_REQUESTS = 2000
LOAD_THREADS = 6


def _haproxy() -> str:
    path = shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin")
    if not path:
        reason = (
            "haproxy is not installed (Debian package haproxy; `make test` installs it as root)"
        )
        if IN_CI:
            pytest.fail(f"CI is set but {reason}.")
        pytest.skip(f"{reason}: the rolling-restart tests need it.")
    return path


HAPROXY_CONFIG = """\
global
    maxconn 2000
    # One line per request on stdout: its status, how often haproxy retried
    # it on a server ("+" when it moved to another server) and which server
    # answered. No path: the test log holds no private plan key.
    log stdout format raw daemon

defaults
    mode http
    log global
    log-format "request status=%ST retries=%rc server=%s"
    timeout connect 2s
    # A slow answer (a busy test machine) is not a failed check; a 503 from
    # a draining instance still is, at once.
    timeout check 3s
    timeout client 30s
    timeout server 30s
    # Shorter than gunicorn's keep-alive (75 s): haproxy closes idle
    # connections to the servers, never gunicorn.
    timeout http-keep-alive 60s
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout

frontend web
    bind 127.0.0.1:{port}
    default_backend app

backend app
    balance roundrobin
    option httpchk GET /readyz
    http-check send hdr Host 127.0.0.1
    default-server check inter 500ms fall 1 rise 1
{servers}
"""


class Haproxy:
    def __init__(self, backend_ports: list[int], folder: Path):
        self.port = free_port()
        servers = "\n".join(f"    server app{i} 127.0.0.1:{p}" for i, p in enumerate(backend_ports))
        self.config = folder / "haproxy.cfg"
        self.config.write_text(HAPROXY_CONFIG.format(port=self.port, servers=servers))
        self.log_path = folder / "haproxy.log"
        self._log = self.log_path.open("w")
        # -db: stay in the foreground; no stats socket or page is configured.
        self.process = subprocess.Popen(
            [_haproxy(), "-db", "-f", str(self.config)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 15) -> None:
        wait_until_ready(self.process, self.port, self.log_path, "haproxy", timeout)

    def requests(self) -> list[tuple[int, int, str]]:
        """(status, retries, server) of every request haproxy has logged."""
        found = re.findall(
            r"request status=(-?\d+) retries=\+?(\d+) server=(\S+)", self.log_path.read_text()
        )
        return [(int(status), int(retries), server) for status, retries, server in found]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@dataclass
class Load:
    """Threads sending GETs over keep-alive connections until told to stop."""

    port: int
    paths: list[str]
    statuses: Counter = field(default_factory=Counter)
    by_path: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    @property
    def total(self) -> int:
        with self._lock:
            return sum(self.statuses.values()) + len(self.failures)

    def start(self) -> "Load":
        for number in range(LOAD_THREADS):
            thread = threading.Thread(target=self._run, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _run(self, number: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        sent = number
        while not self._stop.is_set():
            path = self.paths[sent % len(self.paths)]
            sent += 1
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = 200 <= response.status < 400
                with self._lock:
                    self.statuses[response.status] += 1
                    self.by_path[path] += 1
                    if not ok:
                        self.failures.append(f"{path}: HTTP {response.status}")
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException) as error:
                with self._lock:
                    self.failures.append(f"{path}: {type(error).__name__}: {error}")
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        conn.close()

    def abort(self) -> None:
        self._stop.set()

    def stop(self, at_least: int) -> None:
        deadline = time.monotonic() + 30
        while self.total < at_least and time.monotonic() < deadline:
            time.sleep(0.1)
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=25)


def _served(server: GunicornServer) -> int:
    """Requests this instance's access log shows (across its restarts)."""
    # Not counting the balancer's health checks.
    pattern = r'"GET /(?!readyz)\S* HTTP/1\.1" \d{3}'
    return len(re.findall(pattern, server.log_path.read_text()))


@pytest.fixture
def cluster(gunicorn_env, tmp_path):  # noqa: F811
    _haproxy()  # skip (or fail in CI) before starting anything
    plan = make_plan()
    servers = [
        GunicornServer(free_port(), gunicorn_env, tmp_path / f"gunicorn-{i}.log") for i in range(3)
    ]
    balancer = None
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        balancer = Haproxy([s.port for s in servers], tmp_path)
        balancer.wait_ready()
        time.sleep(1)  # every server through one health check
        paths = ["/", "/start/", "/healthz", f"/p/{plan.key}/"]
        loads: list[Load] = []
        yield servers, balancer, paths, loads
    finally:
        for load in loads:
            load.abort()
        for server in servers:
            server.stop()
        if balancer is not None:
            balancer.stop()


def _report(name: str, load: Load, balancer: Haproxy, seconds: float) -> int:
    """Print the counts; return how many requests haproxy had to retry."""
    logged = balancer.requests()
    retried = sum(1 for _, retries, _ in logged if retries)
    by_path = {re.sub(r"/p/[^/]+/", "/p/<key>/", p): n for p, n in load.by_path.items()}
    print(
        f"\n{name}: {load.total} requests in {seconds:.1f}s "
        f"({load.total / seconds:.0f}/s), failed {len(load.failures)}, "
        f"retried by haproxy {retried}, statuses {dict(load.statuses)}, "
        f"by path {by_path}, "
        f"by instance {dict(sorted(Counter(server for *_, server in logged).items()))}"
    )
    return retried


def test_a_rolling_restart_of_every_instance_under_load_fails_no_request(cluster):
    servers, balancer, paths, loads = cluster
    started = time.monotonic()
    load = Load(balancer.port, paths).start()
    loads.append(load)
    time.sleep(1)

    served_when_new = []
    for server in servers:
        server.signal(signal.SIGTERM)
        assert wait_for(lambda s=server: http_get(s.port, "/readyz")[0] == 503, timeout=1)
        assert server.wait_exit(timeout=20) == 0
        server.start().wait_ready()
        served_when_new.append(_served(server))
        # Like minReadySeconds: the balancer sees the new one before the next goes.
        time.sleep(1.5)

    load.stop(at_least=MIN_REQUESTS)
    retried = _report("rolling restart", load, balancer, time.monotonic() - started)
    assert load.total >= MIN_REQUESTS
    assert not load.failures, load.failures[:20]
    # Not even haproxy's retries were needed: the balancer stopped sending to
    # each old instance before it closed a connection or its socket.
    assert retried == 0
    assert load.statuses[200] > 0
    assert all(load.by_path[path] > 0 for path in paths)
    for server, served in zip(servers, served_when_new, strict=True):
        assert server.log_path.read_text().count("Draining: /readyz fails now") == 1
        assert _served(server) > served + 10  # the new instance took its share
    assert balancer.process.poll() is None


def test_reloading_an_instance_with_hup_under_load_fails_no_request(cluster):
    servers, balancer, paths, loads = cluster
    started = time.monotonic()
    load = Load(balancer.port, paths).start()
    loads.append(load)
    time.sleep(1)
    reloaded = servers[0]

    for _ in range(3):
        reloaded.signal(signal.SIGHUP)
        time.sleep(2.5)
        assert reloaded.process.poll() is None
        assert http_get(reloaded.port, "/readyz")[0] == 200

    load.stop(at_least=MIN_REQUESTS)
    _report("HUP reloads", load, balancer, time.monotonic() - started)
    assert load.total >= MIN_REQUESTS
    assert not load.failures, load.failures[:20]
    assert all(load.by_path[path] > 0 for path in paths)
    assert reloaded.log_path.read_text().count("Handling signal: hup") == 3
