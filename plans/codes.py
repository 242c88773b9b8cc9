"""Plan codes: a way back to a plan that leaves nothing on the device.

For someone whose email or device is not safe, a bookmark or a sign-in email
is a trace. Instead the plan can have a code of CODE_WORDS friendly words
(from content/code-words.txt) to type on a safer device, at /code/. The
words are shown once and stored only as a keyed hash (salted_hmac with the
SECRET_KEY), so neither the database nor a log holds them.

How hard is a code to guess? Each word is one of len(words()) (676 now), so
a code has CODE_WORDS * log2(676) = about 47 bits (1.4 * 10**14 codes). Tries
are limited to MAX_TRIES per address every TRIES_WINDOW seconds (960 a day;
in the cache, and if the cache cannot count, no try is allowed). Someone
after one person's plan would need about 2 * 10**8 years from one address
on average; someone after any plan at all, with 100,000 plans holding
codes, about 2,000 years per address.

A code that works lets this browser's session open the plan, even with its
long private link turned off; "Forget this device" and "Exit this page" end
the session, so nothing on the device opens the plan afterwards.
"""

import math
import re
import secrets
from functools import lru_cache
from pathlib import Path

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from plans.models import Plan

WORDS_FILE = Path(__file__).parent / "content" / "code-words.txt"
CODE_WORDS = 5
MAX_TRIES = 10
TRIES_WINDOW = 15 * 60
SESSION_KEY = "plans_by_code"


class TooManyTries(Exception):
    """No more tries from this address for now (or the count is out of reach)."""


@lru_cache(maxsize=1)
def words() -> tuple[str, ...]:
    lines = WORDS_FILE.read_text().splitlines()
    return tuple(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def entropy_bits() -> float:
    return CODE_WORDS * math.log2(len(words()))


def normalise(text: str) -> str:
    """Any case, spaces, dashes or commas between the words: the same code."""
    return " ".join(re.findall(r"[a-z]+", text.lower()))


def code_digest(code: str) -> str:
    return salted_hmac("plans.codes", normalise(code), algorithm="sha256").hexdigest()


def plan_code_new(*, plan: Plan) -> str:
    """New words for the plan; the old ones stop working. Returns the words, once."""
    while True:
        code = " ".join(secrets.choice(words()) for _ in range(CODE_WORDS))
        try:
            with transaction.atomic():
                Plan.objects.filter(pk=plan.pk).update(code_digest=code_digest(code))
        except IntegrityError:  # the same words on another plan: draw again
            continue
        plan.code_digest = code_digest(code)
        return code


def plan_code_end(*, plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(code_digest=None)
    plan.code_digest = None


def _tries_key(request: HttpRequest) -> str:
    address = get_adapter(request).get_client_ip(request)
    return f"plan-code-tries:{address}"


def plan_for_code(*, request: HttpRequest, code: str) -> Plan | None:
    """The plan these words open, counting the try. Raises TooManyTries."""
    key = _tries_key(request)
    try:
        cache.add(key, 0, TRIES_WINDOW)
        tries = cache.incr(key)
    except Exception as error:  # no count, no try: guessing must never get easier
        raise TooManyTries from error
    if tries > MAX_TRIES:
        raise TooManyTries
    if len(normalise(code).split()) != CODE_WORDS:
        return None
    return Plan.objects.filter(code_digest=code_digest(code)).first()


def tries_left(request: HttpRequest) -> int:
    try:
        used = cache.get(_tries_key(request), 0)
    except Exception:
        return 0
    return max(0, MAX_TRIES - int(used))


def grant(request: HttpRequest, plan: Plan) -> None:
    """This browser's session may open the plan (until it ends)."""
    request.session.cycle_key()
    opened = set(request.session.get(SESSION_KEY, []))
    request.session[SESSION_KEY] = sorted(opened | {plan.pk})


def has_access(request: HttpRequest, plan: Plan) -> bool:
    session = getattr(request, "session", None)
    return session is not None and plan.pk in session.get(SESSION_KEY, [])
