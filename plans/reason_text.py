"""The reasons a step is in a plan, in the language the plan is read in.

A plan keeps its reasons as the planner wrote them, in English (they are
compared when the plan re-flows). They are put in the reader's language
when shown: the planner's own sentences (plans/generator.py, plans/order.py)
through the site's translations, and a step's own reason (the content's
`reasons:`) through that step's text in the language. A reason with no
translation yet stays in English.
"""

import re
from collections.abc import Iterable

from django.utils.translation import gettext, ngettext

from plans.catalogue import get_catalogue
from plans.generator import REASON_QUICK_WIN

_QUICK_WIN_RE = re.compile(re.escape(REASON_QUICK_WIN).replace(r"\{minutes\}", r"(\d+)") + "$")


def _quick_win(minutes: int) -> str:
    return ngettext(
        "A quick win to start: about %(minutes)s minute.",
        "A quick win to start: about %(minutes)s minutes.",
        minutes,
    ) % {"minutes": minutes}


def shown_reason(reason: str, *, slug: str, language: str) -> str:
    """One stored reason, as the reader of `language` reads it."""
    if not reason:
        return reason
    if quick := _QUICK_WIN_RE.match(reason):
        return _quick_win(int(quick.group(1)))
    translated = gettext(reason)
    if translated != reason:
        return translated
    english = get_catalogue().steps.get(slug)
    local = get_catalogue(language).steps.get(slug)
    if english is None or local is None or local is english:
        return reason
    for key, text in english.reasons:
        if text == reason:
            return local.reason_for(key) or reason
    return reason


def shown_reasons(reasons: Iterable[str], *, slug: str, language: str) -> tuple[str, ...]:
    return tuple(shown_reason(r, slug=slug, language=language) for r in reasons)
