import functools
import re

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")


@register.filter
@functools.lru_cache(maxsize=1024)
def how_to_html(text: str) -> SafeString:
    """A how-to as a numbered list when its lines are numbered, else paragraphs.

    The texts come from the catalogue, a few hundred in all, so each one is
    turned into HTML once per process.
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and all(_NUMBERED.match(line) for line in lines):
        items = format_html_join("", "<li>{}</li>", ((_NUMBERED.sub("", line),) for line in lines))
        return format_html("<ol>{}</ol>", items)
    return format_html_join("", "<p>{}</p>", ((line,) for line in lines))
