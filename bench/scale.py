"""Benchmark: the same figures on 1,000 plans and on 100,000, in one run.

Creates its own PostgreSQL database (dropped at the end), migrates it and
fills it with COPY: plans of about 40 steps each (the steps of a real plan
made by plans.services.plan_create), reminder settings for 60% of the plans
(at least 1,000) spread over the week's days, hours and a handful of time
zones, 5,000 mentors with one helper link each, and 10% of the plans
anonymous and untouched for 400 days. It measures at 1,000 plans, fills up to
the full size, runs ANALYZE and measures again:

- plan page: p50 and p99 of GET /p/<key>/ for random plans (Django's test
  client in this process, DEBUG off);
- a tick: p50 of the htmx "Done" on distinct plans;
- the beat's claim of 1,000 due reminders (plans.reminders.claim_due), median
  of 3, with the rows put back between runs;
- "delete everything" for one plan (plans.privacy.plan_delete), median of 20;
- the daily clean-up (plans.privacy.plans_delete_stale): per plan at both
  sizes, the whole run of 10,000 at the full size, its longest statement (no
  lock held over 1 s), and the plan page's p99 from another thread while it
  runs.

Each hot query of those paths (the SELECTs Django sends, caught with
connection.execute_wrapper) is printed with EXPLAIN (ANALYZE, BUFFERS) at
the full size; a sequential scan of plans or plan steps is a miss.

    python bench/scale.py [--plans 100000] [--small 1000]

Needs PostgreSQL (DATABASE_URL names the server; the benchmark's own
database is created beside it) and Redis (REDIS_URL) for the cache.
"""

import argparse
import datetime
import io
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from summary import report  # noqa: E402

SERVER_URL = (
    os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/littlesteps_bench"
)
NAME = f"littlesteps_scale_{secrets.token_hex(4)}"
SCALE_URL = SERVER_URL.rsplit("/", 1)[0] + "/" + NAME
ADMIN_URL = SERVER_URL.rsplit("/", 1)[0] + "/postgres"
os.environ.update(
    {
        "DATABASE_URL": SCALE_URL,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": tempfile.mkdtemp(prefix="littlesteps-bench-scale-"),
    }
)
os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))

RATIO_TARGET = 1.5
CLEANUP_TARGET_S = 120.0
LOCK_TARGET_S = 1.0
TIME_ZONES = ["Pacific/Auckland", "Australia/Sydney", "Europe/London", "America/New_York", "UTC"]
SEQ_SCAN = re.compile(r"Seq Scan on (plans_plan|plans_planstep)\b")


