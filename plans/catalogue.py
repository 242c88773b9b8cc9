"""The step catalogue: YAML in plans/content/, loaded once per process into
frozen objects. The database stores only step slugs and the catalogue
version; retired steps stay in the files so old plans still render.

The schema is described in ../shared/CONTENT.md ("The step schema"); the
rules a good step must also meet (reading age, voice, freshness, coverage)
are in plans/content_rules.py.
"""

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from personas.catalogue import ADVERSARIES, HABITS, Source, read_sources
from personas.languages import content_language
from personas.schema import ContentError, Entry, entries, files_hash, load_yaml, unique

CONTENT_DIR = Path(__file__).resolve().parent / "content"

# shared_computer: a library, school or family computer that is not the
# person's own, where the how-to is about leaving nothing behind.
PLATFORMS = ("iphone", "android", "windows", "mac", "chromebook", "shared_computer", "any")
PLATFORM_NAMES = {
    "iphone": "iPhone",
    "android": "Android",
    "windows": "Windows",
    "mac": "Mac",
    "chromebook": "Chromebook",
    "shared_computer": "A shared computer",
    "any": "Any device",
}
# How a heading names the platform: "How to do it on iPhone", "... on a shared computer".
ON_PLATFORM = {**PLATFORM_NAMES, "shared_computer": "a shared computer"}
# Platforms with no vendor of their own: their link is "More help".
GENERAL_PLATFORMS = frozenset({"any", "shared_computer"})
CHANGES = (
    "password",
    "two_step",
    "recovery",
    "remove_app",
    "sharing",
    "location",
    "settings",
    "device",
    "account",
    "nothing",
)
# Changes someone watching your phone or accounts could notice.
NOTICEABLE_CHANGES = frozenset({"password", "remove_app", "sharing", "location"})
SAFETY_PLAN_SLUG = "make-a-safety-plan"
SAFER_DEVICE_SLUG = "safer-device"
CHECKUP_CATEGORY = "checkups"
# core_for: the worries for which a step is core, or "everyone" for the
# experts' core (updates, screen lock, email password, two-step, backup).
EVERYONE = "everyone"
CORE_FOR = (EVERYONE, *ADVERSARIES)
# if_someone_close: a step unsafe where someone close is a worry names its
# safe alternative, or LEAVE_OUT.
LEAVE_OUT = "leave-out"
# needs: what an "any device" path assumes the person has.
NEEDS = ("phone", "computer", "own_device")
PHONES = frozenset({"iphone", "android"})
COMPUTERS = frozenset({"windows", "mac", "chromebook", "shared_computer"})
OWN_DEVICES = frozenset({"iphone", "android", "windows", "mac", "chromebook"})
# reasons: a sentence naming the link between the step and one answer.
REASON_KEYS = (*CORE_FOR, "findable", "email_not_safe", "device_not_safe")


@dataclass(frozen=True)
class HowTo:
    platform: str
    how: str
    help_url: str
    # In another language: its how-to is not translated yet and is the English one.
    fallback: bool = False

    @property
    def platform_name(self) -> str:
        return PLATFORM_NAMES[self.platform]

    @property
    def on_platform(self) -> str:
        return ON_PLATFORM[self.platform]

    @property
    def is_general(self) -> bool:
        return self.platform in GENERAL_PLATFORMS


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    category: str
    summary: str
    why: str
    minutes: int
    capability: int
    base_priority: int
    covers_habit: str | None
    changes: tuple[str, ...]
    may_alert: bool
    platforms: tuple[HowTo, ...]
    good_enough: str | None
    mitigates: tuple[tuple[str, int], ...]
    visibility: str
    prerequisites: tuple[str, ...]
    mentor_script: str
    example: str
    sources: tuple[Source, ...]
    last_reviewed: datetime.date
    retired: bool
    core_for: tuple[str, ...] = ()
    look_only: bool = False
    if_someone_close: str | None = None
    needs: tuple[str, ...] = ()
    reasons: tuple[tuple[str, str], ...] = ()
    # check: one plain way for the person to see for themselves that it worked.
    check: str | None = None
    # The language of its texts, and those of its fields still in English
    # there ("summary", "platforms.iphone.how"): plans/catalogue_languages.py.
    language: str = "en"
    fallback: frozenset[str] = frozenset()

    @property
    def platform_keys(self) -> tuple[str, ...]:
        return tuple(h.platform for h in self.platforms)

    @property
    def hides_you(self) -> bool:
        """A "hide yourself" step: people who must stay findable get its alternative."""
        return self.visibility != "fine"

    @property
    def is_checkup(self) -> bool:
        return self.category == CHECKUP_CATEGORY

    def mitigation(self, adversary: str) -> int:
        return dict(self.mitigates).get(adversary, 0)

    def reason_for(self, key: str) -> str | None:
        return dict(self.reasons).get(key)

    def fits_devices(self, devices: Iterable[str]) -> bool:
        """A how-to for one of the person's devices, or an any-device path
        whose needs (a phone, a computer, a device of their own) they meet."""
        devices = set(devices)
        keys = self.platform_keys
        if devices & set(keys):
            return True
        if "any" not in keys:
            return False
        has = {
            "phone": bool(devices & PHONES),
            "computer": bool(devices & COMPUTERS),
            "own_device": bool(devices & OWN_DEVICES),
        }
        return all(has[need] for need in self.needs)

    def how_tos_for(self, devices: Iterable[str]) -> tuple[tuple[HowTo, ...], tuple[HowTo, ...]]:
        """The how-tos for the person's own devices first, then the others."""
        own = set(devices) | {"any"}
        mine = tuple(h for h in self.platforms if h.platform in own)
        others = tuple(h for h in self.platforms if h.platform not in own)
        return mine, others


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    meaning: str
    fallback: frozenset[str] = frozenset()


