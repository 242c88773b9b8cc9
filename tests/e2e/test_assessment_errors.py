"""The assessment's problems, titles and Back, as a person sees them, with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context
from tests.e2e.test_assessment import BRUCE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SITE = " \N{EN DASH} Little Steps"  # after each page title (base.html)
JS = pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_page(*, javascript: bool, width: int = 1280):
        context = new_context(browser, live_server, width=width, javascript=javascript)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def tick(page, values: list[str]) -> None:
    for value in values:
        page.locator(f"input[name=answer][value='{value}']").check()


def press_next(page, *, wait_for: str = "") -> None:
    page.get_by_role("button", name="Next").click()
    if wait_for:
        page.wait_for_url(re.compile(rf"/start/{re.escape(wait_for)}/$"))
    page.wait_for_load_state()


def focused(page) -> str:
    return page.evaluate("document.activeElement.outerHTML.slice(0, 80)")


@JS
@pytest.mark.parametrize("width", [375, 1280])
def test_no_answer_shows_the_problem_first_and_the_title_says_error(open_page, javascript, width):
    page = open_page(javascript=javascript, width=width)
    page.goto("/start/devices/")
    press_next(page)

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    link = summary.get_by_role("link", name="Tick at least one box. If none fit, tick the last one")
    assert link.get_attribute("href") == "#answer-iphone"
    expect(page).to_have_title("Error: Which of these do you use? (question 1 of 7)" + SITE)
    first_in_card = page.evaluate("document.querySelector('#question').firstElementChild.className")
    assert first_in_card == "error-summary"
    if javascript:
        expect(page.locator("[data-error-summary]")).to_be_focused()
        assert_accessible(page)  # axe needs JavaScript: the page without it is checked below

    link.click()
    expect(page.locator("#answer-iphone")).to_be_focused()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_whole_page_with_a_problem_is_accessible_and_focus_starts_on_the_problem(
    open_page, width
):
    # The page a browser without JavaScript gets (a plain form post, then the
    # page again), here with JavaScript on so that axe can run in it.
    page = open_page(javascript=True, width=width)
    page.goto("/start/devices/")
    page.evaluate("document.querySelector('#question form').submit()")  # not through htmx
    page.wait_for_url(re.compile(r"/start/devices/$"))
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator("[data-error-summary]")).to_be_focused()
    assert_accessible(page)


@JS
def test_a_problem_then_an_answer_leaves_nothing_for_back_to_send_again(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/start/devices/")
    press_next(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    tick(page, ["iphone", "mac"])
    press_next(page, wait_for="confidence")

    page.go_back()
    page.wait_for_load_state()
    # The page is the question again, not the browser asking to send a form again.
    if javascript:
        # With htmx the questions share one history entry ("Exit this page" leaves
        # no question page behind it): Back goes to where the person came from.
        assert "/start/" not in page.url
        page.go_forward()
        page.wait_for_url(re.compile(r"/start/confidence/$"))
    else:
        page.wait_for_url(re.compile(r"/start/devices/$"))
        expect(page).to_have_title(re.compile(r"^Which of these do you use\?"))
        expect(page.get_by_role("alert")).to_have_count(0)
        assert page.locator("input[value=iphone]").is_checked()
        assert page.locator("input[value=mac]").is_checked()
        assert not page.locator("input[value=android]").is_checked()


@JS
def test_back_from_the_result_shows_the_last_answer_the_server_kept(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/start/")
    slugs = list(BRUCE)
    for slug in slugs:
        page.wait_for_url(re.compile(rf"/start/{slug}/$"))
        tick(page, BRUCE[slug])
        page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"/people-like-you/$"))

    page.go_back()
    page.wait_for_url(re.compile(r"/start/starting-point/$"))
    expect(page).to_have_title(re.compile(r"\(question 7 of 7\)"))
    assert page.locator("input[value=unsure]").is_checked()
    assert page.locator("input:checked").count() == 1


@JS
def test_a_tick_never_sent_is_not_brought_back_by_back_and_forward(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/")
    page.goto("/start/devices/")
    tick(page, ["iphone"])
    press_next(page, wait_for="confidence")
    tick(page, ["2"])  # then the person leaves without pressing Next

    page.go_back()
    page.wait_for_load_state()
    page.go_forward()
    page.wait_for_url(re.compile(r"/start/confidence/$"))
    page.wait_for_load_state()
    assert page.locator("input:checked").count() == 0


def test_with_javascript_the_title_follows_each_question(open_page):
    page = open_page(javascript=True)
    page.goto("/start/devices/")
    page.evaluate("window.stillTheSamePage = true")
    expect(page).to_have_title("Which of these do you use? (question 1 of 7)" + SITE)

    tick(page, ["iphone"])
    press_next(page, wait_for="confidence")
    expect(page).to_have_title(
        "How do you feel about phones and computers? (question 2 of 7)" + SITE
    )
    tick(page, ["2"])
    press_next(page, wait_for="habits")
    expect(page).to_have_title("Which of these do you already do? (question 3 of 7)" + SITE)

    page.get_by_role("link", name="Back").click()
    page.wait_for_url(re.compile(r"/start/confidence/$"))
    expect(page).to_have_title(
        "How do you feel about phones and computers? (question 2 of 7)" + SITE
    )
    assert page.evaluate("window.stillTheSamePage") is True  # swapped in place each time


@JS
def test_a_lost_csrf_cookie_shows_the_kind_page_with_the_way_on(open_page, javascript):
    page = open_page(javascript=javascript)
    page.goto("/start/devices/")
    page.context.clear_cookies(name="csrftoken")
    tick(page, ["iphone"])
    page.get_by_role("button", name="Next").click()

    heading = page.get_by_role("heading", level=1, name="Please try that again")
    expect(heading).to_be_visible()
    expect(page).to_have_title("Please try that again" + SITE)
    expect(page.get_by_text("Nothing was changed.")).to_be_visible()
    expect(page.get_by_role("link", name="Go to the start page")).to_be_visible()
    expect(page.get_by_role("button", name="Exit this page")).to_be_visible()
    if javascript:
        expect(heading).to_be_focused()
