"""Benchmark: resident memory of one gunicorn worker and one Celery worker as they work.

gunicorn as deployed (one worker of 4 threads here, DEBUG off, WhiteNoise)
serves the landing page, a question and a plan page in turns; its worker's
resident memory (VmRSS) is read after 1,000 and after 10,000 requests. One
Celery worker (one pool process, on a private queue of the real Redis) runs
the daily clean-up task (plans.tasks.delete_stale_plans, a database query
each); its pool process's memory is read after 1,000 and 10,000 tasks.
Targets: at most 150 MB each, and flat (growth under 10%) from 1,000 to 10,000.

    python bench/memory.py [--few 1000] [--many 10000]

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL). The plan it makes is
deleted at the end.
"""

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import DELETE_PLANS, MAKE_PLANS
from server import database_url, deployed_env, free_port, manage, start_server, stop_server
from summary import report

BASE_DIR = Path(__file__).resolve().parent.parent
LIMIT_MB = 150.0
GROWTH = 0.10

SEND_TASKS = """
import os
from config.celery import app
queue = os.environ["BENCH_QUEUE"]
for _ in range(int(os.environ["BENCH_TASKS"])):
    app.send_task("plans.tasks.delete_stale_plans", queue=queue)
"""


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1)) / 1024


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def serve(base: str, paths: list[str], count: int) -> None:
    def one(n: int) -> None:
        with urllib.request.urlopen(base + paths[n % len(paths)]) as response:
            response.read()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(count)))


def queue_length(redis_url: str, queue: str) -> int:
    import redis

    return int(redis.Redis.from_url(redis_url).llen(queue))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=1000)
    parser.add_argument("--many", type=int, default=10000)
    args = parser.parse_args()
    url = database_url("memory")
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    static_root = tempfile.mkdtemp(prefix="littlesteps-bench-memory-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = deployed_env(url, static_root, port, REDIS_URL=redis_url, GUNICORN_WORKERS="1")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    made = re.findall(r"^PLAN (\d+) (\S+) (\d+)$", manage(env, "shell", "-c", MAKE_PLANS), re.M)
    plan_ids = [pk for pk, *_ in made]
    paths = ["/", "/start/devices/", f"/p/{made[0][1]}/"]
    figures: dict[str, tuple[float, float]] = {}
    server = start_server(env, base)
    try:
        worker = children(server.pid)[0]
        serve(base, paths, args.few)
        few = rss_mb(worker)
        serve(base, paths, args.many - args.few)
        figures["gunicorn worker"] = (few, rss_mb(worker))
    finally:
        stop_server(server)
        shutil.rmtree(static_root, ignore_errors=True)

    queue = f"bench-memory-{secrets.token_hex(4)}"
    celery = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "--app",
            "config",
            "worker",
            "--concurrency",
            "1",
            "--queues",
            queue,
            "--loglevel",
            "WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        readings = []
        for count in (args.few, args.many - args.few):
            manage(
                {**env, "BENCH_QUEUE": queue, "BENCH_TASKS": str(count)}, "shell", "-c", SEND_TASKS
            )
            deadline = time.monotonic() + 600
            while queue_length(redis_url, queue) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # the last prefetched tasks
            pool = children(celery.pid)
            readings.append(rss_mb(pool[0]) if pool else float("nan"))
        figures["Celery worker (pool process)"] = (readings[0], readings[1])
    finally:
        celery.terminate()
        celery.wait(timeout=60)
        manage({**env, "BENCH_PLAN_IDS": ",".join(plan_ids)}, "shell", "-c", DELETE_PLANS)

    ok = True
    print(f"\n{'process':30} {args.few:>8,} {args.many:>8,}  (MB resident)")
    for name, (at_few, at_many) in figures.items():
        print(f"{name:30} {at_few:8.1f} {at_many:8.1f}")
        growth = at_many / at_few - 1
        ok &= report(
            f"memory: {name}",
            f"{at_few:.0f} MB at {args.few:,}",
            f"{at_many:.0f} MB at {args.many:,} ({growth:+.0%})",
            f"<= {LIMIT_MB:.0f} MB, growth <= {GROWTH:.0%}",
            at_many <= LIMIT_MB and growth <= GROWTH,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
