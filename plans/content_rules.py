"""Rules every piece of advice must meet beyond its schema: plain words,
a kind voice, fresh facts, honest warnings and enough coverage for every
person. `manage.py content check` and the tests both run these, so future
content cannot break them quietly.
"""

import datetime
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import textstat

from personas.catalogue import ADVERSARIES, Persona, PersonaCatalogue
from personas.profile import CLOSE_ADVERSARIES
from plans import regions
from plans.catalogue import (
    LEAVE_OUT,
    NOTICEABLE_CHANGES,
    PLATFORMS,
    SAFETY_PLAN_SLUG,
    Step,
    StepCatalogue,
)
from plans.order import EXPERT

MAX_GRADE = 8.0
MAX_AGE_DAYS = 365
SHAME_WORDS = ("should have", "obviously", "simply", "just", "stupid", "careless", "lazy")
_SHAME_RE = re.compile(r"\b(" + "|".join(re.escape(w) for w in SHAME_WORDS) + r")\b", re.I)

MIN_STEPS = 60
MIN_QUICK = 10
QUICK_MINUTES = 10
# Steps with their own how-to for each platform: a person with only a
# Chromebook, or only a library computer, still gets a whole plan.
MIN_PER_PLATFORM = {
    "iphone": 15,
    "android": 15,
    "windows": 15,
    "mac": 15,
    "chromebook": 12,
    "shared_computer": 5,
}
# An expert's plan is more than the basics.
MIN_PER_CAPABILITY = {1: 10, 2: 10, 3: 6, 4: 6}
MIN_EASY_PER_ADVERSARY = 4
MIN_PERSONAS = 10
# A phone number written into a step: six digits or more, in groups or not.
# Shorter numbers (111, 7726, 105) are caught by being in regions.yaml.
_LONG_NUMBER_RE = re.compile(r"(?<![\w.])\d(?:[ -]?\d){5,}(?!\w|\.\d)")
_SHORT_NUMBER_RE = re.compile(r"(?<![\w.,:-])\d{3,4}(?!\w|[.,:]\d|-)")
# A title or summary that names a device promises that device's how-to.
# Case matters: "close all windows" names no device.
_PLATFORM_WORDS = {
    "iphone": re.compile(r"\biPhone"),
    "android": re.compile(r"\bAndroid"),
    "windows": re.compile(r"\bWindows\b"),
    "mac": re.compile(r"\bMac\b"),
    "chromebook": re.compile(r"\bChromebook"),
}


@dataclass(frozen=True)
class Problem:
    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}, field '{self.field}': {self.reason}"


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def step_texts(step: Step) -> Iterator[tuple[str, str]]:
    """The fields of a step that a person reads, with their names."""
    yield "summary", step.summary
    yield "why", step.why
    for how_to in step.platforms:
        yield f"platforms.{how_to.platform}.how", how_to.how
    if step.good_enough:
        yield "good_enough", step.good_enough
    if step.check:
        yield "check", step.check
    yield "mentor_script", step.mentor_script
    yield "example", step.example
    for key, reason in step.reasons:
        yield f"reasons.{key}", reason


def _where(step: Step) -> str:
    return f"steps/{step.category}.yaml: step '{step.slug}'"


def check_numbers_and_placeholders(where: str, field: str, text: str) -> list[Problem]:
    """Facts that differ by country belong in regions.yaml, named by placeholder."""
    problems = []
    known = regions.known_placeholders()
    for name in regions.placeholders_in(text):
        if field == "title":
            problems.append(Problem(where, field, "a title cannot hold a placeholder"))
        elif name not in known:
            problems.append(Problem(where, field, f"'{{{name}}}' is not a region placeholder"))
    if match := _LONG_NUMBER_RE.search(text):
        problems.append(
            Problem(where, field, f"phone number '{match.group(0)}': use a region placeholder")
        )
    facts = regions.numbers_in_facts()
    for match in _SHORT_NUMBER_RE.finditer(text):
        if match.group(0) in facts:
            problems.append(
                Problem(where, field, f"phone number '{match.group(0)}': use a region placeholder")
            )
    return problems


