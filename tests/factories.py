"""Test data built through the real services."""

from typing import Any

from personas.catalogue import get_catalogue as persona_catalogue
from personas.profile import profile_from_answers
from plans import services
from plans.models import Plan

ANSWERS: dict[str, Any] = {
    "devices": ["iphone", "windows"],
    "capability": 2,
    "habits": [],
    "visibility": "private",
    "adversaries": ["scammers", "thieves"],
    "minutes_per_week": 20,
    "group": "unsure",
}
AT_RISK_ANSWERS: dict[str, Any] = {
    **ANSWERS,
    "adversaries": ["partner", "scammers"],
    "safe_to_email": False,
    "safe_device": True,
}

# What someone like Bruce the builder ticks on the seven question pages, by value.
BRUCE: dict[str, list[str]] = {
    "devices": ["android"],
    "confidence": ["1"],
    "habits": ["not_sure"],
    "visibility": ["public"],
    "worries": ["scammers", "thieves"],
    "time": ["10"],
    "starting-point": ["unsure"],
}


def make_plan(answers: dict[str, Any] | None = None, **kwargs: Any) -> Plan:
    profile = profile_from_answers(dict(answers or ANSWERS))
    persona = next(iter(persona_catalogue().personas))
    return services.plan_create(profile=profile, persona=persona, **kwargs)


def finish_assessment(client, answers: dict[str, Any] | None = None) -> None:
    """Put a finished assessment in the test client's session."""
    session = client.session
    session["assessment"] = dict(answers or ANSWERS)
    session.save()


def build_plan_in(client, answers: dict[str, Any] | None = None) -> Plan:
    """Answer and build a plan in this browser, as a person does: its session is the maker."""
    finish_assessment(client, answers)
    client.post("/plans/new/")
    return Plan.objects.order_by("-pk").first()


def made_by(client, plan: Plan) -> Plan:
    """The plan as made in this browser: its session is the plan's maker (plans.makers)."""
    from plans import makers

    session = client.session
    session[makers.MADE_SESSION_KEY] = [*session.get(makers.MADE_SESSION_KEY, []), plan.pk]
    session.save()
    return plan
