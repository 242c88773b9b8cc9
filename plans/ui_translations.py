"""The site's own words in other languages: locale/<code>/LC_MESSAGES/django.po.

The .po files are kept in the repository; the .mo files Django reads are
made from them by `manage.py compile_translations` (`make run` and
`make test` call it), with polib, so no gettext tools are needed to run the
site. Extracting new strings into the .po files does need them:
`manage.py makemessages -l es` (docs/translating.md).
"""

from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings


@dataclass(frozen=True)
class UiStatus:
    language: str
    translated: int
    fuzzy: int
    total: int
    untranslated: tuple[str, ...]  # the first words of each string still to do


def po_files() -> list[Path]:
    return sorted(
        po for folder in settings.LOCALE_PATHS for po in Path(folder).glob("*/LC_MESSAGES/*.po")
    )


def po_file(language: str) -> Path:
    return Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES" / "django.po"


def compile_all(*, force: bool = False) -> list[Path]:
    """Write each .mo beside its .po when the .po is newer; the .mo files written."""
    written = []
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        # Like msgfmt: fuzzy and untranslated strings are left out (shown in English).
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def ui_status(language: str) -> UiStatus:
    path = po_file(language)
    if not path.exists():
        return UiStatus(language, 0, 0, 0, ())
    po = polib.pofile(str(path))
    live = [entry for entry in po if not entry.obsolete]
    fuzzy = [entry for entry in live if entry.fuzzy]
    return UiStatus(
        language=language,
        translated=len(po.translated_entries()),
        fuzzy=len(fuzzy),
        total=len(live),
        untranslated=tuple(
            entry.msgid[:60] for entry in live if entry.fuzzy or not entry.translated()
        ),
    )
