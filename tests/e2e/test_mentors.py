"""A mentor invites someone; they join, build a plan, choose to share; a kind note goes back."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from mentors import services
from mentors.models import Mentorship
from plans.catalogue import get_catalogue
from tests.e2e.axe import assert_accessible
from tests.e2e.test_plan import CHOICES

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, email: str) -> None:
    """A signed-in session without the emailed code (test_sign_in.py covers that part)."""
    client = Client()
    client.force_login(get_user_model().objects.create_user(email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )


AT_RISK_CHOICES = {
    **CHOICES,
    "What worries you most?": ["Someone I live with or used to live with"],
    "Is it safe for you to get emails about this?": ["No, or I'd rather not"],
    "Is the device you are using now safe to use?": ["Yes, I think it is safe"],
}


def answer_every_question(page, choices: dict[str, list[str]] = CHOICES) -> None:
    for _ in range(len(choices)):
        heading = page.locator("h1").inner_text()
        if heading == "People like you":
            return
        for label in choices[heading]:
            page.get_by_label(label, exact=False).first.check()
        page.get_by_role("button", name="Next").click()
        expect(page.locator("h1")).not_to_have_text(heading)


def test_a_mentor_invites_someone_who_shares_their_progress_and_gets_a_kind_note(
    page, browser, live_server
):
    # The mentor tells their story and makes an invite.
    sign_in(page, live_server, "mentor@example.org")
    page.goto("/mentor/")
    expect(page.locator("h1")).to_have_text("About you")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Aroha")
    page.get_by_label("What I do").fill("My phone updates at night on its own.")
    page.get_by_label("A mistake I made").fill("I used one password for years.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("The people you help")
    assert_accessible(page)
    page.get_by_role("link", name="Invite someone").click()
    assert_accessible(page)
    page.get_by_label("Who is this invite for?").fill("Mum")
    page.get_by_role("button", name="Make the invite link").click()
    expect(page.locator("h1")).to_have_text("Invite for Mum")
    expect(page.get_by_role("img", name="QR code for the invite link")).to_be_visible()
    assert_accessible(page)
    link = page.get_by_label("The invite link").input_value()
    assert "/join/" in link
    page.get_by_role("link", name="Print an invite card").click()
    expect(page.locator("h1")).to_have_text("Aroha invites you to Little Steps")
    assert_accessible(page)

    # The invitee, in a browser of their own, joins and builds a plan.
    other = browser.new_context(viewport={"width": 375, "height": 800}, base_url=live_server.url)
    other.set_default_timeout(15_000)
    person = other.new_page()
    try:
        person.goto(link)
        expect(person.locator("h1")).to_have_text("Aroha invited you")
        expect(person.get_by_text("My phone updates at night")).to_be_visible()
        assert_accessible(person)
        person.get_by_role("button", name="Start").click()
        answer_every_question(person)
        person.get_by_role("button", name="Build my plan").click()
        expect(person.locator("h1")).to_have_text("Share my progress with Aroha?")
        assert_accessible(person)
        box = person.get_by_label("Yes, share which steps I have done")
        expect(box).not_to_be_checked()
        box.check()
        person.get_by_role("button", name="Go to my plan").click()
        person.wait_for_url("**/p/*/")
        expect(person.get_by_text("You are sharing your progress with Aroha.")).to_be_visible()
        mentorship = Mentorship.objects.get()
        assert mentorship.share_progress
        first = mentorship.plan.steps.get(week=1)
        person.locator(".this-week").get_by_role("button", name="Done").click()
        person.get_by_text("Well done").first.wait_for()

        # The mentor sees the progress and sends a note.
        page.goto("/mentor/")
        expect(page.get_by_text("1 step done.")).to_be_visible()
        next_step = next(r for r in mentorship.plan.steps.all() if r.is_pending)
        expect(page.get_by_text(get_catalogue().step(next_step.slug).title)).to_be_visible()
        page.get_by_text("Steps done").click()
        expect(page.get_by_text(get_catalogue().step(first.slug).title)).to_be_visible()
        assert_accessible(page)
        page.get_by_label("I found this step hard too").check()
        page.get_by_role("button", name="Send the note").click()
        expect(page.get_by_text("Your note is sent")).to_be_visible()
        assert_accessible(page)

        # The person sees the note on their plan, and can stop sharing at once.
        person.reload()
        expect(person.get_by_text("I found this step hard too")).to_be_visible()
        assert_accessible(person)
        person.get_by_role("button", name="Stop sharing with Aroha").click()
        expect(person.get_by_text("You have stopped sharing")).to_be_visible()
        page.goto("/mentor/")
        expect(page.get_by_text("No one is sharing their progress with you yet.")).to_be_visible()

        # The used-up link now gives a kind page that still offers a plan.
        person.goto(link)
        expect(person.locator("h1")).to_have_text("This invite link has ended")
        expect(person.get_by_role("link", name="Start my plan")).to_be_visible()
        assert_accessible(person)
    finally:
        other.close()


def test_someone_at_risk_at_home_joins_without_javascript_and_sharing_stays_off(
    page_without_js, live_server
):
    user = get_user_model().objects.create_user("mentor@example.org")
    mentor = services.mentor_profile_save(user=user, display_name="Aroha")
    _invite, token = services.invite_create(mentor=mentor, label="Sam")
    page = page_without_js
    page.goto(f"/join/{token}/")
    expect(page.locator("h1")).to_have_text("Aroha invited you")
    page.get_by_role("button", name="Start").click()
    answer_every_question(page, AT_RISK_CHOICES)
    page.get_by_role("button", name="Build my plan").click()
    expect(page.locator("h1")).to_have_text("Share my progress with Aroha?")
    expect(page.get_by_text("Think about your safety first.")).to_be_visible()
    expect(page.get_by_label("Yes, share which steps I have done")).not_to_be_checked()
    page.get_by_role("button", name="Go to my plan").click()
    page.wait_for_url("**/p/*/")
    expect(page.get_by_text("You are not sharing your progress.")).to_be_visible()
    assert Mentorship.objects.get().share_progress is False
    page.get_by_role("button", name="Share my progress with Aroha").click()
    expect(page.get_by_text("You are sharing your progress with Aroha.")).to_be_visible()
    assert Mentorship.objects.get().share_progress is True
