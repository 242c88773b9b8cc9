"""Plan generation: pure functions, no database. Same input, same plan.

Input: a profile, the step catalogue, the statuses so far and the persona's
first steps. Output: weeks of chosen steps, each with at most two reasons
that name the link to this person's answers, then the steps offered "when
you're ready". The order is a trainer's, stated as rules (DESIGN.md, "Plan
generation"; docs/plan-order.md names the test that holds each):

1. Fit: capability, a how-to for one of the person's devices or an
   any-device path whose needs they meet, not already a habit, not retired.
2. Safety first where someone close is a worry: week 1 the helpline or
   safety plan; then look-only checks; a safer device (and a private email
   when email is not safe) before the first change that may alert; no
   may-alert step before week 3 or before every safety step is done, in an
   earlier week; unsafe steps swapped for their safe alternative or left
   out. "Device not safe" and "email not safe" hold may-alert steps back
   the same way and change the reasons.
3. The experts' core for everyone, one step of each kind: updates, screen
   lock, email password, two-step on email, backup (plans/order.py).
4. Each worry's own core steps ahead of the rest, the worries taking turns;
   the persona's first steps first among them; value per minute only
   breaks ties inside a tier. At capability 4 the basics are offered, not
   scheduled.
5. Visibility: a person who must stay findable gets a "hide yourself"
   step's visible-friendly alternative, and keeps home-address removal.
6. Schedule: prerequisites first; week 1 is one quick win of 10 minutes or
   less; no week over the person's minutes (a single longer step may stand
   alone); at most two steps a week; harder steps not before week 3. A
   first season: general steps only to week 12, tiers 0 to 2 never past
   week 16; then up to three check-ups that follow the person's worries, a
   quarter apart; the rest are offered "when you're ready".
7. Re-flow moves the steps a plan already has (`only`), never adds to them:
   "not now" moves a step back, "already did" drops it, "too much" spreads
   the rest out (plan_reflow in services.py).
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_noop

from personas.profile import Profile
from plans.catalogue import SAFETY_PLAN_SLUG, StepCatalogue
from plans.order import (
    TIER_GENERAL,
    TIER_LATER,
    TIER_NAMES,
    TIER_SAFETY,
    Candidate,
    careful,
    fits,
    rank_steps,
    step_value,
)

__all__ = ["GeneratedPlan", "PlannedStep", "Week", "generate", "reminders_default", "step_value"]

QUICK_WIN_MINUTES = 10
MAX_STEPS_A_WEEK = 2
STRETCH_FROM_WEEK = 3  # steps above the person's capability, and noticeable changes
SEASON_WEEKS = 12  # general steps stop here
LAST_SEASON_WEEK = 16  # safety, core and worry steps never go past this
REFLOW_WEEKS = 52  # a re-flow places the steps a plan has within a year
CHECKUP_EVERY_WEEKS = 13
CHECKUPS = 3  # the rest of the first year
WHEN_READY = 8  # steps offered "when you're ready": a short list, not the catalogue
DONE_STATUSES = frozenset({"done", "already"})
PACES = ("normal", "gentle")

# Kept in English on the plan, put in the reader's language when shown (plans/reason_text.py).
REASON_QUICK_WIN = "A quick win to start: about {minutes} minutes."
REASON_MAY_ALERT = gettext_noop(
    "Someone close could notice this change, so it comes later. Read the note first."
)
REASON_UNSAFE_DEVICE = gettext_noop(
    "Make this change from a safer device, after your safety steps."
)
REASON_STRETCH = gettext_noop("This one is a bit harder, so it comes after some practice.")
REASON_CHECKUP = gettext_noop("A check-up every three months keeps things working.")
REASON_MOVED = gettext_noop("You moved this back. That is fine.")
REASON_LATER = gettext_noop("When you're ready: no rush, and no set week.")


@dataclass(frozen=True)
class PlannedStep:
    slug: str
    reasons: tuple[str, ...]
    tier: str = ""  # safety, core, worry, general, checkup or later
    rule: str = ""  # the rule that placed it (plan preview --explain)


@dataclass(frozen=True)
class Week:
    number: int
    steps: tuple[PlannedStep, ...]


@dataclass(frozen=True)
class GeneratedPlan:
    weeks: tuple[Week, ...]
    reminders_default: str  # "on" or "off"
    later: tuple[PlannedStep, ...] = ()  # offered "when you're ready", not scheduled
    left_out: tuple[tuple[str, str], ...] = ()  # (slug, why) for --explain

    def slugs(self) -> list[str]:
        return [s.slug for w in self.weeks for s in w.steps]


def reminders_default(profile: Profile) -> str:
    """Off where someone close is a worry, or the email or this device is not safe."""
    return "off" if careful(profile) else "on"


def _note(candidate: Candidate, profile: Profile, moved: bool, quick: bool) -> str | None:
    """The one note on when a step comes, if any: the safety note wins."""
    if candidate.gated:
        return REASON_MAY_ALERT if profile.someone_close_is_a_worry else REASON_UNSAFE_DEVICE
    if moved:
        return REASON_MOVED
    if quick and candidate.tier != TIER_SAFETY:
        return REASON_QUICK_WIN.format(minutes=candidate.step.minutes)
    if candidate.step.capability > profile.capability:
        return REASON_STRETCH
    return None


def _planned(
    candidate: Candidate, profile: Profile, *, moved: bool, quick: bool, held: str
) -> PlannedStep:
    note = _note(candidate, profile, moved, quick)
    reasons = tuple(dict.fromkeys([*([note] if note else []), *candidate.reasons]))[:2]
    rule = candidate.rule + (f"; {held}" if held else "")
    return PlannedStep(candidate.step.slug, reasons, TIER_NAMES[candidate.tier], rule)


def generate(
    profile: Profile,
    catalogue: StepCatalogue,
    *,
    statuses: Mapping[str, str] | None = None,
    first_week: int = 1,
    not_before: Mapping[str, int] | None = None,
    pace: str = "normal",
    first_steps: Sequence[str] = (),
    only: Collection[str] | None = None,
) -> GeneratedPlan:
    """Weeks of steps from first_week on (first_week > 1 when re-flowing).

    only: when re-flowing, the slugs the plan already has; nothing else is
    added, and the first season's limits give way to keep every one.
    """
    statuses = statuses or {}
    not_before = not_before or {}
    budget = profile.minutes_per_week if pace == "normal" else max(5, profile.minutes_per_week // 2)
    per_week = MAX_STEPS_A_WEEK if pace == "normal" else 1
    closed = {s for s, status in statuses.items() if status in DONE_STATUSES}
    habit_steps = {s.slug for s in catalogue.steps.values() if s.covers_habit in profile.habits}
    satisfied = closed | habit_steps
    ranked, left_out = rank_steps(profile, catalogue, first_steps)
    pool = [
        c for c in ranked if c.step.slug not in closed and (only is None or c.step.slug in only)
    ]
    pool = _drop_unreachable(pool, satisfied)
    later = sorted(
        (c for c in pool if c.tier == TIER_LATER and only is None), key=lambda c: c.sort_key
    )
    pool = [c for c in pool if c not in later]
    if only is None:
        season_end, last_week = SEASON_WEEKS, LAST_SEASON_WEEK
    else:
        season_end = last_week = first_week + REFLOW_WEEKS
    gate = [c.step.slug for c in pool if c.tier == TIER_SAFETY]
    placed: dict[str, int] = {}
    weeks: list[Week] = []

    def earliest(c: Candidate) -> tuple[int, str]:
        week, held = max(first_week, not_before.get(c.step.slug, first_week)), ""
        if c.step.capability > profile.capability and week < STRETCH_FROM_WEEK:
            week, held = STRETCH_FROM_WEEK, "held to week 3: a harder step"
        if c.gated and week < STRETCH_FROM_WEEK:
            week, held = STRETCH_FROM_WEEK, "held to week 3 and after the safety steps: may alert"
        return week, held

    starts = {c.step.slug: earliest(c) for c in pool}

    def ready(c: Candidate, week: int) -> bool:
        slug = c.step.slug
        if starts[slug][0] > week:
            return False
        if week > (season_end if c.tier == TIER_GENERAL else last_week):
            return False
        if c.gated and any(placed.get(g, week) >= week for g in gate if g != slug):
            return False
        return all(p in satisfied or placed.get(p, week) < week for p in c.step.prerequisites)

    week = first_week
    quick: set[str] = set()
    while pool and week <= last_week:
        this_week: list[Candidate] = []
        if week == 1:
            first = next((c for c in pool if ready(c, 1) and _quick_win(c, profile)), None)
            if first is not None:
                this_week.append(first)
                quick.add(first.step.slug)
        else:
            minutes = 0
            for c in pool:
                if len(this_week) == per_week:
                    break
                if not ready(c, week):
                    continue
                fits_budget = minutes + c.step.minutes <= budget
                if this_week and not fits_budget:
                    continue
                this_week.append(c)
                minutes += c.step.minutes
                if not fits_budget:
                    break  # a longer step stands alone in its week
        if this_week:
            for c in this_week:
                pool.remove(c)
                placed[c.step.slug] = week
            planned = tuple(
                _planned(
                    c,
                    profile,
                    moved=c.step.slug in not_before,
                    quick=c.step.slug in quick,
                    held=starts[c.step.slug][1],
                )
                for c in this_week
            )
            weeks.append(Week(week, planned))
        week += 1

    # What did not fit in the first season is offered, not scheduled: the
    # few that answer this person's worries. An offered step has no week, so
    # it could be done before the safety steps: none that may alert is
    # offered where the safety steps come first.
    later += [c for c in pool if not c.step.is_checkup]
    offered: list[Candidate] = []
    reachable = satisfied | set(placed)
    for c in later:
        wanted = _answers_a_worry(c, profile) and not c.gated and len(offered) < WHEN_READY
        if wanted and all(p in reachable for p in c.step.prerequisites):
            offered.append(c)
            reachable.add(c.step.slug)
    end = max((w.number for w in weeks), default=first_week - 1)
    weeks.extend(_checkups(profile, catalogue, statuses, end, only))
    return GeneratedPlan(
        weeks=tuple(weeks),
        reminders_default=reminders_default(profile),
        later=tuple(
            PlannedStep(c.step.slug, (REASON_LATER, *c.reasons[:1]), "later", c.rule)
            for c in offered
        ),
        left_out=tuple(left_out),
    )


def _answers_a_worry(c: Candidate, profile: Profile) -> bool:
    return any(a in c.step.core_for or c.step.mitigation(a) >= 2 for a in profile.adversaries)


def _quick_win(c: Candidate, profile: Profile) -> bool:
    """Week 1: one step of 10 minutes or less at the person's level; the
    safety plan where someone close is a worry."""
    if profile.someone_close_is_a_worry:
        return c.step.slug == SAFETY_PLAN_SLUG
    return c.step.minutes <= QUICK_WIN_MINUTES and c.step.capability <= profile.capability


def _drop_unreachable(pool: list[Candidate], satisfied: set[str]) -> list[Candidate]:
    """Drop steps whose prerequisites can never be met (not in the pool, not done)."""
    chosen = {c.step.slug: c for c in pool}
    changed = True
    while changed:
        changed = False
        for slug, c in list(chosen.items()):
            if any(p not in chosen and p not in satisfied for p in c.step.prerequisites):
                del chosen[slug]
                changed = True
    return [c for c in pool if c.step.slug in chosen]


def _checkups(
    profile: Profile,
    catalogue: StepCatalogue,
    statuses: Mapping[str, str],
    after_week: int,
    only: Collection[str] | None,
) -> Iterable[Week]:
    """Check-ups that follow the person's own worries, a quarter apart."""
    checkups = [
        s
        for s in catalogue.steps.values()
        if s.is_checkup
        and fits(s, profile)
        and statuses.get(s.slug) not in DONE_STATUSES
        and (only is None or s.slug in only)
        # Rule 5 holds for check-ups too; the visible-friendly ones stay.
        and not (profile.must_stay_findable and s.hides_you)
    ]
    order = {slug: index for index, slug in enumerate(catalogue.steps)}

    def relevance(step_slug: str) -> tuple[int, int]:
        step = catalogue.steps[step_slug]
        return (-sum(step.mitigation(a) for a in profile.adversaries), order[step_slug])

    chosen = sorted((s.slug for s in checkups), key=relevance)
    if only is None:
        chosen = chosen[:CHECKUPS]
    week = after_week
    for slug in chosen:
        step = catalogue.steps[slug]
        week += CHECKUP_EVERY_WEEKS
        worries = [a for a in profile.adversaries if step.mitigation(a) >= 2]
        rule = "check-up: follows " + (", ".join(worries) if worries else "everyone's basics")
        reasons: tuple[str, ...] = (REASON_CHECKUP,)
        if step.may_alert and careful(profile):
            reasons = (REASON_MAY_ALERT, *reasons)
        yield Week(week, (PlannedStep(slug, reasons, "checkup", rule),))
