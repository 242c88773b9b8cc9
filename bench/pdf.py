"""Benchmark: how fast the printable plan (plans/pdf.py) is made.

Builds a 12-week plan in a throwaway SQLite database, then times the PDF
view's work: cold renders (cache cleared before each; WeasyPrint draws the
whole PDF) and cached requests (the cache key from the plan and its steps,
then one cache read). Prints the medians and PASS or FAIL against the
targets (cold <= 1.5 s, cached <= 30 ms). Not a timed test: run it by hand
from the repository root.

    python bench/pdf.py [--cold-runs 5] [--cached-runs 50] [--weeks 12]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from summary import report  # noqa: E402

TARGET_COLD_S = 1.5
TARGET_CACHED_MS = 30.0


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-secret-0123456789abcdefghij")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_plan(weeks: int):
    from personas.catalogue import get_catalogue as persona_catalogue
    from personas.profile import profile_from_answers
    from plans import services

    answers = {
        "devices": ["iphone", "windows"],
        "capability": 2,
        "habits": [],
        "visibility": "private",
        "adversaries": ["scammers", "thieves"],
        "minutes_per_week": 20,
        "group": "unsure",
    }
    persona = next(iter(persona_catalogue().personas))
    plan = services.plan_create(profile=profile_from_answers(answers), persona=persona)
    plan.steps.filter(week__gt=weeks).delete()
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold-runs", type=int, default=5, help="renders with an empty cache")
    parser.add_argument("--cached-runs", type=int, default=50, help="requests served from cache")
    parser.add_argument("--weeks", type=int, default=12, help="weeks in the plan")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as workdir:
        setup_django(Path(workdir))
        from django.conf import settings
        from django.contrib.auth.models import AnonymousUser
        from django.core.cache import cache
        from django.test import RequestFactory

        from plans import pdf, views

        plan = build_plan(args.weeks)
        steps = plan.steps.count()
        factory = RequestFactory()
        url = f"/p/{plan.key}/plan.pdf"

        def request() -> bytes:
            http_request = factory.get(url)
            http_request.user = AnonymousUser()
            response = views.plan_pdf(http_request, key=plan.key)
            assert response.status_code == 200
            return response.content

        cache.clear()
        started = time.perf_counter()
        first = request()
        first_s = time.perf_counter() - started  # includes loading fonts and templates

        cold = []
        for _ in range(args.cold_runs):
            cache.clear()
            started = time.perf_counter()
            request()
            cold.append(time.perf_counter() - started)

        cached = []
        for _ in range(args.cached_runs):
            started = time.perf_counter()
            content = request()
            cached.append((time.perf_counter() - started) * 1000)
        assert content.startswith(b"%PDF-")

        cold_median = statistics.median(cold)
        cached_median = statistics.median(cached)
        print(f"plan: {args.weeks} weeks, {steps} steps; PDF {len(first) / 1024:.0f} KiB")
        backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(f"cache backend: {backend}; layout version {pdf.LAYOUT_VERSION}")
        print(f"first render in this process: {first_s:.2f} s")
        print(
            f"cold (no cache), median of {args.cold_runs}: {cold_median:.2f} s "
            f"(min {min(cold):.2f}, max {max(cold):.2f}); target <= {TARGET_COLD_S} s"
        )
        print(
            f"cached, median of {args.cached_runs}: {cached_median:.1f} ms "
            f"(min {min(cached):.1f}, max {max(cached):.1f}); target <= {TARGET_CACHED_MS} ms"
        )
        ok = cold_median <= TARGET_COLD_S and cached_median <= TARGET_CACHED_MS
        print("PASS" if ok else "FAIL")
        report(
            f"PDF, cold ({steps} steps)",
            "-",
            f"{cold_median:.2f} s",
            f"<= {TARGET_COLD_S} s",
            cold_median <= TARGET_COLD_S,
        )
        report(
            "PDF, cached",
            "-",
            f"{cached_median:.1f} ms",
            f"<= {TARGET_CACHED_MS:.0f} ms",
            cached_median <= TARGET_CACHED_MS,
        )
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
