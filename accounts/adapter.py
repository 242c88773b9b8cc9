"""django-allauth glue: kind words, and passkeys as a way in, not a lock."""

import math
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import User
from config import emails

# Set in the session by a low-key plan's "Save my plan": the sign-in email
# that follows has a neutral sender and words too.
LOW_KEY_SESSION_KEY = "low_key_mail"

# With these, a passkey would become a second lock: after the emailed code,
# allauth would also ask for the passkey. For the people this site is for,
# losing a phone must never lock them out, so the emailed code is always
# enough and a passkey is simply a quicker way in.
SECOND_LOCK_STAGES = frozenset(
    {
        "allauth.mfa.stages.AuthenticateStage",
        "allauth.mfa.stages.TrustStage",
    }
)

KIND_ERRORS = {
    "incorrect_code": gettext_lazy(
        "That code did not work. Please check the newest email from us and type the code again."
    ),
    "rate_limited": gettext_lazy("Please wait a minute before asking for another code."),
    "account_inactive": gettext_lazy(
        "This account is switched off. Please contact us if you need it back."
    ),
    "invalid_login": gettext_lazy("Please type your email address, like name@example.com."),
}


_SECONDS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def _longest_window(rates: str) -> float:
    """The longest window of an allauth rate such as "20/m/ip,3/m/key", in seconds:
    the most a refusal under it can last."""
    longest = 0.0
    for rate in filter(None, (part.strip() for part in rates.split(","))):
        duration = rate.split("/")[1]
        longest = max(longest, float(duration[:-1] or 1) * _SECONDS[duration[-1]])
    return longest


def in_minutes(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def code_used_up_message() -> str:
    """After too many wrong codes (allauth ends that code and asks for a new one)."""
    tries = allauth_settings.LOGIN_BY_CODE_MAX_ATTEMPTS
    return _(
        "That was %(tries)s codes that did not work, so we stopped that code to keep your "
        "account safe. You can ask for a new code now."
    ) % {"tries": tries}


def asked_too_often_message() -> str:
    """Asking for codes too often (allauth's "request_login_code" rate limit)."""
    wait = in_minutes(_longest_window(allauth_settings.RATE_LIMITS.get("request_login_code", "")))
    return _(
        "We sent a lot of codes, so we stopped for now to keep your account safe. "
        "Please wait %(wait)s, then ask for a new code."
    ) % {"wait": wait}


def user_display(user: User) -> str:
    return user.email


class AccountAdapter(DefaultAccountAdapter):
    @property
    def error_messages(self) -> dict[str, Any]:
        # Read when used: the words name the numbers in the settings.
        return {
            **DefaultAccountAdapter.error_messages,
            **KIND_ERRORS,
            "too_many_login_attempts": code_used_up_message(),
        }

    def validation_error(self, code: str, *args: Any) -> ValidationError:
        # allauth raises this code when codes are asked for too often, and adds
        # it as a message when a code has had too many wrong tries: two cases,
        # each with its own words and its own time.
        if code == "too_many_login_attempts":
            return ValidationError(asked_too_often_message(), code=code)
        return super().validation_error(code, *args)

    _low_key = False

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Links in emails use the public address, never the request's Host header.
        self._low_key = self._low_key_for(email)
        context = {
            **context,
            "site_url": settings.SITE_URL,
            "low_key": self._low_key,
            "brand": emails.brand(low_key=self._low_key),
        }
        try:
            super().send_mail(template_prefix, email, context)
        finally:
            self._low_key = False

    def get_from_email(self) -> str:
        return emails.sender(low_key=self._low_key)

    def _low_key_for(self, email: str) -> bool:
        """Low-key mail for someone saving a low-key plan, or who owns one."""
        session = getattr(allauth_context.request, "session", None)
        if session is not None and session.get(LOW_KEY_SESSION_KEY):
            return True
        return User.objects.filter(email__iexact=email, plans__low_key=True).exists()

    def get_login_stages(self) -> list[str]:
        return [stage for stage in super().get_login_stages() if stage not in SECOND_LOCK_STAGES]


class MFAAdapter(DefaultMFAAdapter):
    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The name people see in their phone's list of passkeys.
        return {**super().get_public_key_credential_rp_entity(), "name": "Little Steps"}

    def generate_authenticator_name(self, user: User, type: str) -> str:
        return _("My passkey")
