"""The trainer's order: which steps fit a person, in which tier, and why.

Pure functions, no database. plans/generator.py puts the steps this module
ranks into weeks; docs/plan-order.md states the order and names the test
that holds each rule.

Tiers, first to last:
  0 safety   where someone close is a worry, or this device or email is not
             safe: the helpline first, then look-only checks, then a safer
             device (and a private email), before any change that may alert.
  1 core     the experts' core for everyone, one step of each kind, in this
             order: updates, screen lock, email password, two-step on email,
             backup. The kind is the habit the step covers.
  2 worry    each of the person's worries' own core steps (`core_for` in the
             step files), taken in turns, one worry after another; the
             persona's first steps that fit go first in this tier; core
             steps for a second device join here.
  3 general  the rest, by value per minute; at capability 4 only the harder
             steps (capability 3 and up).
  later      "when you're ready": offered, not scheduled (basics for people
             at capability 4, and what does not fit in the first season).
Value per minute only breaks ties inside a tier.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_noop

from personas.profile import Profile
from plans.catalogue import (
    EVERYONE,
    LEAVE_OUT,
    SAFER_DEVICE_SLUG,
    SAFETY_PLAN_SLUG,
    Step,
    StepCatalogue,
)

PRIVATE_EMAIL_SLUG = "private-email-account"
TIER_SAFETY, TIER_CORE, TIER_WORRY, TIER_GENERAL, TIER_LATER = range(5)
TIER_NAMES = ("safety", "core", "worry", "general", "later")
# The experts' core, in the order a trainer would do it (the habit each covers).
CORE_KINDS = ("auto_updates", "screen_lock", "unique_passwords", "two_step_email", "backups")
CORE_KIND_WORDS = {
    "auto_updates": "updates",
    "screen_lock": "screen lock",
    "unique_passwords": "email password",
    "two_step_email": "two-step on email",
    "backups": "backup",
}
# Worries where harm comes from people, so a beginner's step still matters
# to someone at capability 4 (a pile-on plan, a helpline).
HARM_FROM_PEOPLE = frozenset({"partner", "family", "harassers"})

ADVERSARY_REASONS = {
    "scammers": gettext_noop(
        "This makes it harder for a scammer to take your money or your accounts."
    ),
    "thieves": gettext_noop("If your phone or bag is taken, this limits what a thief can do."),
    "partner": gettext_noop("This keeps your things private from someone close."),
    "family": gettext_noop("This keeps your things private from people at home."),
    "harassers": gettext_noop("This makes it harder for people online to find you or hurt you."),
    "employer": gettext_noop("This keeps your work and your home life apart."),
    "data_brokers": gettext_noop("This stops firms collecting and selling your details."),
    "government": gettext_noop("This protects what you say and the people you talk to."),
}
REASON_SAFETY_FIRST = gettext_noop(
    "Your safety comes first. This step changes nothing on your phone."
)
REASON_LOOK_ONLY = gettext_noop(
    "This only looks. It changes nothing the other person could notice."
)
REASON_FINDABLE = gettext_noop("You need people to find you, so this keeps you findable and safer.")
REASON_EXPERTS = gettext_noop("Experts agree this is one of the first things to do.")
REASON_COMMON_WORRIES = gettext_noop("Scams and lost phones are common, and this helps with them.")
REASON_GOOD_VALUE = gettext_noop("This gives good protection for the time it takes.")


@dataclass(eq=False)  # one candidate is one step: compared by identity
class Candidate:
    step: Step
    tier: int
    rank: tuple[float, ...]  # the order inside the tier
    rule: str  # the rule that put it in its tier, for `plan preview --explain`
    reasons: list[str] = field(default_factory=list)
    gated: bool = False  # may alert: waits for the safety tier (rule 2)

    @property
    def sort_key(self) -> tuple[float, ...]:
        return (self.tier, *self.rank)


def careful(profile: Profile) -> bool:
    """Someone close is a worry, or this device or email is not safe."""
    return profile.someone_close_is_a_worry or not profile.safe_device or not profile.safe_to_email


def step_value(step: Step, profile: Profile) -> float:
    """Protection for this person plus agreed priority, per minute of effort."""
    protection = sum(step.mitigation(a) for a in profile.adversaries)
    value = 3 * step.base_priority + 2 * protection
    if profile.group == "unsure" and step.capability == 1:
        value += 2  # orientation first for people not sure where to start
    return value / (step.minutes + 5)


# Capability 4: security keys, Lockdown Mode and the like, for experts only.
EXPERT = 4


def fits(step: Step, profile: Profile) -> bool:
    """Rule 1: capability (one level of stretch, but the expert steps only for
    people at ease with settings), devices, not already a habit, not retired."""
    return (
        not step.retired
        and step.capability <= profile.capability + 1
        and (step.capability < EXPERT or profile.capability >= EXPERT)
        and step.fits_devices(profile.devices)
        and (step.covers_habit is None or step.covers_habit not in profile.habits)
    )


def _worries(step: Step, profile: Profile) -> list[str]:
    """The person's worries this step is core for, in the person's order."""
    return [a for a in profile.adversaries if a in step.core_for]


def link_reason(step: Step, profile: Profile, *, swapped_for_findable: bool = False) -> str:
    """The one sentence that links this step to this person's answers."""
    if not profile.safe_to_email and (text := step.reason_for("email_not_safe")):
        return text
    if not profile.safe_device and (text := step.reason_for("device_not_safe")):
        return text
    if profile.must_stay_findable and (text := step.reason_for("findable")):
        return text
    if swapped_for_findable:
        return REASON_FINDABLE
    by_weight = sorted(
        profile.adversaries, key=lambda a: (a not in step.core_for, -step.mitigation(a))
    )
    if profile.adversaries_given:
        for adversary in by_weight:
            if text := step.reason_for(adversary):
                return text
    # The step's own sentence for everyone says more than a worry's general one.
    if text := step.reason_for(EVERYONE):
        return text
    if profile.adversaries_given:
        for adversary in by_weight:
            if adversary in step.core_for or step.mitigation(adversary) >= 2:
                return ADVERSARY_REASONS[adversary]
    if step.base_priority == 3:
        return REASON_EXPERTS
    common = any(step.mitigation(a) >= 2 for a in profile.adversaries)
    return REASON_COMMON_WORRIES if common and not profile.adversaries_given else REASON_GOOD_VALUE


