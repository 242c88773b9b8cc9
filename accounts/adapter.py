"""django-allauth glue: kind words, and passkeys as a way in, not a lock."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

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
    "incorrect_code": (
        "That code did not work. Please check the newest email from us and type the code again."
    ),
    "too_many_login_attempts": (
        "That was a lot of tries, so we stopped for now to keep your account safe. "
        "Please wait a few minutes, then ask for a new code."
    ),
    "rate_limited": "Please wait a minute before asking for another code.",
    "account_inactive": "This account is switched off. Please contact us if you need it back.",
    "invalid_login": "Please type your email address, like name@example.com.",
}


def user_display(user: User) -> str:
    return user.email


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {**DefaultAccountAdapter.error_messages, **KIND_ERRORS}

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
        return "My passkey"