@dataclass(frozen=True)
class StepCatalogue:
    steps: Mapping[str, Step]
    glossary: tuple[GlossaryTerm, ...]
    version: str
    files: tuple[Path, ...]

    def step(self, slug: str) -> Step:
        return self.steps[slug]

    def active(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps.values() if not s.retired)

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.category for s in self.steps.values()))


def _how_tos(entry: Entry) -> tuple[HowTo, ...]:
    raw = entry.mapping("platforms")
    how_tos = []
    for platform, value in raw.items():
        if platform not in PLATFORMS:
            raise entry.fail("platforms", f"'{platform}' is not one of: {', '.join(PLATFORMS)}")
        item = Entry(value, entry.file, f"{entry.entry} ({platform})")
        how_tos.append(HowTo(platform, item.text("how") or "", item.url("help_url")))
        item.check_no_unknown_fields()
    return tuple(how_tos)


def _mitigates(entry: Entry) -> tuple[tuple[str, int], ...]:
    raw = entry.mapping("mitigates")
    pairs = []
    for adversary, weight in raw.items():
        if adversary not in ADVERSARIES:
            raise entry.fail("mitigates", f"'{adversary}' is not one of: {', '.join(ADVERSARIES)}")
        if not isinstance(weight, int) or isinstance(weight, bool) or not 1 <= weight <= 3:
            raise entry.fail("mitigates", f"the weight for '{adversary}' must be 1, 2 or 3")
        pairs.append((adversary, weight))
    return tuple(pairs)


def _reasons(entry: Entry) -> tuple[tuple[str, str], ...]:
    if "reasons" not in entry.data:
        return ()
    raw = entry.raw("reasons")
    if not isinstance(raw, dict):
        raise entry.fail("reasons", "must be a mapping of answer: sentence")
    pairs = []
    for key, text in raw.items():
        if key not in REASON_KEYS:
            raise entry.fail("reasons", f"'{key}' is not one of: {', '.join(REASON_KEYS)}")
        if not isinstance(text, str) or not text.strip() or len(text) > 200:
            raise entry.fail("reasons", f"the reason for '{key}' must be a sentence")
        pairs.append((key, text.strip()))
    return tuple(pairs)


def _optional_choices(entry: Entry, field: str, allowed: Iterable[str]) -> tuple[str, ...]:
    if field not in entry.data:
        return ()
    return entry.choices(field, allowed)


def _step(item: object, file: Path, category: str, index: int) -> Step:
    entry = Entry(item, file, f"#{index + 1}")
    entry.entry = entry.slug("slug")
    visibility = entry.text("visibility", max_length=80) or ""
    step = Step(
        slug=entry.entry,
        title=entry.text("title", max_length=90) or "",
        category=category,
        summary=entry.text("summary", max_length=300) or "",
        why=entry.text("why", max_length=800) or "",
        minutes=entry.integer("minutes", 1, 120),
        capability=entry.integer("capability", 1, 4),
        base_priority=entry.integer("base_priority", 0, 3),
        covers_habit=entry.choice("covers_habit", HABITS, optional=True),
        changes=entry.choices("changes", CHANGES),
        may_alert=entry.boolean("may_alert"),
        platforms=_how_tos(entry),
        good_enough=entry.text("good_enough", optional=True, max_length=600),
        mitigates=_mitigates(entry),
        visibility=visibility,
        prerequisites=entry.choices("prerequisites"),
        mentor_script=entry.text("mentor_script", max_length=600) or "",
        example=entry.text("example", max_length=600) or "",
        sources=read_sources(entry),
        last_reviewed=entry.date("last_reviewed"),
        retired=entry.boolean("retired"),
        core_for=_optional_choices(entry, "core_for", CORE_FOR),
        look_only=entry.boolean("look_only") if "look_only" in entry.data else False,
        if_someone_close=(
            entry.slug("if_someone_close") if "if_someone_close" in entry.data else None
        ),
        needs=_optional_choices(entry, "needs", NEEDS),
        reasons=_reasons(entry),
        check=entry.text("check", max_length=300) if "check" in entry.data else None,
    )
    if step.look_only and (step.may_alert or step.changes != ("nothing",)):
        raise entry.fail("look_only", "a look-only step changes nothing and cannot alert")
    if not step.changes:
        raise entry.fail("changes", "needs at least one item (use 'nothing' for none)")
    entry.check_no_unknown_fields()
    return step


