"""The assessment wizard and the "People like you" page.

Every page works as plain form posts; with htmx the question card is
swapped in place, the address bar and the page title follow, and focus
moves to the new heading (or to the list of problems, after a mistake).
Answers live in the session until a plan is made, and are never logged.
"""

import functools
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from config.htmx import HtmxHttpRequest
from personas.catalogue import PersonaCatalogue, get_catalogue
from personas.matching import Match, rank
from personas.profile import AnswersError, Profile, profile_from_answers
from personas.questions import Question, applicable, build_questions, first_unanswered

SESSION_KEY = "assessment"
CHOSEN_KEY = "assessment_persona"
MADE_URL_KEY = "assessment_made_url"
# Without htmx, a refused answer is shown on the page the browser is sent
# back to, so no history entry is a form post (Back would ask to send it again).
PROBLEM_KEY = "assessment_problem"
RESULT_CHOICES = 3


def questions() -> tuple[Question, ...]:
    """The questions in the page's language (the worries are the adversaries' labels)."""
    return _questions(translation.get_language())


@functools.cache
def _questions(language: str | None) -> tuple[Question, ...]:
    with translation.override(language):
        return build_questions(get_catalogue(language))


def session_answers(request: HttpRequest) -> dict[str, Any]:
    stored = request.session.get(SESSION_KEY)
    return dict(stored) if isinstance(stored, dict) else {}


def session_profile(request: HttpRequest) -> Profile | None:
    """The profile from a finished assessment in this session, or None."""
    answers = session_answers(request)
    if first_unanswered(questions(), answers) is not None:
        return None
    relevant = {q.key: answers[q.key] for q in applicable(questions(), answers)}
    try:
        return profile_from_answers(relevant)
    except AnswersError:
        return None


def chosen_match(request: HttpRequest, profile: Profile, catalogue: PersonaCatalogue) -> Match:
    matches = rank(profile, catalogue)
    chosen = request.session.get(CHOSEN_KEY)
    for match in matches[:RESULT_CHOICES]:
        if match.persona.slug == chosen:
            return match
    return matches[0]


def clear_assessment(request: HttpRequest, *, made_url: str = "") -> None:
    """The answers are used up. made_url: where what was made from them lives
    (a plan's page), for a person who comes back with Back and presses on."""
    request.session.pop(SESSION_KEY, None)
    request.session.pop(CHOSEN_KEY, None)
    request.session.pop(PROBLEM_KEY, None)
    if made_url:
        request.session[MADE_URL_KEY] = made_url


def _back_to_what_was_made(request: HttpRequest) -> HttpResponse | None:
    """After Back from a finished assessment: what it made, not question 1."""
    made_url = request.session.get(MADE_URL_KEY)
    if not made_url or session_answers(request):
        return None
    messages.info(request, _("You answered these questions already. Here is your plan."))
    return redirect(made_url)


def _question_or_404(slug: str) -> Question:
    for question in questions():
        if question.slug == slug:
            return question
    raise Http404("No such question")


def _render_question(
    request: HtmxHttpRequest,
    question: Question,
    answers: dict[str, Any],
    *,
    error: str = "",
    selected: list[str] | None = None,
) -> HttpResponse:
    steps = applicable(questions(), answers)
    index = steps.index(question) if question in steps else 0
    title = _("%(title)s (question %(number)s of %(total)s)") % {
        "title": question.title,
        "number": index + 1,
        "total": len(steps),
    }
    context = {
        "question": question,
        "number": index + 1,
        "total": len(steps),
        "selected": selected if selected is not None else question.shown_value(answers),
        "error": error,
        "page_title": _("Error: %(title)s") % {"title": title} if error else title,
        "back_url": reverse("personas:question", args=[steps[index - 1].slug]) if index else None,
    }
    # The card alone for htmx, with a <title> that htmx puts in the page's.
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "personas/_question_fragment.html" if partial else "personas/question.html"
    return render(request, template, context)


