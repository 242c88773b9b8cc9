"""Regions: every fact that differs by country, in content/regions.yaml.

Step texts name these facts by placeholder ({emergency}, {domestic_abuse},
{online_safety}, {scam_text_to}, {scam_report}, {scam_email_to},
{police_non_emergency}, {cyber_helpline}, {credit_freeze}), and localise()
fills them in for the plan's region, so a helpline is written down once,
with its source and review date, and a region switch changes every step
that names it.

{elder_abuse_if_family} is the one placeholder that depends on the person:
where family is a worry it offers the elder-abuse line beside the
domestic-abuse one (an older person's worry is most often family), and it
is empty otherwise.
"""

import dataclasses
import datetime
import re
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils import translation
from django.utils.translation import gettext

from personas.languages import SOURCE_LANGUAGE, content_language
from plans.catalogue import Step

REGIONS_FILE = Path(__file__).parent / "content" / "regions.yaml"
FACTS = (
    "emergency",
    "domestic_abuse",
    "elder_abuse",
    "online_safety",
    "scam_text_to",
    "scam_report",
    "scam_email_to",
    "police_non_emergency",
    "cyber_helpline",
    "credit_freeze",
)
PERSONAL_PLACEHOLDERS = ("elder_abuse_if_family",)
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")


class RegionsError(ValueError):
    pass


@dataclasses.dataclass(frozen=True)
class Fact:
    text: str
    source: str
    last_reviewed: datetime.date
    checked: bool


@dataclasses.dataclass(frozen=True)
class Region:
    code: str
    name: str
    languages: tuple[str, ...]
    facts: Mapping[str, Fact]
    # In a translation: the name and the facts with words that are still English.
    fallback: frozenset[str] = frozenset()

    def fact(self, name: str) -> str:
        return self.facts[name].text


@dataclasses.dataclass(frozen=True)
class Regions:
    default: str
    regions: Mapping[str, Region]

    def get(self, code: str | None) -> Region:
        return self.regions.get(code or "", self.regions[self.default])

    def choices(self) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.regions.values()]


def _fact(code: str, name: str, raw: Any) -> Fact:
    where = f"regions.yaml: region '{code}', fact '{name}'"
    if not isinstance(raw, dict):
        raise RegionsError(f"{where}: must be a mapping with text, source, last_reviewed")
    try:
        fact = Fact(
            text=str(raw["text"]),
            source=str(raw["source"]),
            last_reviewed=raw["last_reviewed"],
            checked=bool(raw["checked"]),
        )
    except KeyError as missing:
        raise RegionsError(f"{where}: {missing} is missing") from None
    if not isinstance(fact.last_reviewed, datetime.date) or not fact.source.startswith("https://"):
        raise RegionsError(f"{where}: needs an https source and a last_reviewed date")
    return fact


def get_regions(language: str | None = "en") -> Regions:
    """The regions, their names and facts in a language (English where not translated)."""
    return _regions(content_language(language))


@cache
def _regions(language: str) -> Regions:
    if language != SOURCE_LANGUAGE:
        return translate(_regions(SOURCE_LANGUAGE), REGIONS_FILE.parent / language / "regions.yaml")
    data = yaml.safe_load(REGIONS_FILE.read_text())
    regions = {}
    for code, raw in data["regions"].items():
        missing = [f for f in FACTS if f not in raw]
        if missing:
            raise RegionsError(f"regions.yaml: region '{code}' lacks {', '.join(missing)}")
        regions[code] = Region(
            code=code,
            name=str(raw["name"]),
            languages=tuple(raw.get("languages") or ()),
            facts={name: _fact(code, name, raw[name]) for name in FACTS},
        )
    if data["default"] not in regions:
        raise RegionsError("regions.yaml: the default region is not listed")
    return Regions(default=data["default"], regions=regions)


def guess_region(accept_language: str) -> str:
    """The region from the browser's languages (Accept-Language), else the default."""
    regions = get_regions()
    for part in accept_language.lower().split(","):
        tag = part.split(";")[0].strip()
        for region in regions.regions.values():
            if tag in region.languages:
                return region.code
    return regions.default


