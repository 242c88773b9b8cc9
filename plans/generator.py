"""Plan generation: pure functions, no database. Same input, same plan.

Input: a profile, the step catalogue and the statuses so far. Output: weeks
of chosen steps, each with the reasons that put it there. The six rules of
DESIGN.md ("Plan generation"):

1. Fit: capability, at least one of the person's devices, not already a
   habit, not retired.
2. Visibility: a person who must stay findable gets a "hide yourself"
   step's visible-friendly alternative instead.
3. Safety: where someone close is a worry, the safety plan comes first and
   steps that could alert that person come later, flagged.
4. Value: protection against the person's worries plus the priority expert
   lists agree on, per minute of effort.
5. Schedule: prerequisites first; week 1 is one quick win of 10 minutes or
   less; no week over the person's minutes (a single longer step may stand
   alone in its week); at most two steps a week; steps above the person's
   capability not before week 3; then quarterly check-ups.
6. Re-flow: "not now" moves a step back, "already did" drops it, "too much"
   spreads the rest out (see plan_reflow in services.py).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from personas.profile import Profile
from plans.catalogue import SAFETY_PLAN_SLUG, Step, StepCatalogue

QUICK_WIN_MINUTES = 10
MAX_STEPS_A_WEEK = 2
STRETCH_FROM_WEEK = 3  # steps above the person's capability, and noticeable changes
MAX_WEEKS = 26
CHECKUP_EVERY_WEEKS = 13
CHECKUPS = 4  # a year of quarterly check-ups
DONE_STATUSES = frozenset({"done", "already"})
PACES = ("normal", "gentle")

DEVICE_REASONS = {
    "iphone": "You use an iPhone.",
    "android": "You use an Android phone.",
    "windows": "You use a Windows computer.",
    "mac": "You use a Mac.",
    "chromebook": "You use a Chromebook.",
}
ADVERSARY_REASONS = {
    "scammers": "Scammers worry you, and this helps stop them.",
    "thieves": "You worry about losing your phone, and this helps.",
    "partner": "This helps keep your things private from someone close.",
    "family": "This helps keep your things private from someone close.",
    "harassers": "This helps if people online are unkind to you.",
    "employer": "This helps keep work and home apart.",
    "data_brokers": "This helps stop firms from collecting your details.",
    "government": "This helps protect you and the people you talk to.",
}
REASON_QUICK_WIN = "A quick win to start: about {minutes} minutes."
REASON_EXPERTS = "Experts agree this is one of the first things to do."
REASON_SAFETY_FIRST = "Your safety comes first. This step changes nothing on your phone."
REASON_MAY_ALERT = "Someone close could notice this change, so it comes later. Read the note first."
REASON_FINDABLE = "You need people to find you, so this keeps you findable and safer."
REASON_STRETCH = "This one is a bit harder, so it comes after some practice."
REASON_CHECKUP = "A check-up every three months keeps things working."
REASON_MOVED = "You moved this back. That is fine."
# When nothing more particular applies, so no step is planned without a reason.
REASON_COMMON_WORRIES = "Scams and lost phones are common, and this helps with them."
REASON_GOOD_VALUE = "This gives good protection for the time it takes."


@dataclass(frozen=True)
class PlannedStep:
    slug: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Week:
    number: int
    steps: tuple[PlannedStep, ...]


@dataclass(frozen=True)
class GeneratedPlan:
    weeks: tuple[Week, ...]
    reminders_default: str  # "on" or "off"

    def slugs(self) -> list[str]:
        return [s.slug for w in self.weeks for s in w.steps]


@dataclass(eq=False)  # one candidate is one step: compared by identity (pool.remove)
class _Candidate:
    step: Step
    value: float
    reasons: list[str] = field(default_factory=list)


def reminders_default(profile: Profile) -> str:
    if profile.someone_close_is_a_worry or not profile.safe_to_email:
        return "off"
    return "on"


def step_value(step: Step, profile: Profile) -> float:
    """Protection for this person plus agreed priority, per minute of effort."""
    protection = sum(step.mitigation(a) for a in profile.adversaries)
    value = 3 * step.base_priority + 2 * protection
    if profile.group == "unsure" and step.capability == 1:
        value += 2  # orientation first for people not sure where to start
    # A little fixed cost per step, so a 2-minute step does not beat
    # everything on a technicality.
    return value / (step.minutes + 5)


def _fits(step: Step, profile: Profile) -> bool:
    return (
        not step.retired
        and step.capability <= profile.capability + 1
        and step.fits_devices(profile.devices)
        and (step.covers_habit is None or step.covers_habit not in profile.habits)
    )


def _reasons(step: Step, profile: Profile) -> list[str]:
    reasons = []
    if step.slug == SAFETY_PLAN_SLUG and profile.someone_close_is_a_worry:
        reasons.append(REASON_SAFETY_FIRST)
    worries = sorted(
        (a for a in profile.adversaries if step.mitigation(a) > 0),
        key=lambda a: (-step.mitigation(a), profile.adversaries.index(a)),
    )
    if worries and profile.adversaries_given:
        reasons.append(ADVERSARY_REASONS[worries[0]])
    own = [d for d in profile.devices if d in step.platform_keys and d in DEVICE_REASONS]
    if own:
        reasons.append(DEVICE_REASONS[own[0]])
    if step.base_priority == 3:
        reasons.append(REASON_EXPERTS)
    if not reasons:
        reasons.append(REASON_COMMON_WORRIES if worries else REASON_GOOD_VALUE)
    return reasons


def _fitting(profile: Profile, catalogue: StepCatalogue) -> list[_Candidate]:
    """Rules 1 to 4 before any progress: the steps that fit, best value first."""
    chosen: dict[str, _Candidate] = {}
    for step in catalogue.steps.values():
        if step.is_checkup or not _fits(step, profile):
            continue
        reasons = _reasons(step, profile)
        if step.hides_you and profile.must_stay_findable:
            alternative = catalogue.steps[step.visibility]
            if not _fits(alternative, profile) or alternative.slug in chosen:
                continue
            step, reasons = alternative, [REASON_FINDABLE, *_reasons(alternative, profile)]
        if step.slug in chosen:
            continue
        if step.slug == SAFETY_PLAN_SLUG and not profile.someone_close_is_a_worry:
            continue
        chosen[step.slug] = _Candidate(step, step_value(step, profile), reasons)
    order = {slug: index for index, slug in enumerate(catalogue.steps)}
    return sorted(chosen.values(), key=lambda c: (-c.value, order[c.step.slug]))


def choose_steps(
    profile: Profile, catalogue: StepCatalogue, statuses: Mapping[str, str]
) -> list[_Candidate]:
    """Rules 1 to 4: the steps that fit this person and are not done yet, best value first."""
    closed = {slug for slug, status in statuses.items() if status in DONE_STATUSES}
    chosen = {c.step.slug: c for c in _fitting(profile, catalogue) if c.step.slug not in closed}
    satisfied = closed | {
        s.slug for s in catalogue.steps.values() if s.covers_habit in profile.habits
    }
    # Drop steps whose prerequisites can never be met (not chosen, not done).
    changed = True
    while changed:
        changed = False
        for slug, candidate in list(chosen.items()):
            if any(p not in chosen and p not in satisfied for p in candidate.step.prerequisites):
                del chosen[slug]
                changed = True
    return list(chosen.values())


def _earliest_week(
    step: Step, profile: Profile, first_week: int, not_before: Mapping[str, int]
) -> int:
    week = max(first_week, not_before.get(step.slug, first_week))
    if step.capability > profile.capability:
        week = max(week, STRETCH_FROM_WEEK)
    if step.may_alert and profile.someone_close_is_a_worry:
        week = max(week, STRETCH_FROM_WEEK)
    return week


def _finish_reasons(
    candidate: _Candidate, profile: Profile, week: int, moved: bool
) -> tuple[str, ...]:
    reasons = list(candidate.reasons)
    if moved:
        reasons.insert(0, REASON_MOVED)
    if candidate.step.may_alert and profile.someone_close_is_a_worry:
        reasons.insert(0, REASON_MAY_ALERT)
    if candidate.step.capability > profile.capability:
        reasons.append(REASON_STRETCH)
    # Keep the three that matter most; the safety note always stays.
    return tuple(dict.fromkeys(reasons))[:3]


def generate(
    profile: Profile,
    catalogue: StepCatalogue,
    *,
    statuses: Mapping[str, str] | None = None,
    first_week: int = 1,
    not_before: Mapping[str, int] | None = None,
    pace: str = "normal",
) -> GeneratedPlan:
    """Weeks of steps from first_week on (first_week > 1 when re-flowing)."""
    statuses = statuses or {}
    not_before = not_before or {}
    budget = profile.minutes_per_week if pace == "normal" else max(5, profile.minutes_per_week // 2)
    per_week = MAX_STEPS_A_WEEK if pace == "normal" else 1
    satisfied = {s for s, status in statuses.items() if status in DONE_STATUSES}
    satisfied |= {s.slug for s in catalogue.steps.values() if s.covers_habit in profile.habits}
    pool = choose_steps(profile, catalogue, statuses)
    placed: dict[str, int] = {}
    weeks: list[Week] = []

    # Worked out once per step, not once per step and week.
    earliest = {c.step.slug: _earliest_week(c.step, profile, first_week, not_before) for c in pool}

    def ready(candidate: _Candidate, week: int) -> bool:
        step = candidate.step
        return earliest[step.slug] <= week and all(
            p in satisfied or placed.get(p, week) < week for p in step.prerequisites
        )

    week = first_week
    while pool and week < first_week + MAX_WEEKS:
        this_week: list[_Candidate] = []
        if week == 1:
            # Rule 5: one quick win alone in week 1; the safety plan where it matters.
            first = next(
                (
                    c
                    for c in pool
                    if ready(c, week)
                    and c.step.minutes <= QUICK_WIN_MINUTES
                    and c.step.capability <= profile.capability
                    and (c.step.slug == SAFETY_PLAN_SLUG or not profile.someone_close_is_a_worry)
                ),
                None,
            )
            if first is not None:
                this_week.append(first)
                first.reasons.insert(0, REASON_QUICK_WIN.format(minutes=first.step.minutes))
        else:
            minutes = 0
            for candidate in pool:
                if len(this_week) == per_week:
                    break
                if not ready(candidate, week):
                    continue
                fits_budget = minutes + candidate.step.minutes <= budget
                if this_week and not fits_budget:
                    continue
                this_week.append(candidate)
                minutes += candidate.step.minutes
                if not fits_budget:
                    break  # a longer step stands alone in its week
        if this_week:
            for candidate in this_week:
                pool.remove(candidate)
                placed[candidate.step.slug] = week
            weeks.append(
                Week(
                    week,
                    tuple(
                        PlannedStep(
                            c.step.slug,
                            _finish_reasons(c, profile, week, c.step.slug in not_before),
                        )
                        for c in this_week
                    ),
                )
            )
        week += 1

    weeks.extend(_checkups(profile, catalogue, statuses, week))
    return GeneratedPlan(weeks=tuple(weeks), reminders_default=reminders_default(profile))


def _checkups(
    profile: Profile, catalogue: StepCatalogue, statuses: Mapping[str, str], after_week: int
) -> Iterable[Week]:
    checkups = [s for s in catalogue.steps.values() if s.is_checkup and _fits(s, profile)]
    checkups = [s for s in checkups if statuses.get(s.slug) not in DONE_STATUSES]
    if profile.must_stay_findable:
        # Rule 2 holds for check-ups too; the visible-friendly ones stay.
        checkups = [s for s in checkups if not s.hides_you]
    week = after_week - 1
    for step in checkups[:CHECKUPS]:
        week += CHECKUP_EVERY_WEEKS
        reasons: tuple[str, ...] = (REASON_CHECKUP,)
        if step.may_alert and profile.someone_close_is_a_worry:
            reasons = (REASON_MAY_ALERT, *reasons)
        yield Week(week, (PlannedStep(step.slug, reasons),))
