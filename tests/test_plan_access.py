"""Who may do what with a plan's private link (issue 25, points 1 and 2).

A link lets its holder follow the plan. It does not let them take the plan
over, lock its maker out, share it with their own mentor, or keep reading
its calendar after the link is turned off.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from mentors.models import Mentorship
from plans.models import Plan
from tests.factories import AT_RISK_ANSWERS, build_plan_in
from tests.test_mentors_helpers import make_invite, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db

FEED_PATH = re.compile(r"/p/[\w-]+/calendar/[\w-]+\.ics")


def feed_path_on_reminders_page(client: Client, plan: Plan) -> str:
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    found = FEED_PATH.search(page)
    assert found, "the reminders page shows no calendar address"
    return found.group(0)


def test_turning_the_link_off_cuts_off_a_calendar_feed_copied_from_the_reminders_page(client):
    owner = User.objects.create_user("maker@example.org")
    client.force_login(owner)
    plan = build_plan_in(client, AT_RISK_ANSWERS)
    assert plan.owner == owner
    client.post(reverse("plans:calendar_new_link", args=[plan.key]))
    stranger = Client()
    copied = feed_path_on_reminders_page(stranger, plan)
    assert stranger.get(copied).status_code == 200

    response = client.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"})
    assert response.status_code == 302

    assert stranger.get(copied).status_code == 404
    assert stranger.get(reverse("plans:reminders", args=[plan.key])).status_code == 404
    # The owner's reminders page has the new address, and it works.
    fresh = feed_path_on_reminders_page(client, plan)
    assert fresh != copied
    assert client.get(fresh).status_code == 200
    assert b"BEGIN:VCALENDAR" in Client().get(fresh).content
    # Turning the link back on does not bring the copied address back.
    client.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "on"})
    assert stranger.get(copied).status_code == 404
    assert stranger.get(plan.get_absolute_url()).status_code == 200


def test_someone_who_saw_the_link_cannot_save_the_plan_or_lock_its_maker_out(client):
    plan = build_plan_in(client, AT_RISK_ANSWERS)
    taker = Client()
    taker.force_login(User.objects.create_user("taker@example.org"))
    page = taker.get(plan.get_absolute_url()).content.decode()
    assert "Save my plan" not in page  # no button they could not use

    response = taker.post(reverse("plans:save", args=[plan.key]), follow=True)
    assert "Only the person who made this plan can save it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.owner is None
    assert taker.post(reverse("plans:set_link", args=[plan.key]), {"enabled": "off"}).status_code
    plan.refresh_from_db()
    assert plan.link_enabled
    assert reverse("plans:detail", args=[plan.key]) not in taker.get("/plans/").content.decode()

    # The maker still can, from the browser she made it in.
    # (Email is not safe for her, so the page offers a plan code, not the button.)
    assert client.get(plan.get_absolute_url()).status_code == 200
    client.force_login(User.objects.create_user("maker@example.org"))
    client.post(reverse("plans:save", args=[plan.key]))
    plan.refresh_from_db()
    assert plan.owner.email == "maker@example.org"


def test_someone_signed_out_who_saw_the_link_is_not_sent_to_sign_in_to_save_it(client):
    plan = build_plan_in(client)
    response = Client().post(reverse("plans:save", args=[plan.key]))
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()


def test_someone_who_saw_the_link_cannot_share_the_plan_with_their_own_mentor(client):
    plan = build_plan_in(client, AT_RISK_ANSWERS)
    _invite, token = make_invite(make_mentor())
    taker = Client()
    taker.post(reverse("mentors:join", args=[token]))  # the taker's own invite, in their session
    response = taker.post(reverse("mentors:share_choice", args=[plan.key]), {"share": "on"})
    assert response.status_code == 302
    assert not Mentorship.objects.filter(plan=plan).exists()


def test_on_an_unsaved_plan_anyone_with_the_link_may_stop_sharing_but_only_its_maker_start(
    client,
):
    plan = build_plan_in(client)
    mentorship = make_mentorship(make_mentor(), plan, share=True)
    url = reverse("mentors:set_sharing", args=[plan.key, mentorship.pk])
    holder = Client()
    assert holder.post(url, {"share": "off"}).status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.share_progress is False
    page = holder.get(plan.get_absolute_url()).content.decode()
    assert "Share my progress with" not in page
    assert holder.post(url, {"share": "on"}).status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.share_progress is False
    assert client.post(url, {"share": "on"}).status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.share_progress is True
