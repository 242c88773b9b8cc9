"""Signed links in our emails: each answers the email (done, not this week,
pause, change day) without signing in, for 30 days; the unsubscribe link
(stop) works for as long as emails can come, so it never runs out.

A token names the plan, the action and the step and reminder it came with;
the views show a page with a button, and only the POST acts.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.urls import reverse

from plans.models import Plan

LINK_SALT = "plans.reminders.link"  # unchanged, so links already sent keep working
TOKEN_MAX_AGE = datetime.timedelta(days=30)
ACTIONS = ("done", "snooze", "pause", "change", "stop")


def link_token(
    *, plan: Plan, action: str, slug: str = "", due_at: datetime.datetime | None = None
) -> str:
    """A signed link's token: this plan, this action, and the step and reminder it came with."""
    if action not in ACTIONS:
        raise ValueError(action)
    data: dict[str, Any] = {"p": plan.pk, "a": action, "s": slug}
    if due_at is not None:
        data["d"] = int(due_at.timestamp())
    return signing.dumps(data, salt=LINK_SALT, compress=True)


@dataclass(frozen=True)
class LinkAction:
    plan: Plan
    action: str
    slug: str
    due_at: datetime.datetime | None = None


def link_read(token: str) -> LinkAction | None:
    """The action behind a link, or None when it was changed, is too old or is unknown."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        # Old, but signed by us: only "stop" still works.
        data = signing.loads(token, salt=LINK_SALT)
        if not isinstance(data, dict) or data.get("a") != "stop":
            return None
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") not in ACTIONS:
        return None
    plan_id = data.get("p")
    plan = Plan.objects.filter(pk=plan_id).first() if isinstance(plan_id, int) else None
    if plan is None:
        return None
    due = data.get("d")
    due_at = datetime.datetime.fromtimestamp(due, tz=datetime.UTC) if isinstance(due, int) else None
    return LinkAction(plan=plan, action=str(data["a"]), slug=str(data.get("s", "")), due_at=due_at)


def unsubscribe_url(*, plan: Plan) -> str:
    """The one-click address that stops every email about this plan (RFC 8058)."""
    token = link_token(plan=plan, action="stop")
    return f"{settings.SITE_URL}{reverse('plans:reminder_unsubscribe', args=[token])}"
