"""A plan is never lost: a way back from the landing page, Back and Build again, and
a saved plan opened from its link shows what the visitor can do."""

import pytest
from playwright.sync_api import expect

from plans.models import Plan
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context
from tests.e2e.test_mentors import AT_RISK_CHOICES
from tests.e2e.test_mentors import answer_every_question as answer_these
from tests.e2e.test_plan import answer_every_question

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOTH = pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])


def _build(page) -> Plan:
    page.get_by_role("button", name="Build my plan").click()
    page.wait_for_url("**/p/*/")
    return Plan.objects.order_by("-pk").first()


@BOTH
def test_the_landing_page_offers_the_way_back_to_this_browsers_plan(
    browser, live_server, javascript
):
    context = new_context(browser, live_server, width=375, javascript=javascript)
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Go back to my plan")).to_have_count(0)
    answer_every_question(page)
    plan = _build(page)
    page.goto("/")
    if javascript:
        assert_accessible(page)
    page.get_by_role("link", name="Go back to my plan").click()
    page.wait_for_url(f"**{plan.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text("Your plan")
    context.close()


def test_a_low_key_plan_is_never_announced_on_the_landing_page(browser, live_server):
    context = new_context(browser, live_server, width=375)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Start").click()
    answer_these(page, AT_RISK_CHOICES)
    plan = _build(page)
    assert plan.low_key
    page.goto("/")
    expect(page.get_by_role("link", name="Go back to my plan")).to_have_count(0)
    expect(page.get_by_role("link", name="Start")).to_be_visible()
    context.close()


@BOTH
def test_back_after_building_shows_the_plan_already_made(browser, live_server, javascript):
    context = new_context(browser, live_server, width=1280, javascript=javascript)
    page = context.new_page()
    answer_every_question(page)
    plan = _build(page)
    page.go_back()
    page.wait_for_url(f"**{plan.get_absolute_url()}")
    expect(
        page.get_by_text("You answered these questions already. Here is your plan.")
    ).to_be_visible()
    expect(page.get_by_text("We need a few more answers")).to_have_count(0)
    context.close()


@BOTH
def test_building_again_from_an_older_page_shows_the_plan_already_made(
    browser, live_server, javascript
):
    context = new_context(browser, live_server, width=375, javascript=javascript)
    older = context.new_page()
    answer_every_question(older)  # left open on "People like you"
    newer = context.new_page()
    newer.goto("/people-like-you/")
    plan = _build(newer)
    older.get_by_role("button", name="Build my plan").click()
    older.wait_for_url(f"**{plan.get_absolute_url()}")
    expect(older.get_by_text("You answered these questions already.")).to_be_visible()
    assert Plan.objects.count() == 1
    context.close()


@BOTH
def test_a_saved_plan_opened_from_its_link_shows_what_the_visitor_can_do(
    browser, live_server, javascript
):
    from django.contrib.auth import get_user_model

    from tests.factories import make_plan

    owner = get_user_model().objects.create_user("owner@example.org")
    plan = make_plan(owner=owner)
    context = new_context(browser, live_server, width=375, javascript=javascript)
    page = context.new_page()
    page.goto(plan.get_absolute_url())
    expect(page.get_by_role("link", name="Delete my plan", exact=False)).to_have_count(0)
    expect(page.get_by_role("link", name="Download my plan", exact=False)).to_have_count(0)
    page.locator(".plan-privacy").get_by_role("link", name="sign in").click()
    expect(page.locator("h1")).to_have_text("Sign in")
    if javascript:
        assert_accessible(page)
    context.close()
