"""The error pages as a browser shows them, with DEBUG off (the live server's default)."""

import pytest

from tests.e2e.axe import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_mistyped_link_shows_our_page_with_the_exit_button_and_no_accessibility_problems(
    page, width
):
    page.set_viewport_size({"width": width, "height": 800})
    response = page.goto("/p/not-a-real-plan/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "We could not find that page"
    assert page.get_by_role("button", name="Exit this page").is_visible()
    assert "not-a-real-plan" not in page.content()
    assert_accessible(page)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_refused_form_shows_the_kind_page_with_no_accessibility_problems(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/start/devices/")
    page.context.clear_cookies()  # the CSRF cookie goes: the form is refused
    page.get_by_label("An iPhone").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Please try that again").wait_for()
    assert_accessible(page)
