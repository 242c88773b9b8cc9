"""Benchmark: the same figures on 1,000 plans and on 100,000, taken in turns.

Creates two PostgreSQL databases of its own (dropped at the end), migrates
them and fills them with COPY (bench/scale_fill.py): plans of about 40 steps
each (the steps of a real plan made by plans.services.plan_create), reminder
settings for 60% of the plans (at least 1,000) spread over the week's days,
hours and a handful of time zones, mentors with one helper link each (5,000
in the large one, 500 in the small one), and 10% of the plans anonymous and
untouched for 400 days. Then, in rounds (3 by default), it measures the small
database and then the large one, each in a new process (bench/scale_measure.py),
so both sizes see the same minutes of a shared machine:

- plan page: p50 and p99 of GET /p/<key>/ for random plans (Django's test
  client, DEBUG off), 300 a round;
- a tick: p50 of the htmx "Done" on distinct plans, 100 a round;
- the beat's claim of 1,000 due reminders (plans.reminders.claim_due), 3 a
  round, with the rows put back between them;
- "delete everything" for one plan (plans.privacy.plan_delete), 20 in the
  last round (at 1,000 plans every plan has reminder settings, and each
  round's claim needs 1,000).

The times of all rounds are pooled. After the rounds, every statement of
those paths and of the clean-up (caught with connection.execute_wrapper) is
printed with EXPLAIN (ANALYZE, BUFFERS) at the full size; a sequential scan
of plans or plan steps is a miss. Last, the daily clean-up
(plans.privacy.plans_delete_stale) runs on both: per stale plan at both
sizes, the whole run of 10,000 at the full size, its longest statement (no
lock held over 1 s), and the plan page's p99 while it runs in a process of its
own (as in a worker) against the page's p99 just before and after.

    python bench/scale.py [--plans 100000] [--small 1000] [--rounds 3]

Needs PostgreSQL (DATABASE_URL names the server; the benchmark's databases,
BENCH_SCALE_PREFIX_<random>_<plans>, are created beside it) and Redis
(REDIS_URL) for the cache.
"""

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))
from summary import report  # noqa: E402

SERVER_URL = (
    os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/littlesteps_bench"
)
SERVER = SERVER_URL.rsplit("/", 1)[0]
# BENCH_SCALE_PREFIX names the databases of one checkout, beside others on the server.
PREFIX = f"{os.environ.get('BENCH_SCALE_PREFIX', 'littlesteps_scale')}_{secrets.token_hex(4)}"

RATIO_TARGET = 1.5
CLEANUP_TARGET_S = 120.0
LOCK_TARGET_S = 1.0


def psql(database: str, sql: str) -> None:
    subprocess.run(["psql", f"{SERVER}/{database}", "-qc", sql], check=True, capture_output=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def child(database: str, task: str, static_root: str, **options: int) -> dict:
    """One task of bench/scale_measure.py in a new process, against one database."""
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        "DJANGO_STATIC_ROOT": static_root,
        "BENCH_TASK": json.dumps({"task": task, "options": options}),
    }
    env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    process = subprocess.run(
        [sys.executable, str(BENCH / "scale.py")],
        cwd=BENCH.parent,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result = {}
    for line in process.stdout.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT ") :])
        else:
            print(line, flush=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--mentors", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    sizes = {"small": args.small, "large": args.plans}
    names = {size: f"{PREFIX}_{plans}" for size, plans in sizes.items()}
    static_root = tempfile.mkdtemp(prefix="littlesteps-bench-scale-")
    rounds: dict[str, dict[str, list[float]]] = {size: {} for size in sizes}
    try:
        for size, plans in sizes.items():
            psql("postgres", f'CREATE DATABASE "{names[size]}"')
            filled = child(
                names[size],
                "fill",
                static_root,
                plans=plans,
                stale=min(10_000, plans // 10),
                mentors=min(args.mentors, plans // 2),
            )
            psql(names[size], "VACUUM ANALYZE")
            print(
                f"Filled {plans:,} plans ({filled['steps']} steps each), "
                f"{filled['settings']:,} reminder settings in {filled['seconds']:.0f} s",
                flush=True,
            )
        for number in range(1, args.rounds + 1):
            for size, plans in sizes.items():
                print(f"Round {number}, {plans:,} plans:", flush=True)
                last = number == args.rounds
                measured = child(names[size], "measure", static_root, deletes=20 if last else 0)
                for figure, times in measured.items():
                    rounds[size].setdefault(figure, []).extend(times)
        scans = child(names["large"], "explain", static_root)
        print(f"\nThe daily clean-up at {args.small:,} and at {args.plans:,} plans:", flush=True)
        cleanups = {size: child(names[size], "cleanup", static_root) for size in sizes}
    finally:
        for name in names.values():
            psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(static_root, ignore_errors=True)

    def figures(size: str) -> dict[str, float]:
        times, clean = rounds[size], cleanups[size]
        return {
            "plan page p50 (ms)": statistics.median(times["page"]),
            "plan page p99 (ms)": pct(times["page"], 0.99),
            "tick p50 (ms)": statistics.median(times["tick"]),
            "claim of 1,000 due (ms)": statistics.median(times["claim"]),
            "delete one plan (ms)": statistics.median(times["delete"]),
            "clean-up per stale plan (ms)": clean["seconds"] * 1000 / max(clean["deleted"], 1),
        }

    small, large = figures("small"), figures("large")
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
    big = cleanups["large"]
    ok &= report(
        f"scale: clean-up of {big['deleted']:,} stale",
        "",
        f"{big['seconds']:.1f} s",
        f"<= {CLEANUP_TARGET_S:.0f} s",
        big["seconds"] <= CLEANUP_TARGET_S,
    )
    ok &= report(
        "scale: clean-up's longest statement",
        "",
        f"{big['longest'] * 1000:.0f} ms",
        f"<= {LOCK_TARGET_S * 1000:.0f} ms",
        big["longest"] <= LOCK_TARGET_S,
    )
    before = pct(big["before"], 0.99)
    during = pct(big["during"], 0.99) if big["during"] else float("nan")
    ok &= report(
        "scale: plan page p99 during clean-up",
        f"{before:.1f} ms before/after",
        f"{during:.1f} ms ({during / before:.2f}x)",
        f"<= {RATIO_TARGET}x",
        during <= RATIO_TARGET * before,
    )
    ok &= report(
        "scale: sequential scans of plans or steps",
        "",
        "none" if scans["clean"] else "found",
        "none",
        bool(scans["clean"]),
    )
    return 0 if ok else 1


if __name__ == "__main__":
    if "BENCH_TASK" in os.environ:
        import scale_measure

        task = json.loads(os.environ["BENCH_TASK"])
        scale_measure.run(task["task"], **task["options"])
    else:
        sys.exit(main())
