"""`manage.py content check`: validate every content file and print a summary.

Every language in settings.LANGUAGES is checked with the same rules, in its
own words (plans/language_rules.py), and its translated share printed.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from personas import catalogue as persona_catalogue
from personas.schema import ContentError
from plans import catalogue as step_catalogue
from plans import language_rules
from plans.content_rules import check_all, summary


class Command(BaseCommand):
    help = "Check the advice content (steps, personas, adversaries, glossary)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="validate every file and print counts")
        check.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            personas = persona_catalogue.load()
            steps = step_catalogue.load()
            translations = language_rules.translate_all(steps, personas)
        except ContentError as error:
            raise CommandError(str(error)) from error
        problems = check_all(steps, personas, timezone.localdate())
        counts = summary(steps, personas)
        languages: dict[str, str] = {}
        for code, (translated_steps, translated_personas) in translations.items():
            problems += language_rules.check_language(
                code, translated_steps, translated_personas, steps
            )
            done, total = language_rules.total(
                language_rules.content_counts(translated_steps, translated_personas, code)
            )
            languages[code] = f"{done}/{total} texts translated"
        counts["languages"] = languages
        if options["json"]:
            self.stdout.write(json.dumps(counts, indent=2))
        else:
            for key, value in counts.items():
                self.stdout.write(f"{key}: {value}")
        if problems:
            for problem in problems:
                self.stderr.write(f"problem: {problem}")
            raise CommandError(f"{len(problems)} problem(s) in the content")
        self.stdout.write(self.style.SUCCESS("Content is valid."))
