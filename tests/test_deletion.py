""" "Delete everything" leaves nothing behind (issue 25, point 8): not the
plan's rows, not its cached PDFs or page parts, and, for an account, not the
account, its addresses, its sessions or its plans."""

import os

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core.cache import cache, caches
from django.core.cache.utils import make_template_fragment_key
from django.test import Client

from accounts.models import User
from mentors import services as mentor_services
from mentors.models import Invite, MentorProfile, Mentorship
from plans import pdf_cache
from plans.catalogue import get_catalogue
from plans.models import Plan, PlanStep, ReminderSettings
from tests.factories import AT_RISK_ANSWERS, build_plan_in, make_plan
from tests.test_mentors_helpers import make_invite, make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def cached_pdfs(plan: Plan) -> int:
    return sum(cache.get(key) is not None for key in pdf_cache.plan_pdf_cache_keys(plan=plan))


def cached_weeks_ahead(plan: Plan) -> bool:
    key = make_template_fragment_key(
        "plan-weeks-ahead",
        [plan.pk, plan.updated_at, plan.someone_close_is_a_worry, get_catalogue().version, "en"],
    )
    return caches["fragments"].get(key) is not None


def redis_keys_of(plan: Plan) -> list[bytes]:
    """The shared cache's keys that name this plan, read from Redis itself."""
    if not os.environ.get("REDIS_URL"):
        return []
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    prefix = caches["default"].key_prefix
    return [k for k in client.scan_iter(f"{prefix}:*") if f"plan-pdf:{plan.pk}:".encode() in k]


def print_and_view(client: Client, plan: Plan) -> None:
    assert client.get(plan.get_absolute_url()).status_code == 200
    for query in ("", "?paper=letter", "?discreet=off&qr=on"):
        assert client.get(f"/p/{plan.key}/plan.pdf{query}").status_code == 200


def test_deleting_a_plan_empties_its_cached_pdfs_and_page_parts(client):
    plan = build_plan_in(client, AT_RISK_ANSWERS)
    print_and_view(client, plan)
    plan.refresh_from_db()
    assert cached_pdfs(plan) == 3
    assert cached_weeks_ahead(plan)
    assert len(redis_keys_of(plan)) == (3 if os.environ.get("REDIS_URL") else 0)

    response = client.post(f"/p/{plan.key}/delete/", {"confirm": "yes"})
    assert response.status_code == 302

    assert not Plan.objects.filter(pk=plan.pk).exists()
    assert not PlanStep.objects.filter(plan_id=plan.pk).exists()
    assert cached_pdfs(plan) == 0
    assert not cached_weeks_ahead(plan)
    assert redis_keys_of(plan) == []


def test_a_signed_in_person_can_delete_their_account_and_everything_tied_to_it(client):
    user = User.objects.create_user("leaving@example.org")
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    client.force_login(user)
    plan = build_plan_in(client, AT_RISK_ANSWERS)
    other_plan = make_plan(owner=user)
    ReminderSettings.objects.create(plan=plan, email=user.email)
    make_mentorship(make_mentor(), plan)
    # They help others too: their mentor profile and invites go with them.
    mentor_services.mentor_profile_save(
        user=user, display_name="Leaving", what_i_do="I help.", mistake_i_made="Many."
    )
    print_and_view(client, plan)
    elsewhere = Client()
    elsewhere.force_login(user)  # signed in on a second device
    someone_else = Client()
    stays = User.objects.create_user("stays@example.org")
    someone_else.force_login(stays)
    kept_plan = make_plan(owner=stays)

    page = client.get("/plans/").content.decode()
    assert 'href="/accounts/delete/"' in page
    page = client.get("/accounts/delete/").content.decode()
    assert "your 2 saved plans" in page
    assert 'type="checkbox" name="confirm" value="yes" id="confirm-delete">' in page

    response = client.post("/accounts/delete/", {"confirm": "yes"})
    assert response.status_code == 200
    assert "Your account is deleted" in response.content.decode()

    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(email=user.email).exists()
    assert not Plan.objects.filter(pk__in=[plan.pk, other_plan.pk]).exists()
    assert not ReminderSettings.objects.filter(email=user.email).exists()
    assert not Mentorship.objects.filter(plan_id=plan.pk).exists()
    assert not MentorProfile.objects.filter(display_name="Leaving").exists()
    signed_in = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(user.pk) not in signed_in
    assert str(stays.pk) in signed_in
    assert cached_pdfs(plan) == 0 and redis_keys_of(plan) == []
    assert elsewhere.get("/plans/").status_code == 302  # signed out there too
    assert Plan.objects.filter(pk=kept_plan.pk).exists()
    assert someone_else.get("/plans/").status_code == 200


def test_deleting_an_account_needs_the_box_ticked_and_a_signed_in_person(client):
    user = User.objects.create_user("staying@example.org")
    plan = make_plan(owner=user)
    assert client.get("/accounts/delete/").status_code == 302
    assert client.post("/accounts/delete/", {"confirm": "yes"}).status_code == 302
    client.force_login(user)
    response = client.post("/accounts/delete/", follow=True)
    assert "Tick the box to say you are sure" in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()
    assert Plan.objects.filter(pk=plan.pk).exists()
    assert "no-store" in client.get("/accounts/delete/")["Cache-Control"]


def test_invites_of_a_deleted_mentor_stop_working(client):
    mentor = make_mentor()
    _invite, token = make_invite(mentor)
    client.force_login(mentor.user)
    client.post("/accounts/delete/", {"confirm": "yes"})
    assert not Invite.objects.exists()
    assert Client().get(f"/join/{token}/").status_code == 410