def psql(url: str, sql: str) -> None:
    subprocess.run(["psql", url, "-qc", sql], check=True, capture_output=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Filler:
    """Rows by COPY, through the psycopg connection Django already has open."""

    def __init__(self) -> None:
        from personas.profile import profile_from_answers
        from plans.services import plan_create

        answers = {
            "devices": ["iphone", "windows"],
            "capability": 3,
            "habits": [],
            "visibility": "some",
            "adversaries": ["scammers", "thieves", "harassers"],
            "minutes_per_week": 20,
            "group": "knows",
        }
        self.template = plan_create(
            profile=profile_from_answers(answers), persona="mere-cafe-owner"
        )
        self.steps = list(self.template.steps.values_list("week", "order", "slug", "reasons"))
        self.profile = json.dumps(self.template.profile)
        self.plans = 0
        self.stale = 0
        self.settings = 0
        self.keys: list[tuple[int, str]] = []

    def copy(self, table: str, columns: list[str], rows: io.StringIO) -> None:
        from django.db import connection

        rows.seek(0)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                while chunk := rows.read(1 << 20):
                    copy.write(chunk)

    def fill(self, total: int, stale: int, batch: int = 5000) -> None:
        from django.db import connection, transaction

        from plans.models import Plan, PlanStep, ReminderSettings

        now = datetime.datetime.now(datetime.UTC)
        old = now - datetime.timedelta(days=400)
        start = self.template.start_date.isoformat()
        version = self.template.catalogue_version
        while self.plans < total:
            count = min(batch, total - self.plans)
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT COALESCE(MAX(id), 0) FROM plans_plan")
                    first = cursor.fetchone()[0] + 1
                plans, steps, settings = io.StringIO(), io.StringIO(), io.StringIO()
                for n in range(count):
                    pk = first + n
                    key = secrets.token_urlsafe(32)
                    left = total - self.plans - n
                    is_stale = random.random() < (stale - self.stale) / left
                    changed = (
                        old
                        if is_stale
                        else now - datetime.timedelta(minutes=random.randint(1, 50000))
                    )
                    self.stale += is_stale
                    profile = self.profile.replace("\\", "\\\\")
                    plans.write(
                        f"{pk}\t{key}\tt\t{profile}\tbench\t{version}\t{start}\tnormal\t"
                        f"{changed.isoformat()}\t{changed.isoformat()}\n"
                    )
                    if not is_stale:
                        self.keys.append((pk, key))
                    for week, order, slug, reasons in self.steps:
                        steps.write(
                            f"{pk}\t{week}\t{order}\t{slug}\ttodo\t{json.dumps(reasons)}\t"
                            f"{now.isoformat()}\n"
                        )
                    wanted = max(1000, int(0.6 * total))
                    if self.settings < wanted and random.random() < (wanted - self.settings) / (
                        total - self.plans - n
                    ):
                        self.settings += 1
                        due = now + datetime.timedelta(minutes=random.randint(60, 7 * 24 * 60))
                        settings.write(
                            f"{pk}\tbench{pk}@example.org\t{due.weekday()}\t"
                            f"{random.randint(6, 21):02d}:{random.choice(['00', '30'])}:00\t"
                            f"{random.choice(TIME_ZONES)}\tt\t{now.isoformat()}\t"
                            f"{due.isoformat()}\t{secrets.token_urlsafe(24)}\t0\tf\t"
                            f"{now.isoformat()}\t{now.isoformat()}\n"
                        )
                self.copy(
                    Plan._meta.db_table,
                    [
                        "id",
                        "key",
                        "link_enabled",
                        "profile",
                        "persona",
                        "catalogue_version",
                        "start_date",
                        "pace",
                        "created_at",
                        "updated_at",
                    ],
                    plans,
                )
                self.copy(
                    PlanStep._meta.db_table,
                    ["plan_id", "week", '"order"', "slug", "status", "reasons", "created_at"],
                    steps,
                )
                self.copy(ReminderSettings._meta.db_table, SETTINGS_COLUMNS, settings)
            self.plans += count
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('plans_plan', 'id'), MAX(id)) FROM plans_plan"
            )


SETTINGS_COLUMNS = [
    "plan_id",
    "email",
    "weekday",
    "local_time",
    "time_zone",
    "active",
    "active_since",
    "next_due_at",
    "feed_key",
    "bounce_count",
    "stopped_by_bounces",
    "created_at",
    "updated_at",
]


def add_mentors(keys: list[tuple[int, str]], count: int) -> None:
    from django.contrib.auth import get_user_model

    from mentors.models import MentorProfile, Mentorship

    users = get_user_model().objects.bulk_create(
        [
            get_user_model()(email=f"mentor-{secrets.token_hex(8)}@example.org")
            for n in range(count)
        ],
        batch_size=2000,
    )
    mentors = MentorProfile.objects.bulk_create(
        [MentorProfile(user=user, display_name=f"Mentor {n}") for n, user in enumerate(users)],
        batch_size=2000,
    )
    chosen = random.sample(keys, count)
    Mentorship.objects.bulk_create(
        [Mentorship(mentor=m, plan_id=pk) for m, (pk, _) in zip(mentors, chosen, strict=True)],
        batch_size=2000,
    )


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


