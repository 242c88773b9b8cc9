"""Benchmark: due reminders through the real Redis and Celery workers to an SMTP sink.

For each size N: makes N plans with reminders due a minute ago, sends one
`send_due_reminders` (the beat task) to a private queue served by two Celery
workers, and times until N messages reached the SMTP sink (aiosmtpd, in its
own process) and every log row is "sent". The beat task enqueues one
`send_reminder` task for each reminder, and each opens its own connection to
the mail server, as in production. Each worker runs two tasks at a time, as
`Procfile` and deploy/k8s/worker-deployment.yaml run it. A first round of 200
is not timed: it opens each pool process's database connection and loads its
templates, as a running service's are. Then counts database queries per
reminder in this process (the claim, then reminder_send for each, mail to
memory) at two sizes, to show the count does not grow with N. Prints
reminders a second, queries per reminder and PASS or FAIL against the target
(170 a second).

Needs DATABASE_URL (PostgreSQL, migrated here) and REDIS_URL. The rows it
makes are deleted at the end.

    python bench/reminders.py [--sizes 1000 10000] [--concurrency 2] [--query-sizes 100 1000]
"""

import argparse
import datetime
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from summary import report  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_PER_SECOND = 170.0
WARM_UP = 200


def _sink(port: int, counter, ready) -> None:  # runs in its own process
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)

    class Count:
        async def handle_DATA(self, server, session, envelope):
            with counter.get_lock():
                counter.value += len(envelope.rcpt_tos)
            return "250 OK"

    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    while True:
        time.sleep(3600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_due(count: int, tag: str) -> None:
    from django.utils import timezone

    from plans.models import Plan, PlanStep, ReminderSettings
    from tests.factories import make_plan

    template = make_plan()
    steps = list(template.steps.all()[:3])  # a few are enough for "this week"
    due = timezone.now() - datetime.timedelta(minutes=1)
    for start in range(0, count, 2000):
        plans = Plan.objects.bulk_create(
            [
                Plan(
                    profile=template.profile,
                    persona=f"bench-{tag}",
                    catalogue_version=template.catalogue_version,
                    start_date=template.start_date,
                )
                for _ in range(start, min(count, start + 2000))
            ]
        )
        PlanStep.objects.bulk_create(
            [
                PlanStep(plan=p, week=s.week, order=s.order, slug=s.slug, reasons=s.reasons)
                for p in plans
                for s in steps
            ]
        )
        ReminderSettings.objects.bulk_create(
            [
                ReminderSettings(
                    plan=p,
                    email=f"bench{p.pk}@example.org",
                    time_zone="UTC",
                    weekday=due.weekday(),
                    local_time=due.time().replace(second=0, microsecond=0),
                    active=True,
                    active_since=timezone.now(),
                    next_due_at=due,
                )
                for p in plans
            ]
        )
    template.delete()


def _cleanup(tag: str) -> None:
    from plans.models import Plan

    Plan.objects.filter(persona=f"bench-{tag}").delete()


def _start_workers(queue: str, env: dict[str, str], concurrency: int, logs: Path):
    celery = shutil.which("celery", path=str(Path(sys.executable).parent)) or "celery"
    command = [celery, "--app", "config"]
    workers = []
    for n in range(2):
        log = (logs / f"worker-{n}.log").open("w")
        workers.append(
            subprocess.Popen(
                [
                    *command,
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
                    "WARNING",
                    "--hostname",
                    f"{queue}-{n}@localhost",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    return workers


def _queries_per_reminder(size: int, tag: str) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from plans import reminder_mail, reminders

    _make_due(size, tag)
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
        CaptureQueriesContext(connection) as captured,
    ):
        ids: list[int] = []
        while True:
            claimed = reminders.claim_due(enqueue=ids.extend)
            if not claimed:
                break
        for log_id in ids:
            reminder_mail.reminder_send(log_id=log_id)
    _cleanup(tag)
    return len(captured.captured_queries) / max(1, len(ids))


def _sent_logs(tag: str, size: int) -> int:
    """Logs marked sent. A worker marks its log just after the sink has the email,
    so the last few are given a moment (not timed) before they are counted."""
    from plans.models import ReminderLog

    logs = ReminderLog.objects.filter(plan__persona=f"bench-{tag}", status=ReminderLog.Status.SENT)
    sent = logs.count()
    for _ in range(100):
        if sent >= size:
            break
        time.sleep(0.1)
        sent = logs.count()
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument(
        "--concurrency", type=int, default=2, help="pool size of each worker (as deployed: 2)"
    )
    parser.add_argument("--query-sizes", type=int, nargs=2, default=[100, 1000])
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL"):
        print("Set DATABASE_URL (PostgreSQL) and REDIS_URL first.")
        return 2

    import django

    django.setup()
    from django.core.management import call_command

    from plans.tasks import send_due_reminders

    call_command("migrate", verbosity=0)
    tag = uuid.uuid4().hex[:8]
    queue = f"bench-{tag}"
    port = _free_port()
    counter = multiprocessing.Value("l", 0)
    ready = multiprocessing.Event()
    sink = multiprocessing.Process(target=_sink, args=(port, counter, ready), daemon=True)
    sink.start()
    ready.wait(10)
    logs = ROOT / "var" / "bench"
    logs.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    workers = _start_workers(queue, env, args.concurrency, logs)
    time.sleep(8)  # let the workers start and load the catalogue
    results = []
    try:
        # A round that is not timed: each worker process opens its database and
        # mail connections and loads its templates, as a running service's has.
        for size, timed in [(WARM_UP, False), *((size, True) for size in args.sizes)]:
            _make_due(size, tag)
            before = counter.value
            started = time.perf_counter()
            send_due_reminders.apply_async(queue=queue)
            deadline = started + max(120, size / 20)
            while counter.value - before < size and time.perf_counter() < deadline:
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            arrived = counter.value - before
            sent = _sent_logs(tag, size)
            _cleanup(tag)
            print(
                f"{'' if timed else 'warm-up, '}N={size}: {arrived} emails at the sink, "
                f"{sent} logs sent, {elapsed:.1f} s, {arrived / elapsed:.0f} reminders a second"
            )
            if timed:
                results.append((size, arrived, sent, elapsed))
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        sink.terminate()
        _cleanup(tag)

    small, large = args.query_sizes
    per_small = _queries_per_reminder(small, tag)
    per_large = _queries_per_reminder(large, tag)
    print(f"queries per reminder: {per_small:.2f} at N={small}, {per_large:.2f} at N={large}")
    rate = min(arrived / elapsed for _, arrived, _, elapsed in results)
    complete = all(arrived == size == sent for size, arrived, sent, _ in results)
    flat = per_large <= per_small * 1.05
    ok = rate >= TARGET_PER_SECOND and complete and flat
    print(
        f"{'PASS' if ok else 'FAIL'}: slowest {rate:.0f}/s (target {TARGET_PER_SECOND:.0f}), "
        f"all arrived once: {complete}, queries flat: {flat}"
    )
    report(
        "reminders a second (slowest size)",
        "-",
        f"{rate:.0f}/s",
        f">= {TARGET_PER_SECOND:.0f}/s",
        rate >= TARGET_PER_SECOND,
    )
    report(
        "reminders: queries each, flat",
        f"{per_small:.2f} at {small:,}",
        f"{per_large:.2f} at {large:,}",
        "within 5%, each sent once",
        flat and complete,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
