"""Content in other languages: files beside the English ones, laid over them.

The English files are the whole content: every slug, number and link. A
language's folder (content/<code>/, such as content/es/) holds the same
files with the same slugs and translated texts only. A text the language
leaves out is shown in English, and the object records which of its fields
those are (`fallback`), so a page can mark them lang="en" and say so.

A language file fails to load when it names a slug the English does not
have, a field that is not a text, or changes a text's {placeholders}: those
are filled in from regions.yaml, so a translated text must keep each one.
"""

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import translation

from personas.schema import Entry

# The language the content is written in, and the site's first language.
SOURCE_LANGUAGE = "en"
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


def content_language(language: str | None) -> str:
    """The content language for a language code: one the site speaks, else English.

    "es-mx" reads the Spanish content; a language the site does not speak
    reads the English.
    """
    if not language:
        return SOURCE_LANGUAGE
    try:
        return translation.get_supported_language_variant(language).lower()
    except LookupError:
        return SOURCE_LANGUAGE


def language_dir(content_dir: Path, language: str) -> Path:
    return content_dir / language


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER_RE.findall(text))


def translated_text(entry: Entry, field: str, english: str, *, max_length: int) -> str | None:
    """The field's text in the language file, or None when the file leaves it out."""
    if field not in entry.data:
        return None
    text = entry.text(field, max_length=max_length)
    assert text is not None
    check_same_placeholders(entry, field, english, text)
    return text


def check_same_placeholders(entry: Entry, field: str, english: str, text: str) -> None:
    if placeholders(text) != placeholders(english):
        wanted = ", ".join(f"{{{name}}}" for name in placeholders(english)) or "none"
        raise entry.fail(field, f"must keep the English text's placeholders ({wanted})")


def translated_texts(entry: Entry, field: str, english: tuple[str, ...]) -> tuple[str, ...] | None:
    """A list of texts (signs, goals): the same number of items as the English."""
    if field not in entry.data:
        return None
    texts = entry.texts(field)
    if len(texts) != len(english):
        raise entry.fail(field, f"must have {len(english)} items, as the English has")
    for english_text, text in zip(english, texts, strict=True):
        check_same_placeholders(entry, field, english_text, text)
    return texts


def overlay(
    entry: Entry, english: object, fields: Iterable[tuple[str, int]]
) -> tuple[dict[str, Any], set[str]]:
    """The translated texts of an object's fields, and the fields left in English.

    fields are (name, longest length) pairs; a field the English leaves
    empty (None) cannot be translated.
    """
    changes: dict[str, Any] = {}
    fallback: set[str] = set()
    for field, max_length in fields:
        text_en = getattr(english, field)
        if text_en is None:
            if field in entry.data:
                raise entry.fail(field, "the English has no text here to translate")
            continue
        text = translated_text(entry, field, text_en, max_length=max_length)
        if text is None:
            fallback.add(field)
        else:
            changes[field] = text
    return changes, fallback