def check_step(step: Step, today: datetime.date) -> list[Problem]:
    problems = []
    where = _where(step)
    default = regions.get_regions().get(None)
    for field, raw in [("title", step.title), *step_texts(step)]:
        problems += check_numbers_and_placeholders(where, field, raw)
        # Graded as a person reads it: with the default region's words filled in.
        text = regions.fill(raw, default, adversaries=("family",))
        if field != "title" and grade(text) > MAX_GRADE:
            problems.append(
                Problem(where, field, f"reading grade {grade(text):.1f} is above {MAX_GRADE:.0f}")
            )
        if match := _SHAME_RE.search(text):
            problems.append(Problem(where, field, f"uses the word '{match.group(0)}'"))
    noticeable = NOTICEABLE_CHANGES & set(step.changes)
    if noticeable and not step.may_alert:
        problems.append(
            Problem(where, "may_alert", f"must be true: it changes {', '.join(sorted(noticeable))}")
        )
    age = (today - step.last_reviewed).days
    if age > MAX_AGE_DAYS:
        problems.append(Problem(where, "last_reviewed", f"is {age} days old; review it again"))
    if age < 0:
        problems.append(Problem(where, "last_reviewed", "is in the future"))
    if not step.sources:
        problems.append(Problem(where, "sources", "needs at least one source"))
    if not step.check:
        problems.append(Problem(where, "check", "needs one plain way to see that it worked"))
    for platform, word in _PLATFORM_WORDS.items():
        for field, text in (("title", step.title), ("summary", step.summary)):
            if word.search(text) and platform not in step.platform_keys:
                problems.append(Problem(where, field, f"names {platform} but has no how-to for it"))
    return problems


def check_coverage(steps: StepCatalogue) -> list[Problem]:
    active = steps.active()
    problems = []

    def need(count: int, minimum: int, what: str) -> None:
        if count < minimum:
            problems.append(Problem("catalogue", "coverage", f"{what}: {count}, need {minimum}"))

    need(len(active), MIN_STEPS, "steps")
    need(sum(s.minutes <= QUICK_MINUTES for s in active), MIN_QUICK, "steps of 10 minutes or less")
    # Every cell of the counts `content check` prints: none may be empty.
    for capability, count in counts_by_capability(active).items():
        need(count, MIN_PER_CAPABILITY.get(capability, 1), f"steps for capability {capability}")
    for platform, count in counts_by_platform(active).items():
        need(count, MIN_PER_PLATFORM.get(platform, 1), f"steps with a how-to for {platform}")
    for adversary, count in counts_by_worry(active).items():
        need(count, 1, f"steps against {adversary}")
    for adversary in ADVERSARIES:
        easy = sum(s.mitigation(adversary) > 0 and s.capability <= 2 for s in active)
        need(easy, MIN_EASY_PER_ADVERSARY, f"steps of capability 2 or lower against {adversary}")
    safety = steps.steps.get(SAFETY_PLAN_SLUG)
    if safety is None or safety.retired:
        problems.append(Problem("catalogue", "slug", f"the step '{SAFETY_PLAN_SLUG}' is missing"))
    elif safety.may_alert or safety.minutes > QUICK_MINUTES:
        problems.append(
            Problem(_where(safety), "may_alert", "the safety plan must be quick and safe to do")
        )
    if not any(s.is_checkup for s in active):
        problems.append(Problem("catalogue", "category", "no quarterly check-up steps"))
    return problems


def counts_by_capability(active: tuple[Step, ...]) -> dict[int, int]:
    return {c: sum(s.capability == c for s in active) for c in (1, 2, 3, 4)}


def counts_by_platform(active: tuple[Step, ...]) -> dict[str, int]:
    """Steps with their own how-to for each platform ("any" counted apart)."""
    return {p: sum(p in s.platform_keys for s in active) for p in PLATFORMS}


def counts_by_worry(active: tuple[Step, ...]) -> dict[str, int]:
    return {a: sum(s.mitigation(a) > 0 for s in active) for a in ADVERSARIES}


