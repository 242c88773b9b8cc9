"""From "Become a helper" to a helper's first page, with JavaScript on and off."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context
from tests.e2e.test_sign_in import _own_rate_limit_counts, latest_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
__all__ = ["_own_rate_limit_counts"]  # each test counts allauth's limits on its own


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_become_a_helper_explains_first_then_signs_in_with_one_message(
    browser, live_server, javascript
):
    context = new_context(browser, live_server, width=375, javascript=javascript)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Become a helper").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Become a helper")
    for heading in ("What a helper does", "What you can and cannot see", "It is free"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_label("Your email address")).to_have_count(0)

    page.get_by_role("link", name="Sign in or make an account").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next=%2Fmentor%2F$"))
    page.get_by_label("Your email address").fill(f"helper-{javascript}@example.org")
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/accounts/login/code/confirm/**")
    page.get_by_label("Your code").fill(latest_code())
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/mentor/about-me/")
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_text("First, tell people a little about you.")).to_be_visible()
    expect(page.locator(".message")).to_have_count(1)
    expect(page.locator(".message")).to_have_text("You are signed in.")
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_helper_page_and_a_stopped_code_are_accessible(browser, live_server, width):
    context = new_context(browser, live_server, width=width)
    page = context.new_page()
    page.goto("/become-a-helper/")
    assert_accessible(page)

    page.get_by_role("link", name="Sign in or make an account").click()
    page.get_by_label("Your email address").fill(f"stopped-{width}@example.org")
    page.get_by_role("button", name="Email me a code").click()
    page.wait_for_url("**/accounts/login/code/confirm/**")
    code = latest_code()
    field = page.get_by_label("Your code")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()  # an empty box: no try
    expect(page.get_by_text("Please type the code from the email.")).to_be_visible()
    for n in range(1, 6):
        wrong = f"0000-000{n}" if code != f"0000-000{n}" else "0000-0009"
        field.fill(wrong)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if n < 5:
            expect(page.get_by_text("That code did not work.")).to_be_visible()

    page.wait_for_url(re.compile(r"/accounts/login/code/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Ask for a new code")
    expect(page.locator(".message")).to_have_count(1)
    expect(page.locator(".message")).to_contain_text("You can ask for a new code now.")
    assert_accessible(page)
    context.close()
