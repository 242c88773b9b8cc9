"""The persona and adversary catalogue: YAML in personas/content/, loaded once
per process into frozen objects.

Vocabularies the assessment and the plan share (devices, habits, visibility,
groups) live here because personas/ is the bottom of the dependency chain.
"""

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from personas.languages import SOURCE_LANGUAGE, content_language
from personas.schema import ContentError, Entry, entries, files_hash, load_yaml, unique

CONTENT_DIR = Path(__file__).resolve().parent / "content"

DEVICES = ("iphone", "android", "windows", "mac", "chromebook", "shared_computer")
HABITS = (
    "screen_lock",
    "auto_updates",
    "unique_passwords",
    "password_manager",
    "two_step_email",
    "backups",
)
VISIBILITY = ("private", "some", "public")
GROUPS = ("unsure", "knows")
ADVERSARIES = (
    "scammers",
    "thieves",
    "partner",
    "family",
    "harassers",
    "employer",
    "data_brokers",
    "government",
)
CAPABILITY = (1, 2, 3, 4)


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Adversary:
    slug: str
    name: str
    label: str
    description: str
    signs: tuple[str, ...]
    close: bool
    sources: tuple[Source, ...]
    # Fields still in English in another language (personas/languages.py).
    fallback: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Persona:
    slug: str
    name: str
    role: str
    quote: str
    story: str
    capability: int
    visibility: str
    devices: tuple[str, ...]
    worries: tuple[str, ...]
    group: str
    access: str
    goals: tuple[str, ...]
    strengths: tuple[str, ...]
    first_steps: tuple[str, ...]
    fallback: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PersonaCatalogue:
    personas: Mapping[str, Persona]
    adversaries: Mapping[str, Adversary]
    version: str
    files: tuple[Path, ...]

    def persona(self, slug: str) -> Persona:
        return self.personas[slug]


def read_sources(entry: Entry) -> tuple[Source, ...]:
    raw = entry.raw("sources")
    if not isinstance(raw, list) or not raw:
        raise entry.fail("sources", "needs at least one source")
    sources = []
    for index, item in enumerate(raw):
        source = Entry(item, entry.file, f"{entry.entry} source {index + 1}")
        sources.append(Source(title=source.text("title") or "", url=source.url("url")))
        source.check_no_unknown_fields()
    return tuple(sources)


def _adversary(item: object, file: Path, index: int) -> Adversary:
    entry = Entry(item, file, f"#{index + 1}")
    slug = entry.choice("slug", ADVERSARIES)
    entry.entry = str(slug)
    adversary = Adversary(
        slug=str(slug),
        name=entry.text("name") or "",
        label=entry.text("label") or "",
        description=entry.text("description") or "",
        signs=entry.texts("signs"),
        close=entry.boolean("close"),
        sources=read_sources(entry),
    )
    entry.check_no_unknown_fields()
    return adversary


def _persona(item: object, file: Path, index: int) -> Persona:
    entry = Entry(item, file, f"#{index + 1}")
    entry.entry = entry.slug("slug")
    persona = Persona(
        slug=entry.entry,
        name=entry.text("name", max_length=40) or "",
        role=entry.text("role", max_length=120) or "",
        quote=entry.text("quote", max_length=300) or "",
        story=entry.text("story") or "",
        capability=entry.integer("capability", 1, 4),
        visibility=str(entry.choice("visibility", VISIBILITY)),
        devices=entry.choices("devices", DEVICES),
        worries=entry.choices("worries", ADVERSARIES),
        group=str(entry.choice("group", GROUPS)),
        access=entry.text("access") or "",
        goals=entry.texts("goals"),
        strengths=entry.texts("strengths"),
        first_steps=entry.choices("first_steps"),
    )
    if not persona.devices:
        raise entry.fail("devices", "needs at least one device")
    entry.check_no_unknown_fields()
    return persona


def load(content_dir: Path = CONTENT_DIR) -> PersonaCatalogue:
    adversaries_file = content_dir / "adversaries.yaml"
    personas_file = content_dir / "personas.yaml"

    adversary_items = entries(load_yaml(adversaries_file), adversaries_file, "adversaries")
    adversaries = [_adversary(item, adversaries_file, i) for i, item in enumerate(adversary_items)]
    unique(((a.slug, adversaries_file) for a in adversaries), "adversary")
    missing = set(ADVERSARIES) - {a.slug for a in adversaries}
    if missing:
        raise ContentError(adversaries_file, "-", "slug", f"missing: {', '.join(sorted(missing))}")

    persona_items = entries(load_yaml(personas_file), personas_file, "personas")
    personas = [_persona(item, personas_file, i) for i, item in enumerate(persona_items)]
    unique(((p.slug, personas_file) for p in personas), "persona")
    if not personas:
        raise ContentError(personas_file, "-", "personas", "needs at least one persona")

    files = (adversaries_file, personas_file)
    return PersonaCatalogue(
        personas=MappingProxyType({p.slug: p for p in personas}),
        adversaries=MappingProxyType({a.slug: a for a in adversaries}),
        version=files_hash(files),
        files=files,
    )


def get_catalogue(language: str | None = "en") -> PersonaCatalogue:
    """The catalogue in a language (English where a text is not translated yet)."""
    return _catalogue(content_language(language))


@functools.cache
def _catalogue(language: str) -> PersonaCatalogue:
    """Loaded once per process and language."""
    if language == SOURCE_LANGUAGE:
        return load()
    from personas.catalogue_languages import translate

    return translate(_catalogue(SOURCE_LANGUAGE), language)
