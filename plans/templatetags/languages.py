"""The page's language, and the marks on content still in English.

    <html lang="{% html_lang %}">
    <p{{ step|lang_if_english:"summary" }}>{{ step.summary }}</p>
    {% not_yet_translated step %}
    {{ reminder.next_at|weekday_and_date }}  (Wednesday 3 March, miércoles 3 de marzo)

A step, how-to, persona or glossary term read in another language records
the fields that are still in English (`fallback`: plans/catalogue_languages.py,
personas/languages.py): those get lang="en", so a screen reader says them
in English, and the step says once that parts of it are not translated yet.
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html

from config.formats import weekday_and_date
from personas.languages import SOURCE_LANGUAGE

register = template.Library()
register.filter("weekday_and_date", weekday_and_date)


@register.simple_tag
def html_lang() -> str:
    """The active language as <html lang> names it: en-NZ for our English."""
    code = translation.get_language() or settings.LANGUAGE_CODE
    return str(settings.HTML_LANG.get(code, code))


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """settings.LANGUAGES as written there: each language named in itself.

    (Django's own get_available_languages translates the names: "Inglés".)
    """
    return list(settings.LANGUAGES)


def is_english(content: object, field: str = "") -> bool:
    """Whether the field (without one: any part) is shown in English, not translated."""
    fallback = getattr(content, "fallback", None)
    if isinstance(fallback, bool):  # a how-to: one text
        return fallback
    if not fallback:
        return False
    return field in fallback if field else True


@register.filter
def lang_if_english(content: object, field: str = "") -> str:
    """lang="en" on an element whose text is still the English one, else nothing."""
    if not is_english(content, field):
        return ""
    return format_html(' lang="{}"', SOURCE_LANGUAGE)


@register.simple_tag
def not_yet_translated(content: object, field: str = "") -> str:
    """A short note in the page's language when some of the content is in English."""
    if not is_english(content, field):
        return ""
    return render_to_string("_not_yet_translated.html")