def _safety_place(step: Step, profile: Profile) -> tuple[int, str] | None:
    """The rank and rule of a safety-tier step, or None for other steps.

    A device that is not safe comes off the list of places to look from
    first: the safer device goes before the look-only checks.
    """
    close = profile.someone_close_is_a_worry
    if step.slug == SAFETY_PLAN_SLUG and close:
        return 0, "safety: the helpline or safety plan comes first"
    if step.slug == SAFER_DEVICE_SLUG and not profile.safe_device:
        return 1, "safety: this device may not be safe, so a safer one comes first"
    if step.look_only and close:
        return 2, "safety: a look-only check, before anything that may alert"
    if step.slug == SAFER_DEVICE_SLUG and careful(profile):
        return 3, "safety: a safer device, before the first change that may alert"
    if step.slug == PRIVATE_EMAIL_SLUG and not profile.safe_to_email:
        return 4, "safety: a private email, before changing the one that may be read"
    return None


def _belongs(step: Step, profile: Profile) -> bool:
    """Steps that only make sense for some people."""
    if step.slug == SAFETY_PLAN_SLUG:
        return profile.someone_close_is_a_worry
    if step.slug == PRIVATE_EMAIL_SLUG:
        return not profile.safe_to_email
    return True


def rank_steps(
    profile: Profile, catalogue: StepCatalogue, first_steps: Sequence[str] = ()
) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Every step that fits, in the trainer's order, and the steps left out with why."""
    close = profile.someone_close_is_a_worry
    gate = careful(profile)
    order = {slug: index for index, slug in enumerate(catalogue.steps)}
    chosen: dict[str, Candidate] = {}
    left_out: list[tuple[str, str]] = []
    kinds_taken: set[str] = set()
    for step in catalogue.steps.values():
        if step.is_checkup or not fits(step, profile) or not _belongs(step, profile):
            continue
        swapped = False
        if close and step.if_someone_close is not None:
            if step.if_someone_close == LEAVE_OUT:
                left_out.append((step.slug, "unsafe where someone close is a worry"))
                continue
            left_out.append((step.slug, f"swapped for {step.if_someone_close}: safer"))
            step = catalogue.steps[step.if_someone_close]
            if not fits(step, profile):
                continue
        if step.hides_you and profile.must_stay_findable:
            left_out.append((step.slug, f"swapped for {step.visibility}: keeps you findable"))
            step, swapped = catalogue.steps[step.visibility], True
            if not fits(step, profile):
                continue
        if step.slug in chosen:
            continue
        value = step_value(step, profile)
        tie: tuple[float, ...] = (-value, order[step.slug])
        rank: tuple[float, ...]
        safety = _safety_place(step, profile)
        worries = _worries(step, profile)
        if safety is not None:
            tier, rank, rule = TIER_SAFETY, (safety[0], *tie), safety[1]
        elif EVERYONE in step.core_for and step.covers_habit not in kinds_taken:
            kind = step.covers_habit or ""
            kinds_taken.add(kind)
            kind_index = CORE_KINDS.index(kind) if kind in CORE_KINDS else len(CORE_KINDS)
            tier, rank = TIER_CORE, (kind_index, *tie)
            rule = f"core for everyone: {CORE_KIND_WORDS.get(kind, kind)}"
        elif step.slug in first_steps and (profile.capability < 4 or step.capability >= 3):
            tier, rank = TIER_WORRY, (-1, first_steps.index(step.slug), *tie)
            rule = "the persona's first steps"
        elif worries or EVERYONE in step.core_for:
            tier, rank = TIER_WORRY, (0, *tie)  # turns between worries are set below
            rule = f"core for {', '.join(worries)}" if worries else "core, for another device"
        elif profile.capability == 4 and step.capability <= 2:
            tier, rank, rule = TIER_LATER, tie, "later: a basic step, at capability 4"
        else:
            tier, rank, rule = TIER_GENERAL, tie, "general: value per minute"
        if (
            profile.capability == 4
            and tier in (TIER_WORRY, TIER_GENERAL)
            and step.capability == 1
            and not HARM_FROM_PEOPLE & set(worries)
        ):
            tier, rank, rule = TIER_LATER, tie, "later: a basic step, at capability 4"
        reasons = [link_reason(step, profile, swapped_for_findable=swapped)]
        if step.slug == SAFETY_PLAN_SLUG:
            reasons = [REASON_SAFETY_FIRST, *reasons]
        elif step.look_only and close:
            own = (step.reason_for(a) for a in profile.adversaries)
            reasons = [next((text for text in own if text), REASON_LOOK_ONLY)]
        chosen[step.slug] = Candidate(
            step, tier, rank, rule, reasons, gated=gate and step.may_alert
        )
    _take_turns(list(chosen.values()), profile)
    return sorted(chosen.values(), key=lambda c: c.sort_key), left_out


def _take_turns(candidates: list[Candidate], profile: Profile) -> None:
    """Worry tier: one step for each worry in turn, so no worry crowds out another."""
    groups: dict[str, list[Candidate]] = {}
    for c in candidates:
        if c.tier == TIER_WORRY and c.rank[0] == 0:
            worry = next((a for a in profile.adversaries if a in c.step.core_for), EVERYONE)
            groups.setdefault(worry, []).append(c)
    turn_of = {worry: index for index, worry in enumerate((*profile.adversaries, EVERYONE))}
    for worry, members in groups.items():
        # Inside a worry: what expert lists agree on first, then value per minute.
        members.sort(key=lambda c: (-c.step.base_priority, c.rank))
        for turn, c in enumerate(members):
            c.rank = (0, turn, turn_of[worry], *c.rank[1:])
