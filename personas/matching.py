"""Match a profile to the closest personas. Pure: no database, and nothing from
Django but the reasons' words, in the language of the page.

Each persona scores points for what it shares with the person; the reasons
shown are the biggest of those points, in plain words. Ties break by the
persona's place in personas.yaml, so the same answers always give the same
persona.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from personas.catalogue import HABITS, Persona, PersonaCatalogue
from personas.profile import CLOSE_ADVERSARIES, Profile

# Each reason is a whole sentence, so a translator sees all of it.
DEVICE_REASONS = {
    "iphone": gettext_lazy("%(name)s uses an iPhone, as you do."),
    "android": gettext_lazy("%(name)s uses an Android phone, as you do."),
    "windows": gettext_lazy("%(name)s uses a Windows computer, as you do."),
    "mac": gettext_lazy("%(name)s uses a Mac, as you do."),
    "chromebook": gettext_lazy("%(name)s uses a Chromebook, as you do."),
    "shared_computer": gettext_lazy("%(name)s uses a shared or library computer, as you do."),
}
CAPABILITY_REASONS = {
    1: gettext_lazy("Like you, %(name)s finds phones and computers confusing at times."),
    2: gettext_lazy("Like you, %(name)s uses apps and email but leaves settings alone."),
    3: gettext_lazy("Like you, %(name)s changes settings when there are steps to follow."),
    4: gettext_lazy("Like you, %(name)s is happy changing settings and adding apps."),
}
VISIBILITY_REASONS = {
    "private": gettext_lazy("Like you, %(name)s keeps a low profile online."),
    "some": gettext_lazy("Like you, %(name)s needs to be found online now and then."),
    "public": gettext_lazy("Like you, %(name)s needs to be easy to find online."),
}
GROUP_REASONS = {
    "knows": gettext_lazy(
        "Like you, %(name)s knows some things to do but has not got round to them."
    ),
    "unsure": gettext_lazy("Like you, %(name)s is not sure what good looks like yet."),
}

# Points for each thing a persona shares with the person.
CAPABILITY_POINTS = 6  # minus 3 for each level apart
VISIBILITY_POINTS = 4  # 1 for a neighbour on the scale
WORRY_POINTS = 2  # each shared worry
CLOSE_WORRY_POINTS = 6  # someone close is a worry for both (or for neither)
GROUP_POINTS = 2
DEVICE_POINTS = 1  # each shared device, at most two
# A person with most of the basics in place is past "has not got round to
# them": the group's points go, and personas at ease with settings who are
# not in that group score these instead.
HAS_BASICS = 4  # habits out of six
HABIT_POINTS = GROUP_POINTS
MAX_SCORE = CAPABILITY_POINTS + VISIBILITY_POINTS + 3 * WORRY_POINTS + CLOSE_WORRY_POINTS
MAX_SCORE += GROUP_POINTS + 2 * DEVICE_POINTS


@dataclass(frozen=True)
class Match:
    persona: Persona
    score: float  # 0 to 1
    reasons: tuple[str, ...]


def _adversary_words(catalogue: PersonaCatalogue, slug: str) -> str:
    return catalogue.adversaries[slug].name.lower()


def score(profile: Profile, persona: Persona, catalogue: PersonaCatalogue) -> Match:
    points: list[tuple[int, int, str]] = []  # (points, order, reason)
    name = persona.name

    capability_gap = abs(profile.capability - persona.capability)
    capability_points = max(0, CAPABILITY_POINTS - 3 * capability_gap)
    if capability_points:
        reason = (
            CAPABILITY_REASONS[persona.capability] % {"name": name}
            if capability_gap == 0
            else _("%(name)s feels about as sure with tech as you do.") % {"name": name}
        )
        points.append((capability_points, 1, reason))

    levels = ("private", "some", "public")
    visibility_gap = abs(levels.index(profile.visibility) - levels.index(persona.visibility))
    if visibility_gap == 0:
        points.append(
            (VISIBILITY_POINTS, 2, VISIBILITY_REASONS[persona.visibility] % {"name": name})
        )
    elif visibility_gap == 1:
        # Shown only when there are few stronger reasons, so no match has just one.
        reason = _("Like you, %(name)s thinks about who can find them online.") % {"name": name}
        points.append((1, 2, reason))

    person_close = bool(CLOSE_ADVERSARIES & set(profile.adversaries))
    persona_close = bool(CLOSE_ADVERSARIES & set(persona.worries))
    if person_close and persona_close:
        reason = _("%(name)s also worries about someone close.") % {"name": name}
        points.append((CLOSE_WORRY_POINTS, 0, reason))
    elif not person_close and not persona_close:
        points.append((CLOSE_WORRY_POINTS, 9, ""))

    shared = [w for w in persona.worries if w in profile.adversaries and w not in CLOSE_ADVERSARIES]
    if shared and profile.adversaries_given:
        named = [_adversary_words(catalogue, w) for w in shared[:2]]
        words = named[0]
        if len(named) > 1:
            words = _("%(first)s and %(second)s") % {"first": named[0], "second": named[1]}
        # e.g. "scammers and thieves and lost devices" reads better with a comma
        words = words.replace(" and ", ", ", 1) if words.count(" and ") > 1 else words
        reason = _("%(name)s worries about %(worries)s too.") % {"name": name, "worries": words}
        points.append((WORRY_POINTS * min(3, len(shared)), 3, reason))

    has_basics = len(set(profile.habits) & set(HABITS)) >= HAS_BASICS
    if has_basics:
        if persona.capability >= 3 and persona.group != "knows":
            points.append((HABIT_POINTS, 5, ""))
    elif profile.group == persona.group:
        points.append((GROUP_POINTS, 5, GROUP_REASONS[persona.group] % {"name": name}))

    shared_devices = [d for d in persona.devices if d in profile.devices]
    if shared_devices:
        points.append(
            (
                DEVICE_POINTS * min(2, len(shared_devices)),
                4,
                DEVICE_REASONS[shared_devices[0]] % {"name": name},
            )
        )

    total = sum(p for p, _, _ in points)
    reasons = [r for _, _, r in sorted(points, key=lambda p: (-p[0], p[1])) if r][:3]
    return Match(persona=persona, score=round(total / MAX_SCORE, 3), reasons=tuple(reasons))


def rank(profile: Profile, catalogue: PersonaCatalogue) -> list[Match]:
    """Every persona, closest first; ties keep the catalogue's order."""
    order = {slug: index for index, slug in enumerate(catalogue.personas)}
    matches = [score(profile, persona, catalogue) for persona in catalogue.personas.values()]
    return sorted(matches, key=lambda m: (-m.score, order[m.persona.slug]))


def best_match(profile: Profile, catalogue: PersonaCatalogue) -> Match:
    return rank(profile, catalogue)[0]