def _glossary(file: Path) -> tuple[GlossaryTerm, ...]:
    terms = []
    for index, item in enumerate(entries(load_yaml(file), file, "terms")):
        entry = Entry(item, file, f"#{index + 1}")
        entry.entry = entry.text("term", max_length=60) or ""
        terms.append(GlossaryTerm(entry.entry, entry.text("meaning", max_length=400) or ""))
        entry.check_no_unknown_fields()
    unique(((t.term, file) for t in terms), "glossary term")
    return tuple(terms)


def _check_references(steps: Mapping[str, Step], files: Mapping[str, Path]) -> None:
    for step in steps.values():
        file = files[step.slug]
        for prerequisite in step.prerequisites:
            if prerequisite not in steps:
                raise ContentError(
                    file, step.slug, "prerequisites", f"'{prerequisite}' is not a step"
                )
        close = step.if_someone_close
        if close is not None and close != LEAVE_OUT:
            alternative = steps.get(close)
            if alternative is None or alternative.if_someone_close is not None:
                raise ContentError(
                    file,
                    step.slug,
                    "if_someone_close",
                    f"must be '{LEAVE_OUT}' or the slug of a step safe for them, not '{close}'",
                )
        if step.hides_you:
            alternative = steps.get(step.visibility)
            if alternative is None:
                raise ContentError(
                    file,
                    step.slug,
                    "visibility",
                    f"must be 'fine' or the slug of an alternative step, not '{step.visibility}'",
                )
            if alternative.hides_you:
                raise ContentError(
                    file,
                    step.slug,
                    "visibility",
                    f"the alternative '{alternative.slug}' "
                    "must itself suit people who must stay findable (visibility: fine)",
                )
    _check_no_cycles(steps, files)


def _check_no_cycles(steps: Mapping[str, Step], files: Mapping[str, Path]) -> None:
    done: set[str] = set()

    def visit(slug: str, path: tuple[str, ...]) -> None:
        if slug in path:
            cycle = " -> ".join((*path[path.index(slug) :], slug))
            raise ContentError(
                files[slug], slug, "prerequisites", f"they go round in a circle: {cycle}"
            )
        if slug in done:
            return
        for prerequisite in steps[slug].prerequisites:
            visit(prerequisite, (*path, slug))
        done.add(slug)

    for slug in steps:
        visit(slug, ())


def load(content_dir: Path = CONTENT_DIR) -> StepCatalogue:
    step_files = sorted((content_dir / "steps").glob("*.yaml"))
    if not step_files:
        raise ContentError(content_dir / "steps", "-", "-", "no step files found")
    steps: list[Step] = []
    where: dict[str, Path] = {}
    for file in step_files:
        data = load_yaml(file)
        category = file.stem
        if not isinstance(data, dict) or data.get("category") != category:
            raise ContentError(file, "-", "category", f"must be '{category}', the file's name")
        for index, item in enumerate(entries(data, file, "steps")):
            step = _step(item, file, category, index)
            if step.slug in where:
                raise ContentError(file, step.slug, "slug", f"is also used in {where[step.slug]}")
            where[step.slug] = file
            steps.append(step)
    by_slug = {s.slug: s for s in steps}
    _check_references(by_slug, where)
    glossary_file = content_dir / "glossary.yaml"
    files = (*step_files, glossary_file)
    return StepCatalogue(
        steps=MappingProxyType(by_slug),
        glossary=_glossary(glossary_file),
        version=files_hash(files),
        files=files,
    )


def get_catalogue(language: str | None = "en") -> StepCatalogue:
    """The catalogue in a language (English where a text is not translated yet).

    Pass translation.get_language() where the words reach a person; the
    English one is enough where only slugs and numbers are used.
    """
    return _catalogue(content_language(language))


@functools.cache
def _catalogue(language: str) -> StepCatalogue:
    """Loaded once per process and language."""
    if language == "en":
        return load()
    from plans.catalogue_languages import translate

    return translate(_catalogue("en"), language)