def _problem_for(request: HttpRequest, question: Question) -> dict[str, Any]:
    """The refused answer kept for this question's page (shown once), or nothing."""
    problem = request.session.pop(PROBLEM_KEY, None)
    if not isinstance(problem, dict) or problem.get("slug") != question.slug:
        return {}
    selected = [v for v in problem.get("selected", []) if v in question.values]
    return {"error": str(problem.get("error", "")), "selected": selected}


def _go_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def start(request: HttpRequest) -> HttpResponse:
    answers = session_answers(request)
    question = first_unanswered(questions(), answers) or questions()[0]
    return redirect("personas:question", slug=question.slug)


# Answers are on these pages: no cache, and no back-forward cache, may keep
# them after "Exit this page" has ended the visit.
@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET", "POST"])
def question_view(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    question = _question_or_404(slug)
    answers = session_answers(request)
    if not question.applies(answers):
        return redirect("personas:start")
    steps = applicable(questions(), answers)
    earlier_missing = [q for q in steps[: steps.index(question)] if q.key not in answers]
    if earlier_missing:
        if not answers:
            messages.info(
                request, _("Let's start at the first question. Your answers are kept as you go.")
            )
        else:
            messages.info(request, _("There is a question to answer first."))
        return _go_to(request, reverse("personas:question", args=[earlier_missing[0].slug]))

    if request.method == "GET":
        return _render_question(request, question, answers, **_problem_for(request, question))

    submitted = request.POST.getlist("answer")
    try:
        value = question.parse(submitted)
    except ValueError as error:
        shown = [v for v in submitted if v in question.values]
        if request.htmx:
            return _render_question(request, question, answers, error=str(error), selected=shown)
        request.session[PROBLEM_KEY] = {
            "slug": question.slug,
            "error": str(error),
            "selected": shown,
        }
        return redirect("personas:question", slug=question.slug)

    answers[question.key] = value
    request.session[SESSION_KEY] = answers
    request.session.pop(CHOSEN_KEY, None)
    following = applicable(questions(), answers)
    position = following.index(question)
    if position + 1 < len(following):
        upcoming = following[position + 1]
        if request.htmx:
            response = _render_question(request, upcoming, answers)
            # Replace, never push: Back after "Exit this page" must not
            # bring back an earlier question with its answer ticked.
            response["HX-Replace-Url"] = reverse("personas:question", args=[upcoming.slug])
            return response
        return redirect("personas:question", slug=upcoming.slug)
    return _go_to(request, reverse("personas:result"))


@never_cache
@require_http_methods(["GET", "POST"])
def result(request: HttpRequest) -> HttpResponse:
    profile = session_profile(request)
    if profile is None:
        if back := _back_to_what_was_made(request):
            return back
        messages.info(request, _("We need a few more answers first. They only take a minute."))
        return redirect("personas:start")
    catalogue = get_catalogue(translation.get_language())
    matches = rank(profile, catalogue)[:RESULT_CHOICES]
    if request.method == "POST":
        slug = request.POST.get("persona", "")
        if slug not in {m.persona.slug for m in matches}:
            messages.error(
                request, _("That choice did not work. Please pick one of the people below.")
            )
            return redirect("personas:others")
        request.session[CHOSEN_KEY] = slug
        return redirect("personas:result")
    match = chosen_match(request, profile, catalogue)
    return render(
        request,
        "personas/result.html",
        {"match": match, "adversaries": catalogue.adversaries},
    )


@never_cache
@require_http_methods(["GET"])
def others(request: HttpRequest) -> HttpResponse:
    profile = session_profile(request)
    if profile is None:
        if back := _back_to_what_was_made(request):
            return back
        messages.info(request, _("We need a few more answers first. They only take a minute."))
        return redirect("personas:start")
    catalogue = get_catalogue(translation.get_language())
    current = chosen_match(request, profile, catalogue)
    matches = [m for m in rank(profile, catalogue)[:RESULT_CHOICES] if m.persona != current.persona]
    return render(request, "personas/others.html", {"matches": matches, "current": current})
