import logging
import re
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from personas.catalogue import get_catalogue
from personas.matching import rank
from personas.profile import profile_from_answers
from personas.questions import build_questions
from tests.factories import BRUCE

pytestmark = pytest.mark.django_db

QUESTIONS = build_questions(get_catalogue())
SLUGS = [q.slug for q in QUESTIONS]
HTMX = {"HTTP_HX_REQUEST": "true"}

# Someone whose partner is a worry: nine questions.
WITH_PARTNER = {
    "devices": ["iphone", "shared_computer"],
    "confidence": ["2"],
    "habits": ["screen_lock", "backups"],
    "visibility": ["private"],
    "worries": ["partner", "harassers"],
    "time": ["20"],
    "starting-point": ["unsure"],
    "email-safety": ["no"],
    "device-safety": ["not_sure"],
}
# The same answers in the answers format, as the session keeps them.
COMPLETE_ANSWERS = {
    "devices": ["iphone", "shared_computer"],
    "capability": 2,
    "habits": ["screen_lock", "backups"],
    "visibility": "private",
    "adversaries": ["partner", "harassers"],
    "minutes_per_week": 20,
    "group": "unsure",
    "safe_to_email": False,
    "safe_device": False,
}


def url(slug: str) -> str:
    return f"/start/{slug}/"


def answer(client: Client, slug: str, values: list[str], **extra: Any):
    return client.post(url(slug), {"answer": values}, **extra)


def answer_all(client: Client, answers: dict[str, list[str]]):
    """Walk the wizard from /start/ as a person would, following every redirect."""
    response = client.get("/start/", follow=True)
    seen = []
    while response.request["PATH_INFO"].startswith("/start/"):
        slug = response.request["PATH_INFO"].split("/")[2]
        seen.append(slug)
        assert len(seen) <= len(SLUGS), f"the wizard went round in circles: {seen}"
        response = client.post(url(slug), {"answer": answers[slug]}, follow=True)
    assert seen == list(answers)
    return response


def stored(client: Client) -> dict[str, Any]:
    return dict(client.session.get("assessment", {}))


def store(client: Client, answers: dict[str, Any]) -> None:
    session = client.session
    session["assessment"] = answers
    session.save()


def is_checked(content: str, value: str) -> bool:
    tag = re.search(rf'<input[^>]*value="{re.escape(value)}"[^>]*>', content)
    assert tag, f"no box for {value}"
    return " checked" in tag.group(0)


def text(response) -> str:
    return response.content.decode()


def test_start_goes_to_the_first_question(client):
    response = client.get("/start/")
    assert response.status_code == 302
    assert response["Location"] == url("devices")
    page = text(client.get(url("devices")))
    assert "Which of these do you use?" in page
    assert "Question 1 of 7" in page
    assert "Back</a>" not in page


def test_someone_can_answer_every_question_and_meet_people_like_them(client):
    response = answer_all(client, BRUCE)

    assert response.request["PATH_INFO"] == "/people-like-you/"
    page = text(response)
    persona = get_catalogue().personas["bruce-builder"]
    assert "<h1>People like you</h1>" in page
    assert f"Meet {persona.name}." in page
    assert escape(persona.story) in page
    match = rank(profile_from_answers(stored(client)), get_catalogue())[0]
    assert match.persona == persona
    assert len(match.reasons) >= 2
    for reason in match.reasons:
        assert f"<li>{escape(reason)}</li>" in page
    assert 'action="/plans/new/"' in page
    assert ">Build my plan</button>" in page
    assert f'name="persona" value="{persona.slug}"' in page


def test_going_back_to_start_after_finishing_lands_on_the_result(client):
    answer_all(client, BRUCE)
    response = client.get("/start/", follow=True)
    # Every question is answered, so /start/ offers the first one to change.
    assert response.request["PATH_INFO"] == url("devices")
    assert is_checked(text(response), "android")


def test_someone_whose_partner_is_a_worry_gets_two_safety_questions(client):
    response = answer_all(client, WITH_PARTNER)
    assert response.request["PATH_INFO"] == "/people-like-you/"
    assert stored(client) == COMPLETE_ANSWERS
    assert "also worries about someone close" in text(response)


def test_the_progress_counts_seven_questions_usually(client):
    answer(client, "devices", ["iphone"])
    answer(client, "confidence", ["3"])
    page = text(client.get(url("habits")))
    assert "Question 3 of 7" in page
    assert "(question 3 of 7)" in page  # the page title says it too


def test_the_progress_counts_nine_questions_when_someone_close_is_a_worry(client):
    for slug in ["devices", "confidence", "habits", "visibility"]:
        answer(client, slug, WITH_PARTNER[slug])
    assert "Question 5 of 7" in text(client.get(url("worries")))

    response = answer(client, "worries", ["family"], follow=True)

    assert response.request["PATH_INFO"] == url("time")
    assert "Question 6 of 9" in text(response)
    assert "Question 3 of 9" in text(client.get(url("habits")))


