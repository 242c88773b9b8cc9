import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.helpers import fresh_caches

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = bool(os.environ.get("CI"))


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Hashed static names need `collectstatic` first; the tests serve
    # files straight from static/ instead (test_static checks the manifest).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _caches_of_its_own(settings):
    # Every test starts with empty caches: a page or fragment kept by one
    # test is never served to another.
    fresh_caches(settings)


@pytest.fixture(autouse=True)
def _starts_in_english():
    # The test client's requests run LocaleMiddleware in this thread, and the
    # language it turns on stays on after them (a server's next request sets
    # its own): each test starts in the site's language, as a new request does.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis; skipped with a reason on a laptop without it, a failure in CI."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if IN_CI:
            pytest.fail("CI is set but REDIS_URL is not: CI must run against the real Redis.")
        pytest.skip("REDIS_URL is not set: tests that need the real Redis are skipped.")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at REDIS_URL is not reachable: {error}")
    return url


def database_url_for_subprocess() -> str:
    """A DATABASE_URL naming the test database, for worker processes."""
    conf = connection.settings_dict
    if conf["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{conf['NAME']}"
    user = conf["USER"] or ""
    password = f":{conf['PASSWORD']}" if conf["PASSWORD"] else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


class WorkerProcess:
    def __init__(self, queue: str, env: dict[str, str], log_path: Path, concurrency: int = 1):
        self.queue = queue
        self.log_path = log_path
        self._log = log_path.open("w")
        celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
        self.process = subprocess.Popen(
            [
                celery,
                "--app",
                "config",
                "worker",
                "--queues",
                queue,
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{queue}-{uuid.uuid4().hex[:6]}@localhost",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited early:\n{self.log_path.read_text()}")
            if "ready." in self.log_path.read_text():
                return
            time.sleep(0.2)
        raise RuntimeError(f"worker not ready in {timeout}s:\n{self.log_path.read_text()}")

    def stop(self, kill: bool = False) -> None:
        if self.process.poll() is None:
            self.process.kill() if kill else self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@pytest.fixture
def start_worker(redis_url, tmp_path, transactional_db):
    """Start real Celery worker processes on the real Redis and the test database."""
    workers: list[WorkerProcess] = []
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_subprocess(),
        "REDIS_URL": redis_url,
        "DJANGO_SECRET_KEY": django_settings.SECRET_KEY,
    }

    def start(concurrency: int = 1, extra_env: dict[str, str] | None = None) -> WorkerProcess:
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = WorkerProcess(queue, {**env, **(extra_env or {})}, log, concurrency)
        workers.append(worker)
        worker.wait_ready()
        return worker

    start.queue = queue  # type: ignore[attr-defined]
    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="session", autouse=True)
def _translations_compiled():
    # The .mo files Django reads, from the .po files (as `make test` does first),
    # so a test run straight after changing a .po sees its new words.
    from plans.ui_translations import compile_all

    compile_all()
