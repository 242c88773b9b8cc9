"""The step catalogue in another language: content/<code>/steps/<category>.yaml
and content/<code>/glossary.yaml, laid over the English (personas/languages.py).

A language's step file has the English file's category and, for each step
it translates, its slug and the translated texts only:

    category: device
    steps:
      - slug: phone-screen-lock
        title: ...
        platforms:
          iphone:
            how: ...
        reasons:
          everyone: ...

Every other field (minutes, links, sources...) is the English step's. The
glossary names each term by its English words (`english:`).
"""

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from personas.languages import language_dir, overlay, translated_text
from personas.schema import ContentError, Entry, entries, files_hash, load_yaml
from plans.catalogue import GlossaryTerm, HowTo, Step, StepCatalogue

STEP_TEXTS = (
    ("title", 90),
    ("summary", 300),
    ("why", 800),
    ("good_enough", 600),
    ("check", 300),
    ("mentor_script", 600),
    ("example", 600),
)


def how_field(platform: str) -> str:
    return f"platforms.{platform}.how"


def reason_field(key: str) -> str:
    return f"reasons.{key}"


def step_fields(step: Step) -> tuple[str, ...]:
    """The names of the step's texts a person reads, as fallback names them."""
    return (
        *(name for name, _ in STEP_TEXTS if getattr(step, name) is not None),
        *(how_field(h.platform) for h in step.platforms),
        *(reason_field(key) for key, _ in step.reasons),
    )


def _in_english(step: Step, language: str) -> Step:
    """A step the language has not translated at all."""
    return dataclasses.replace(
        step,
        language=language,
        fallback=frozenset(step_fields(step)),
        platforms=tuple(dataclasses.replace(h, fallback=True) for h in step.platforms),
    )


def _how_tos(entry: Entry, step: Step, fallback: set[str]) -> tuple[HowTo, ...]:
    raw = entry.raw("platforms") if "platforms" in entry.data else {}
    if not isinstance(raw, dict):
        raise entry.fail("platforms", "must be a mapping of platform: how")
    for platform in raw:
        if platform not in step.platform_keys:
            known = ", ".join(step.platform_keys)
            raise entry.fail("platforms", f"'{platform}' is not one of the English step's: {known}")
    how_tos = []
    for how_to in step.platforms:
        item = Entry(raw.get(how_to.platform, {}), entry.file, f"{entry.entry} ({how_to.platform})")
        text = translated_text(item, "how", how_to.how, max_length=2000)
        item.check_no_unknown_fields()
        if text is None:
            fallback.add(how_field(how_to.platform))
            how_tos.append(dataclasses.replace(how_to, fallback=True))
        else:
            how_tos.append(dataclasses.replace(how_to, how=text))
    return tuple(how_tos)


def _reasons(entry: Entry, step: Step, fallback: set[str]) -> tuple[tuple[str, str], ...]:
    raw = entry.raw("reasons") if "reasons" in entry.data else {}
    if not isinstance(raw, dict):
        raise entry.fail("reasons", "must be a mapping of answer: sentence")
    english = dict(step.reasons)
    for key in raw:
        if key not in english:
            raise entry.fail("reasons", f"'{key}' is not one of the English step's reasons")
    item = Entry(raw, entry.file, f"{entry.entry} (reasons)")
    reasons = []
    for key, text_en in step.reasons:
        text = translated_text(item, key, text_en, max_length=200)
        if text is None:
            fallback.add(reason_field(key))
        reasons.append((key, text or text_en))
    return tuple(reasons)


def _translate_step(item: object, file: Path, index: int, english: Step, language: str) -> Step:
    entry = Entry(item, file, f"#{index + 1}")
    entry.entry = english.slug
    entry.slug("slug")
    changes, fallback = overlay(entry, english, STEP_TEXTS)
    platforms = _how_tos(entry, english, fallback)
    reasons = _reasons(entry, english, fallback)
    entry.check_no_unknown_fields()
    return dataclasses.replace(
        english,
        **changes,
        platforms=platforms,
        reasons=reasons,
        language=language,
        fallback=frozenset(fallback),
    )


def _steps(folder: Path, english: StepCatalogue, language: str) -> tuple[dict[str, Step], list]:
    steps = {slug: _in_english(step, language) for slug, step in english.steps.items()}
    files = sorted((folder / "steps").glob("*.yaml"))
    categories = set(english.categories)
    done: set[str] = set()
    for file in files:
        data = load_yaml(file)
        category = file.stem
        if category not in categories:
            raise ContentError(file, "-", "category", f"'{category}' is not an English step file")
        if not isinstance(data, dict) or data.get("category") != category:
            raise ContentError(file, "-", "category", f"must be '{category}', the file's name")
        for index, item in enumerate(entries(data, file, "steps")):
            slug = item.get("slug") if isinstance(item, dict) else None
            step = english.steps.get(slug) if isinstance(slug, str) else None
            if step is None or step.category != category:
                raise ContentError(
                    file, str(slug), "slug", f"is not a step of the English {category}.yaml"
                )
            if step.slug in done:
                raise ContentError(file, step.slug, "slug", "is translated twice")
            done.add(step.slug)
            steps[step.slug] = _translate_step(item, file, index, step, language)
    return steps, files


def _glossary(file: Path, english: tuple[GlossaryTerm, ...]) -> tuple[GlossaryTerm, ...]:
    every = frozenset({"term", "meaning"})
    terms = {t.term: dataclasses.replace(t, fallback=every) for t in english}
    if not file.exists():
        return tuple(terms.values())
    by_term = {t.term: t for t in english}
    for index, item in enumerate(entries(load_yaml(file), file, "terms")):
        entry = Entry(item, file, f"#{index + 1}")
        original = by_term.get(entry.text("english", max_length=60) or "")
        if original is None:
            raise entry.fail("english", "is not a term of the English glossary")
        entry.entry = original.term
        changes, fallback = overlay(entry, original, (("term", 60), ("meaning", 400)))
        entry.check_no_unknown_fields()
        terms[original.term] = dataclasses.replace(
            original, **changes, fallback=frozenset(fallback)
        )
    return tuple(terms.values())


def translate(english: StepCatalogue, language: str) -> StepCatalogue:
    """The English catalogue with the language's texts laid over it."""
    folder = language_dir(english.files[-1].parent, language)
    steps: Mapping[str, Step]
    steps, step_files = _steps(folder, english, language)
    glossary_file = folder / "glossary.yaml"
    files = (*step_files, *([glossary_file] if glossary_file.exists() else []))
    return StepCatalogue(
        steps=MappingProxyType(steps),
        glossary=_glossary(glossary_file, english.glossary),
        version=f"{language}-{files_hash((*english.files, *files))}",
        files=tuple(files),
    )
