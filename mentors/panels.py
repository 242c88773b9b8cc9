"""The helper panel on a person's plan page, drawn for plans through plans.hooks."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from mentors import selectors
from plans import makers
from plans.models import Plan


def plan_panel(request: HttpRequest, plan: Plan) -> str:
    """The person's helpers: sharing on or off, and notes received. "" for most plans."""
    mentorships = selectors.mentorships_for_plan(plan=plan)
    if not mentorships:
        return ""
    context = {
        "plan": plan,
        "mentorships": mentorships,
        "nudges": selectors.nudges_for_plan(plan=plan),
        "careful": plan.someone_close_is_a_worry,
        "can_manage": makers.may_manage(request, plan),
        # Stopping is the safe way: on an unsaved plan anyone with the link may.
        "can_stop": plan.owner_id is None or makers.may_manage(request, plan),
    }
    # A rendered template: escaped as it was drawn.
    return render_to_string("mentors/_panel.html", context, request)