def timed(call: Callable[[], object], times: int) -> list[float]:
    out = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def plan_page_times(keys: list[tuple[int, str]], count: int) -> list[float]:
    from django.test import Client

    client = Client()
    picks = random.sample(keys, count)
    times = []
    for _, key in picks:
        started = time.perf_counter()
        response = client.get(f"/p/{key}/")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def measure(filler: Filler, label: str) -> dict[str, float]:
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from plans import privacy, reminders
    from plans.models import Plan, PlanStep, ReminderLog, ReminderSettings

    figures: dict[str, float] = {}
    plan_page_times(filler.keys, 20)  # warm caches and connections
    page = plan_page_times(filler.keys, 300)
    figures["plan page p50 (ms)"] = statistics.median(page)
    figures["plan page p99 (ms)"] = pct(page, 0.99)

    client = Client()
    ticks = []
    for pk, key in random.sample(filler.keys, 100):
        slug = PlanStep.objects.filter(plan_id=pk, status="todo").order_by("week", "order")[0].slug
        started = time.perf_counter()
        response = client.post(
            f"/p/{key}/steps/{slug}/", {"status": "done"}, headers={"HX-Request": "true"}
        )
        ticks.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    figures["tick p50 (ms)"] = statistics.median(ticks)

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
    figures["claim of 1,000 due (ms)"] = statistics.median(claims)

    victims = random.sample(filler.keys, 20)
    for victim in victims:
        filler.keys.remove(victim)
    deletes = []
    for pk, _ in victims:
        plan = Plan.objects.get(pk=pk)
        started = time.perf_counter()
        privacy.plan_delete(plan=plan)
        deletes.append((time.perf_counter() - started) * 1000)
    figures["delete one plan (ms)"] = statistics.median(deletes)

    connection.close()
    print(f"  {label}: " + ", ".join(f"{k} {v:.1f}" for k, v in figures.items()), flush=True)
    return figures


def explain_hot_queries(filler: Filler) -> bool:
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from plans import privacy, reminders
    from plans.models import PlanStep, ReminderSettings

    statements = Statements()
    pk, key = random.choice(filler.keys)
    slug = PlanStep.objects.filter(plan_id=pk, status="todo").order_by("week", "order")[0].slug
    due = list(ReminderSettings.objects.values_list("pk", flat=True)[:50])
    client = Client()
    with connection.execute_wrapper(statements):
        client.get(f"/p/{key}/")
        client.post(f"/p/{key}/steps/{slug}/", {"status": "done"}, headers={"HX-Request": "true"})
        with transaction.atomic():
            ReminderSettings.objects.filter(pk__in=due).update(next_due_at=timezone.now())
            reminders.claim_due(batch=50, enqueue=lambda ids: None)
            transaction.set_rollback(True)
        with transaction.atomic():
            privacy.plans_delete_stale(batch_size=50)
            transaction.set_rollback(True)
    clean = True
    shown = set()
    print("\nEXPLAIN (ANALYZE, BUFFERS) of each hot query at the full size:")
    for sql, params, _ in statements.seen:
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        shape = re.sub(r"%s(, %s)*", "%s", sql)
        if shape in shown or "django_session" in sql:
            continue
        shown.add(shape)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        bad = SEQ_SCAN.search(plan)
        clean &= not bad
        print(f"\n-- {'SEQUENTIAL SCAN: ' if bad else ''}{sql[:160]}")
        print("   " + plan.replace("\n", "\n   "))
    return clean


