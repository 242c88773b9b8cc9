"""Low-key mode: on by default when an answer signals danger at home, and then
the plan's page title, calendar feed, emails, PDF and download carry none of
the words that could tell someone what the plan is for."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mentors import services as mentor_services
from mentors.models import MentorProfile
from personas.catalogue import get_catalogue as persona_catalogue
from plans import feed, reminder_mail
from plans.catalogue import get_catalogue
from plans.lowkey import PRIVATE_STEP_TITLE, is_private_step
from plans.models import Plan, ReminderLog, ReminderSettings
from tests.factories import ANSWERS, AT_RISK_ANSWERS, build_plan_in, made_by, make_plan

pytestmark = pytest.mark.django_db

# Someone whose partner is a worry and who can still get email: every channel is in use.
PARTNER_EMAIL_SAFE = {**AT_RISK_ANSWERS, "safe_to_email": True, "safe_device": True}
SENSITIVE = re.compile(
    r"little steps|little step\b|safety|secur|hidden app|safer device|record of what happens"
    r"|partner|abus|helpline|refuge|stalk|spy|tracker|someone close|violen",
    re.IGNORECASE,
)


def sensitive_in(text: str) -> list[str]:
    # Addresses are left out: a signed token is random letters and can spell "spy".
    words = re.sub(r"\bhttps?://\S+", " ", text)
    return sorted({m.group(0).lower() for m in SENSITIVE.finditer(words)})


def private_titles(plan: Plan) -> list[str]:
    catalogue = get_catalogue()
    return [
        catalogue.step(row.slug).title
        for row in plan.steps.all()
        if is_private_step(catalogue.step(row.slug))
    ]


@pytest.mark.parametrize(
    ("answers", "low_key"),
    [
        ({**ANSWERS, "adversaries": ["partner"]}, True),
        ({**ANSWERS, "adversaries": ["family"]}, True),
        ({**ANSWERS, "safe_to_email": False}, True),
        ({**ANSWERS, "safe_device": False}, True),
        (ANSWERS, False),
    ],
    ids=["partner", "family", "email-not-safe", "device-not-safe", "scammers-and-thieves"],
)
def test_a_plan_is_low_key_by_default_when_an_answer_signals_danger(answers, low_key):
    assert make_plan(answers).low_key is low_key


def test_a_low_key_plan_page_has_a_neutral_title_and_heading(client):
    plan = make_plan(PARTNER_EMAIL_SAFE)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "<title>My weekly plan</title>" in page
    assert "<h1>My weekly plan</h1>" in page
    head = page[: page.index("<main")]
    assert sensitive_in(head) == [], head
    assert "Low-key mode is on." in page


def test_a_plan_that_is_not_low_key_keeps_its_own_title(client):
    page = client.get(make_plan().get_absolute_url()).content.decode()
    assert "<title>Your plan \N{EN DASH} Little Steps</title>" in page
    assert "Low-key mode is off." in page


def test_the_person_can_turn_low_key_mode_either_way(client):
    plan = made_by(client, make_plan())
    url = reverse("plans:set_low_key", args=[plan.key])

    response = client.post(url, {"low_key": "on"}, follow=True)
    plan.refresh_from_db()
    assert plan.low_key
    assert (
        "Low-key mode is on. Your plan now uses plain, neutral words." in response.content.decode()
    )

    response = client.post(url, {"low_key": "off"}, follow=True)
    plan.refresh_from_db()
    assert not plan.low_key
    assert "Low-key mode is off." in response.content.decode()


def test_a_bad_low_key_choice_changes_nothing_and_says_so(client):
    plan = made_by(client, make_plan(PARTNER_EMAIL_SAFE))
    response = client.post(
        reverse("plans:set_low_key", args=[plan.key]), {"low_key": "maybe"}, follow=True
    )
    assert response.status_code == 200
    assert "That did not work" in response.content.decode()
    plan.refresh_from_db()
    assert plan.low_key


def test_a_low_key_calendar_feed_has_neutral_names_and_no_sensitive_words():
    plan = make_plan(PARTNER_EMAIL_SAFE)
    assert private_titles(plan), "the plan should hold private steps"
    ics = feed.calendar_feed(plan=plan).decode()
    assert "X-WR-CALNAME:My weekly plan" in ics
    assert PRIVATE_STEP_TITLE in ics
    unfolded = ics.replace("\r\n ", "")
    assert sensitive_in(unfolded) == []


def test_the_calendar_feed_of_a_plan_that_is_not_low_key_names_its_steps():
    plan = make_plan(PARTNER_EMAIL_SAFE)
    plan.low_key = False
    ics = feed.calendar_feed(plan=plan).decode().replace("\r\n ", "")
    assert "X-WR-CALNAME:Little Steps" in ics
    assert private_titles(plan)[0] in ics


def _reminder_for(plan: Plan, slug: str):
    log = ReminderLog(pk=1, plan=plan, due_at=timezone.now())
    reminder = ReminderSettings(plan=plan, email="sam@example.org", weekday=0)
    return reminder_mail.reminder_message(log=log, reminder=reminder, slug=slug)


def test_every_reminder_of_a_low_key_plan_has_a_neutral_sender_subject_and_body():
    plan = make_plan(PARTNER_EMAIL_SAFE)
    for row in plan.steps.all():
        message = _reminder_for(plan, row.slug)
        assert message.from_email == "Weekly plan <hello@localhost>"
        assert message.subject == "Your weekly plan: this week's step"
        html = message.alternatives[0][0]
        for text in (message.subject, message.body, html):
            assert sensitive_in(text) == [], (row.slug, text)


def test_a_reminder_of_a_plan_that_is_not_low_key_names_the_step():
    plan = make_plan()
    row = plan.steps.first()
    message = _reminder_for(plan, row.slug)
    assert message.from_email == "Little Steps <hello@localhost>"
    assert get_catalogue().step(row.slug).title in message.subject


def test_the_low_key_sender_address_can_be_a_neutral_one(settings):
    settings.LOW_KEY_FROM_EMAIL = "Anything <notes@example.net>"
    plan = make_plan(PARTNER_EMAIL_SAFE)
    message = _reminder_for(plan, plan.steps.first().slug)
    assert message.from_email == "Weekly plan <notes@example.net>"


def test_a_mentors_note_to_a_low_key_plan_comes_from_a_neutral_sender(django_user_model):
    mentor_user = django_user_model.objects.create_user(email="mentor@example.org")
    mentor = MentorProfile.objects.create(user=mentor_user, display_name="Aunty Mere")
    person = django_user_model.objects.create_user(email="sam@example.org")
    EmailAddress.objects.create(user=person, email="sam@example.org", primary=True, verified=True)
    plan = make_plan(PARTNER_EMAIL_SAFE, owner=person)
    nudge_message = mentor_services._nudge_message
    mentorship = plan.mentorships.model(mentor=mentor, plan=plan, share_progress=True)
    mentorship.save()
    nudge = mentorship.nudges.model(mentorship=mentorship, message="Proud of you")
    nudge.save()
    message = nudge_message(nudge=nudge, to="sam@example.org")
    assert message.from_email == "Weekly plan <hello@localhost>"
    for text in (message.subject, message.body, message.alternatives[0][0]):
        assert sensitive_in(text) == []


def test_the_low_key_pdf_has_none_of_the_sensitive_words(client):
    plan = make_plan(PARTNER_EMAIL_SAFE)
    response = client.get(reverse("plans:pdf", args=[plan.key]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "My weekly plan" in text
    assert sensitive_in(text) == []
    form = client.get(plan.get_absolute_url()).content.decode()
    assert 'name="discreet" value="on" aria-describedby="print-discreet-hint" checked' in form


def test_turning_low_key_off_makes_the_pdf_name_every_step(client):
    plan = made_by(client, make_plan(PARTNER_EMAIL_SAFE))
    client.post(reverse("plans:set_low_key", args=[plan.key]), {"low_key": "off"})
    response = client.get(reverse("plans:pdf", args=[plan.key]))
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "My Little Steps plan" in text


def test_the_low_key_download_is_in_plain_words_with_no_worries_named(client):
    plan = made_by(client, make_plan(PARTNER_EMAIL_SAFE))
    response = client.get(reverse("plans:export_text", args=[plan.key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert 'filename="my-weekly-plan.txt"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert text.startswith("My weekly plan\n")
    assert "Week 1" in text
    assert PRIVATE_STEP_TITLE in text
    assert "leaves out your answers about what worries you" in text
    assert sensitive_in(text) == []
    adversaries = persona_catalogue().adversaries
    for slug in plan.profile["adversaries"]:
        assert adversaries[slug].label not in text


def test_the_download_of_a_plan_that_is_not_low_key_lists_the_worries_in_words(client):
    plan = made_by(client, make_plan())
    text = client.get(reverse("plans:export_text", args=[plan.key])).content.decode()
    assert text.startswith("My Little Steps plan\n")
    assert "What worries you:" in text
    assert persona_catalogue().adversaries["scammers"].label in text


def test_the_raw_data_stays_available_as_the_second_choice(client):
    plan = made_by(client, make_plan(PARTNER_EMAIL_SAFE))
    page = client.get(plan.get_absolute_url()).content.decode()
    assert page.index(reverse("plans:export_text", args=[plan.key])) < page.index(
        reverse("plans:export", args=[plan.key])
    )
    response = client.get(reverse("plans:export", args=[plan.key]))
    assert 'filename="my-data.json"' in response["Content-Disposition"]
    assert response.json()["data"]["plans.plan"][0]["low_key"] is True


def test_the_sign_in_email_after_saving_a_low_key_plan_is_neutral():
    browser = Client(REMOTE_ADDR="10.20.30.40")
    plan = build_plan_in(browser, PARTNER_EMAIL_SAFE)  # only its maker can save it
    mail.outbox.clear()
    browser.post(reverse("plans:save", args=[plan.key]))
    browser.post(reverse("account_login"), {"login": "sam@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Your sign-in code"
    assert message.from_email == "Weekly plan <hello@localhost>"
    assert sensitive_in(message.body) == []


def test_the_sign_in_email_for_anyone_else_keeps_our_name():
    browser = Client(REMOTE_ADDR="10.20.30.41")
    browser.post(reverse("account_login"), {"login": "kim@example.org"})
    (message,) = mail.outbox
    assert message.subject == "Your sign-in code"
    assert message.from_email == "Little Steps <hello@localhost>"
    assert "Little Steps" in message.body


@pytest.mark.parametrize("name", ["plans:reminders", "plans:delete"])
def test_the_other_pages_of_a_low_key_plan_leave_the_apps_name_out_of_the_title(client, name):
    plan = made_by(client, make_plan(PARTNER_EMAIL_SAFE))
    page = client.get(reverse(name, args=[plan.key])).content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "Little Steps" not in title


def test_the_sign_in_email_to_the_owner_of_a_low_key_plan_is_neutral(django_user_model):
    owner = django_user_model.objects.create_user(email="lee@example.org")
    EmailAddress.objects.create(user=owner, email="lee@example.org", primary=True, verified=True)
    make_plan(PARTNER_EMAIL_SAFE, owner=owner)
    Client(REMOTE_ADDR="10.20.30.42").post(reverse("account_login"), {"login": "lee@example.org"})
    (message,) = mail.outbox
    assert message.from_email == "Weekly plan <hello@localhost>"
    assert sensitive_in(message.body) == []
