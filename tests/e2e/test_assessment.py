import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.factories import BRUCE

pytestmark = pytest.mark.e2e

# Someone whose partner is a worry: nine questions, the last two about safety.
WITH_PARTNER = {
    "devices": ["iphone", "windows"],
    "confidence": ["2"],
    "habits": ["screen_lock"],
    "visibility": ["private"],
    "worries": ["partner", "harassers"],
    "time": ["20"],
    "starting-point": ["unsure"],
    "email-safety": ["no"],
    "device-safety": ["not_sure"],
}


def question_url(slug: str) -> re.Pattern:
    return re.compile(rf"/start/{re.escape(slug)}/$")


def tick(page, values: list[str]) -> None:
    for value in values:
        page.locator(f"input[name=answer][value='{value}']").check()


def active_element(page) -> dict:
    return page.evaluate(
        """() => ({
            tag: document.activeElement.tagName,
            text: document.activeElement.textContent.trim(),
            value: document.activeElement.value || "",
            type: document.activeElement.type || "",
        })"""
    )


def test_someone_with_javascript_answers_every_question_in_place(page):
    page.goto("/start/")
    page.wait_for_url(question_url("devices"))
    # A marker that a full page load would wipe out: htmx must swap the card instead.
    page.evaluate("window.stillTheSamePage = true")
    slugs = list(WITH_PARTNER)

    page.get_by_role("button", name="Next").click()
    alert = page.get_by_role("alert")
    assert "Tick at least one box" in alert.inner_text()
    assert page.url.endswith("/start/devices/")
    assert_accessible(page)

    for number, slug in enumerate(slugs, start=1):
        total = 9 if number > 5 else 7
        assert page.locator(".progress").inner_text() == f"Question {number} of {total}"
        assert_accessible(page)
        tick(page, WITH_PARTNER[slug])
        page.get_by_role("button", name="Next").click()
        if number == len(slugs):
            break
        following = slugs[number]
        page.wait_for_url(question_url(following))
        heading = page.locator("h1")
        assert heading.count() == 1
        expect(page.locator("h1")).to_be_focused()
        focused = active_element(page)
        assert focused["text"] == heading.inner_text()
        assert page.evaluate("window.stillTheSamePage") is True

    page.wait_for_url(re.compile(r"/people-like-you/$"))
    assert page.locator("h1").inner_text() == "People like you"
    assert "also worries about someone close" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Build my plan").is_visible()
    assert_accessible(page)


def test_back_in_the_browser_shows_the_answer_already_given(page):
    page.goto("/start/devices/")
    tick(page, ["iphone", "mac"])
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(question_url("confidence"))

    page.get_by_role("link", name="Back").click()

    page.wait_for_url(question_url("devices"))
    assert page.locator("input[value=iphone]").is_checked()
    assert page.locator("input[value=mac]").is_checked()
    assert not page.locator("input[value=android]").is_checked()


def test_someone_without_javascript_answers_every_question(page_without_js):
    page = page_without_js
    page.goto("/start/")
    assert page.url.endswith("/start/devices/")

    for number, slug in enumerate(BRUCE, start=1):
        assert page.url.endswith(f"/start/{slug}/")
        assert page.locator(".progress").inner_text() == f"Question {number} of 7"
        tick(page, BRUCE[slug])
        page.get_by_role("button", name="Next").click()
        page.wait_for_load_state()

    page.wait_for_url(re.compile(r"/people-like-you/$"))
    assert page.locator("h1").inner_text() == "People like you"
    assert "Meet Bruce." in page.locator("main").inner_text()
    assert page.get_by_role("button", name="Build my plan").is_visible()


def press_tab_until(page, wanted, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if wanted(active_element(page)):
            return
    raise AssertionError(f"Tab never reached the element; focus is on {active_element(page)}")


def answer_with_the_keyboard(page, values: list[str], submit_key: str) -> None:
    press_tab_until(page, lambda el: el["tag"] == "INPUT")
    if active_element(page)["type"] == "radio":
        # Tab enters a group of radios once; the arrow keys move within it.
        (value,) = values
        for _ in range(10):
            if active_element(page)["value"] == value:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert page.locator(f"input[value='{value}']").is_checked()
    else:
        for value in values:
            if active_element(page)["value"] != value:
                press_tab_until(page, lambda el, v=value: el["value"] == v)
            page.keyboard.press("Space")
            assert page.locator(f"input[value='{value}']").is_checked()
    press_tab_until(page, lambda el: el["tag"] == "BUTTON" and el["text"] == "Next")
    page.keyboard.press(submit_key)


def test_someone_using_only_the_keyboard_answers_every_question(page):
    page.goto("/start/")
    page.wait_for_url(question_url("devices"))
    slugs = list(BRUCE)

    for number, slug in enumerate(slugs, start=1):
        answer_with_the_keyboard(page, BRUCE[slug], "Enter" if number % 2 else "Space")
        if number < len(slugs):
            page.wait_for_url(question_url(slugs[number]))
            expect(page.locator("h1")).to_be_focused()

    page.wait_for_url(re.compile(r"/people-like-you/$"))
    assert page.locator("h1").inner_text() == "People like you"
    assert "Meet Bruce." in page.locator("main").inner_text()
