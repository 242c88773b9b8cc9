"""Hooks that apps built on plans fill in, so plans never imports them.

Dependencies point one way (mentors -> plans -> personas). Where a plans
page shows something another app owns, that app registers a provider here
in its AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest

from plans.models import Plan

MentorLine = tuple[str, str]  # (the helper's name, their latest kind note)
mentor_line_providers: list[Callable[[Plan], MentorLine | None]] = []
# Each draws its own part of the plan page for this viewer (a rendered
# template, escaped as it was drawn), or "" when it has nothing to show.
plan_panel_providers: list[Callable[[HttpRequest, Plan], str]] = []


def mentor_line(plan: Plan) -> MentorLine | None:
    """The helper to print on the plan, if the person shares with one."""
    for provider in mentor_line_providers:
        line = provider(plan)
        if line is not None:
            return line
    return None


def plan_panels(request: HttpRequest, plan: Plan) -> list[str]:
    """The parts other apps add to the plan page, drawn for this viewer."""
    return [panel for provider in plan_panel_providers if (panel := provider(request, plan))]
