"""`make bench`: every benchmark in one run, each printing its own figures.

python bench/run_all.py
"""

import os
import platform
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = [
    "pages.py",
    "plan_generation.py",
    "pdf.py",
    "reminders.py",
    "browser.py",
    "scale.py",
    "memory.py",
]
MARK = "SUMMARY\t"


def machine() -> str:
    cpu = "unknown processor"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    return f"{cpu}, {cores} cores, Python {platform.python_version()}, {date.today()}"


# The benchmarks that need servers use the local PostgreSQL and Redis unless
# told otherwise (bench/pages.py creates its database when missing).
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/littlesteps_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
}


def on_server(url: str, sql: str) -> str:
    """Run one statement on the server of `url` (its postgres database)."""
    server = url.rsplit("/", 1)[0] + "/postgres"
    done = subprocess.run(["psql", server, "-tAc", sql], capture_output=True, text=True)
    return done.stdout.strip()


def database_exists(url: str) -> bool:
    name = url.rsplit("/", 1)[-1]
    return on_server(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def drop_database(url: str) -> None:
    on_server(url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[-1]}" WITH (FORCE)')


def main() -> int:
    print(f"Machine: {machine()}")
    env = {**DEFAULTS, **os.environ}
    # The benchmarks create this database when it is missing; a run that made
    # it drops it at the end (bench/scale.py drops its own two as it goes).
    made_database = not database_exists(env["DATABASE_URL"])
    failed = []
    rows: list[list[str]] = []
    for name in SCRIPTS:
        script = BENCH / name
        if not script.exists():
            continue
        print(f"\n=== {name} ===", flush=True)
        with subprocess.Popen(
            [sys.executable, str(script)],
            cwd=BENCH.parent,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            for line in process.stdout:
                if line.startswith(MARK):
                    rows.append(line[len(MARK) :].rstrip("\n").split("\t"))
                else:
                    print(line, end="", flush=True)
        if process.returncode != 0:
            failed.append(name)
    if made_database:
        drop_database(env["DATABASE_URL"])
    if rows:
        print(f"\n{'figure':44} {'limit':22} {'value':28} {'target':26} result")
        for figure, limit, value, target, verdict in rows:
            print(f"{figure:44} {limit:22} {value:28} {target:26} {verdict}")
    # The figures are the result: a missed target is reported, not a crash.
    print("\nEvery target met." if not failed else f"\nMissed a target in: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
