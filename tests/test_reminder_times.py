"""Every time a person sees is in their own time zone, and zones read as places."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from plans import reminder_mail, reminders
from plans.schedule import COMMON_TIME_ZONES, place_name
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def _londoner(django_user_model, client):
    user = django_user_model.objects.create_user(email="jo@example.org")
    EmailAddress.objects.create(user=user, email="jo@example.org", primary=True, verified=True)
    plan = make_plan(owner=user)
    client.force_login(user)
    # Thursday at 9 in the morning, London time; set on Tuesday 1 December 2026.
    reminders.reminder_settings_update(
        plan=plan,
        active=True,
        weekday=3,
        local_time=datetime.time(9, 0),
        time_zone="Europe/London",
        now=datetime.datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
    )
    return plan


def test_the_next_reminder_is_shown_in_the_persons_own_time_zone(client, django_user_model):
    plan = _londoner(django_user_model, client)
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    # The server's clock is New Zealand's (22:00 there); Jo's is London's.
    assert "Your next reminder comes on Thursday 3 December at 9:00." in page
    assert "22:00" not in page


def test_the_email_says_the_day_and_time_the_person_chose(client, django_user_model):
    plan = _londoner(django_user_model, client)
    now = datetime.datetime(2026, 12, 3, 9, 1, tzinfo=UTC)
    (log_id,) = reminders.claim_due(now=now, enqueue=lambda ids: None)
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    (message,) = mail.outbox
    assert "You asked for this reminder on Thursdays at 09:00." in message.body
    assert "&" not in message.subject
    assert plan.pk


def test_time_zones_are_offered_as_places(client, django_user_model):
    plan = _londoner(django_user_model, client)
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    shown = re.findall(r'<option value="([^"]+)"( selected)?>([^<]+)</option>', page)
    places = {value: name for value, _, name in shown}
    assert places["Pacific/Auckland"] == "New Zealand (Auckland, Wellington)"
    assert places["Europe/London"] == "United Kingdom"
    assert [value for value, selected, _ in shown if selected] == ["3", "Europe/London"]
    assert not [name for name in places.values() if "/" in name]


def test_a_zone_not_in_the_list_reads_as_its_city_and_area():
    assert place_name("Europe/Berlin") == "Berlin (Europe)"
    assert place_name("America/Argentina/Buenos_Aires") == "Buenos Aires (America)"
    assert place_name("UTC") == "World time (UTC)"
    assert all("/" not in name for name in COMMON_TIME_ZONES.values())


def test_a_zone_the_browser_suggested_is_kept_and_named_as_a_place(client, django_user_model):
    plan = _londoner(django_user_model, client)
    url = reverse("plans:reminders", args=[plan.key])
    form = {"active": "on", "weekday": "3", "local_time": "09:00", "time_zone": "Europe/Berlin"}
    assert client.post(url, form).status_code == 302
    page = client.get(url).content.decode()
    assert '<option value="Europe/Berlin" selected>Berlin (Europe)</option>' in page


def test_without_a_browser_guess_the_plans_country_suggests_the_time_zone(
    client, django_user_model
):
    from plans import services

    user = django_user_model.objects.create_user(email="ann@example.org")
    EmailAddress.objects.create(user=user, email="ann@example.org", primary=True, verified=True)
    plan = make_plan(owner=user)
    client.force_login(user)
    url = reverse("plans:reminders", args=[plan.key])
    for region, zone in [
        ("nz", "Pacific/Auckland"),
        ("uk", "Europe/London"),
        ("ca", "America/Toronto"),
    ]:
        services.plan_set_region(plan=plan, region=region)
        page = client.get(url).content.decode()
        assert re.search(rf'<option value="{re.escape(zone)}" selected>', page), region
        # Where JavaScript runs, the browser's own zone may still take its place.
        assert "data-browser-time-zone" in page
