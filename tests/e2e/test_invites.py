"""A helper's invites in the browser: copy the link, see when it stops working, long names."""

import pytest
from playwright.sync_api import expect

from mentors import services
from mentors.models import Invite
from tests.e2e.axe import assert_accessible
from tests.e2e.contexts import new_context
from tests.e2e.test_mentors import sign_in
from tests.factories import make_plan
from tests.test_mentors_helpers import make_mentor

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _make_invite_in_the_browser(page, live_server) -> Invite:
    sign_in(page, live_server, "helper@example.org")
    page.goto("/mentor/about-me/")
    page.get_by_label("Your name").fill("Aroha")
    page.get_by_role("button", name="Save").click()
    page.goto("/mentor/invites/")
    page.get_by_label("Who is this invite for?").fill("Mum")
    page.get_by_role("button", name="Make the invite link").click()
    expect(page.locator("h1")).to_have_text("Invite for Mum")
    return Invite.objects.get()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_copy_button_copies_the_link_where_javascript_runs(browser, live_server, width):
    context = new_context(browser, live_server, width=width)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    _make_invite_in_the_browser(page, live_server)
    link = page.locator("#invite-url").input_value()
    assert "/join/" in link
    assert_accessible(page)
    page.get_by_role("button", name="Copy the link").click()
    expect(page.get_by_text("Copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    context.close()


def test_without_javascript_there_is_no_copy_button_but_the_link_shows(browser, live_server):
    context = new_context(browser, live_server, width=375, javascript=False)
    page = context.new_page()
    _make_invite_in_the_browser(page, live_server)
    expect(page.locator("#invite-url")).to_be_visible()
    expect(page.get_by_role("button", name="Copy the link")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("ending", ["used up", "stopped"])
def test_an_invite_that_no_longer_works_never_shows_its_link_again(browser, live_server, ending):
    context = new_context(browser, live_server, width=375)
    page = context.new_page()
    invite = _make_invite_in_the_browser(page, live_server)
    expect(page.locator("#invite-url")).to_be_visible()
    if ending == "used up":
        services.invite_use(invite_id=invite.pk, plan=make_plan(), share_progress=False)
    else:
        services.invite_revoke(invite=invite)
    page.reload()
    expect(page.locator("#invite-url")).to_have_count(0)
    expect(page.get_by_role("img", name="QR code")).to_have_count(0)
    expect(page.get_by_text("does not work any more")).to_be_visible()
    page.goto(f"/mentor/invites/{invite.pk}/card/")
    expect(page.locator("#invite-url")).to_have_count(0)
    expect(page.get_by_role("img", name="QR code")).to_have_count(0)
    assert_accessible(page)
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_number_boxes_are_as_large_as_the_other_boxes(browser, live_server, width):
    context = new_context(browser, live_server, width=width)
    page = context.new_page()
    _make_invite_in_the_browser(page, live_server)
    page.goto("/mentor/invites/")
    text = page.get_by_label("Who is this invite for?").bounding_box()
    days = page.get_by_label("How many days should the link work?").bounding_box()
    uses = page.get_by_label("How many people can use it?").bounding_box()
    assert text and days and uses
    assert days["height"] >= text["height"] >= 44
    assert uses["height"] >= text["height"]
    size = "element => getComputedStyle(element).fontSize"
    assert page.get_by_label("How many people can use it?").evaluate(size) == page.locator(
        "body"
    ).evaluate(size)
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_long_unbroken_name_wraps_instead_of_widening_the_page(browser, live_server, width):
    mentor = make_mentor(name="A" * 60)
    _, token = services.invite_create(mentor=mentor, label="B" * 60)
    context = new_context(browser, live_server, width=width)
    page = context.new_page()
    page.goto(f"/join/{token}/")
    expect(page.locator("h1")).to_contain_text("A" * 60)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    context.close()
