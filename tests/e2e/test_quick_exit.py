"""'Exit this page': always in view, and it leaves nothing that Back can show."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from personas.catalogue import ADVERSARIES, DEVICES
from tests.e2e.axe import assert_accessible
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEUTRAL = "A neutral page"
# The most a plan can hold: every device and every worry, the most minutes.
LONGEST = {
    **AT_RISK_ANSWERS,
    "devices": sorted(DEVICES),
    "capability": 4,
    "adversaries": sorted(ADVERSARIES),
    "visibility": "some",
    "minutes_per_week": 120,
}


@pytest.fixture
def neutral_site(page):
    """The neutral site, answered in the browser: these tests reach no other site."""
    pattern = re.escape(settings.QUICK_EXIT_URL.rstrip("/")) + ".*"
    page.context.route(re.compile(pattern), lambda route: route.fulfill(body=NEUTRAL))
    return page


@pytest.fixture
def neutral_site_without_js(page_without_js):
    pattern = re.escape(settings.QUICK_EXIT_URL.rstrip("/")) + ".*"
    page_without_js.context.route(re.compile(pattern), lambda route: route.fulfill(body=NEUTRAL))
    return page_without_js


def exit_button_in_view(page) -> bool:
    box = page.get_by_role("button", name="Exit this page").bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= viewport["height"]
        and box["height"] >= 44
        and box["width"] >= 44
    )


@pytest.mark.parametrize("width", [375, 1280])
def test_the_exit_button_stays_in_view_while_the_longest_plan_scrolls(page, width):
    plan = make_plan(LONGEST)
    page.set_viewport_size({"width": width, "height": 700})
    page.goto(plan.get_absolute_url())
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 3 * 700, f"the plan is only {height} px tall"
    for y in range(0, height, 1500):
        page.evaluate(f"window.scrollTo(0, {y})")
        assert exit_button_in_view(page), f"the exit button is off screen at {y} px"
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert exit_button_in_view(page)
    assert_accessible(page)


def test_a_tap_on_exit_opens_the_neutral_site_and_back_shows_no_answers(neutral_site):
    page = neutral_site
    page.set_viewport_size({"width": 375, "height": 700})
    page.goto("/")
    page.get_by_role("link", name="Start").click()
    page.wait_for_url("**/start/devices/")
    page.get_by_label("An iPhone").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/start/confidence/")
    page.get_by_label("I get by").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/start/habits/")

    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(settings.QUICK_EXIT_URL + "**")
    assert NEUTRAL in page.content()

    page.go_back()
    # No question page stands between the neutral site and where the person began.
    assert "/start/" not in page.url
    page.goto(reverse("personas:question", args=["devices"]))
    assert page.locator("input:checked").count() == 0, "the answers outlived the exit"
    assert page.evaluate("window.localStorage.length") == 0


def test_three_presses_of_shift_leave_the_plan_page(neutral_site):
    page = neutral_site
    plan = make_plan(AT_RISK_ANSWERS)
    page.goto("/")
    page.goto(plan.get_absolute_url())
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(settings.QUICK_EXIT_URL + "**")
    page.go_back()
    assert page.url.endswith("/"), "Back went to the plan page"
    assert "/p/" not in page.url


def test_without_javascript_exit_ends_the_visit_so_back_shows_no_answers(
    neutral_site_without_js,
):
    page = neutral_site_without_js
    page.goto("/start/devices/")
    page.get_by_label("An iPhone").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/start/confidence/")
    page.get_by_label("I get by").check()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/start/habits/")

    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(settings.QUICK_EXIT_URL + "**")

    for _ in range(2):
        page.go_back()
        page.wait_for_load_state()
        assert page.locator("input:checked").count() == 0, f"{page.url} still shows an answer"


@pytest.mark.parametrize("width", [375, 1280])
def test_the_page_about_the_exit_button_says_what_it_cannot_erase(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(reverse("quick_exit_help"))
    text = page.locator("main").inner_text()
    assert "It cannot wipe your history" in text
    assert "Samsung Internet" in text
    assert exit_button_in_view(page)
    assert_accessible(page)
