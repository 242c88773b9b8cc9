"""Kind notes are emailed only where the person turned reminder emails on themselves."""

import pytest
from django.core import mail

from config.emails import TemporaryMailError
from mentors import services
from mentors.models import Nudge
from mentors.tasks import send_nudge_email
from plans.models import ReminderSettings
from tests.factories import AT_RISK_ANSWERS
from tests.helpers import wait_for
from tests.test_mentors_helpers import make_mentor, make_mentorship

pytestmark = pytest.mark.django_db


def turn_on_emails(plan, email="person@example.org") -> None:
    ReminderSettings.objects.create(plan=plan, email=email, active=True)


def test_a_note_is_queued_and_emailed_once_where_the_person_turned_emails_on(
    django_capture_on_commit_callbacks,
):
    mentorship = make_mentorship(make_mentor(name="Aroha"))
    turn_on_emails(mentorship.plan)
    with django_capture_on_commit_callbacks() as callbacks:
        nudge = services.nudge_send(mentorship=mentorship, message="Kia kaha, you can do it.")
    assert len(callbacks) == 1
    assert services.nudge_email_send(nudge_id=nudge.pk) == "sent"
    assert services.nudge_email_send(nudge_id=nudge.pk) == "skipped"
    (email,) = mail.outbox
    assert email.to == ["person@example.org"]
    assert email.subject == "A kind note from Aroha"
    assert "Kia kaha, you can do it." in email.body
    assert mentorship.plan.get_absolute_url() in email.body
    assert "List-Unsubscribe" in email.extra_headers
    html = email.alternatives[0][0]
    assert "Kia kaha, you can do it." in html and "style=" not in html
    nudge.refresh_from_db()
    assert nudge.emailed_at is not None


@pytest.mark.parametrize("case", ["no settings", "reminders off", "email not safe"])
def test_a_note_is_not_emailed_unless_the_person_asked_for_emails(
    case, django_capture_on_commit_callbacks
):
    answers = AT_RISK_ANSWERS if case == "email not safe" else None
    mentorship = make_mentorship(make_mentor(), answers=answers)
    if case != "no settings":
        ReminderSettings.objects.create(
            plan=mentorship.plan, email="p@example.org", active=case == "email not safe"
        )
    with django_capture_on_commit_callbacks() as callbacks:
        nudge = services.nudge_send(mentorship=mentorship, message="Hello")
    assert callbacks == []
    assert services.nudge_email_send(nudge_id=nudge.pk) == "skipped"
    assert mail.outbox == []


def test_a_note_is_not_emailed_once_sharing_has_stopped():
    mentorship = make_mentorship(make_mentor())
    turn_on_emails(mentorship.plan)
    nudge = services.nudge_send(mentorship=mentorship, message="Hello")
    services.mentorship_set_sharing(mentorship=mentorship, share=False)
    assert services.nudge_email_send(nudge_id=nudge.pk) == "skipped"
    assert mail.outbox == []


def test_a_mail_server_that_is_down_leaves_the_note_to_be_tried_again(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    mentorship = make_mentorship(make_mentor())
    turn_on_emails(mentorship.plan)
    nudge = services.nudge_send(mentorship=mentorship, message="Hello")
    with pytest.raises(TemporaryMailError):
        services.nudge_email_send(nudge_id=nudge.pk)
    nudge.refresh_from_db()
    assert nudge.emailed_at is None


@pytest.mark.redis
@pytest.mark.slow
def test_a_real_worker_emails_the_note_from_the_queue(start_worker):
    mentorship = make_mentorship(make_mentor())
    turn_on_emails(mentorship.plan)
    nudge = services.nudge_send(mentorship=mentorship, message="Hello from the queue")
    start_worker(extra_env={"EMAIL_URL": "dummymail://"})
    send_nudge_email.apply_async((nudge.pk,), queue=start_worker.queue)
    assert wait_for(
        lambda: Nudge.objects.filter(pk=nudge.pk, emailed_at__isnull=False).exists(), timeout=30
    )
