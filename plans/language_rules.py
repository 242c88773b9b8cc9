"""The content rules in every language, and how much of each is translated.

The English content meets plans/content_rules.py. A translation meets the
same rules in its own language: a reading-ease formula made for that
language, its own list of words that tell, sell or shame, and the same
placeholder and phone-number rules. `manage.py content check` runs them for
every language in settings.LANGUAGES, and `manage.py translation status`
prints the counts.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from textstat.textstat import textstatistics

from personas import catalogue_languages as persona_languages
from personas.catalogue import PersonaCatalogue
from personas.languages import SOURCE_LANGUAGE
from plans import catalogue_languages, regions, translation_sources
from plans.catalogue import Step, StepCatalogue
from plans.content_rules import Problem, check_numbers_and_placeholders, step_texts

# Fernández-Huerta (1959) is Flesch's reading ease fitted to Spanish, on the
# same 0-100 scale where higher is easier. Its bands: 90-100 very easy (4th
# grade), 80-90 easy (5th), 70-80 fairly easy (6th), 60-70 normal (7th-8th),
# 50-60 fairly hard (high school). English asks for grade 8 or lower, the top
# of the "normal" band, so Spanish asks for 60 or more. Chosen over
# Szigriszt-Pazos because its bands are given as school grades, like the
# English rule's. Syllables are counted with pyphen's Spanish dictionary.
MIN_FERNANDEZ_HUERTA = 60.0
SHAME_WORDS_ES = (
    "simplemente",
    "obviamente",
    "solo tienes que",
    "sólo tienes que",
    "solo tiene que",
    "sólo tiene que",
    "basta con",
    "fácil",
    "fácilmente",
    "estúpido",
    "estúpida",
    "descuidado",
    "descuidada",
    "perezoso",
    "perezosa",
    "deberías haber",
    "debería haber",
    "tendrías que haber",
)


@dataclass(frozen=True)
class LanguageRules:
    name: str  # the reading formula, for the problem's words
    score: Callable[[str], float]
    too_hard: Callable[[float], bool]
    limit: str
    shame: re.Pattern[str]


def _words(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)


def _spanish() -> LanguageRules:
    # Its own instance: textstat's language is a setting of the instance, and
    # the shared one stays English for plans/content_rules.py.
    spanish = textstatistics()
    spanish.set_lang("es")
    return LanguageRules(
        name="Fernández-Huerta reading ease",
        score=lambda text: float(spanish.fernandez_huerta(text)),
        too_hard=lambda score: score < MIN_FERNANDEZ_HUERTA,
        limit=f"below {MIN_FERNANDEZ_HUERTA:.0f}",
        shame=_words(SHAME_WORDS_ES),
    )


RULES: dict[str, Callable[[], LanguageRules]] = {"es": _spanish}


def rules_for(language: str) -> LanguageRules:
    if language not in RULES:
        raise LookupError(
            f"No content rules for '{language}': add its reading formula and words "
            "to plans/language_rules.py (docs/translating.md)."
        )
    return RULES[language]()


def other_languages() -> tuple[str, ...]:
    return tuple(code for code, _name in settings.LANGUAGES if code != SOURCE_LANGUAGE)


def translated_step_texts(step: Step) -> Iterator[tuple[str, str]]:
    """The step's texts in its language, without those still in English."""
    for field, text in [("title", step.title), *step_texts(step)]:
        if field not in step.fallback:
            yield field, text


def _check_text(rules: LanguageRules, where: str, field: str, text: str) -> list[Problem]:
    problems = []
    if field != "title":
        score = rules.score(text)
        if rules.too_hard(score):
            problems.append(
                Problem(
                    where, field, f"{rules.name} {score:.0f} is {rules.limit}: use plainer words"
                )
            )
    if match := rules.shame.search(text):
        problems.append(Problem(where, field, f"uses the words '{match.group(0)}'"))
    return problems


# 26, 4,000, 0800 733 843 (three numbers), 10.5: digits with the marks between them,
# compared without the marks (Spanish may write 4.000 and 10,5).
NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


def _numbers(text: str) -> list[str]:
    return sorted(re.sub(r"[.,]", "", n) for n in NUMBER_RE.findall(text))


