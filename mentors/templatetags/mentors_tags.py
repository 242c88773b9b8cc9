from django import template

from mentors import selectors
from plans.models import Plan

register = template.Library()


@register.inclusion_tag("mentors/_panel.html", takes_context=True)
def mentor_panel(context: template.Context, plan: Plan) -> dict[str, object]:
    """The person's helpers on their plan page: sharing on or off, and notes received."""
    request = context["request"]
    mentorships = selectors.mentorships_for_plan(plan=plan)
    return {
        "plan": plan,
        "mentorships": mentorships,
        # Most plans have no helper: then there are no notes to look for.
        "nudges": selectors.nudges_for_plan(plan=plan) if mentorships else [],
        "careful": plan.someone_close_is_a_worry,
        "can_manage": selectors.can_manage_sharing(user=request.user, plan=plan),
        "csrf_token": context.get("csrf_token"),
    }
