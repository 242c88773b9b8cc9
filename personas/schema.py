"""A small typed reader for the content YAML files.

Content is code: a bad file must fail loudly, naming the file, the entry,
the field and the reason. Both catalogues (personas/ and plans/) read their
files through this module.
"""

import datetime
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


class ContentError(Exception):
    """A content file breaks the schema."""

    def __init__(self, file: Path | str, entry: str, field: str, reason: str):
        self.file, self.entry, self.field, self.reason = str(file), entry, field, reason
        super().__init__(f"{file}: entry '{entry}', field '{field}': {reason}")


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise ContentError(path, "-", "-", f"not valid YAML: {error}") from error
    except OSError as error:
        raise ContentError(path, "-", "-", f"cannot be read: {error}") from error


def files_hash(paths: Iterable[Path]) -> str:
    """A short, stable version for a set of content files."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Entry:
    """Typed access to one YAML mapping, with errors that say where."""

    def __init__(self, data: Any, file: Path, entry: str):
        self.file, self.entry = file, entry
        if not isinstance(data, dict):
            raise ContentError(file, entry, "-", "must be a mapping of field: value")
        self.data = data
        self._read: set[str] = set()

    def fail(self, field: str, reason: str) -> ContentError:
        return ContentError(self.file, self.entry, field, reason)

    def _get(self, field: str, required: bool = True) -> Any:
        self._read.add(field)
        if field not in self.data:
            if required:
                raise self.fail(field, "is missing")
            return None
        return self.data[field]

    def text(self, field: str, *, optional: bool = False, max_length: int = 2000) -> str | None:
        value = self._get(field)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(field, "must be some text")
        if len(value) > max_length:
            raise self.fail(field, f"is longer than {max_length} characters")
        return value.strip()

    def slug(self, field: str) -> str:
        value = self.text(field, max_length=80)
        assert value is not None
        if not SLUG_RE.match(value):
            raise self.fail(field, f"'{value}' is not a slug (lowercase letters, digits, hyphens)")
        return value

    def integer(self, field: str, low: int, high: int) -> int:
        value = self._get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(field, f"must be a whole number from {low} to {high}")
        return value

    def boolean(self, field: str) -> bool:
        value = self._get(field)
        if not isinstance(value, bool):
            raise self.fail(field, "must be true or false")
        return value

    def choice(self, field: str, allowed: Iterable[str], *, optional: bool = False) -> str | None:
        value = self._get(field)
        if value is None and optional:
            return None
        allowed = tuple(allowed)
        if value not in allowed:
            raise self.fail(field, f"'{value}' is not one of: {', '.join(allowed)}")
        return value

    def choices(self, field: str, allowed: Iterable[str] | None = None) -> tuple[str, ...]:
        value = self._get(field)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(field, "must be a list of words")
        if allowed is not None:
            allowed = tuple(allowed)
            for item in value:
                if item not in allowed:
                    raise self.fail(field, f"'{item}' is not one of: {', '.join(allowed)}")
        if len(set(value)) != len(value):
            raise self.fail(field, "lists the same item twice")
        return tuple(value)

    def texts(self, field: str) -> tuple[str, ...]:
        value = self._get(field)
        if not isinstance(value, list) or not value:
            raise self.fail(field, "must be a list with at least one item")
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(field, "every item must be some text")
        return tuple(v.strip() for v in value)

    def url(self, field: str) -> str:
        value = self.text(field, max_length=500)
        assert value is not None
        if not value.startswith("https://"):
            raise self.fail(field, f"'{value}' must be an https:// address")
        return value

    def date(self, field: str) -> datetime.date:
        value = self._get(field)
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise self.fail(field, "must be a date like 2026-11-25")
        return value

    def mapping(self, field: str) -> dict:
        value = self._get(field)
        if not isinstance(value, dict) or not value:
            raise self.fail(field, "must be a mapping with at least one key")
        return value

    def raw(self, field: str) -> Any:
        return self._get(field)

    def check_no_unknown_fields(self) -> None:
        unknown = sorted(set(self.data) - self._read)
        if unknown:
            raise self.fail(unknown[0], "is not a known field (check the spelling)")


def entries(data: Any, file: Path, key: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise ContentError(file, "-", key, f"the file must have a list under '{key}:'")
    return data[key]


def unique(slugs: Iterable[tuple[str, Path]], what: str) -> None:
    seen: dict[str, Path] = {}
    for slug, file in slugs:
        if slug in seen:
            raise ContentError(file, slug, "slug", f"this {what} slug is also used in {seen[slug]}")
        seen[slug] = file
