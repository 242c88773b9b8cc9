"""The steps a plan offers "when you're ready": not scheduled, no set week.

They are worked out from the plan's profile each time they are shown (the
generator is pure and fast), so they are never rows and never count in the
total a person sees.
"""

from collections.abc import Iterable

from django.utils import translation

from personas import catalogue as persona_catalogue
from personas.profile import Profile
from plans.catalogue import Step, get_catalogue
from plans.generator import generate
from plans.models import Plan, PlanStep


def when_ready(plan: Plan, rows: Iterable[PlanStep]) -> tuple[Step, ...]:
    """The offered steps that the plan does not already hold, in the active language."""
    catalogue = get_catalogue()
    persona = persona_catalogue.get_catalogue().personas.get(plan.persona)
    generated = generate(
        Profile.from_dict(plan.profile),
        catalogue,
        first_steps=persona.first_steps if persona else (),
    )
    have = {row.slug for row in rows}
    shown = get_catalogue(translation.get_language())
    return tuple(shown.step(s.slug) for s in generated.later if s.slug not in have)