def test_back_shows_the_answer_already_given(client):
    answer(client, "devices", ["iphone", "mac"])
    page = text(client.get(url("confidence")))
    assert f'href="{url("devices")}"' in page

    page = text(client.get(url("devices")))

    assert is_checked(page, "iphone")
    assert is_checked(page, "mac")
    assert not is_checked(page, "android")
    assert not is_checked(page, "none")


def test_back_keeps_single_answers_and_none_of_these(client):
    answer(client, "devices", ["none"])
    answer(client, "confidence", ["4"])
    assert is_checked(text(client.get(url("devices"))), "none")
    page = text(client.get(url("confidence")))
    assert is_checked(page, "4")
    assert not is_checked(page, "3")


def test_a_question_shows_each_person_their_own_answers(client):
    answer(client, "devices", ["iphone", "mac"])
    assert is_checked(text(client.get(url("devices"))), "mac")
    other = Client()
    answer(other, "devices", ["android"])
    page = text(other.get(url("devices")))
    assert is_checked(page, "android")
    assert not is_checked(page, "mac")
    fresh = text(Client().get(url("devices")))
    assert not any(is_checked(fresh, v) for v in ("iphone", "mac", "android"))
    assert is_checked(text(client.get(url("devices"))), "mac")


def test_a_question_carries_each_visitors_own_working_token():
    Client().get(url("devices"))
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = text(visitor.get(url("devices")))
        token = re.search(r'csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = visitor.post(
            url("devices"), {"answer": ["android"], "csrfmiddlewaretoken": token}
        )
        assert response.status_code == 302
        assert stored(visitor) == {"devices": ["android"]}
        tokens.append(token)
    assert tokens[0] != tokens[1]


def test_changing_an_earlier_answer_keeps_the_later_ones(client):
    answer_all(client, BRUCE)
    response = answer(client, "devices", ["iphone"], follow=True)
    assert response.request["PATH_INFO"] == url("confidence")
    assert is_checked(text(response), "1")
    assert stored(client)["devices"] == ["iphone"]
    assert stored(client)["minutes_per_week"] == 10


def test_with_htmx_an_answer_returns_only_the_next_card(client):
    response = answer(client, "devices", ["android"], **HTMX)

    assert response.status_code == 200
    assert response["HX-Replace-Url"] == url("confidence")
    page = text(response)
    assert "<html" not in page
    assert "<body" not in page
    # The card, after a <title> that htmx puts in the page's: it follows the question.
    title, card = page.strip().split("\n", 1)
    shown = "How do you feel about phones and computers? (question 2 of 7) \N{EN DASH} Little Steps"
    assert title == f"<title>{shown}</title>"
    assert card.startswith('<div id="question"')
    assert "How do you feel about phones and computers?" in page
    assert "Question 2 of 7" in page
    assert f'hx-post="{url("confidence")}"' in page
    assert stored(client)["devices"] == ["android"]
    assert "HX-Request" in response["Vary"]


def test_with_htmx_the_last_answer_sends_the_browser_to_the_result(client):
    for slug, values in list(BRUCE.items())[:-1]:
        answer(client, slug, values)
    response = answer(client, "starting-point", ["unsure"], **HTMX)
    assert response["HX-Redirect"] == "/people-like-you/"


def test_with_htmx_a_wrong_answer_returns_the_same_card_with_the_problem(client):
    response = answer(client, "devices", [], **HTMX)
    page = text(response)
    assert response.status_code == 200
    assert "HX-Replace-Url" not in response
    assert "<html" not in page
    assert "Which of these do you use?" in page
    assert 'role="alert"' in page
    assert "Tick at least one box" in page
    assert "<title>Error: Which of these do you use? (question 1 of 7)" in page
    assert '<a href="#answer-iphone">Tick at least one box' in page


def test_without_htmx_a_question_is_a_whole_page(client):
    page = text(client.get(url("devices")))
    assert "<html" in page
    assert "<title>Which of these do you use? (question 1 of 7)" in page


def test_a_missing_answer_shows_a_kind_message_and_saves_nothing(client):
    response = client.post(url("devices"), {}, follow=True)
    page = text(response)
    assert response.status_code == 200
    assert "Tick at least one box. If none fit, tick the last one." in page
    assert 'aria-describedby="question-hint answer-error"' in page
    assert stored(client) == {}


def test_a_problem_is_summed_up_first_in_the_card_with_a_link_to_the_question(client):
    page = text(client.post(url("devices"), {}, follow=True))
    shown = "Error: Which of these do you use? (question 1 of 7) \N{EN DASH} Little Steps"
    assert f"<title>{shown}</title>" in page
    card = page[page.index('<div id="question"') :]
    summary = card[: card.index("<form")]
    assert "There is a problem" in summary
    assert '<a href="#answer-iphone">Tick at least one box' in summary
    assert 'id="answer-iphone"' in card


