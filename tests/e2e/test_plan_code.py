"""The plan code as people use it: got on one phone, typed on a safer device."""

import pytest
from django.urls import reverse

from plans import codes
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import as_maker
from tests.factories import AT_RISK_ANSWERS, make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_a_code_from_one_browser_opens_the_plan_in_another_and_forget_ends_it(
    browser, live_server, page, width
):
    plan = make_plan(AT_RISK_ANSWERS)
    as_maker(page, live_server, plan)  # the browser that made it
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(plan.get_absolute_url())
    assert page.get_by_role("button", name="Save my plan").count() == 0
    page.get_by_role("button", name="Get a plan code").click()
    page.get_by_role("heading", name="Your plan code").wait_for()
    code = " ".join(page.locator(".plan-code__word").all_inner_texts())
    assert len(code.split()) == codes.CODE_WORDS
    assert code not in page.url
    assert_accessible(page)

    page.get_by_role("link", name="Back to my plan").click()
    page.get_by_role("button", name="Turn the private link off").click()
    page.get_by_text("Only you can open this plan now, with your plan code.").wait_for()
    assert_accessible(page)

    safer = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    try:
        other = safer.new_page()
        assert other.goto(plan.get_absolute_url()).status == 404
        other.goto(reverse("plans:code_enter"))
        assert_accessible(other)
        other.get_by_label("Your plan code").fill(code.upper())
        other.get_by_role("button", name="Open my plan").click()
        other.wait_for_url(f"**{plan.get_absolute_url()}")
        assert other.locator("h1").inner_text() == "My weekly plan"

        other.get_by_role("button", name="Forget this device").click()
        other.get_by_role("heading", name="This browser has forgotten your plan").wait_for()
        assert_accessible(other)
        assert safer.cookies() == []
        assert other.goto(plan.get_absolute_url()).status == 404
    finally:
        safer.close()


def test_guessing_is_stopped_after_ten_tries_with_a_kind_page(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(reverse("plans:code_enter"))
    for number in range(codes.MAX_TRIES):
        page.get_by_label("Your plan code").fill("apple apple apple apple apple")
        page.get_by_role("button", name="Open my plan").click()
        page.get_by_role("alert").wait_for()
        if number == 0:
            assert "9 more times" in page.get_by_role("alert").inner_text()
            assert_accessible(page)
    page.get_by_label("Your plan code").fill("apple apple apple apple apple")
    page.get_by_role("button", name="Open my plan").click()
    page.get_by_text("paused them for a few minutes").wait_for()
    assert_accessible(page)
