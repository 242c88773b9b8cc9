"""`manage.py content check`: validate every content file and print a summary."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from personas import catalogue as persona_catalogue
from personas.schema import ContentError
from plans import catalogue as step_catalogue
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
        except ContentError as error:
            raise CommandError(str(error)) from error
        problems = check_all(steps, personas, timezone.localdate())
        counts = summary(steps, personas)
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
