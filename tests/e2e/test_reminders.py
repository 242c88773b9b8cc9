"""The reminders page and an email link in the real Chromium, with and without JavaScript."""

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from plans import links
from plans.models import PlanStep, ReminderSettings
from tests.e2e.axe import assert_accessible
from tests.factories import make_plan

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _signed_in(browser_page, live_server, email="sam@example.org"):
    from accounts.models import User

    user = User.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser_page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return make_plan(owner=user)


def test_the_owner_turns_reminders_on_with_the_browsers_time_zone(page, live_server):
    plan = _signed_in(page, live_server)
    page.goto(plan.get_absolute_url())
    page.get_by_role("link", name="Get a gentle weekly reminder").click()
    expect(page.locator("h1")).to_have_text("A gentle weekly reminder")
    box = page.get_by_label("Yes, send me a gentle reminder each week", exact=False)
    expect(box).not_to_be_checked()
    browser_zone = page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone")
    expect(page.get_by_label("Time zone")).to_have_value(browser_zone)
    assert_accessible(page)
    box.check()
    page.get_by_label("Day").select_option("Wednesday")
    page.get_by_label("Time", exact=True).fill("18:30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("Reminders are on")
    assert_accessible(page)
    reminder = ReminderSettings.objects.get()
    assert (reminder.active, reminder.weekday, reminder.time_zone) == (True, 2, browser_zone)


def test_without_javascript_the_time_zone_is_chosen_from_the_list(
    page_without_js,
    live_server,
):
    plan = _signed_in(page_without_js, live_server)
    page_without_js.goto(reverse("plans:reminders", args=[plan.key]))
    page_without_js.get_by_label("Yes, send me a gentle reminder each week", exact=False).check()
    page_without_js.get_by_label("Time zone").select_option("Europe/London")
    page_without_js.get_by_role("button", name="Save").click()
    expect(page_without_js.locator(".message")).to_contain_text("Reminders are on")
    assert ReminderSettings.objects.get().time_zone == "Europe/London"


def test_i_did_it_from_an_email_works_without_javascript(page_without_js, live_server):
    plan = make_plan()
    ReminderSettings.objects.create(plan=plan, email="a@example.org", active=True)
    step = plan.steps.exclude(status__in=PlanStep.CLOSED).first()
    token = links.link_token(plan=plan, action="done", slug=step.slug)
    page_without_js.goto(reverse("plans:reminder_link", args=[token]))
    expect(page_without_js.locator("h1")).to_have_text("Did you do this week's step?")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.TODO
    page_without_js.get_by_role("button", name="Yes, I did it").click()
    expect(page_without_js.locator("[role=status]")).to_contain_text("Well done")
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE


@pytest.mark.parametrize(
    "zone, place", [("Europe/London", "United Kingdom"), ("Europe/Berlin", "Berlin (Europe)")]
)
def test_the_browsers_time_zone_is_offered_as_a_place(browser, live_server, zone, place):
    context = browser.new_context(
        viewport={"width": 375, "height": 900}, base_url=live_server.url, timezone_id=zone
    )
    page = context.new_page()
    plan = _signed_in(page, live_server)
    page.goto(reverse("plans:reminders", args=[plan.key]))
    select = page.get_by_label("Time zone")
    expect(select).to_have_value(zone)
    assert select.evaluate("s => s.options[s.selectedIndex].textContent") == place
    assert_accessible(page)
    context.close()
