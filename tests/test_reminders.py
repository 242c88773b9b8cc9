"""Weekly reminders and the calendar feed: settings, claiming, sending, links, pages."""

import datetime
import json
import re
import smtplib
import threading
import time
import uuid
import zoneinfo
from email import message_from_bytes
from unittest import mock

import pytest
import redis
from allauth.account.models import EmailAddress
from celery.exceptions import Retry
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from config.emails import TemporaryMailError
from plans import links, reminder_mail, reminders
from plans.models import PlanStep, ReminderLog, ReminderSettings
from tests.factories import AT_RISK_ANSWERS, make_plan

UTC = datetime.UTC
AUCKLAND = zoneinfo.ZoneInfo("Pacific/Auckland")
NINE = datetime.time(9, 0)


def _utc(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# --- Settings ------------------------------------------------------------------------


def _owned_plan(django_user_model, email="sam@example.org", verified=True, answers=None):
    user = django_user_model.objects.create_user(email=email)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=verified)
    return make_plan(answers=answers, owner=user), user


def _turn_on(plan, now=None, **kwargs):
    options = {"weekday": 0, "local_time": NINE, "time_zone": "Pacific/Auckland", **kwargs}
    return reminders.reminder_settings_update(plan=plan, active=True, now=now, **options)


@pytest.mark.django_db
def test_reminders_are_off_until_the_person_turns_them_on(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    assert not ReminderSettings.objects.filter(plan=plan, active=True).exists()
    reminder = _turn_on(plan, now=_utc(2027, 1, 1))
    assert reminder.active
    assert reminder.email == "sam@example.org"
    assert reminder.next_due_at == _utc(2027, 1, 3, 20)  # Monday 4 Jan, 9:00 NZDT


@pytest.mark.django_db
def test_an_unknown_time_zone_is_refused_kindly(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    with pytest.raises(ValidationError, match="time zone"):
        _turn_on(plan, time_zone="Mars/Olympus_Mons")


@pytest.mark.django_db
def test_reminders_need_a_verified_email(django_user_model):
    plan, _ = _owned_plan(django_user_model, verified=False)
    with pytest.raises(ValidationError, match="save your plan"):
        _turn_on(plan)


@pytest.mark.django_db
def test_reminders_stay_off_where_email_is_not_safe(django_user_model):
    plan, _ = _owned_plan(django_user_model, answers=AT_RISK_ANSWERS)
    with pytest.raises(ValidationError, match="not be safe"):
        _turn_on(plan)
    assert not ReminderSettings.objects.filter(plan=plan, active=True).exists()


# --- Claiming ------------------------------------------------------------------------


def _collect():
    sent: list[int] = []
    return sent, sent.extend


@pytest.mark.django_db(transaction=True)
def test_claiming_writes_one_log_a_reminder_and_moves_the_due_time_on(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    reminder = _turn_on(plan, now=_utc(2027, 1, 1))
    enqueued, enqueue = _collect()
    now = _utc(2027, 1, 3, 20, 1)
    ids = reminders.claim_due(now=now, enqueue=enqueue)
    assert ids == enqueued
    assert len(ids) == 1
    log = ReminderLog.objects.get()
    assert (log.due_at, log.status) == (reminder.next_due_at, ReminderLog.Status.QUEUED)
    reminder.refresh_from_db()
    assert reminder.next_due_at == _utc(2027, 1, 10, 20)
    assert reminders.claim_due(now=now, enqueue=enqueue) == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_enqueued_before_the_claim_commits(django_user_model):
    from django.db import transaction

    plan, _ = _owned_plan(django_user_model)
    _turn_on(plan, now=_utc(2027, 1, 1))
    enqueued, enqueue = _collect()
    with transaction.atomic():
        reminders.claim_due(now=_utc(2027, 1, 4), enqueue=enqueue)
        assert enqueued == []
    assert len(enqueued) == 1


@pytest.mark.django_db(transaction=True)
def test_two_beat_ticks_at_once_never_claim_the_same_reminder_twice(django_user_model):
    for n in range(40):
        plan, _ = _owned_plan(django_user_model, email=f"p{n}@example.org")
        _turn_on(plan, now=_utc(2027, 1, 1))
    now = _utc(2027, 1, 4)
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def tick(index: int) -> None:
        try:
            barrier.wait()
            while True:
                ids = reminders.claim_due(now=now, batch=5, enqueue=results[index].extend)
                if not ids:
                    break
        except Exception as error:  # a tick that fails is a failure here
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tick, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Both ticks ran to the end: neither was turned away by the other's lock.
    assert errors == []
    together = results[0] + results[1]
    assert len(together) == len(set(together)) == 40
    assert ReminderLog.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_after_three_weeks_without_progress_reminders_come_every_two_weeks(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    reminder = _turn_on(plan, now=_utc(2027, 1, 1))
    due = _utc(2027, 1, 24, 20)
    ReminderSettings.objects.filter(pk=reminder.pk).update(next_due_at=due)
    reminders.claim_due(now=due, enqueue=lambda ids: None)
    log = ReminderLog.objects.get()
    assert log.no_rush
    reminder.refresh_from_db()
    assert reminder.next_due_at == _utc(2027, 2, 7, 20)


@pytest.mark.django_db(transaction=True)
def test_a_step_done_recently_keeps_reminders_weekly(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    reminder = _turn_on(plan, now=_utc(2027, 1, 1))
    due = _utc(2027, 1, 24, 20)
    ReminderSettings.objects.filter(pk=reminder.pk).update(next_due_at=due)
    PlanStep.objects.filter(plan=plan, week=1).update(
        status=PlanStep.Status.DONE, status_changed_at=_utc(2027, 1, 20)
    )
    reminders.claim_due(now=due, enqueue=lambda ids: None)
    assert not ReminderLog.objects.get().no_rush


# --- Sending ---------------------------------------------------------------------------


def _claimed_log(django_user_model, **kwargs):
    plan, _user = _owned_plan(django_user_model, **kwargs)
    _turn_on(plan, now=_utc(2027, 1, 1))
    (log_id,) = reminders.claim_due(now=_utc(2027, 1, 4), enqueue=lambda ids: None)
    return plan, log_id


@pytest.mark.django_db(transaction=True)
def test_a_reminder_names_this_weeks_step_and_its_links(django_user_model):
    plan, log_id = _claimed_log(django_user_model)
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    (message,) = mail.outbox
    first = plan.steps.exclude(status__in=PlanStep.CLOSED).first()
    from plans.catalogue import get_catalogue

    step = get_catalogue().step(first.slug)
    assert step.title in message.subject
    assert f"about {step.minutes} minutes" in message.body
    for words in ("I did it", "Not this week", "Pause reminders", "Change day"):
        assert words in message.body
        assert words in message.alternatives[0][0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert ReminderLog.objects.get(pk=log_id).status == ReminderLog.Status.SENT
    parsed = message_from_bytes(message.message().as_bytes())
    assert parsed["To"] == "sam@example.org"


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_task_sends_nothing_more(django_user_model):
    _, log_id = _claimed_log(django_user_model)
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    assert reminder_mail.reminder_send(log_id=log_id) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_no_rush_email_says_there_is_no_rush(django_user_model):
    _, log_id = _claimed_log(django_user_model)
    ReminderLog.objects.filter(pk=log_id).update(no_rush=True)
    reminder_mail.reminder_send(log_id=log_id)
    assert "no rush" in mail.outbox[0].body.lower()


class _Refusing:
    def __init__(self, error: Exception):
        self.error = error

    def __call__(self, *args, **kwargs):
        raise self.error


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_hangs_up_is_tried_again_later(django_user_model, monkeypatch):
    _, log_id = _claimed_log(django_user_model)
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        _Refusing(smtplib.SMTPServerDisconnected("gone")),
    )
    with pytest.raises(TemporaryMailError):
        reminder_mail.reminder_send(log_id=log_id)
    log = ReminderLog.objects.get(pk=log_id)
    assert (log.status, log.attempts, log.error) == (
        ReminderLog.Status.QUEUED,
        1,
        "SMTPServerDisconnected",
    )
    assert ReminderSettings.objects.get().bounce_count == 0
    monkeypatch.undo()
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"  # the retry
    assert len(mail.outbox) == 1
    assert ReminderLog.objects.get(pk=log_id).attempts == 2


@pytest.mark.django_db(transaction=True)
def test_three_refused_addresses_stop_reminders_and_the_plan_page_says_so(
    django_user_model, client
):
    plan, _user = _owned_plan(django_user_model)
    _turn_on(plan, now=_utc(2027, 1, 1))
    assert "did not arrive" not in client.get(plan.get_absolute_url()).content.decode()
    refused = smtplib.SMTPRecipientsRefused({"sam@example.org": (550, b"no such user")})
    for week in range(3):
        now = _utc(2027, 1, 4) + datetime.timedelta(weeks=week)
        (log_id,) = reminders.claim_due(now=now, enqueue=lambda ids: None)
        with mock.patch("django.core.mail.EmailMultiAlternatives.send", _Refusing(refused)):
            assert reminder_mail.reminder_send(log_id=log_id) == "failed"
    reminder = ReminderSettings.objects.get()
    assert (reminder.active, reminder.bounce_count, reminder.stopped_by_bounces) == (
        False,
        3,
        True,
    )
    assert ReminderLog.objects.filter(status=ReminderLog.Status.FAILED).count() == 3
    page = client.get(plan.get_absolute_url())
    assert "did not arrive three times" in page.content.decode()
    _turn_on(plan, now=_utc(2027, 2, 1))
    assert "did not arrive" not in client.get(plan.get_absolute_url()).content.decode()


@pytest.mark.django_db(transaction=True)
def test_stuck_logs_are_queued_again_and_then_sent_once(django_user_model):
    _, log_id = _claimed_log(django_user_model)
    ReminderLog.objects.filter(pk=log_id).update(
        status=ReminderLog.Status.SENDING, updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert reminders.logs_stuck(older_than=datetime.timedelta(minutes=15)) == [log_id]
    assert reminders.logs_stuck(older_than=datetime.timedelta(minutes=15)) == []
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    assert len(mail.outbox) == 1


# --- Links in the email -------------------------------------------------------------------


@pytest.fixture
def active_plan(django_user_model):
    plan, _ = _owned_plan(django_user_model)
    _turn_on(plan, now=timezone.now())
    return plan


def _link(plan, action, slug=""):
    token = links.link_token(plan=plan, action=action, slug=slug)
    if action == "stop":
        return reverse("plans:reminder_unsubscribe", args=[token])
    return reverse("plans:reminder_link", args=[token])


def _first_step(plan):
    return plan.steps.exclude(status__in=PlanStep.CLOSED).first()


@pytest.mark.django_db
def test_i_did_it_shows_a_button_and_only_the_post_marks_the_step(client, active_plan):
    step = _first_step(active_plan)
    url = _link(active_plan, "done", step.slug)
    page = client.get(url)
    assert page.status_code == 200
    assert "Yes, I did it" in page.content.decode()
    step.refresh_from_db()
    assert step.status == PlanStep.Status.TODO
    done = client.post(url)
    assert done.status_code == 200
    step.refresh_from_db()
    assert step.status == PlanStep.Status.DONE


@pytest.mark.django_db
def test_not_this_week_moves_the_next_reminder_a_week_on(client, active_plan):
    before = ReminderSettings.objects.get().next_due_at
    url = _link(active_plan, "snooze")
    client.get(url)
    assert ReminderSettings.objects.get().next_due_at == before
    client.post(url)
    assert ReminderSettings.objects.get().next_due_at - before == datetime.timedelta(days=7)


@pytest.mark.django_db
def test_pause_gives_a_four_week_break(client, active_plan):
    url = _link(active_plan, "pause")
    client.post(url)
    reminder = ReminderSettings.objects.get()
    assert reminder.active
    assert reminder.next_due_at - timezone.now() > datetime.timedelta(weeks=4)


@pytest.mark.django_db
def test_change_day_saves_the_new_day_and_time(client, active_plan):
    url = _link(active_plan, "change")
    assert "Save the new day" in client.get(url).content.decode()
    client.post(url, {"weekday": "4", "local_time": "18:30"})
    reminder = ReminderSettings.objects.get()
    assert (reminder.weekday, reminder.local_time) == (4, datetime.time(18, 30))
    assert reminder.next_due_at.astimezone(AUCKLAND).strftime("%a %H:%M") == "Fri 18:30"


@pytest.mark.django_db
def test_change_day_with_a_bad_time_says_so_kindly(client, active_plan):
    response = client.post(_link(active_plan, "change"), {"weekday": "9", "local_time": "soon"})
    assert response.status_code == 400
    assert "Please write the time like 9:00" in response.content.decode()


@pytest.mark.django_db
def test_a_tampered_link_gives_a_kind_page_and_changes_nothing(client, active_plan):
    step = _first_step(active_plan)
    url = _link(active_plan, "done", step.slug)
    bad = url.replace("/reminders/", "/reminders/x")
    for response in (client.get(bad), client.post(bad), client.post("/reminders/%25%00/")):
        assert response.status_code in (400, 404)
    response = client.post(bad)
    assert "stopped working" in response.content.decode()
    step.refresh_from_db()
    assert step.status == PlanStep.Status.TODO


@pytest.mark.django_db
def test_an_expired_link_gives_a_kind_page_and_changes_nothing(client, active_plan, monkeypatch):
    step = _first_step(active_plan)
    long_ago = time.time() - 31 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: long_ago)
        url = _link(active_plan, "done", step.slug)
    response = client.post(url)
    assert response.status_code == 400
    assert "30 days" in response.content.decode()
    step.refresh_from_db()
    assert step.status == PlanStep.Status.TODO


@pytest.mark.django_db
def test_one_click_unsubscribe_works_without_a_csrf_token(active_plan):
    client = Client(enforce_csrf_checks=True)
    url = _link(active_plan, "stop")
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    reminder = ReminderSettings.objects.get()
    assert (reminder.active, reminder.next_due_at) == (False, None)


@pytest.mark.django_db
def test_opening_the_unsubscribe_link_only_asks(client, active_plan):
    response = client.get(_link(active_plan, "stop"))
    assert "Yes, stop the emails" in response.content.decode()
    assert ReminderSettings.objects.get().active


@pytest.mark.django_db
def test_a_link_for_another_action_cannot_unsubscribe(client, active_plan):
    token = links.link_token(plan=active_plan, action="snooze")
    response = client.post(reverse("plans:reminder_unsubscribe", args=[token]))
    assert response.status_code == 400
    assert ReminderSettings.objects.get().active


# --- The reminders page ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_plan_page_links_to_reminders(client):
    plan = make_plan()
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Get a gentle weekly reminder" in page
    assert reverse("plans:reminders", args=[plan.key]) in page


@pytest.mark.django_db
def test_without_a_saved_plan_the_page_explains_and_offers_to_save(client):
    plan = make_plan()
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    assert "Save my plan" in page
    assert 'name="active"' not in page


@pytest.mark.django_db
def test_the_box_is_not_ticked_until_the_person_ticks_it(client, django_user_model):
    plan, user = _owned_plan(django_user_model)
    client.force_login(user)
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    assert 'name="active"' in page
    assert "checked" not in page
    assert not ReminderSettings.objects.exists()  # a GET changes nothing


@pytest.mark.django_db
def test_the_owner_turns_reminders_on_and_off(client, django_user_model):
    plan, user = _owned_plan(django_user_model)
    client.force_login(user)
    url = reverse("plans:reminders", args=[plan.key])
    form = {"active": "on", "weekday": "2", "local_time": "19:00", "time_zone": "Europe/London"}
    response = client.post(url, form, follow=True)
    assert "Reminders are on" in response.content.decode()
    reminder = ReminderSettings.objects.get()
    assert (reminder.active, reminder.weekday, reminder.time_zone) == (True, 2, "Europe/London")
    assert "checked" in response.content.decode()
    client.post(url, {**form, "active": ""})
    assert not ReminderSettings.objects.get().active


@pytest.mark.django_db
def test_bad_input_on_the_reminders_page_gives_kind_words_not_an_error(client, django_user_model):
    plan, user = _owned_plan(django_user_model)
    client.force_login(user)
    url = reverse("plans:reminders", args=[plan.key])
    response = client.post(
        url, {"active": "on", "weekday": "x", "local_time": "", "time_zone": "Nowhere"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Please choose a day" in text
    assert "Please choose a time" in text
    assert "Please choose your time zone" in text
    assert not ReminderSettings.objects.filter(active=True).exists()


@pytest.mark.django_db
def test_someone_else_with_the_link_cannot_turn_reminders_on(client, django_user_model):
    plan, _ = _owned_plan(django_user_model)
    url = reverse("plans:reminders", args=[plan.key])
    form = {"active": "on", "weekday": "2", "local_time": "19:00", "time_zone": "UTC"}
    assert client.post(url, form).status_code == 404
    other = django_user_model.objects.create_user(email="other@example.org")
    client.force_login(other)
    assert client.post(url, form).status_code == 404
    assert not ReminderSettings.objects.exists()


@pytest.mark.django_db
def test_where_email_is_not_safe_the_page_says_why_and_offers_the_calendar(
    client, django_user_model
):
    plan, user = _owned_plan(django_user_model, answers=AT_RISK_ANSWERS)
    client.force_login(user)
    url = reverse("plans:reminders", args=[plan.key])
    page = client.get(url).content.decode()
    assert "email may not be safe" in page
    assert 'name="active"' not in page
    assert "calendar" in page
    form = {"active": "on", "weekday": "2", "local_time": "19:00", "time_zone": "UTC"}
    assert client.post(url, form).status_code == 400
    assert not ReminderSettings.objects.filter(active=True).exists()


# --- Calendar ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_calendar_feed_has_one_event_a_week_and_a_new_address_kills_the_old(client):
    import icalendar

    plan = make_plan(start_date=datetime.date(2027, 3, 1))
    client.post(reverse("plans:calendar_new_link", args=[plan.key]))
    reminder = ReminderSettings.objects.get()
    assert not reminder.active
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    assert "webcal://" in page
    url = reverse("plans:calendar_feed", args=[plan.key, reminder.feed_key])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    weeks = sorted({s.week for s in plan.steps.all()})
    assert len(events) == len(weeks)
    assert events[0].decoded("dtstart") == datetime.date(2027, 3, 1)
    assert events[1].decoded("dtstart") == datetime.date(2027, 3, 1) + datetime.timedelta(
        weeks=weeks[1] - 1
    )
    client.post(reverse("plans:calendar_new_link", args=[plan.key]))
    assert client.get(url).status_code == 404
    new_key = ReminderSettings.objects.get().feed_key
    assert client.get(reverse("plans:calendar_feed", args=[plan.key, new_key])).status_code == 200


@pytest.mark.django_db
def test_a_wrong_feed_key_is_not_found(client):
    plan = make_plan()
    client.post(reverse("plans:calendar_new_link", args=[plan.key]))
    assert client.get(reverse("plans:calendar_feed", args=[plan.key, "nope"])).status_code == 404


# --- Broker down --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_and_plan_actions_work_with_the_broker_down(client, django_user_model):
    from config.celery import app

    closed = "redis://127.0.0.1:1/0"
    old = app.conf.broker_url
    app.conf.broker_url = closed
    try:
        with override_settings(CELERY_BROKER_URL=closed):
            plan, user = _owned_plan(django_user_model)
            client.force_login(user)
            assert client.get(plan.get_absolute_url()).status_code == 200
            step = _first_step(plan)
            mark = reverse("plans:mark", args=[plan.key, step.slug])
            assert client.post(mark, {"status": "done"}).status_code == 302
            url = reverse("plans:reminders", args=[plan.key])
            form = {"active": "on", "weekday": "2", "local_time": "19:00", "time_zone": "UTC"}
            assert client.post(url, form).status_code == 302
            assert client.get(url).status_code == 200
            assert client.post(_link(plan, "snooze")).status_code == 200
            assert client.post(_link(plan, "stop")).status_code == 200
    finally:
        app.conf.broker_url = old


@pytest.mark.django_db(transaction=True)
def test_the_task_retries_temporary_trouble_then_gives_up_without_counting_a_bounce(
    django_user_model, monkeypatch
):
    from plans.tasks import send_reminder

    _, log_id = _claimed_log(django_user_model)
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send", _Refusing(ConnectionRefusedError())
    )
    assert send_reminder.apply((log_id,)).get() == "failed"
    log = ReminderLog.objects.get(pk=log_id)
    assert (log.status, log.attempts) == (ReminderLog.Status.FAILED, send_reminder.max_retries + 1)
    reminder = ReminderSettings.objects.get()
    assert (reminder.bounce_count, reminder.active) == (0, True)


@pytest.mark.django_db
def test_the_page_says_when_the_next_reminder_comes(client, django_user_model):
    plan, user = _owned_plan(django_user_model)
    client.force_login(user)
    reminder = _turn_on(plan)
    local = reminder.next_due_at.astimezone(AUCKLAND)
    page = client.get(reverse("plans:reminders", args=[plan.key])).content.decode()
    assert f"Your next reminder comes on {local:%A}" in page
    assert "9:00" in page


@pytest.mark.django_db
def test_not_this_week_twice_from_the_same_email_skips_only_one_week(client, active_plan):
    reminder = ReminderSettings.objects.get()
    next_due = reminder.next_due_at
    this_one = next_due - datetime.timedelta(days=7)  # the reminder the email came with
    token = links.link_token(plan=active_plan, action="snooze", due_at=this_one)
    url = reverse("plans:reminder_link", args=[token])
    client.post(url)
    client.post(url)
    assert ReminderSettings.objects.get().next_due_at - next_due == datetime.timedelta(days=7)


@pytest.mark.django_db
def test_change_day_after_email_became_unsafe_says_so_kindly(client, active_plan):
    active_plan.profile = {**active_plan.profile, "safe_to_email": False}
    active_plan.save()
    response = client.post(_link(active_plan, "change"), {"weekday": "1", "local_time": "8:00"})
    assert response.status_code == 200
    assert "not be safe" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_claiming_and_sending_take_the_same_few_queries_for_one_or_many(
    django_user_model, django_assert_max_num_queries
):
    from django.test.utils import CaptureQueriesContext

    def claim_count(n: int, start: int) -> tuple[int, list[int]]:
        for i in range(n):
            plan, _ = _owned_plan(django_user_model, email=f"q{start + i}@example.org")
            _turn_on(plan, now=_utc(2027, 1, 1))
        with CaptureQueriesContext(connection) as captured:
            ids = reminders.claim_due(now=_utc(2027, 1, 4), enqueue=lambda ids: None)
        return len(captured.captured_queries), ids

    one, ids = claim_count(1, 0)
    many, more_ids = claim_count(10, 100)
    assert (len(ids), len(more_ids)) == (1, 10)
    assert many == one
    for log_id in [*ids, *more_ids]:  # claim, read, this week's step, mark sent
        with django_assert_max_num_queries(4):
            assert reminder_mail.reminder_send(log_id=log_id) == "sent"


# --- One reminder at a time: what each email holds, and the queue -------------------------


def _claimed_logs(django_user_model, count: int, **turn_on) -> list[int]:
    for n in range(count):
        plan, _ = _owned_plan(django_user_model, email=f"b{n}@example.org")
        _turn_on(plan, now=_utc(2027, 1, 1), **turn_on)
    ids = reminders.claim_due(now=_utc(2027, 1, 4), enqueue=lambda ids: None)
    assert len(ids) == count
    return sorted(ids)


@pytest.mark.django_db(transaction=True)
def test_each_claimed_reminder_is_sent_once_and_one_turned_off_since_is_not(django_user_model):
    ids = _claimed_logs(django_user_model, 4)
    ReminderSettings.objects.filter(email="b3@example.org").update(active=False)
    outcomes = [reminder_mail.reminder_send(log_id=log_id) for log_id in [*ids, ids[1]]]
    assert outcomes == ["sent", "sent", "sent", "skipped", "skipped"]
    assert sorted(m.to[0] for m in mail.outbox) == [f"b{n}@example.org" for n in (0, 1, 2)]
    statuses = dict(ReminderLog.objects.values_list("pk", "status"))
    assert [statuses[i] for i in ids] == ["sent", "sent", "sent", "failed"]
    assert all(log.sent_at for log in ReminderLog.objects.filter(status="sent"))


@pytest.mark.django_db(transaction=True)
def test_a_reminder_has_working_signed_links_for_its_step_and_week(django_user_model):
    ids = _claimed_logs(django_user_model, 2)
    for log_id in ids:
        assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        plan = ReminderSettings.objects.get(email=message.to[0]).plan
        log = ReminderLog.objects.get(plan=plan)
        step = plan.steps.exclude(status__in=PlanStep.CLOSED).order_by("week", "order", "pk")[0]
        html = message.alternatives[0][0]
        assert f"{settings.SITE_URL}{plan.get_absolute_url()}" in message.body
        found = re.findall(r"https?://[^\s\"<>]+/reminders/([^/\s\"<>]+)/(stop/)?", html)
        actions = {}
        for token, stop in found:
            action = links.link_read(token)
            assert action is not None and action.plan == plan
            actions[action.action] = action
            assert (action.action == "stop") == bool(stop)
        assert set(actions) == {"done", "snooze", "pause", "change", "stop"}
        for name in ("done", "snooze", "pause", "change"):
            assert (actions[name].slug, actions[name].due_at) == (step.slug, log.due_at)
        assert (actions["stop"].slug, actions["stop"].due_at) == ("", None)


@pytest.mark.django_db(transaction=True)
def test_a_step_title_with_quotes_keeps_them_in_the_subject_and_the_text(django_user_model):
    plan, log_id = _claimed_log(django_user_model)
    PlanStep.objects.filter(plan=plan).delete()
    PlanStep.objects.create(plan=plan, week=1, order=1, slug="fake-support-calls")
    assert reminder_mail.reminder_send(log_id=log_id) == "sent"
    (message,) = mail.outbox
    title = 'Know what to do when "tech support" calls'
    assert message.subject == f"Your little step this week: {title}"
    assert title in message.body
    assert "&quot;tech support&quot;" in message.alternatives[0][0]  # HTML, escaped


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_logged_without_the_address(django_user_model, caplog):
    _, log_id = _claimed_log(django_user_model)
    refused = smtplib.SMTPRecipientsRefused({"sam@example.org": (550, b"no sam@example.org")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", _Refusing(refused)):
        assert reminder_mail.reminder_send(log_id=log_id) == "failed"
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "SMTPRecipientsRefused" in logged
    assert "sam" not in logged
    assert "sam" not in ReminderLog.objects.get(pk=log_id).error


@pytest.mark.django_db(transaction=True)
def test_reminders_claimed_together_each_move_on_to_their_own_next_time(django_user_model):
    for n, (zone, hour) in enumerate(
        [("Pacific/Auckland", 9), ("Europe/London", 7), ("Europe/London", 7), ("UTC", 18)]
    ):
        plan, _ = _owned_plan(django_user_model, email=f"z{n}@example.org")
        _turn_on(plan, now=_utc(2027, 1, 1), time_zone=zone, local_time=datetime.time(hour))
    # All four were due on Monday 4 January; each moves to Monday 11 January
    # at its own local time.
    assert len(reminders.claim_due(now=_utc(2027, 1, 5), enqueue=lambda ids: None)) == 4
    moved = dict(ReminderSettings.objects.values_list("email", "next_due_at"))
    assert moved == {
        "z0@example.org": _utc(2027, 1, 10, 20),  # 9:00 in Auckland (NZDT)
        "z1@example.org": _utc(2027, 1, 11, 7),
        "z2@example.org": _utc(2027, 1, 11, 7),
        "z3@example.org": _utc(2027, 1, 11, 18),
    }
    assert len(set(moved.values())) == 3


@pytest.mark.django_db(transaction=True)
def test_reminder_links_keep_a_site_address_that_holds_a_placeholder_like_word(
    django_user_model, settings
):
    settings.SITE_URL = "https://MARK.example.org"
    (log_id,) = _claimed_logs(django_user_model, 1)
    reminder_mail.reminder_send(log_id=log_id)
    (message,) = mail.outbox
    plan = ReminderLog.objects.get(pk=log_id).plan
    assert f"https://MARK.example.org{plan.get_absolute_url()}" in message.body
    stop = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert stop.startswith("https://MARK.example.org/reminders/")
    assert links.link_read(stop.split("/")[-3]).action == "stop"


def _waiting(broker, queue: str) -> list[dict]:
    return [json.loads(raw) for raw in broker.lrange(queue, 0, -1)]


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_queues_one_send_for_each_due_reminder_on_its_own_queue(
    django_user_model, redis_url
):
    from plans.tasks import send_due_reminders

    for n in range(3):
        plan, _ = _owned_plan(django_user_model, email=f"q{n}@example.org")
        _turn_on(plan, now=timezone.now() - datetime.timedelta(days=8))
    queue = f"test-beat-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(redis_url)
    try:
        assert send_due_reminders.apply(routing_key=queue).get() == 3
        waiting = _waiting(broker, queue)
    finally:
        broker.delete(queue)
    ids = sorted(ReminderLog.objects.values_list("pk", flat=True))
    assert sorted(m["headers"]["task"] for m in waiting) == ["plans.tasks.send_reminder"] * 3
    assert sorted(m["headers"]["argsrepr"] for m in waiting) == sorted(f"({i},)" for i in ids)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_temporary_trouble_queues_the_reminder_again_for_later_not_at_once(
    django_user_model, monkeypatch, redis_url
):
    from plans.tasks import send_reminder

    _, log_id = _claimed_log(django_user_model)
    monkeypatch.setattr(EmailMultiAlternatives, "send", _Refusing(ConnectionResetError()))
    queue = f"test-retry-{uuid.uuid4().hex[:8]}"
    broker = redis.Redis.from_url(redis_url)
    # As a worker runs it, taken from `queue`, on its third try.
    send_reminder.push_request(
        id=str(uuid.uuid4()),
        args=[log_id],
        kwargs={},
        retries=2,
        called_directly=False,
        delivery_info={"exchange": "", "routing_key": queue},
    )
    try:
        with pytest.raises(Retry):
            send_reminder.run(log_id)
        (waiting,) = _waiting(broker, queue)
    finally:
        send_reminder.pop_request()
        broker.delete(queue)
    headers = waiting["headers"]
    assert (headers["task"], headers["argsrepr"], headers["retries"]) == (
        "plans.tasks.send_reminder",
        f"({log_id},)",
        3,
    )
    assert headers["eta"]  # backoff: at a time to come, not at once
    log = ReminderLog.objects.get(pk=log_id)
    assert (log.status, log.error) == (ReminderLog.Status.QUEUED, "ConnectionResetError")
    assert ReminderSettings.objects.get().bounce_count == 0


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_takes_back_a_lost_reminder_after_minutes_but_leaves_a_retry_its_wait(
    django_user_model,
):
    _, log_id = _claimed_log(django_user_model)
    three_minutes_ago = timezone.now() - datetime.timedelta(minutes=3)
    for status in (ReminderLog.Status.SENDING, ReminderLog.Status.QUEUED):
        ReminderLog.objects.filter(pk=log_id).update(status=status, updated_at=three_minutes_ago)
        assert reminders.logs_stuck(older_than=reminders.STUCK_AFTER) == [log_id], status
    # Queued again after a temporary mail error: its retry comes within ten minutes.
    ReminderLog.objects.filter(pk=log_id).update(
        status=ReminderLog.Status.QUEUED,
        error="SMTPServerDisconnected",
        updated_at=three_minutes_ago,
    )
    assert reminders.logs_stuck(older_than=reminders.STUCK_AFTER) == []
    ReminderLog.objects.filter(pk=log_id).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    assert reminders.logs_stuck(older_than=reminders.STUCK_AFTER) == [log_id]
