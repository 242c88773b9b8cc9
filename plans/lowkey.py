"""Low-key mode: one switch on the plan, for paper, screens and inboxes that
someone else may see.

It is on by default when an answer signals danger at home (a partner, an ex
or family is a worry, or email or this device is not safe) and the person
can turn it either way. When it is on, everything the plan puts on a screen,
in a calendar, an inbox, a download or on paper uses neutral words: "My
weekly plan", never the app's name, and a step that could tip someone off
is shown as "A private step" (its details stay in the plan online).

Which steps are private is decided here once, for the PDF, the calendar
feed, the emails and the export alike: a step from the "at home" set, a step
whose change someone could notice (may_alert), or a step whose words use one
of DISCREET_STEMS. The content files need no "neutral title" field this way,
and a new step is safe by default.
"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext, gettext_noop

from personas.profile import CLOSE_ADVERSARIES
from plans.catalogue import HowTo, Step

# In English here; gettext() puts them in the reader's language where they are shown.
NEUTRAL_TITLE = gettext_noop("My weekly plan")
NEUTRAL_SENDER = gettext_noop("Weekly plan")
PRIVATE_STEP_TITLE = gettext_noop("A private step")
PRIVATE_STEP_SUMMARY = gettext_noop("The details of this step are in your plan online.")
PRIVATE_STEP_CATEGORIES = frozenset({"at-home"})
# Words that must never show in low-key mode: they could tell someone what
# the plan is for. Each matches at the start of a word, in any case ("secur"
# catches security and secure); "ex" only as a whole word.
DISCREET_STEMS = (
    "secur",
    "abus",
    "stalk",
    "partner",
    "surveil",
    "safety plan",
    "safety check",
    "helpline",
    "refuge",
    "violen",
    "spy",
    "spie",
    "hidden app",
    "safer device",
    "monitor",
    "the other person",
    "someone you live with",
    "little steps",
)
_DISCREET_RE = re.compile(
    r"\b(?:" + "|".join(re.escape(w) for w in DISCREET_STEMS) + r")|\bex\b", re.IGNORECASE
)


def has_discreet_words(text: str) -> bool:
    return bool(_DISCREET_RE.search(text))


def answers_call_for_low_key(profile: Mapping[str, Any]) -> bool:
    """A profile (as stored on the plan) whose answers signal danger at home."""
    close = bool(CLOSE_ADVERSARIES & set(profile.get("adversaries") or ()))
    return (
        close
        or profile.get("safe_to_email", True) is False
        or profile.get("safe_device", True) is False
    )


def is_private_step(step: Step, how_tos: Iterable[HowTo] = ()) -> bool:
    """A step whose words or change could tip someone off."""
    if step.category in PRIVATE_STEP_CATEGORIES or step.may_alert:
        return True
    words = [step.title, step.summary, step.good_enough or "", *(h.how for h in how_tos)]
    return any(has_discreet_words(text) for text in words)


def shown_title(step: Step, *, low_key: bool) -> str:
    """A step's title wherever others may see it: neutral for private steps when low-key."""
    if low_key and is_private_step(step):
        return gettext(PRIVATE_STEP_TITLE)
    return step.title
