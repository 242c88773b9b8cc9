"""Benchmark: how fast plans/generator.py makes a plan.

Makes N random valid profiles from a fixed seed, times generate() for each
against the full step catalogue and prints plans per second, the median and
95th percentile in milliseconds, and PASS or FAIL against the target
(median <= 5 ms). The generator is pure, so no database is needed; Django's
settings are loaded only for the translation marks on its reasons.

    python bench/plan_generation.py [--profiles 2000] [--seed 2024] [--content DIR]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-key-not-secret-0123456789abcdefghij")
import django

django.setup()

from summary import report  # noqa: E402

from personas.catalogue import ADVERSARIES, DEVICES, GROUPS, HABITS, VISIBILITY  # noqa: E402
from personas.profile import MINUTES_RANGE, Profile, profile_from_answers  # noqa: E402
from plans.catalogue import CONTENT_DIR, load  # noqa: E402
from plans.generator import generate  # noqa: E402

TARGET_MEDIAN_MS = 5.0


def random_profile(rng: random.Random) -> Profile:
    """A profile from answers the wizard could have stored."""
    answers = {
        "devices": rng.sample(DEVICES, rng.randint(0, 3)),
        "capability": rng.randint(1, 4),
        "habits": rng.sample(HABITS, rng.randint(0, len(HABITS))),
        "visibility": rng.choice(VISIBILITY),
        "adversaries": rng.sample(ADVERSARIES, rng.randint(0, 3)),
        "minutes_per_week": rng.randint(*MINUTES_RANGE),
        "group": rng.choice(GROUPS),
    }
    return profile_from_answers(answers)


def percentile(sorted_values: list[float], fraction: float) -> float:
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=2000, help="how many plans to make")
    parser.add_argument("--seed", type=int, default=2024, help="seed for the random profiles")
    parser.add_argument("--content", type=Path, default=CONTENT_DIR, help="content directory")
    args = parser.parse_args(argv)

    catalogue = load(args.content)
    rng = random.Random(args.seed)
    profiles = [random_profile(rng) for _ in range(args.profiles)]
    for profile in profiles[:20]:  # warm up
        generate(profile, catalogue)

    timings_ms = []
    weeks = 0
    started = time.perf_counter()
    for profile in profiles:
        before = time.perf_counter()
        plan = generate(profile, catalogue)
        timings_ms.append((time.perf_counter() - before) * 1000)
        weeks += len(plan.weeks)
    total = time.perf_counter() - started

    timings_ms.sort()
    median = statistics.median(timings_ms)
    verdict = "PASS" if median <= TARGET_MEDIAN_MS else "FAIL"
    steps = len(catalogue.steps)
    print(f"plan generation: {len(profiles)} profiles, seed {args.seed}, {steps} steps")
    print(f"  plans per second: {len(profiles) / total:,.0f}")
    print(f"  median: {median:.3f} ms   p95: {percentile(timings_ms, 0.95):.3f} ms")
    print(f"  max: {timings_ms[-1]:.3f} ms   weeks per plan: {weeks / len(profiles):.1f}")
    print(f"  {verdict}: target median <= {TARGET_MEDIAN_MS:g} ms")
    report(
        "plan generation median",
        "-",
        f"{median:.2f} ms",
        f"<= {TARGET_MEDIAN_MS:g} ms",
        verdict == "PASS",
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
