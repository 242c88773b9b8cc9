"""`manage.py compile_translations`: each locale/**/django.po to the .mo beside it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from plans.ui_translations import compile_all


class Command(BaseCommand):
    help = "Compile the translation files (.po to .mo), with no gettext tools needed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="write every .mo again")

    def handle(self, *args: Any, **options: Any) -> None:
        written = compile_all(force=options["force"])
        for path in written:
            self.stdout.write(f"wrote {path}")
        if options["verbosity"] > 1 or written:
            self.stdout.write(self.style.SUCCESS(f"{len(written)} translation file(s) compiled."))