def fill(text: str, region: Region, *, adversaries: Iterable[str] = ()) -> str:
    """The text with its placeholders filled in for the region (and person)."""
    if "{" not in text:
        return text
    values = {name: region.fact(name) for name in FACTS}
    elder = region.fact("elder_abuse")
    values["elder_abuse_if_family"] = (
        " "
        + gettext("If the worry is family and you are older, you can also call %(elder)s.")
        % {"elder": elder}
        if "family" in set(adversaries)
        else ""
    )
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@lru_cache(maxsize=4096)
def _localise(step: Step, code: str, family: bool) -> Step:
    adversaries = ("family",) if family else ()

    def f(text: str, field: str) -> str:
        # A text still in English is filled with the English words of its facts.
        language = SOURCE_LANGUAGE if field in step.fallback else step.language
        with translation.override(language):
            return fill(text, get_regions(language).get(code), adversaries=adversaries)

    return dataclasses.replace(
        step,
        summary=f(step.summary, "summary"),
        why=f(step.why, "why"),
        platforms=tuple(
            dataclasses.replace(h, how=f(h.how, f"platforms.{h.platform}.how"))
            for h in step.platforms
        ),
        good_enough=f(step.good_enough, "good_enough") if step.good_enough else step.good_enough,
        check=f(step.check, "check") if step.check else step.check,
        mentor_script=f(step.mentor_script, "mentor_script"),
        example=f(step.example, "example"),
    )


def localise(step: Step, *, region: str, adversaries: Iterable[str] = ()) -> Step:
    """The step as this person reads it: its placeholders filled for their region."""
    return _localise(step, region, "family" in set(adversaries))


def placeholders_in(text: str) -> list[str]:
    return PLACEHOLDER_RE.findall(text)


def known_placeholders() -> frozenset[str]:
    return frozenset(FACTS) | frozenset(PERSONAL_PLACEHOLDERS)


def numbers_in_facts() -> frozenset[str]:
    """Every phone number or short code the regions file holds, digits only."""
    found = set()
    for region in get_regions().regions.values():
        for fact in region.facts.values():
            for number in re.findall(r"\d[\d -]{1,}\d|\d{3,}", fact.text):
                digits = re.sub(r"\D", "", number)
                if len(digits) >= 3:
                    found.add(digits)
    return frozenset(found)


def has_words(text: str) -> bool:
    """A fact a language would say in its own words (not 111 or an email address alone)."""
    return bool(re.search(r"[^\W\d_]", re.sub(r"\S+@\S+", "", text)))


def _numbers(text: str) -> list[str]:
    return sorted(re.sub(r"\D", "", n) for n in re.findall(r"\d[\d -]*\d|\d", text))


def translate(english: Regions, file: Path) -> Regions:
    """content/<code>/regions.yaml: each region's name and fact texts in the language.

    A fact keeps its English source and review date, and every number in it:
    a helpline's number is the same in any language.
    """
    data = yaml.safe_load(file.read_text()) if file.exists() else {"regions": {}}
    raw_regions = data.get("regions") if isinstance(data, dict) else None
    if not isinstance(raw_regions, dict):
        raise RegionsError(f"{file}: the file must have a mapping under 'regions:'")
    regions = {}
    for code, region in english.regions.items():
        raw = raw_regions.get(code) or {}
        unknown = sorted(set(raw) - {"name", *FACTS})
        if unknown:
            raise RegionsError(f"{file}: region '{code}': '{unknown[0]}' is not a name or a fact")
        facts = {}
        fallback = {"name"} if not raw.get("name") else set()
        for name, fact in region.facts.items():
            if not raw.get(name) and has_words(fact.text):
                fallback.add(name)
            text = str(raw.get(name) or fact.text)
            if _numbers(text) != _numbers(fact.text):
                raise RegionsError(f"{file}: region '{code}', fact '{name}': keep its numbers")
            facts[name] = dataclasses.replace(fact, text=text)
        regions[code] = dataclasses.replace(
            region,
            name=str(raw.get("name") or region.name),
            facts=facts,
            fallback=frozenset(fallback),
        )
    unknown_regions = sorted(set(raw_regions) - set(english.regions))
    if unknown_regions:
        raise RegionsError(f"{file}: '{unknown_regions[0]}' is not a region of regions.yaml")
    return Regions(default=english.default, regions=regions)