def check_numbers_kept(english: StepCatalogue, steps: StepCatalogue) -> list[Problem]:
    """A translated step text says every number its English says, and no other:
    a version, a minute count, a number to ring or a step's numbering."""
    problems = []
    for slug, step in steps.steps.items():
        original = english.steps[slug]
        where = f"{step.language}/steps/{step.category}.yaml: step '{slug}'"
        for field in catalogue_languages.step_fields(original):
            if field in step.fallback:
                continue
            before = _numbers(translation_sources.english_text(original, field))
            after = _numbers(translation_sources.english_text(step, field))
            if before != after:
                problems.append(
                    Problem(where, field, f"has the numbers {after}, the English {before}")
                )
    return problems


def check_language(
    language: str,
    steps: StepCatalogue,
    personas: PersonaCatalogue,
    english: StepCatalogue | None = None,
) -> list[Problem]:
    """The translated texts of one language against that language's rules (and,
    given the English catalogue, against its numbers)."""
    rules = rules_for(language)
    default = regions.get_regions(language).get(None)
    problems = check_numbers_kept(english, steps) if english is not None else []
    for step in steps.steps.values():
        if step.retired:
            continue
        where = f"{language}/steps/{step.category}.yaml: step '{step.slug}'"
        for field, raw in translated_step_texts(step):
            problems += check_numbers_and_placeholders(where, field, raw)
            text = regions.fill(raw, default, adversaries=("family",))
            problems += _check_text(rules, where, field, text)
    for kind, objects, fields in (
        ("personas", personas.personas, ("quote", "story")),
        ("adversaries", personas.adversaries, ("description",)),
    ):
        for slug, item in objects.items():
            for field in fields:
                if field not in item.fallback:
                    where = f"{language}/{kind}.yaml: '{slug}'"
                    problems += _check_text(rules, where, field, getattr(item, field))
    for term in steps.glossary:
        if "meaning" not in term.fallback:
            problems += _check_text(rules, f"{language}/glossary.yaml", term.term, term.meaning)
    return problems


def translate_all(
    steps: StepCatalogue, personas: PersonaCatalogue
) -> dict[str, tuple[StepCatalogue, PersonaCatalogue]]:
    """Every other language's catalogues, from these English ones (freshly loaded)."""
    return {
        code: (
            catalogue_languages.translate(steps, code),
            persona_languages.translate(personas, code),
        )
        for code in other_languages()
    }


def check_languages(steps: StepCatalogue, personas: PersonaCatalogue) -> list[Problem]:
    return [
        problem
        for code, (translated_steps, translated_personas) in translate_all(steps, personas).items()
        for problem in check_language(code, translated_steps, translated_personas, steps)
    ]


def content_counts(
    steps: StepCatalogue, personas: PersonaCatalogue, language: str | None = None
) -> dict[str, tuple[int, int]]:
    """Per file: how many of its texts are translated, and how many there are
    (with the language, its regions.yaml too: names and the facts in words)."""
    counts: dict[str, tuple[int, int]] = {}

    def add(name: str, translated: int, total: int) -> None:
        done, whole = counts.get(name, (0, 0))
        counts[name] = (done + translated, whole + total)

    for step in steps.steps.values():
        if not step.retired:
            fields = catalogue_languages.step_fields(step)
            add(f"steps/{step.category}.yaml", len(fields) - len(step.fallback), len(fields))
    for term in steps.glossary:
        add("glossary.yaml", 2 - len(term.fallback), 2)
    texts = len(persona_languages.PERSONA_TEXTS) + len(persona_languages.PERSONA_LISTS)
    for persona in personas.personas.values():
        add("personas.yaml", texts - len(persona.fallback), texts)
    texts = len(persona_languages.ADVERSARY_TEXTS) + len(persona_languages.ADVERSARY_LISTS)
    for adversary in personas.adversaries.values():
        add("adversaries.yaml", texts - len(adversary.fallback), texts)
    if language is not None:
        for region in regions.get_regions(language).regions.values():
            texts = 1 + sum(regions.has_words(f.text) for f in region.facts.values())
            add("regions.yaml", texts - len(region.fallback), texts)
    return counts


def total(counts: dict[str, tuple[int, int]]) -> tuple[int, int]:
    return sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())