def test_without_htmx_a_refused_answer_comes_back_as_a_page_to_get_not_a_post(client):
    # Back in the browser then reloads this page; a page from a form post
    # would ask to send the form again instead.
    response = client.post(url("devices"), {"answer": ["iphone", "nope"]})
    assert response.status_code == 302
    assert response.url == url("devices")
    page = text(client.get(url("devices")))
    assert "Something went wrong with that answer" in page
    assert is_checked(page, "iphone")
    # Shown once: the same page again (Back, or a reload) has no problem left on it.
    page = text(client.get(url("devices")))
    assert "There is a problem" not in page
    assert "<title>Which of these do you use?" in page


def test_a_problem_kept_for_one_question_is_not_shown_on_another(client):
    answer(client, "devices", ["iphone"])
    client.post(url("confidence"), {})
    page = text(client.get(url("devices")))
    assert "There is a problem" not in page
    assert "There is a problem" not in text(client.get(url("confidence")))


def test_an_unknown_choice_is_refused_kindly(client):
    answer(client, "devices", ["iphone"])
    response = answer(client, "confidence", ["9"], follow=True)
    assert response.status_code == 200
    assert "Choose one answer to go on." in text(response)
    assert stored(client) == {"devices": ["iphone"]}


def test_tampered_values_are_refused_and_the_known_ones_stay_ticked(client):
    response = answer(client, "devices", ["iphone", "<script>x</script>", "iphone"], follow=True)
    page = text(response)
    assert response.status_code == 200
    assert "Something went wrong with that answer" in page
    assert "<script>x</script>" not in page
    assert is_checked(page, "iphone")
    assert stored(client) == {}


def test_two_answers_to_a_one_answer_question_are_refused(client):
    answer(client, "devices", ["iphone"])
    response = answer(client, "confidence", ["1", "4"], follow=True)
    assert "Choose one answer to go on." in text(response)
    assert "capability" not in stored(client)


def test_not_sure_with_other_worries_is_refused(client):
    for slug in ["devices", "confidence", "habits", "visibility"]:
        answer(client, slug, BRUCE[slug])
    response = answer(client, "worries", ["not_sure", "partner"], follow=True)
    assert "Choose one or the other." in text(response)
    assert "adversaries" not in stored(client)


def test_a_question_out_of_order_goes_to_the_first_unanswered_one(client):
    response = client.get(url("time"), follow=True)
    assert response.redirect_chain == [(url("devices"), 302)]
    assert "start at the first question" in text(response)


def test_answering_out_of_order_saves_nothing(client):
    answer(client, "devices", ["mac"])
    response = answer(client, "visibility", ["public"], follow=True)
    assert response.request["PATH_INFO"] == url("confidence")
    assert "There is a question to answer first." in text(response)
    assert stored(client) == {"devices": ["mac"]}


def test_a_safety_question_is_not_shown_when_no_one_close_is_a_worry(client):
    answer_all(client, BRUCE)
    response = client.get(url("email-safety"))
    assert response.status_code == 302
    response = answer(client, "email-safety", ["yes"])
    assert response.status_code == 302
    assert "safe_to_email" not in stored(client)


def test_an_unknown_question_is_not_found(client):
    response = client.get(url("your-name"))
    assert response.status_code == 404
    response = client.post(url("your-name"), {"answer": ["Alice"]})
    assert response.status_code == 404


def test_the_result_without_answers_sends_you_to_the_start(client):
    response = client.get("/people-like-you/", follow=True)
    assert response.redirect_chain == [("/start/", 302), (url("devices"), 302)]
    assert "We need a few more answers first." in text(response)


def test_the_result_after_the_session_expires_sends_you_to_the_start(client):
    answer_all(client, BRUCE)
    client.session.flush()
    client.cookies.clear()
    response = client.get("/people-like-you/", follow=True)
    assert response.request["PATH_INFO"] == url("devices")
    assert "We need a few more answers first." in text(response)


def test_the_result_with_half_the_answers_continues_where_you_left_off(client):
    answer(client, "devices", ["android"])
    answer(client, "confidence", ["2"])
    response = client.get("/people-like-you/", follow=True)
    assert response.request["PATH_INFO"] == url("habits")