def cleanup_run(filler: Filler) -> tuple[int, float, float, float, float]:
    """The daily clean-up of the stale plans, with plan pages served beside it."""
    from django.db import connection

    from plans import privacy

    baseline = plan_page_times(filler.keys, 200)
    during: list[float] = []
    done = threading.Event()

    def visitor() -> None:
        from django.db import connection as own

        while not done.is_set():
            during.extend(plan_page_times(filler.keys, 10))
        own.close()

    thread = threading.Thread(target=visitor)
    statements = Statements()
    thread.start()
    started = time.perf_counter()
    with connection.execute_wrapper(statements):
        deleted = privacy.plans_delete_stale()
    elapsed = time.perf_counter() - started
    done.set()
    thread.join()
    longest = max(seconds for *_, seconds in statements.seen)
    print(f"  clean-up deleted {deleted} stale plans in {elapsed:.1f} s")
    return (
        deleted,
        elapsed,
        longest,
        pct(baseline, 0.99),
        pct(during, 0.99) if during else float("nan"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--mentors", type=int, default=5_000)
    args = parser.parse_args()
    random.seed(23)
    stale_full = min(10_000, args.plans // 10)

    psql(ADMIN_URL, f'CREATE DATABASE "{NAME}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        filler = Filler()
        began = time.perf_counter()
        filler.fill(args.small, stale=args.small // 10)
        add_mentors(filler.keys, min(args.mentors, args.small // 2))
        psql(SCALE_URL, "VACUUM ANALYZE")
        print(f"Measuring at {args.small:,} plans ({len(filler.steps)} steps each)", flush=True)
        small = measure(filler, f"{args.small:,} plans")
        deleted, elapsed, *_ = cleanup_run(filler)
        small["clean-up per stale plan (ms)"] = elapsed * 1000 / max(deleted, 1)
        filler.stale = 0

        began = time.perf_counter()
        filler.fill(args.plans, stale=stale_full)
        add_mentors(filler.keys, args.mentors - min(args.mentors, args.small // 2))
        psql(SCALE_URL, "VACUUM ANALYZE")
        fill_seconds = time.perf_counter() - began
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM plans_planstep")
            step_rows = cursor.fetchone()[0]
        print(
            f"Filled to {filler.plans:,} plans, {step_rows:,} steps, {filler.settings:,} "
            f"reminder settings, {args.mentors:,} mentors in {fill_seconds:.0f} s",
            flush=True,
        )
        large = measure(filler, f"{args.plans:,} plans")
        scans_ok = explain_hot_queries(filler)
        print(f"\nThe daily clean-up of {filler.stale:,} stale plans:", flush=True)
        deleted, elapsed, longest, p99_before, p99_during = cleanup_run(filler)
        large["clean-up per stale plan (ms)"] = elapsed * 1000 / max(deleted, 1)
        connection.close()
    finally:
        from django.db import connections

        connections.close_all()
        psql(ADMIN_URL, f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        shutil.rmtree(os.environ["DJANGO_STATIC_ROOT"], ignore_errors=True)

    ok = True
    print(f"\n{'figure':28} {args.small:>10,} {args.plans:>10,} {'ratio':>6}")
    for figure, at_small in small.items():
        ratio = large[figure] / at_small
        print(f"{figure:28} {at_small:10.1f} {large[figure]:10.1f} {ratio:6.2f}")
        ok &= report(
            f"scale: {figure}",
            f"{at_small:.1f} at {args.small:,}",
            f"{large[figure]:.1f} ({ratio:.2f}x)",
            f"<= {RATIO_TARGET}x",
            ratio <= RATIO_TARGET,
        )
    ok &= report(
        f"scale: clean-up of {deleted:,} stale",
        "",
        f"{elapsed:.1f} s",
        f"<= {CLEANUP_TARGET_S:.0f} s",
        elapsed <= CLEANUP_TARGET_S,
    )
    ok &= report(
        "scale: clean-up's longest statement",
        "",
        f"{longest * 1000:.0f} ms",
        f"<= {LOCK_TARGET_S * 1000:.0f} ms",
        longest <= LOCK_TARGET_S,
    )
    ok &= report(
        "scale: plan page p99 during clean-up",
        f"{p99_before:.1f} ms before",
        f"{p99_during:.1f} ms ({p99_during / p99_before:.2f}x)",
        f"<= {RATIO_TARGET}x",
        p99_during <= RATIO_TARGET * p99_before,
    )
    ok &= report(
        "scale: sequential scans of plans or steps",
        "",
        "none" if scans_ok else "found",
        "none",
        scans_ok,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