def check_first_steps(persona: Persona, steps: StepCatalogue) -> list[Problem]:
    """A persona's first steps are ones that person could do, safely, first."""
    problems = []
    where = f"personas.yaml: persona '{persona.slug}'"
    at_risk = bool(CLOSE_ADVERSARIES & set(persona.worries))
    safety_plan_done = False
    for slug in persona.first_steps:
        step = steps.steps.get(slug)
        if step is None or step.retired:
            problems.append(Problem(where, "first_steps", f"'{slug}' is not a step"))
            continue
        unfit = []
        if persona.visibility == "public" and step.hides_you:
            unfit.append("hides a public person")
        # The plan's own fit rule (plans/order.py): one level of stretch,
        # and the expert steps for experts only.
        if step.capability > persona.capability + 1 or (
            step.capability >= EXPERT > persona.capability
        ):
            unfit.append(f"needs capability {step.capability}")
        if not step.fits_devices(persona.devices):
            unfit.append("has no how-to for their devices")
        if at_risk and step.if_someone_close == LEAVE_OUT:
            unfit.append("is left out where someone close is a worry")
        if at_risk and step.may_alert and not safety_plan_done:
            unfit.append("could alert someone close before the safety plan")
        for reason in unfit:
            problems.append(Problem(where, "first_steps", f"'{slug}' {reason}"))
        safety_plan_done = safety_plan_done or slug == SAFETY_PLAN_SLUG
    return problems


def check_personas(personas: PersonaCatalogue, steps: StepCatalogue) -> list[Problem]:
    problems = []
    if len(personas.personas) < MIN_PERSONAS:
        problems.append(
            Problem("personas.yaml", "personas", f"{len(personas.personas)}, need {MIN_PERSONAS}")
        )
    for persona in personas.personas.values():
        where = f"personas.yaml: persona '{persona.slug}'"
        for field, text in (("story", persona.story), ("quote", persona.quote)):
            if grade(text) > MAX_GRADE:
                problems.append(
                    Problem(where, field, f"reading grade {grade(text):.1f} is above 8")
                )
            if match := _SHAME_RE.search(text):
                problems.append(Problem(where, field, f"uses the word '{match.group(0)}'"))
        problems += check_first_steps(persona, steps)
    for adversary in personas.adversaries.values():
        where = f"adversaries.yaml: adversary '{adversary.slug}'"
        for field, text in (
            ("description", adversary.description),
            *(("signs", s) for s in adversary.signs),
        ):
            if grade(text) > MAX_GRADE:
                problems.append(
                    Problem(where, field, f"reading grade {grade(text):.1f} is above 8")
                )
            if match := _SHAME_RE.search(text):
                problems.append(Problem(where, field, f"uses the word '{match.group(0)}'"))
    for term in steps.glossary:
        if grade(term.meaning) > MAX_GRADE:
            problems.append(Problem("glossary.yaml", term.term, "reading grade is above 8"))
    return problems


def check_all(
    steps: StepCatalogue, personas: PersonaCatalogue, today: datetime.date
) -> list[Problem]:
    problems = [
        p for step in steps.steps.values() if not step.retired for p in check_step(step, today)
    ]
    return problems + check_coverage(steps) + check_personas(personas, steps) + check_regions(today)


def check_regions(today: datetime.date) -> list[Problem]:
    """Helplines change: every fact in regions.yaml is reviewed within a year."""
    problems = []
    for region in regions.get_regions().regions.values():
        for name, fact in region.facts.items():
            age = (today - fact.last_reviewed).days
            if age > MAX_AGE_DAYS:
                where = f"regions.yaml: region '{region.code}'"
                problems.append(Problem(where, name, f"is {age} days old; review it again"))
    return problems


def summary(steps: StepCatalogue, personas: PersonaCatalogue) -> dict[str, object]:
    active = steps.active()
    grades = [grade(text) for step in active for _, text in step_texts(step)]
    minutes = [s.minutes for s in active]
    return {
        "steps": len(active),
        "retired": len(steps.steps) - len(active),
        "by_category": dict(Counter(s.category for s in active)),
        "by_capability": counts_by_capability(active),
        "by_platform": counts_by_platform(active),
        "by_adversary": counts_by_worry(active),
        "with_check": sum(bool(s.check) for s in active),
        "minutes": {
            "10_or_less": sum(m <= QUICK_MINUTES for m in minutes),
            "median": statistics.median(minutes),
            "max": max(minutes),
        },
        "may_alert": sum(s.may_alert for s in active),
        "with_good_enough": sum(s.good_enough is not None for s in active),
        "personas": len(personas.personas),
        "personas_by_visibility": dict(Counter(p.visibility for p in personas.personas.values())),
        "personas_by_capability": dict(
            sorted(Counter(p.capability for p in personas.personas.values()).items())
        ),
        "adversaries": len(personas.adversaries),
        "glossary_terms": len(steps.glossary),
        "reading_grade": {
            "texts": len(grades),
            "median": round(statistics.median(grades), 1),
            "max": round(max(grades), 1),
        },
        "version": steps.version,
    }