def test_the_result_with_broken_answers_in_the_session_starts_again(client):
    store(client, {**COMPLETE_ANSWERS, "capability": 99})
    response = client.get("/people-like-you/", follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"].startswith("/start/")
    assert "We need a few more answers first." in text(response)


def test_this_isnt_me_offers_the_next_two_people(client):
    answer_all(client, BRUCE)
    matches = rank(profile_from_answers(stored(client)), get_catalogue())

    page = text(client.get("/people-like-you/others/"))

    for match in matches[1:3]:
        assert f"<h2>{match.persona.name}</h2>" in page
        assert f'value="{match.persona.slug}"' in page
    assert f"<h2>{matches[0].persona.name}</h2>" not in page
    assert f"Go back to {matches[0].persona.name}" in page


def test_choosing_another_person_changes_the_result(client):
    answer_all(client, BRUCE)
    second = rank(profile_from_answers(stored(client)), get_catalogue())[1].persona

    response = client.post("/people-like-you/", {"persona": second.slug}, follow=True)

    page = text(response)
    assert response.request["PATH_INFO"] == "/people-like-you/"
    assert f"Meet {second.name}." in page
    assert f'name="persona" value="{second.slug}"' in page
    # The one now shown drops out of "This isn't me", and the first comes back.
    others = text(client.get("/people-like-you/others/"))
    assert f"<h2>{second.name}</h2>" not in others
    assert "<h2>Bruce</h2>" in others


def test_changing_an_answer_forgets_the_chosen_person(client):
    answer_all(client, BRUCE)
    second = rank(profile_from_answers(stored(client)), get_catalogue())[1].persona
    client.post("/people-like-you/", {"persona": second.slug})
    answer(client, "time", ["20"])
    assert "Meet Bruce." in text(client.get("/people-like-you/"))


@pytest.mark.parametrize("persona", ["", "nobody", "sam-knows-but-not-yet"])
def test_choosing_someone_not_offered_is_refused_kindly(client, persona):
    answer_all(client, BRUCE)
    response = client.post("/people-like-you/", {"persona": persona}, follow=True)
    assert response.request["PATH_INFO"] == "/people-like-you/others/"
    assert "That choice did not work." in text(response)
    assert "Meet Bruce." in text(client.get("/people-like-you/"))


def test_answers_never_appear_in_the_logs(client, caplog, settings):
    # DEBUG makes Django log every SQL query too, the most talkative it gets.
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    for name in ["django", "django.request", "django.server", "django.db.backends", "personas"]:
        caplog.set_level(logging.DEBUG, logger=name)

    answer(client, "devices", ["shared_computer", "<not-a-device>"])
    answer(client, "time", ["45"])  # out of order
    answer_all(client, WITH_PARTNER)
    client.post("/people-like-you/", {"persona": "anahera-family-phone"})
    client.get("/people-like-you/others/")

    posted = {value for values in WITH_PARTNER.values() for value in values if len(value) > 3}
    posted |= {"<not-a-device>", "shared_computer", "anahera-family-phone", "partner"}
    logged = [record.getMessage() for record in caplog.records]
    logged += [record.exc_text or "" for record in caplog.records]
    assert logged, "nothing was logged, so this test would prove nothing"
    for value in posted:
        assert not any(value in message for message in logged), value


# Values a tampering browser might post: choices of any question, junk, numbers.
ANY_CHOICE = st.sampled_from(sorted({c.value for q in QUESTIONS for c in q.choices}))
POSTED_VALUE = st.one_of(
    ANY_CHOICE, st.text(max_size=30), st.integers(-(10**9), 10**9).map(str), st.just("")
)
POSTED = st.one_of(
    st.just({}),
    POSTED_VALUE.map(lambda value: {"answer": value}),
    st.lists(POSTED_VALUE, max_size=5).map(lambda values: {"answer": values}),
    st.dictionaries(st.text(min_size=1, max_size=10), POSTED_VALUE, max_size=3),
)
STARTING_ANSWERS = st.sampled_from(
    [
        {},
        {"devices": ["iphone"], "capability": 3},
        COMPLETE_ANSWERS,
        {**COMPLETE_ANSWERS, "adversaries": ["scammers"]},
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.sampled_from(SLUGS), data=POSTED, before=STARTING_ANSWERS, htmx=st.booleans())
def test_any_post_to_any_question_is_handled_and_a_refused_one_changes_nothing(
    slug, data, before, htmx
):
    client = Client()
    store(client, before)

    response = client.post(url(slug), data, **(HTMX if htmx else {}))

    assert response.status_code < 500
    after = stored(client)
    moved_on = response.status_code == 302 or {"HX-Replace-Url", "HX-Redirect"} & set(
        response.headers
    )
    refused = response.status_code == 200 and not moved_on
    event("refused" if refused else "moved on")
    if refused:
        assert 'role="alert"' in text(response)
        assert after == before
    else:
        # Whatever was saved still makes a valid set of answers.
        profile_from_answers({**COMPLETE_ANSWERS, **after})
        changed = {key for key in after if after[key] != before.get(key)}
        assert len(changed) <= 1
