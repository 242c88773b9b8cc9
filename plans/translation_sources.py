"""Which translated step texts were made from an English text that has changed since.

A step's facts change in English first (a menu moved, a helpline changed).
So that the translation does not keep the old fact without anyone knowing,
content/<code>/translated-from.yaml holds, for each translated text of each
step, a short fingerprint of the English it was translated from:

    steps:
      phone-screen-lock:
        title: 3f9a1c0b2e
        platforms.iphone.how: 8d0e...

`manage.py translation status` lists the texts whose English has changed
since; `manage.py translation stamp <code>`, run once the translation has
been checked against the new English, records the English as it is now.
"""

import hashlib
from pathlib import Path

import yaml

from plans.catalogue import CONTENT_DIR, Step, StepCatalogue
from plans.catalogue_languages import step_fields

FILE_NAME = "translated-from.yaml"
HEADER = (
    "# The English each translated step text was made from, as a fingerprint\n"
    "# (plans/translation_sources.py). Written by `manage.py translation stamp`:\n"
    "# do not edit by hand.\n"
)


def sources_file(language: str, content_dir: Path = CONTENT_DIR) -> Path:
    return content_dir / language / FILE_NAME


def english_text(step: Step, field: str) -> str:
    """The English of one of step_fields(step): "title", "platforms.iphone.how"..."""
    kind, _, rest = field.partition(".")
    if kind == "platforms":
        platform = rest.removesuffix(".how")
        return next(h.how for h in step.platforms if h.platform == platform)
    if kind == "reasons":
        return dict(step.reasons)[rest]
    return str(getattr(step, field) or "")


def fingerprint(text: str) -> str:
    """The same for the same words, whatever the line breaks and spaces."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:10]


def current(english: StepCatalogue, translated: StepCatalogue) -> dict[str, dict[str, str]]:
    """For each translated text of each step: the fingerprint of its English now."""
    now: dict[str, dict[str, str]] = {}
    for slug, step in translated.steps.items():
        original = english.steps[slug]
        fields = [f for f in step_fields(original) if f not in step.fallback]
        if fields and not original.retired:
            now[slug] = {f: fingerprint(english_text(original, f)) for f in fields}
    return now


def recorded(file: Path) -> dict[str, dict[str, str]]:
    if not file.exists():
        return {}
    data = yaml.safe_load(file.read_text()) or {}
    steps = data.get("steps") if isinstance(data, dict) else None
    return steps if isinstance(steps, dict) else {}


def changed_since(
    english: StepCatalogue, translated: StepCatalogue, file: Path
) -> list[tuple[str, str]]:
    """(slug, field) of each translated text whose English is not the one it was made from
    (or was never recorded)."""
    before = recorded(file)
    return [
        (slug, field)
        for slug, fields in current(english, translated).items()
        for field, now in fields.items()
        if (before.get(slug) or {}).get(field) != now
    ]


def stamp(english: StepCatalogue, translated: StepCatalogue, file: Path) -> int:
    """Record the English of every translated text as it is now; returns how many."""
    now = current(english, translated)
    file.write_text(HEADER + yaml.safe_dump({"steps": now}, sort_keys=True))
    return sum(len(fields) for fields in now.values())
