"""Who may act for a plan, beyond following it.

A plan's private link lets whoever has it follow the plan and tick its
steps. Saving an unsaved plan to an account, turning its link off and
choosing whom it is shared with are the maker's alone: the signed-in owner
of a saved plan, or, for an unsaved plan, the browser session that built it
(or one that typed its plan code).
A link seen over someone's shoulder is not enough to take a plan over or to
lock its maker out.
"""

from django.http import HttpRequest

from plans import codes
from plans.models import Plan

MADE_SESSION_KEY = "plans_made"
# A session keeps the ids of the last few plans it built (never their keys).
REMEMBERED = 20


def plan_maker_remember(*, request: HttpRequest, plan: Plan) -> None:
    """This session built the plan (or proved it is the maker's): it may save and share it."""
    made = [pk for pk in request.session.get(MADE_SESSION_KEY, []) if pk != plan.pk]
    request.session[MADE_SESSION_KEY] = [*made, plan.pk][-REMEMBERED:]


def is_plan_maker(request: HttpRequest, plan: Plan) -> bool:
    """The session that built this plan, or one that typed its plan code (plans.codes)."""
    return plan.pk in request.session.get(MADE_SESSION_KEY, []) or codes.has_access(request, plan)


def is_plan_owner(request: HttpRequest, plan: Plan) -> bool:
    return request.user.is_authenticated and plan.owner_id == request.user.pk


def may_manage(request: HttpRequest, plan: Plan) -> bool:
    """Save, share, turn the link off: the signed-in owner, or the maker of an unsaved plan."""
    if plan.owner_id is None:
        return is_plan_maker(request, plan)
    return is_plan_owner(request, plan)
