"""From the landing page through the assessment to a plan, then week 1 ticked off."""

import pytest
from playwright.sync_api import expect

from plans.catalogue import get_catalogue
from plans.models import Plan
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# One choice per question, by its label; several for the tick-box questions.
CHOICES = {
    "Which of these do you use?": ["An iPhone", "A Windows computer"],
    "How do you feel about phones and computers?": ["I get by"],
    "Which of these do you already do?": ["None of these, or I'm not sure"],
    "Do people need to find you online?": ["No"],
    "What worries you most?": ["People who try to trick me out of money or passwords"],
    "How much time could you give each week?": ["About 20 minutes"],
    "Which sounds more like you?": ["I'm not sure what good looks like"],
}


def answer_every_question(page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Start").click()
    for _ in range(len(CHOICES)):
        heading = page.locator("h1").inner_text()
        for label in CHOICES[heading]:
            page.get_by_label(label, exact=False).first.check()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("h1")).not_to_have_text(heading)
    assert page.locator("h1").inner_text() == "People like you"


def build_plan_and_tick_week_one(page, *, check_accessibility: bool) -> Plan:
    answer_every_question(page)
    page.get_by_role("button", name="Build my plan").click()
    page.wait_for_url("**/p/*/")
    assert page.locator("h1").inner_text() == "Your plan"
    if check_accessibility:  # axe runs as a script: only where JavaScript is on
        assert_accessible(page)
    plan = Plan.objects.get()
    first = plan.steps.get(week=1)
    page.locator(".this-week").get_by_role("button", name="Done").click()
    page.get_by_text("Well done").wait_for()
    assert page.get_by_text("You have ticked off 1 of").is_visible()
    # The kind word comes with the step's own way to see that it worked.
    check = get_catalogue().step(first.slug).check
    expect(page.get_by_text(f"How to tell it worked: {check}")).to_be_visible()
    first.refresh_from_db()
    assert first.status == "done"
    return plan


def test_a_person_ticks_off_week_one_with_javascript(page):
    plan = build_plan_and_tick_week_one(page, check_accessibility=True)
    # htmx swapped the plan in place: still the same page, focus on the new card.
    assert page.url.endswith(f"/p/{plan.key}/")
    expect(page.locator("#this-week-heading")).to_be_focused()
    assert_accessible(page)


def test_a_person_ticks_off_week_one_without_javascript(page_without_js):
    plan = build_plan_and_tick_week_one(page_without_js, check_accessibility=False)
    # Without JavaScript the form posted and the page came back by redirect.
    assert page_without_js.url.endswith(f"/p/{plan.key}/")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_plan_page_has_no_accessibility_problems_at_phone_and_desktop_widths(
    page, width, live_server
):
    from tests.factories import AT_RISK_ANSWERS, make_plan

    plan = make_plan(AT_RISK_ANSWERS)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"/p/{plan.key}/")
    assert page.locator("h1").count() == 1
    page.locator("details").first.evaluate("element => element.open = true")
    assert_accessible(page)


def _plan_with_two_steps_this_week() -> tuple[Plan, list[str]]:
    from tests.factories import make_plan

    plan = make_plan()
    week = next(w for w in range(1, 30) if plan.steps.filter(week=w).count() == 2)
    plan.steps.filter(week__lt=week).update(status="done")
    return plan, list(plan.steps.filter(week=week).values_list("slug", flat=True))


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_weeks_second_step_has_its_own_buttons(browser, live_server, javascript):
    from plans.catalogue import get_catalogue

    plan, (first, second) = _plan_with_two_steps_this_week()
    context = new_context(browser, live_server, width=375, javascript=javascript)
    page = context.new_page()
    page.goto(f"/p/{plan.key}/")
    title = get_catalogue().step(second).title
    card = page.locator("section.card", has=page.get_by_role("heading", name=title))
    if javascript:
        assert_accessible(page)
    card.get_by_role("button", name="Not now").click()
    page.get_by_text("We moved it to a later week").wait_for()
    assert plan.steps.get(slug=second).status == "not_now"
    assert plan.steps.get(slug=first).status == "todo"
    context.close()
