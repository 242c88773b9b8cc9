"""The language a plan is read in: its emails, calendar and printed plan use it.

A plan takes the language of the page it was made on. After that it follows
the person who made it: when they read their plan page in another language
(they used the language switcher, or opened it on a device set to another
language), the plan takes that one. That is the plainest rule a person
would expect: the emails come in the language they read their plan in, with
no second setting to find. Someone who only has the link (a helper, a
friend) can read the plan in their own language without changing the
language of the maker's emails.
"""

from django.http import HttpRequest
from django.utils import translation

from personas.languages import content_language
from plans import makers
from plans.models import Plan


def active_language() -> str:
    """The language of this request (a code from settings.LANGUAGES)."""
    return content_language(translation.get_language())


def plan_set_language(*, plan: Plan, language: str) -> None:
    """The plan's emails, calendar and PDF in this language from now on."""
    language = content_language(language)
    Plan.objects.filter(pk=plan.pk).update(language=language)
    plan.language = language


def follow_reader(request: HttpRequest, plan: Plan) -> None:
    """The plan's maker reads it in another language: the plan takes that language."""
    language = active_language()
    if plan.language != language and makers.may_manage(request, plan):
        plan_set_language(plan=plan, language=language)
