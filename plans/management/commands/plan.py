"""`manage.py plan preview --answers FILE.json [--format json|text] [--explain]`.

A stable machine interface for content review and tests: the profile, the
persona and the weeks of the plan that a set of answers would get, then
the steps offered "when you're ready". The JSON always names each step's
tier and the rule that placed it; --explain adds them to the text, with
the steps left out or swapped and why. The answers file uses the keys
documented in README.md ("Answers file").
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
    plan = generate(profile, steps, first_steps=match.persona.first_steps)
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
                    "tier": planned.tier,
                    "rule": planned.rule,
                    "text": {
                        "summary": step.summary,
                        "why": step.why,
                        "how": {h.platform: h.how for h in step.platforms},
                        "good_enough": step.good_enough,
                    },
                }
            )
        weeks.append({"week": week.number, "steps": shown})
    later = [
        {
            "slug": planned.slug,
            "title": steps.step(planned.slug).title,
            "minutes": steps.step(planned.slug).minutes,
            "reasons": list(planned.reasons),
            "rule": planned.rule,
        }
        for planned in plan.later
    ]
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
        "when_ready": later,
        "left_out": [{"slug": slug, "why": why} for slug, why in plan.left_out],
    }


def as_text(data: dict[str, Any], *, explain: bool = False) -> str:
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
            if explain:
                lines.append(f"      [{step['tier']}] {step['rule']}")
    if data["when_ready"]:
        lines.append("")
        lines.append(f"When you're ready ({len(data['when_ready'])} steps, offered, not scheduled)")
        for step in data["when_ready"]:
            rule = f"  [{step['rule']}]" if explain else ""
            lines.append(f"  * {step['title']} ({step['minutes']} min){rule}")
    if explain and data["left_out"]:
        lines.append("")
        lines.append("Left out or swapped")
        lines.extend(f"  * {item['slug']}: {item['why']}" for item in data["left_out"])
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Show the profile, persona and plan that a set of answers would get."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        show = sub.add_parser("preview", help="preview a plan from an answers file")
        show.add_argument("--answers", required=True, type=Path, help="a JSON answers file")
        show.add_argument("--format", choices=("json", "text"), default="text")
        show.add_argument(
            "--explain",
            action="store_true",
            help="with each step, its tier and the rule that placed it",
        )

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
            self.stdout.write(as_text(data, explain=options["explain"]))
