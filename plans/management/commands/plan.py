"""`manage.py plan preview --answers FILE.json [--format json|text]`.

A stable machine interface for content review and tests: the profile, the
persona and the weeks of the plan that a set of answers would get. The
answers file uses the keys documented in README.md ("Answers file").
"""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from personas import catalogue as persona_catalogue
from personas.matching import best_match
from personas.profile import AnswersError, profile_from_answers
from plans import catalogue as step_catalogue
from plans.generator import generate


def preview(answers: Any) -> dict[str, Any]:
    """The whole plan for a set of answers, as plain data."""
    profile = profile_from_answers(answers)
    personas = persona_catalogue.get_catalogue()
    steps = step_catalogue.get_catalogue()
    match = best_match(profile, personas)
    plan = generate(profile, steps)
    weeks = []
    for week in plan.weeks:
        shown = []
        for planned in week.steps:
            step = steps.step(planned.slug)
            shown.append(
                {
                    "slug": step.slug,
                    "title": step.title,
                    "minutes": step.minutes,
                    "capability": step.capability,
                    "category": step.category,
                    "platforms": list(step.platform_keys),
                    "may_alert": step.may_alert,
                    "reasons": list(planned.reasons),
                    "text": {
                        "summary": step.summary,
                        "why": step.why,
                        "how": {h.platform: h.how for h in step.platforms},
                        "good_enough": step.good_enough,
                    },
                }
            )
        weeks.append({"week": week.number, "steps": shown})
    return {
        "profile": profile.to_dict(),
        "persona": {
            "slug": match.persona.slug,
            "name": match.persona.name,
            "score": match.score,
            "reasons": list(match.reasons),
        },
        "reminders_default": plan.reminders_default,
        "catalogue_version": steps.version,
        "weeks": weeks,
    }


def as_text(data: dict[str, Any]) -> str:
    profile = data["profile"]
    persona = data["persona"]
    lines = [
        "Profile",
        f"  capability {profile['capability']}, {profile['visibility']}, "
        f"{profile['minutes_per_week']} minutes a week, group {profile['group']}",
        f"  devices: {', '.join(profile['devices']) or 'none'}",
        f"  worries: {', '.join(profile['adversaries'])}",
        f"  habits: {', '.join(profile['habits']) or 'none'}",
        "",
        f"People like you: {persona['name']} ({persona['slug']}, score {persona['score']})",
        *(f"  - {reason}" for reason in persona["reasons"]),
        "",
        f"Reminders by default: {data['reminders_default']}",
    ]
    for week in data["weeks"]:
        minutes = sum(step["minutes"] for step in week["steps"])
        lines.append("")
        lines.append(f"Week {week['week']} ({minutes} minutes)")
        for step in week["steps"]:
            flag = "  [may alert]" if step["may_alert"] else ""
            lines.append(
                f"  * {step['title']} ({step['minutes']} min, level {step['capability']}){flag}"
            )
            lines.extend(f"      - {reason}" for reason in step["reasons"])
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Show the profile, persona and plan that a set of answers would get."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("preview", help="preview a plan from an answers file")
        show.add_argument("--answers", required=True, type=Path, help="a JSON answers file")
        show.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["answers"]
        try:
            answers = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise CommandError(f"{path}: cannot be read: {error.strerror}", returncode=2) from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{path}: not valid JSON: {error}", returncode=2) from error
        try:
            data = preview(answers)
        except AnswersError as error:
            raise CommandError(f"{path}: '{error.key}' {error.reason}", returncode=2) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
        else:
            self.stdout.write(as_text(data))
