"""Email for the whole project: one builder for template sets, one rule for mail trouble.

Each email is a set in templates/emails/: `<name>-subject.txt`, `<name>-body.txt`
and `<name>-body.html`. The subject and text templates turn autoescaping
off themselves: they are not HTML, so a step called 'Know what to do when
"tech support" calls' must not reach the inbox as `&quot;tech support&quot;`.
"""

import contextlib
import smtplib
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

# Low-key mode: the sender line and the words that stand for the app's name,
# in the language of the email (read when the email is made).
LOW_KEY_SENDER_NAME = gettext_lazy("Weekly plan")
LOW_KEY_BRAND = gettext_lazy("your weekly plan")


def sender(*, low_key: bool) -> str:
    """The From line: ours, or in low-key mode a neutral name on LOW_KEY_FROM_EMAIL's address."""
    if not low_key:
        return settings.DEFAULT_FROM_EMAIL
    _name, address = parseaddr(settings.LOW_KEY_FROM_EMAIL or settings.DEFAULT_FROM_EMAIL)
    return formataddr((str(LOW_KEY_SENDER_NAME), address))


def brand(*, low_key: bool) -> str:
    return str(LOW_KEY_BRAND) if low_key else "Little Steps"


class TemporaryMailError(Exception):
    """The mail server could not be reached, hung up or said "try later": try again later."""


def make_message(
    name: str,
    *,
    to: str,
    context: dict[str, Any],
    message_id: str,
    stop_url: str | None = None,
    low_key: bool = False,
    language: str | None = None,
) -> EmailMultiAlternatives:
    """The email `name` to one address, rendered from its template set.

    message_id names this email for good (say "reminder-17"), so a copy sent
    again after a lost worker carries the same Message-ID and mail programs
    can fold the two. With a stop_url the email has a one-click unsubscribe
    (RFC 8058) that mail programs show beside it. In low-key mode the sender
    line is neutral and the templates get `low_key` and `brand` to match.
    With a language (the plan's) the email is written in it, whatever
    language the request or worker that sends it has.
    """
    with translation.override(language) if language else contextlib.nullcontext():
        return _message(name, to, context, message_id, stop_url, low_key)


def _message(
    name: str,
    to: str,
    context: dict[str, Any],
    message_id: str,
    stop_url: str | None,
    low_key: bool,
) -> EmailMultiAlternatives:
    context = {**context, "low_key": low_key, "brand": brand(low_key=low_key)}
    subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
    headers = {
        "Message-ID": f"<{message_id}@{urlsplit(settings.SITE_URL).hostname or 'localhost'}>",
        "Auto-Submitted": "auto-generated",  # RFC 3834: out-of-office replies stay away
    }
    if stop_url:
        headers["List-Unsubscribe"] = f"<{stop_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{name}-body.txt", context),
        from_email=sender(low_key=low_key),
        to=[to],
        headers=headers,
    )
    message.attach_alternative(render_to_string(f"emails/{name}-body.html", context), "text/html")
    return message


# Errors on the way to the mail server, or its hanging up: nothing about the address.
_TEMPORARY: tuple[type[BaseException], ...] = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
)


def is_temporary(error: BaseException) -> bool:
    """Whether sending again later may work: a 4xx reply, or no talk with the server at all.

    A refused recipient is permanent (it counts toward the three bounces that
    stop reminders), as is any other reply from the server.
    """
    if isinstance(error, smtplib.SMTPResponseException) and 400 <= error.smtp_code < 500:
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, _TEMPORARY):
        return True
    # Socket trouble (refused, reset, timed out, no route); smtplib's own
    # errors are OSErrors too, and the ones not named above are the server's answer.
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)
