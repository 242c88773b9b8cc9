"""Hooks that apps built on plans fill in, so plans never imports them.

Dependencies point one way (mentors -> plans -> personas). Where a plans
page shows something another app owns, that app registers a provider here
in its AppConfig.ready().
"""

from collections.abc import Callable

from plans.models import Plan

MentorLine = tuple[str, str]  # (the helper's name, their latest kind note)
mentor_line_providers: list[Callable[[Plan], MentorLine | None]] = []


def mentor_line(plan: Plan) -> MentorLine | None:
    """The helper to print on the plan, if the person shares with one."""
    for provider in mentor_line_providers:
        line = provider(plan)
        if line is not None:
            return line
    return None
