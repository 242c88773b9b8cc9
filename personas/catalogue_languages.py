"""Personas and adversaries in another language: content/<code>/personas.yaml
and adversaries.yaml, laid over the English (personas/languages.py)."""

import dataclasses
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from personas.catalogue import Adversary, Persona, PersonaCatalogue
from personas.languages import language_dir, overlay, translated_texts
from personas.schema import ContentError, Entry, entries, files_hash, load_yaml

PERSONA_TEXTS = (("name", 40), ("role", 120), ("quote", 300), ("story", 2000), ("access", 2000))
PERSONA_LISTS = ("goals", "strengths")
ADVERSARY_TEXTS = (("name", 2000), ("label", 2000), ("description", 2000))
ADVERSARY_LISTS = ("signs",)

T = TypeVar("T", Persona, Adversary)
Texts = tuple[tuple[str, int], ...]


def _translate(
    item: object,
    file: Path,
    index: int,
    english: dict[str, T],
    texts: Texts,
    lists: tuple[str, ...],
) -> tuple[str, T]:
    entry = Entry(item, file, f"#{index + 1}")
    entry.entry = entry.slug("slug")
    original = english.get(entry.entry)
    if original is None:
        raise entry.fail("slug", f"'{entry.entry}' is not in the English file")
    changes: dict[str, Any]
    changes, fallback = overlay(entry, original, texts)
    for field in lists:
        items = translated_texts(entry, field, getattr(original, field))
        if items is None:
            fallback.add(field)
        else:
            changes[field] = items
    entry.check_no_unknown_fields()
    return entry.entry, dataclasses.replace(original, **changes, fallback=frozenset(fallback))


def _all_in_english(objects: dict[str, T], texts: Texts, lists: tuple[str, ...]) -> dict[str, T]:
    every = frozenset(name for name, _ in texts) | frozenset(lists)
    return {slug: dataclasses.replace(o, fallback=every) for slug, o in objects.items()}


def _layer(
    file: Path, key: str, english: dict[str, T], texts: Texts, lists: tuple[str, ...]
) -> dict[str, T]:
    result = _all_in_english(english, texts, lists)
    if not file.exists():
        return result
    seen: set[str] = set()
    for index, item in enumerate(entries(load_yaml(file), file, key)):
        slug, translated = _translate(item, file, index, english, texts, lists)
        if slug in seen:
            raise ContentError(file, slug, "slug", "is translated twice in this file")
        seen.add(slug)
        result[slug] = translated
    return result


def translate(english: PersonaCatalogue, language: str) -> PersonaCatalogue:
    folder = language_dir(english.files[0].parent, language)
    personas_file = folder / "personas.yaml"
    adversaries_file = folder / "adversaries.yaml"
    personas = _layer(
        personas_file, "personas", dict(english.personas), PERSONA_TEXTS, PERSONA_LISTS
    )
    adversaries = _layer(
        adversaries_file,
        "adversaries",
        dict(english.adversaries),
        ADVERSARY_TEXTS,
        ADVERSARY_LISTS,
    )
    files = tuple(f for f in (adversaries_file, personas_file) if f.exists())
    return PersonaCatalogue(
        personas=MappingProxyType(personas),
        adversaries=MappingProxyType(adversaries),
        version=f"{language}-{files_hash((*english.files, *files))}",
        files=files,
    )
