"""The scale benchmark's work inside one database (bench/scale.py runs each in a process).

Every task runs in its own Python process against one of the benchmark's
databases, so the figures at 1,000 and at 100,000 plans can be taken in
turns, a minute apart at most, and see the same machine. Each prints what it
found and ends with one line, RESULT and its figures as JSON, for bench/scale.py.

- fill: migrate, fill the database (bench/scale_fill.py), VACUUM ANALYZE;
- measure: plan page and tick times, the claim of 1,000 due reminders,
  "delete everything" for 20 plans;
- explain: EXPLAIN (ANALYZE, BUFFERS) of every statement of those paths and
  of the clean-up, each run in a transaction that is rolled back;
- cleanup: the daily clean-up of the stale plans (the task "stale", in a
  process of its own as in a worker), with plan pages served here while it
  runs.
"""

import datetime
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# A sequential scan of these is a miss: every hot path reads a few of their rows.
SEQ_SCAN = re.compile(r"Seq Scan on (plans_plan|plans_planstep)\b")
WRITES_AND_READS = re.compile(r"\s*(SELECT|UPDATE|INSERT|DELETE)\b", re.IGNORECASE)


class Statements:
    """Every SQL statement Django sends while it is on, with its time."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object, float]] = []

    def __call__(self, execute: Callable, sql: str, params, many: bool, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seen.append((sql, params, time.perf_counter() - started))


def live_plans() -> list[tuple[int, str]]:
    """The plans a person still opens: not the stale ones the clean-up is for."""
    from django.utils import timezone

    from plans.models import Plan

    recent = timezone.now() - datetime.timedelta(days=300)
    return list(Plan.objects.filter(updated_at__gte=recent).values_list("pk", "key"))


def plan_page_times(keys: list[tuple[int, str]], count: int) -> list[float]:
    from django.test import Client

    client = Client()
    times = []
    for _, key in random.sample(keys, count):
        started = time.perf_counter()
        response = client.get(f"/p/{key}/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def first_step_to_do(pk: int) -> str:
    from plans.models import PlanStep

    return PlanStep.objects.filter(plan_id=pk, status="todo").order_by("week", "order")[0].slug


def fill(plans: int, stale: int, mentors: int) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from scale_fill import Filler, add_mentors

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    began = time.perf_counter()
    filler = Filler()
    filler.fill(plans, stale=stale)
    add_mentors(filler.keys, mentors)
    connection.close()
    return {
        "seconds": time.perf_counter() - began,
        "steps": len(filler.steps),
        "settings": filler.settings,
    }


def measure(deletes: int) -> dict:
    """One round: the raw times in ms, pooled over the rounds by bench/scale.py.

    Only the last round deletes plans: at 1,000 plans every plan has reminder
    settings, and each round's claim needs 1,000 of them.
    """
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from plans import privacy, reminders
    from plans.models import Plan, ReminderLog, ReminderSettings

    keys = live_plans()
    plan_page_times(keys, 20)  # warm this process's caches and its connection
    page = plan_page_times(keys, 300)

    client = Client()
    ticks = []
    for pk, key in random.sample(keys, 100):
        slug = first_step_to_do(pk)
        started = time.perf_counter()
        response = client.post(
            f"/p/{key}/steps/{slug}/", {"status": "done"}, headers={"HX-Request": "true"}
        )
        ticks.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code

    now = timezone.now()
    due_ids = list(ReminderSettings.objects.order_by("?").values_list("pk", flat=True)[:1000])
    saved = dict(ReminderSettings.objects.filter(pk__in=due_ids).values_list("pk", "next_due_at"))
    claims = []
    for _ in range(3):
        ReminderSettings.objects.filter(pk__in=due_ids).update(
            next_due_at=now - datetime.timedelta(minutes=1)
        )
        started = time.perf_counter()
        claimed = reminders.claim_due(now=now, batch=1000, enqueue=lambda ids: None)
        claims.append((time.perf_counter() - started) * 1000)
        assert len(claimed) == 1000, len(claimed)
        ReminderLog.objects.filter(pk__in=claimed).delete()
    for pk, due in saved.items():
        ReminderSettings.objects.filter(pk=pk).update(next_due_at=due)

    deleted = []
    for pk, _ in random.sample(keys, deletes):
        plan = Plan.objects.get(pk=pk)
        started = time.perf_counter()
        privacy.plan_delete(plan=plan)
        deleted.append((time.perf_counter() - started) * 1000)

    connection.close()
    print(
        f"  page p50 {statistics.median(page):.1f} ms, tick p50 {statistics.median(ticks):.1f} "
        f"ms, claim {statistics.median(claims):.0f} ms"
        + (f", delete {statistics.median(deleted):.1f} ms" if deleted else ""),
        flush=True,
    )
    return {"page": page, "tick": ticks, "claim": claims, "delete": deleted}


def explain() -> dict:
    """Every statement of the hot paths, explained; a sequential scan of plans or steps fails."""
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from plans import privacy, reminders
    from plans.models import Plan, ReminderSettings

    statements = Statements()
    keys = live_plans()
    (pk, key), (victim, _) = random.sample(keys, 2)
    slug = first_step_to_do(pk)
    due = list(ReminderSettings.objects.order_by("?").values_list("pk", flat=True)[:50])
    client = Client()
    with connection.execute_wrapper(statements):
        client.get(f"/p/{key}/")
        client.post(f"/p/{key}/steps/{slug}/", {"status": "done"}, headers={"HX-Request": "true"})
        with transaction.atomic():
            ReminderSettings.objects.filter(pk__in=due).update(next_due_at=timezone.now())
            reminders.claim_due(batch=50, enqueue=lambda ids: None)
            privacy.plan_delete(plan=Plan.objects.get(pk=victim))
            privacy.plans_delete_stale(batch_size=50, rest=0)
            transaction.set_rollback(True)
    clean = True
    shown = set()
    print("\nEXPLAIN (ANALYZE, BUFFERS) of each hot statement at the full size:")
    for sql, params, _ in statements.seen:
        shape = re.sub(r"%s(, %s)*", "%s", sql)
        if not WRITES_AND_READS.match(sql) or shape in shown or "django_session" in sql:
            continue
        shown.add(shape)
        # ANALYZE runs the statement: a write is rolled back with its transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        bad = SEQ_SCAN.search(plan)
        clean &= not bad
        print(f"\n-- {'SEQUENTIAL SCAN: ' if bad else ''}{sql[:160]}")
        print("   " + plan.replace("\n", "\n   "))
    connection.close()
    return {"clean": clean, "statements": len(shown)}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def stale() -> dict:
    """The daily clean-up alone, as the worker runs it, with its longest statement."""
    from django.db import connection

    from plans import privacy

    statements = Statements()
    print("STARTED", flush=True)
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        deleted = privacy.plans_delete_stale()
    elapsed = time.perf_counter() - started
    connection.close()
    longest = max(seconds for *_, seconds in statements.seen)
    return {"deleted": deleted, "seconds": elapsed, "longest": longest}


def cleanup() -> dict:
    """The daily clean-up of the stale plans, with plan pages served beside it.

    The clean-up runs in a process of its own, as in a Celery worker beside
    the web server. This process loads plan pages all along: first to warm
    up, then 200 before the clean-up starts, as many as fit while it runs and
    200 after it. The p99 of the 400 before and after is the limit of the p99
    during: both from the same thread, minutes apart at most.
    """
    from django.test import Client

    keys = live_plans()
    loads: dict[str, list[float]] = {
        "warm": [],
        "before": [],
        "starting": [],
        "during": [],
        "after": [],
    }
    phase = ["warm"]
    ready = threading.Event()

    def visitor() -> None:
        from django.db import connection

        client = Client()
        try:
            while phase[0] != "stop":
                now = phase[0]
                _, key = random.choice(keys)
                started = time.perf_counter()
                response = client.get(f"/p/{key}/")
                loads[now].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                if now == "warm" and len(loads["warm"]) >= 20:
                    phase[0] = "before"
                elif now == "before" and len(loads["before"]) >= 200:
                    phase[0] = "starting"  # the clean-up's process starts: not counted
                    ready.set()
                elif now == "after" and len(loads["after"]) >= 200:
                    phase[0] = "stop"
        finally:
            ready.set()
            connection.close()

    thread = threading.Thread(target=visitor)
    thread.start()
    ready.wait()
    env = {**os.environ, "BENCH_TASK": json.dumps({"task": "stale", "options": {}})}
    result: dict = {}
    with subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("scale.py"))],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as worker:
        assert worker.stdout is not None
        for line in worker.stdout:
            if line.startswith("STARTED"):
                phase[0] = "during"
            elif line.startswith("RESULT "):
                phase[0] = "after"
                result = json.loads(line[len("RESULT ") :])
    thread.join()
    before, during = loads["before"] + loads["after"], loads["during"]
    print(
        f"  clean-up deleted {result['deleted']:,} stale plans in {result['seconds']:.1f} s "
        f"(longest statement {result['longest'] * 1000:.0f} ms); plan page p99 "
        f"{pct(before, 0.99):.1f} ms before and after, "
        f"{pct(during, 0.99) if during else float('nan'):.1f} ms during ({len(during)} loads)",
        flush=True,
    )
    return {**result, "before": before, "during": during}


TASKS: dict[str, Callable[..., dict]] = {
    "fill": fill,
    "measure": measure,
    "explain": explain,
    "cleanup": cleanup,
    "stale": stale,
}


def run(task: str, **options: int) -> None:
    import django

    django.setup()
    random.seed(23 if task == "fill" else None)  # the same rows in every run
    result = TASKS[task](**options)
    print("RESULT " + json.dumps(result), flush=True)
