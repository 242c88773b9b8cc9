"""`manage.py translation status`: how much of each language is translated.

The site's own words (from the .po file: translated, fuzzy, total), the
advice content (translated texts and total, per file), and the step texts
whose English changed after they were translated (plans/translation_sources.py).

`manage.py translation stamp <code>`: the language's step texts are checked
against today's English; record that English (content/<code>/translated-from.yaml).
"""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from personas import catalogue as persona_catalogue
from personas.schema import ContentError
from plans import catalogue as step_catalogue
from plans import language_rules, translation_sources
from plans.ui_translations import ui_status


class Command(BaseCommand):
    help = "Print how much of each language is translated."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status", help="the site's words and the content, per language")
        stamp = sub.add_parser("stamp", help="record the English a language's steps match now")
        stamp.add_argument("language", choices=[c for c, _ in settings.LANGUAGES[1:]])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            translations = language_rules.translate_all(
                step_catalogue.load(), persona_catalogue.load()
            )
        except ContentError as error:
            raise CommandError(str(error)) from error
        if options["action"] == "stamp":
            code = options["language"]
            steps, _ = translations[code]
            file = translation_sources.sources_file(code)
            count = translation_sources.stamp(step_catalogue.load(), steps, file)
            self.stdout.write(f"Recorded the English of {count} texts in {file.name}.")
            return
        names = dict(settings.LANGUAGES)
        english = step_catalogue.load()
        for code, (steps, personas) in translations.items():
            ui = ui_status(code)
            self.stdout.write(self.style.MIGRATE_HEADING(f"{names[code]} ({code})"))
            self.stdout.write(
                f"  site words: {ui.translated}/{ui.total} translated, {ui.fuzzy} fuzzy"
            )
            for text in ui.untranslated:
                self.stdout.write(f"    to do: {text}")
            counts = language_rules.content_counts(steps, personas, code)
            done, total = language_rules.total(counts)
            self.stdout.write(f"  content: {done}/{total} texts translated")
            for name, (translated, whole) in counts.items():
                self.stdout.write(f"    {name}: {translated}/{whole}")
            file = translation_sources.sources_file(code)
            changed = translation_sources.changed_since(english, steps, file)
            self.stdout.write(f"  step texts whose English changed since: {len(changed)}")
            for slug, field in changed[:20]:
                self.stdout.write(f"    check: {slug} {field}")
            if changed:
                self.stdout.write(f"    (then: manage.py translation stamp {code})")
